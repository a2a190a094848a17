/* SPDX-License-Identifier: MIT */
/*
 * Boot-time physical page allocator (see palloc.h for the interface).
 *
 * The free list is a small sorted array of disjoint page-aligned ranges.
 * Reserving may split a range in two; when the array is full the
 * smaller piece is given up (counted in lost_bytes), which only wastes
 * memory, never hands out reserved memory.
 */
#include "palloc.h"

static void palloc_remove(struct palloc *pa, size_t i)
{
    for (; i + 1 < pa->count; i++)
        pa->free[i] = pa->free[i + 1];
    pa->count--;
}

/* Insert keeping the array sorted; gives up the smallest piece if full. */
static void palloc_insert(struct palloc *pa, uint64_t base, uint64_t end)
{
    if (pa->count == PALLOC_MAX_RANGES) {
        size_t small = 0;
        for (size_t i = 1; i < pa->count; i++)
            if (pa->free[i].end - pa->free[i].base <
                pa->free[small].end - pa->free[small].base)
                small = i;
        if (end - base <= pa->free[small].end - pa->free[small].base) {
            pa->lost_bytes += end - base;
            return;
        }
        pa->lost_bytes += pa->free[small].end - pa->free[small].base;
        palloc_remove(pa, small);
    }
    size_t i = pa->count;
    while (i > 0 && pa->free[i - 1].base > base) {
        pa->free[i] = pa->free[i - 1];
        i--;
    }
    pa->free[i] = (struct palloc_range){ base, end };
    pa->count++;
}

void palloc_init(struct palloc *pa, const struct ks_mem_region *map, size_t count)
{
    pa->count = 0;
    pa->lost_bytes = 0;
    for (size_t i = 0; i < count; i++) {
        if (map[i].type != KS_MEM_USABLE)
            continue;
        uint64_t base = map[i].base, end = map[i].base + map[i].length;
        if (end < base)
            end = UINT64_MAX;
        base = base < PALLOC_LOW_LIMIT ? PALLOC_LOW_LIMIT : base;
        end = end > PALLOC_HIGH_LIMIT ? PALLOC_HIGH_LIMIT : end;
        base = (base + PALLOC_PAGE - 1) & ~(PALLOC_PAGE - 1);
        end &= ~(PALLOC_PAGE - 1);
        if (base < end)
            palloc_insert(pa, base, end);
    }
    /* Overlapping input would hand out a page twice: clip each range to
     * start after the previous one (a normalised map never needs it). */
    for (size_t i = 1; i < pa->count; i++) {
        if (pa->free[i].base < pa->free[i - 1].end)
            pa->free[i].base = pa->free[i - 1].end;
        if (pa->free[i].end <= pa->free[i].base) {
            palloc_remove(pa, i);
            i--;
        }
    }
}

void palloc_reserve(struct palloc *pa, uint64_t base, uint64_t end)
{
    base &= ~(PALLOC_PAGE - 1);
    end = end > UINT64_MAX - PALLOC_PAGE ? UINT64_MAX & ~(PALLOC_PAGE - 1)
                                         : (end + PALLOC_PAGE - 1) & ~(PALLOC_PAGE - 1);
    for (size_t i = 0; i < pa->count; i++) {
        struct palloc_range r = pa->free[i];
        if (end <= r.base || base >= r.end)
            continue;
        palloc_remove(pa, i);
        if (r.base < base)
            palloc_insert(pa, r.base, base);
        if (end < r.end)
            palloc_insert(pa, end, r.end);
        i = (size_t)-1; /* the array changed: rescan from the start */
    }
}

uint64_t palloc_alloc(struct palloc *pa, uint64_t pages)
{
    if (pages == 0 || pages > (PALLOC_HIGH_LIMIT / PALLOC_PAGE))
        return 0;
    uint64_t bytes = pages * PALLOC_PAGE;
    for (size_t i = 0; i < pa->count; i++) {
        struct palloc_range *r = &pa->free[i];
        if (r->end - r->base < bytes)
            continue;
        uint64_t got = r->base;
        r->base += bytes;
        if (r->base == r->end)
            palloc_remove(pa, i);
        return got;
    }
    return 0;
}

uint64_t palloc_free_bytes(const struct palloc *pa)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < pa->count; i++)
        sum += pa->free[i].end - pa->free[i].base;
    return sum;
}
