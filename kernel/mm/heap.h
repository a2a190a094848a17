/* SPDX-License-Identifier: MIT */
/*
 * Kernel heap: slab object caches and kmalloc size classes, built on PMM
 * frames reached through the direct map.
 *
 *   slab_cache_init(cache, name, size, align)  a cache of fixed-size objects
 *   slab_alloc(cache) / slab_free(cache, obj)  O(1); NULL when out of memory
 *   kmalloc(size) / kfree(ptr)                 size classes 16 B .. 2 KiB from
 *                                              slabs; larger from contiguous
 *                                              frames; kmalloc(0) = NULL
 *   heap_init()                                the kmalloc caches
 *
 * A slab whose objects are all free goes back to the PMM at once, so the
 * free-frame count returns to where it was after every balanced test.
 * Allocation failure returns NULL (never a crash); callers turn that into
 * -KS_ERR_NO_MEMORY.  Nothing here may be called on a real-time path
 * (scheduler pick, IPC fast path): those use objects allocated in advance.
 *
 * Debug builds (KESTREL_DEBUG, the default; `make DEBUG=0` for none) put
 * red zones around every object and poison freed ones, and record where
 * each object was allocated and freed: an overflow into a red zone, a
 * write after free or a double free is reported with those sites and
 * stops the kernel (a broken kernel invariant), and freeing a pointer the
 * heap never gave out is reported too.  Locking: one CPU for now.
 */
#ifndef KESTREL_MM_HEAP_H
#define KESTREL_MM_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct slab;  /* private to slab.c */

struct slab_cache {
    const char *name;
    size_t object_size;      /* as asked */
    size_t slot_size;        /* object + red zones + bookkeeping, aligned */
    size_t align;
    unsigned slots_per_slab;
    unsigned slab_pages;     /* frames per slab; slabs are aligned to their size */
    size_t object_offset;    /* object start within its slot (debug bookkeeping) */
    size_t first_slot;       /* first slot's offset from the slab's start */
    unsigned flags;          /* private to slab.c */
    struct slab *partial;    /* slabs with free slots */
    struct slab *full;
    uint64_t live_objects;
    uint64_t slab_count;
    struct slab_cache *next_cache;  /* every initialised cache, for heap_check */
};

int slab_cache_init(struct slab_cache *cache, const char *name, size_t object_size, size_t align);
/* Release every empty slab; -KS_ERR_INVALID_ARGUMENT if objects are still live. */
int slab_cache_fini(struct slab_cache *cache);

void *slab_alloc_at(struct slab_cache *cache, const char *site);
void slab_free_at(struct slab_cache *cache, void *object, const char *site);
void *kmalloc_at(size_t size, const char *site);
void kfree_at(void *ptr, const char *site);

/* The call site ("file:line") is recorded in debug builds. */
#define HEAP_SITE_STR2(x) #x
#define HEAP_SITE_STR(x) HEAP_SITE_STR2(x)
#define HEAP_SITE __FILE__ ":" HEAP_SITE_STR(__LINE__)
#define slab_alloc(cache)      slab_alloc_at((cache), HEAP_SITE)
#define slab_free(cache, obj)  slab_free_at((cache), (obj), HEAP_SITE)
#define kmalloc(size)          kmalloc_at((size), HEAP_SITE)
#define kfree(ptr)             kfree_at((ptr), HEAP_SITE)

int heap_init(void);

#endif /* KESTREL_MM_HEAP_H */
