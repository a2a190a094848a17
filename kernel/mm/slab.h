/* SPDX-License-Identifier: MIT */
/*
 * Kernel heap internals shared by slab.c, slab_debug.c, kmalloc.c and the
 * page source (heap_pages.c in the kernel, a fake in the host tests).
 *
 * Every heap block (a slab or a large kmalloc block) starts with a
 * struct heap_block at an address aligned to the block's size class, so
 * the block holding any object is found in O(1) by masking the object's
 * address.  The slab logic is pure: it reaches memory only through the
 * four slab_pages_* / slab_report hooks below, so the host tests run it
 * on a malloc'd arena.  Locking: one CPU for now (see heap.h).
 */
#ifndef KESTREL_MM_SLAB_H
#define KESTREL_MM_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/heap.h"

#define SLAB_PAGE_SIZE      4096u
#define SLAB_MAX_PAGES      16u    /* largest slab: 64 KiB */
/* kmalloc slabs and large blocks share one alignment, so kfree finds
 * either header by masking the pointer with it. */
#define HEAP_GRANULE_PAGES  4u
#define HEAP_GRANULE        (HEAP_GRANULE_PAGES * SLAB_PAGE_SIZE)

#define HEAP_BLOCK_MAGIC    0x4b484550u  /* "KHEP" */
enum heap_block_kind {
    HEAP_BLOCK_SLAB = 1,
    HEAP_BLOCK_LARGE_LIVE,
    HEAP_BLOCK_LARGE_FREED,  /* kept until the frames are reused: double frees */
};

struct heap_block {
    uint32_t magic;
    uint32_t kind;
};

/* A slab: this header, then slots from cache->first_slot on.  Slots are
 * carved lazily (the next never-used one is first_slot + carved *
 * slot_size) so a new slab costs O(1); freed slots form a LIFO list. */
struct slab {
    struct heap_block block;
    uint32_t in_use;          /* live objects */
    uint32_t carved;          /* slots ever handed out */
    struct slab_cache *cache;
    struct slab *prev, *next; /* on cache->partial or cache->full */
    void *free_slots;         /* slot addresses; link: see slab_slot_next */
};

/* cache->flags */
#define SLAB_CACHE_KMALLOC  (1u << 0)  /* objects may be freed by kfree */

/* Take and give back objects without the public wrappers' checks of the
 * cache pointer.  requested (<= object_size) is what a kmalloc caller
 * asked for: debug builds guard the bytes past it like a red zone. */
void *slab_cache_take(struct slab_cache *cache, size_t requested, const char *site);
void slab_cache_give(struct slab_cache *cache, struct slab *slab, void *object,
                     const char *site);
int slab_cache_init_pages(struct slab_cache *cache, const char *name, size_t object_size,
                          size_t align, unsigned slab_pages, unsigned flags);
/* The slab header for an object of cache (mask by the slab size). */
static inline struct slab *slab_of(const struct slab_cache *cache, const void *object)
{
    uintptr_t mask = (uintptr_t)cache->slab_pages * SLAB_PAGE_SIZE - 1;
    return (struct slab *)((uintptr_t)object & ~mask);
}
/* First cache in the registry heap_check walks. */
struct slab_cache *slab_cache_list(void);

/* Page source.  pages contiguous frames whose first address is a multiple
 * of align (a power of two >= SLAB_PAGE_SIZE), or NULL when none are left.  The kernel's
 * takes PMM frames (owner PMM_OWNER_HEAP) through the direct map. */
void *slab_pages_alloc(size_t pages, size_t align);
void slab_pages_free(void *base, size_t pages);
/* Copy len bytes from addr, 0, or negative if addr is not readable
 * memory (debug checks of pointers the heap may never have handed out). */
int slab_pages_read(const void *addr, void *out, size_t len);
/* A corruption report (one line, no newline).  The kernel panics; the
 * host tests record it and return, and the heap then leaves the object
 * as it was. */
void slab_report(const char *message);

#ifdef KESTREL_DEBUG
/* Per-slot bookkeeping of debug builds, at the start of every slot:
 *   [struct slab_slot_meta][left red zone][object][slack + right red zone] */
struct slab_slot_meta {
    void *next_free;
    const char *alloc_site;
    const char *free_site;
    uint32_t state;           /* SLAB_SLOT_LIVE or SLAB_SLOT_FREE */
    uint32_t requested;
};
#define SLAB_SLOT_LIVE      0x4c495645u  /* "LIVE" */
#define SLAB_SLOT_FREE      0x46524545u  /* "FREE" */
#define SLAB_RED_ZONE       16u
#define SLAB_RED_ZONE_BYTE  0xfbu
#define SLAB_POISON_BYTE    0x6bu

/* slab_debug.c: fill a never-used slot; check and mark a slot on the way
 * out (a freed one must still hold its poison); check a free (false: it
 * was reported and the object must stay as it is). */
void slab_debug_carve(const struct slab_cache *cache, uint8_t *slot);
void slab_debug_on_alloc(const struct slab_cache *cache, uint8_t *slot, size_t requested,
                         const char *site);
bool slab_debug_on_free(const struct slab_cache *cache, const void *object, const char *site);
/* Check every free slot of an empty slab before its frames go back. */
void slab_debug_check_slab(const struct slab_cache *cache, const struct slab *slab);
/* True if the n bytes at p all hold byte. */
bool slab_debug_filled(const uint8_t *p, size_t n, uint8_t byte);
/* Report `heap: <what> of <size>-byte object at <addr> (cache <name>)
 * allocated at <site>[, freed at <site>]<tail>`. */
void slab_debug_report(const char *what, size_t size, const void *object, const char *cache,
                       const char *alloc_site, const char *free_site, const char *tail,
                       const char *tail_site);
/* kmalloc.c: the guards of every live large block, as heap_check does. */
unsigned kmalloc_debug_check_large(void);
/* Report `heap: invalid free of pointer <addr> (cache <name>): <why>, at <site>`. */
void slab_debug_invalid_free(const void *pointer, const char *cache, const char *why,
                             const char *site);
#endif

/* Walk every slot of every slab cache: red zones of live objects, poison
 * of freed ones.  Returns the problems found (each one
 * reported); always 0 without KESTREL_DEBUG. */
unsigned heap_check(void);

#endif /* KESTREL_MM_SLAB_H */
