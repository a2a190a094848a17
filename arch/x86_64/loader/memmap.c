/* SPDX-License-Identifier: MIT */
/*
 * Memory-map normalisation (see memmap.h for the interface and the
 * overflow policy).
 *
 * Method: every region is first made page-granular, its start and end
 * become boundary points, the points are sorted and de-duplicated, and
 * each elementary interval between two neighbouring points takes the
 * highest type of the regions covering it.  Intervals are emitted in
 * address order, merging with the previous one when it touches and has
 * the same type.  Quadratic in the number of inputs, which is a few
 * hundred at most, and needs no allocation.
 */
#include <stdbool.h>

#include "memmap.h"

#define MEMMAP_LAST_PAGE (UINT64_MAX & ~(MEMMAP_PAGE - 1))

static uint32_t memmap_type(uint32_t type)
{
    return type >= KS_MEM_USABLE && type <= KS_MEM_KERNEL ? type : KS_MEM_RESERVED;
}

int memmap_region_bounds(const struct ks_mem_region *r, uint64_t *start, uint64_t *end)
{
    if (r->length == 0)
        return 0;
    uint64_t lo = r->base;
    /* A region running past 2^64 is clipped: an exclusive end cannot
     * name the last page, and no firmware describes it anyway. */
    uint64_t hi = r->length > UINT64_MAX - lo ? UINT64_MAX : lo + r->length;
    if (memmap_type(r->type) == KS_MEM_USABLE) {
        if (lo > MEMMAP_LAST_PAGE)
            return 0;
        lo = (lo + MEMMAP_PAGE - 1) & ~(MEMMAP_PAGE - 1);
        hi &= ~(MEMMAP_PAGE - 1);
    } else {
        lo &= ~(MEMMAP_PAGE - 1);
        hi = hi > MEMMAP_LAST_PAGE ? MEMMAP_LAST_PAGE
                                   : (hi + MEMMAP_PAGE - 1) & ~(MEMMAP_PAGE - 1);
    }
    if (hi <= lo)
        return 0;
    *start = lo;
    *end = hi;
    return 1;
}

static size_t memmap_collect_points(const struct ks_mem_region *in, size_t in_count,
                                    struct memmap_point *pts, size_t *ignored)
{
    size_t n = 0;
    for (size_t i = 0; i < in_count; i++) {
        uint64_t lo, hi;
        if (!memmap_region_bounds(&in[i], &lo, &hi)) {
            (*ignored)++;
            continue;
        }
        pts[n++].addr = lo;
        pts[n++].addr = hi;
    }
    /* Insertion sort: inputs are few and often nearly sorted already. */
    for (size_t i = 1; i < n; i++) {
        uint64_t v = pts[i].addr;
        size_t j = i;
        while (j > 0 && pts[j - 1].addr > v) {
            pts[j] = pts[j - 1];
            j--;
        }
        pts[j].addr = v;
    }
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || pts[u - 1].addr != pts[i].addr)
            pts[u++] = pts[i];
    return u;
}

static uint32_t memmap_cover_type(const struct ks_mem_region *in, size_t in_count,
                                  uint64_t lo, uint64_t hi)
{
    uint32_t best = 0;
    for (size_t i = 0; i < in_count; i++) {
        uint64_t s, e;
        if (!memmap_region_bounds(&in[i], &s, &e) || s > lo || e < hi)
            continue;
        uint32_t t = memmap_type(in[i].type);
        if (t > best)
            best = t;
    }
    return best;
}

static bool memmap_is_firmware(uint32_t type)
{
    return type <= KS_MEM_RESERVED;
}

/* Append [lo, hi) of type to out, merging or applying the overflow
 * policy; *count is the number of entries in out. */
static void memmap_emit(struct ks_mem_region *out, size_t out_max, size_t *count,
                        uint64_t lo, uint64_t hi, uint32_t type,
                        struct memmap_stats *stats)
{
    if (*count > 0) {
        struct ks_mem_region *last = &out[*count - 1];
        if (last->type == type && last->base + last->length == lo) {
            last->length = hi - last->base;
            return;
        }
    }
    stats->needed++;
    if (*count < out_max) {
        out[(*count)++] = (struct ks_mem_region){ .base = lo, .length = hi - lo, .type = type };
        return;
    }
    /* Full: drop the smallest firmware region among those kept and the
     * newcomer; if there is none, the newcomer is handed-over and lost. */
    size_t victim = out_max;
    uint64_t victim_len = memmap_is_firmware(type) ? hi - lo : UINT64_MAX;
    for (size_t i = 0; i < *count; i++)
        if (memmap_is_firmware(out[i].type) && out[i].length < victim_len) {
            victim = i;
            victim_len = out[i].length;
        }
    if (victim == out_max) {
        if (memmap_is_firmware(type))
            stats->dropped++;
        else
            stats->lost++;
        return;
    }
    for (size_t i = victim; i + 1 < *count; i++)
        out[i] = out[i + 1];
    out[*count - 1] = (struct ks_mem_region){ .base = lo, .length = hi - lo, .type = type };
    stats->dropped++;
}

size_t memmap_normalise(const struct ks_mem_region *in, size_t in_count,
                        struct ks_mem_region *out, size_t out_max,
                        struct memmap_point *scratch, struct memmap_stats *stats)
{
    *stats = (struct memmap_stats){ 0 };
    size_t npts = memmap_collect_points(in, in_count, scratch, &stats->ignored);
    size_t count = 0;
    for (size_t i = 0; i + 1 < npts; i++) {
        uint64_t lo = scratch[i].addr, hi = scratch[i + 1].addr;
        uint32_t type = memmap_cover_type(in, in_count, lo, hi);
        if (type != 0)
            memmap_emit(out, out_max, &count, lo, hi, type, stats);
    }
    return count;
}

uint64_t memmap_usable_bytes(const struct ks_mem_region *map, size_t count)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < count; i++)
        if (map[i].type == KS_MEM_USABLE)
            sum += map[i].length;
    return sum;
}

uint64_t memmap_top(const struct ks_mem_region *map, size_t count)
{
    uint64_t top = 0;
    for (size_t i = 0; i < count; i++) {
        uint64_t end = map[i].base + map[i].length;
        if (map[i].type != KS_MEM_RESERVED && end > top)
            top = end;
    }
    return top;
}
