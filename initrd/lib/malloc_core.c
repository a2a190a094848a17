/* SPDX-License-Identifier: MIT */
/*
 * The allocator's core; see ks_heap.h.  Pure logic (standard headers
 * only): the unit tests build it on the host.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "ks_heap.h"

#define MAGIC_USED  0x4b53616cu         /* "KSal" */
#define MAGIC_FREE  0x4b534672u         /* "KSFr" */
#define MAGIC_LARGE 0x4b534c67u         /* "KSLg" */
#define HDR 16u

static const uint32_t class_size[KS_HEAP_CLASSES] = {
    16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
    3072, 4096, 6144, 8192, 12288, 16384, 24576, 32768,
};

/* Right before every block. */
struct block_hdr {
    uint32_t magic;
    uint32_t klass;                     /* size class, or ~0 for large */
    uint64_t size;                      /* large: bytes asked for */
};

/* At the start of a chunk; blocks follow at first, each slot HDR +
 * class size bytes. */
struct ks_heap_chunk {
    struct ks_heap_chunk *next;
    uintptr_t first, end;               /* slots live in [first, end) */
    uintptr_t bump;                     /* slots below were handed out */
    uint32_t klass;
    uint32_t slot;
    uint64_t reserved;
};

/* At the start of a large block's pages; the block's header sits
 * right before the block, at map + LARGE_OFFSET - HDR. */
struct ks_heap_large {
    struct ks_heap_large *next, *prev;
    size_t map_bytes;
    uint64_t reserved;
};

#define LARGE_OFFSET (sizeof(struct ks_heap_large) + HDR)

_Static_assert(sizeof(struct block_hdr) == HDR, "header is 16 bytes");
_Static_assert(sizeof(struct ks_heap_chunk) % KS_HEAP_ALIGN == 0, "chunk header aligned");
_Static_assert(LARGE_OFFSET % KS_HEAP_ALIGN == 0, "large block aligned");

void ks_heap_init(struct ks_heap *h, const struct ks_heap_pages *pages)
{
    memset(h, 0, sizeof(*h));
    h->pages = *pages;
}

static int class_of(size_t size)
{
    for (unsigned i = 0; i < KS_HEAP_CLASSES; i++)
        if (size <= class_size[i])
            return (int)i;
    return -1;
}

static struct block_hdr *hdr_of(const void *p)
{
    return (struct block_hdr *)((uintptr_t)p - HDR);
}

/* Chunks double in size every 16 chunks, up to 32 times the first, and
 * hold at least 8 blocks. */
static size_t chunk_bytes(const struct ks_heap *h, unsigned klass)
{
    size_t shift = h->chunk_count / 16 < 5 ? h->chunk_count / 16 : 5;
    size_t bytes = (size_t)KS_HEAP_CHUNK << shift;
    while (bytes < 8 * (HDR + class_size[klass]) + sizeof(struct ks_heap_chunk))
        bytes *= 2;
    return bytes;
}

static struct ks_heap_chunk *chunk_new(struct ks_heap *h, unsigned klass)
{
    size_t bytes = chunk_bytes(h, klass);
    struct ks_heap_chunk *c = h->pages.get(bytes, h->pages.ctx);
    if (!c)
        return NULL;
    c->klass = klass;
    c->slot = HDR + class_size[klass];
    c->first = (uintptr_t)c + sizeof(*c);
    c->end = (uintptr_t)c + bytes;
    c->bump = c->first;
    c->next = h->chunks;
    h->chunks = c;
    h->chunk_count++;
    return c;
}

static void *small_alloc(struct ks_heap *h, unsigned klass)
{
    struct block_hdr *b;
    void *p = h->free_list[klass];
    if (p) {
        h->free_list[klass] = *(void **)p;
        b = hdr_of(p);
    } else {
        /* Carve from the class's current chunk, or a new one. */
        struct ks_heap_chunk *c = h->current[klass];
        if (!c || c->bump + c->slot > c->end) {
            if (!(c = chunk_new(h, klass)))
                return NULL;
            h->current[klass] = c;
        }
        b = (struct block_hdr *)c->bump;
        c->bump += c->slot;
        p = (void *)((uintptr_t)b + HDR);
    }
    b->magic = MAGIC_USED;
    b->klass = klass;
    b->size = 0;
    h->small_live++;
    return p;
}

static void *large_alloc(struct ks_heap *h, size_t size)
{
    size_t page = h->pages.page_size ? h->pages.page_size : 4096;
    if (size > SIZE_MAX / 2)
        return NULL;
    size_t bytes = (size + LARGE_OFFSET + page - 1) / page * page;
    struct ks_heap_large *l = h->pages.get(bytes, h->pages.ctx);
    if (!l)
        return NULL;
    l->map_bytes = bytes;
    l->prev = NULL;
    l->next = h->large;
    if (h->large)
        h->large->prev = l;
    h->large = l;
    void *p = (void *)((uintptr_t)l + LARGE_OFFSET);
    struct block_hdr *b = hdr_of(p);
    b->magic = MAGIC_LARGE;
    b->klass = ~0u;
    b->size = size;
    h->large_live++;
    return p;
}

void *ks_heap_alloc(struct ks_heap *h, size_t size)
{
    int klass = class_of(size);
    return klass >= 0 ? small_alloc(h, (unsigned)klass) : large_alloc(h, size);
}

static struct ks_heap_large *large_find(struct ks_heap *h, const void *p)
{
    for (struct ks_heap_large *l = h->large; l; l = l->next)
        if ((uintptr_t)l + LARGE_OFFSET == (uintptr_t)p)
            return l;
    return NULL;
}

/* The chunk p is a block of (at a slot boundary), or NULL. */
static struct ks_heap_chunk *chunk_find(struct ks_heap *h, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    struct ks_heap_chunk *c = h->last_hit;
    if (!c || a < c->first || a >= c->bump) {
        for (c = h->chunks; c; c = c->next)
            if (a >= c->first && a < c->bump)
                break;
        if (!c)
            return NULL;
        h->last_hit = c;
    }
    if ((a - c->first) % c->slot != HDR)
        return NULL;
    return c;
}

enum ks_heap_status ks_heap_free(struct ks_heap *h, void *p)
{
    if (!p)
        return KS_HEAP_OK;
    if ((uintptr_t)p % KS_HEAP_ALIGN)
        return KS_HEAP_BAD_POINTER;
    struct ks_heap_chunk *c = chunk_find(h, p);
    if (c) {
        struct block_hdr *b = hdr_of(p);
        if (b->magic == MAGIC_FREE)
            return KS_HEAP_DOUBLE_FREE;
        if (b->magic != MAGIC_USED || b->klass != c->klass)
            return KS_HEAP_BAD_POINTER;
        b->magic = MAGIC_FREE;
        *(void **)p = h->free_list[c->klass];
        h->free_list[c->klass] = p;
        h->small_live--;
        return KS_HEAP_OK;
    }
    struct ks_heap_large *l = large_find(h, p);
    if (!l)
        return KS_HEAP_BAD_POINTER;
    if (hdr_of(p)->magic != MAGIC_LARGE)
        return KS_HEAP_BAD_POINTER;
    if (l->prev)
        l->prev->next = l->next;
    else
        h->large = l->next;
    if (l->next)
        l->next->prev = l->prev;
    h->large_live--;
    h->pages.put(l, l->map_bytes, h->pages.ctx);
    return KS_HEAP_OK;
}

size_t ks_heap_usable(struct ks_heap *h, const void *p)
{
    (void)h;
    struct block_hdr *b = hdr_of(p);
    if (b->magic == MAGIC_LARGE) {
        const struct ks_heap_large *l =
            (const struct ks_heap_large *)((uintptr_t)p - LARGE_OFFSET);
        return l->map_bytes - LARGE_OFFSET;
    }
    return class_size[b->klass];
}

void *ks_heap_realloc(struct ks_heap *h, void *p, size_t size, enum ks_heap_status *status)
{
    *status = KS_HEAP_OK;
    if (!p)
        return ks_heap_alloc(h, size);
    /* Validate p as free would, without freeing it. */
    if ((uintptr_t)p % KS_HEAP_ALIGN) {
        *status = KS_HEAP_BAD_POINTER;
        return NULL;
    }
    struct ks_heap_chunk *c = chunk_find(h, p);
    size_t usable;
    if (c) {
        uint32_t magic = hdr_of(p)->magic;
        if (magic != MAGIC_USED) {
            *status = magic == MAGIC_FREE ? KS_HEAP_DOUBLE_FREE : KS_HEAP_BAD_POINTER;
            return NULL;
        }
        usable = class_size[c->klass];
        /* Keep the block unless it would waste more than half of it. */
        if (size <= usable && (size > usable / 2 || c->klass == 0))
            return p;
    } else {
        struct ks_heap_large *l = large_find(h, p);
        if (!l) {
            *status = KS_HEAP_BAD_POINTER;
            return NULL;
        }
        usable = l->map_bytes - LARGE_OFFSET;
        if (size <= usable && size > KS_HEAP_SMALL_MAX && size > usable / 2) {
            hdr_of(p)->size = size;
            return p;
        }
    }
    void *q = ks_heap_alloc(h, size);
    if (!q)
        return NULL;
    memcpy(q, p, size < usable ? size : usable);
    ks_heap_free(h, p);
    return q;
}

void *ks_heap_calloc(struct ks_heap *h, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = ks_heap_alloc(h, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}
