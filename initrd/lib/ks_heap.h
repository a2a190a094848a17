/* SPDX-License-Identifier: MIT */
/*
 * The allocator's core (malloc_core.c): pure logic over a page provider,
 * so the host unit tests run it on fake pages.  malloc.c feeds it memory
 * objects and adds the lock and the abort on a bad free.
 *
 * Small blocks (up to KS_HEAP_SMALL_MAX bytes) come from chunks of
 * KS_HEAP_CHUNK bytes or more, each chunk serving one size class; a freed small
 * block goes on its class's free list.  A larger block gets pages of its
 * own, returned to the provider when freed.  Every block has a 16-byte
 * header right before it, and is 16-byte aligned.  free checks that the
 * pointer lies at a block of a chunk or is a live large block before it
 * reads the header, so a wild or repeated free is reported, never
 * followed.  Not thread-safe: the caller locks.
 */
#ifndef KS_HEAP_H
#define KS_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* The first chunks; later ones grow (up to 32 times) so that a big heap
 * needs few mappings (the kernel allows a process 1,024). */
#define KS_HEAP_CHUNK     (64u * 1024u)
#define KS_HEAP_SMALL_MAX (32u * 1024u)
#define KS_HEAP_CLASSES   22u
#define KS_HEAP_ALIGN     16u

/* get: bytes (a multiple of the page size) of zeroed, page-aligned
 * memory, or NULL; put: give back what get returned, whole. */
struct ks_heap_pages {
    void *(*get)(size_t bytes, void *ctx);
    void (*put)(void *addr, size_t bytes, void *ctx);
    void *ctx;
    size_t page_size;
};

struct ks_heap_chunk;
struct ks_heap_large;

struct ks_heap {
    struct ks_heap_pages pages;
    void *free_list[KS_HEAP_CLASSES];
    struct ks_heap_chunk *chunks;
    struct ks_heap_chunk *current[KS_HEAP_CLASSES];  /* carving from */
    struct ks_heap_chunk *last_hit;     /* the chunk free found last */
    struct ks_heap_large *large;
    size_t chunk_count;
    size_t small_live, large_live;      /* blocks in use */
};

enum ks_heap_status {
    KS_HEAP_OK = 0,
    KS_HEAP_BAD_POINTER = 1,            /* not a block this heap gave */
    KS_HEAP_DOUBLE_FREE = 2             /* a block already free */
};

void ks_heap_init(struct ks_heap *h, const struct ks_heap_pages *pages);
/* NULL when out of memory (or size absurdly large); size 0 gives a
 * unique minimal block. */
void *ks_heap_alloc(struct ks_heap *h, size_t size);
/* NULL is fine (KS_HEAP_OK). */
enum ks_heap_status ks_heap_free(struct ks_heap *h, void *p);
/* NULL with *status KS_HEAP_OK when out of memory (p stays valid). */
void *ks_heap_realloc(struct ks_heap *h, void *p, size_t size, enum ks_heap_status *status);
/* NULL when count * size overflows or memory runs out. */
void *ks_heap_calloc(struct ks_heap *h, size_t count, size_t size);
/* Bytes usable at p (a live block). */
size_t ks_heap_usable(struct ks_heap *h, const void *p);

#endif /* KS_HEAP_H */
