/* SPDX-License-Identifier: MIT */
/*
 * A fake page source for the host tests of the kernel heap: the slab
 * code's page hooks (kernel/mm/slab.h) served from a malloc'd arena of
 * ARENA_PAGES frames, with a settable limit to simulate running out.
 * Define ARENA_PAGES before including; include once per test program.
 * fake_pages_reset(fill) empties the arena and fills it with a byte, as
 * free RAM holds junk; a free of a page the heap does not hold aborts.
 */
#ifndef KESTREL_TESTS_FAKE_PAGES_H
#define KESTREL_TESTS_FAKE_PAGES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/slab.h"

#ifndef ARENA_PAGES
#error "define ARENA_PAGES before including fake_pages.h"
#endif

static uint8_t *arena;
static uint8_t page_used[ARENA_PAGES];
static size_t pages_in_use, page_limit = ARENA_PAGES;

void *slab_pages_alloc(size_t pages, size_t align)
{
    size_t step = align / SLAB_PAGE_SIZE;
    if (pages == 0 || pages_in_use + pages > page_limit)
        return NULL;
    for (size_t first = 0; first + pages <= ARENA_PAGES; first += step) {
        size_t n = 0;
        while (n < pages && !page_used[first + n])
            n++;
        if (n == pages) {
            memset(page_used + first, 1, pages);
            pages_in_use += pages;
            return arena + first * SLAB_PAGE_SIZE;
        }
    }
    return NULL;
}

void slab_pages_free(void *base, size_t pages)
{
    size_t first = (size_t)((uint8_t *)base - arena) / SLAB_PAGE_SIZE;
    for (size_t i = 0; i < pages; i++) {
        if (!page_used[first + i])
            abort();  /* the heap gave back a frame it did not hold */
        page_used[first + i] = 0;
    }
    pages_in_use -= pages;
}

int slab_pages_read(const void *addr, void *out, size_t len)
{
    const uint8_t *p = addr;
    if (p < arena || p + len > arena + (size_t)ARENA_PAGES * SLAB_PAGE_SIZE)
        return -1;
    memcpy(out, p, len);
    return 0;
}

static void fake_pages_reset(uint8_t fill)
{
    if (!arena) {
        arena = aligned_alloc(HEAP_GRANULE * 4, (size_t)ARENA_PAGES * SLAB_PAGE_SIZE);
        if (!arena)
            abort();
    }
    memset(arena, fill, (size_t)ARENA_PAGES * SLAB_PAGE_SIZE);
    memset(page_used, 0, sizeof(page_used));
    pages_in_use = 0;
    page_limit = ARENA_PAGES;
}

#endif /* KESTREL_TESTS_FAKE_PAGES_H */
