/* SPDX-License-Identifier: MIT */
/*
 * kmalloc and kfree (heap.h): eight size classes of 16 B .. 2 KiB, each a
 * slab cache ("kmalloc-16" .. "kmalloc-2048") whose slabs are one heap
 * granule (HEAP_GRANULE, 16 KiB, aligned to it); anything larger is a
 * large block of whole frames, also aligned to the granule, that starts
 * with a struct heap_large.  kmalloc finds a small size's cache with one
 * load from a table indexed by the size in 16-byte steps; kfree masks the
 * pointer down to the granule and finds either a slab header (whose cache
 * is the class) or a large-block header.  Both O(1).
 *
 * Debug builds guard large blocks like slab objects (red zones on both
 * sides, the sites, a double free noticed while the freed header is
 * still intact) and keep them on a list for heap_check; a pointer whose
 * granule holds no kmalloc header is reported as an invalid free.
 * Locking: one CPU for now; not for real-time paths (heap.h).
 */
#include "kestrel/errors.h"
#include "lib/string.h"
#include "mm/slab.h"

#define KMALLOC_CLASSES     8
#define KMALLOC_MIN_SHIFT   4      /* 16 bytes */
#define KMALLOC_MAX_SMALL   2048u
#define KMALLOC_ALIGN       16u

/* Header of a large block; the object starts LARGE_OBJECT_OFFSET bytes in
 * (after a red zone in debug builds), keeping kmalloc's 16-byte alignment. */
struct heap_large {
    struct heap_block block;
    size_t pages;
    size_t requested;
#ifdef KESTREL_DEBUG
    const char *alloc_site;
    const char *free_site;
    struct heap_large *prev, *next;   /* live large blocks, for heap_check */
#endif
};
#ifdef KESTREL_DEBUG
#define LARGE_OBJECT_OFFSET 128u
#define LARGE_RED_ZONE      16u
#else
#define LARGE_OBJECT_OFFSET 64u
#define LARGE_RED_ZONE      0u
#endif
_Static_assert(sizeof(struct heap_large) + 16 <= LARGE_OBJECT_OFFSET, "large header too big");

static struct slab_cache kmalloc_caches[KMALLOC_CLASSES];
static const char *const kmalloc_names[KMALLOC_CLASSES] = {
    "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
    "kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};
static bool kmalloc_ready;

/* The cache for every small size, by the size rounded up to 16 bytes:
 * entry i serves sizes 16 * (i - 1) + 1 .. 16 * i.  Entry 0 (size 0) stays
 * NULL, and so does every entry until heap_init, so kmalloc's only check
 * on its fast path is the one for NULL. */
#define KMALLOC_STEP_SHIFT  4
#define KMALLOC_STEPS       ((KMALLOC_MAX_SMALL >> KMALLOC_STEP_SHIFT) + 1)
_Static_assert(KMALLOC_STEP_SHIFT <= KMALLOC_MIN_SHIFT, "a step must not span two classes");
static struct slab_cache *kmalloc_class_cache[KMALLOC_STEPS];

static size_t kmalloc_step(size_t size)
{
    return (size + (1u << KMALLOC_STEP_SHIFT) - 1) >> KMALLOC_STEP_SHIFT;
}

/* The smallest class holding size (1 .. KMALLOC_MAX_SMALL bytes). */
static unsigned kmalloc_class(size_t size)
{
    if (size <= (1u << KMALLOC_MIN_SHIFT))
        return 0;
    unsigned bits = 64 - (unsigned)__builtin_clzll((unsigned long long)(size - 1));
    return bits - KMALLOC_MIN_SHIFT;
}

int heap_init(void)
{
    if (kmalloc_ready)
        return 0;
    for (unsigned i = 0; i < KMALLOC_CLASSES; i++) {
        int err = slab_cache_init_pages(&kmalloc_caches[i], kmalloc_names[i],
                                        (size_t)1 << (KMALLOC_MIN_SHIFT + i), KMALLOC_ALIGN,
                                        HEAP_GRANULE_PAGES, SLAB_CACHE_KMALLOC);
        if (err < 0)
            return err;
    }
    /* The largest size of each step picks its class: every size of a
     * step lands in the same one, as the classes are multiples of it. */
    for (size_t step = 1; step < KMALLOC_STEPS; step++)
        kmalloc_class_cache[step] = &kmalloc_caches[kmalloc_class(step << KMALLOC_STEP_SHIFT)];
    kmalloc_ready = true;
    return 0;
}

#ifdef KESTREL_DEBUG
static struct heap_large *large_live;

static uint8_t *large_object(struct heap_large *large)
{
    return (uint8_t *)large + LARGE_OBJECT_OFFSET;
}

static void large_guard(struct heap_large *large)
{
    uint8_t *object = large_object(large);
    size_t end = LARGE_OBJECT_OFFSET + large->requested;
    memset((uint8_t *)large + sizeof(*large), SLAB_RED_ZONE_BYTE,
           LARGE_OBJECT_OFFSET - sizeof(*large));
    memset(object, SLAB_POISON_BYTE, large->requested);
    memset((uint8_t *)large + end, SLAB_RED_ZONE_BYTE, large->pages * SLAB_PAGE_SIZE - end);
}

static const char *large_damage(struct heap_large *large)
{
    size_t end = LARGE_OBJECT_OFFSET + large->requested;
    if (!slab_debug_filled((uint8_t *)large + sizeof(*large), LARGE_OBJECT_OFFSET - sizeof(*large),
                           SLAB_RED_ZONE_BYTE))
        return "underflow";
    if (!slab_debug_filled((uint8_t *)large + end, large->pages * SLAB_PAGE_SIZE - end,
                           SLAB_RED_ZONE_BYTE))
        return "overflow";
    return NULL;
}

static void large_report(struct heap_large *large, const char *what, const char *tail,
                         const char *site)
{
    slab_debug_report(what, large->requested, large_object(large), "kmalloc-large",
                      large->alloc_site, large->free_site, tail, site);
}

unsigned kmalloc_debug_check_large(void)
{
    unsigned problems = 0;
    for (struct heap_large *large = large_live; large; large = large->next) {
        const char *damage = large_damage(large);
        if (damage) {
            large_report(large, damage, "found by heap_check", "");
            problems++;
        }
    }
    return problems;
}
#endif

/* Out of line, so the small sizes' path sets up no stack frame for it. */
static __attribute__((noinline)) void *large_alloc(size_t size, const char *site)
{
    if (!kmalloc_ready)
        return NULL;
    size_t overhead = LARGE_OBJECT_OFFSET + LARGE_RED_ZONE + SLAB_PAGE_SIZE - 1;
    if (size > SIZE_MAX - overhead)
        return NULL;
    size_t pages = (size + overhead) / SLAB_PAGE_SIZE;
    struct heap_large *large = slab_pages_alloc(pages, HEAP_GRANULE);
    if (!large)
        return NULL;
    *large = (struct heap_large){
        .block = { HEAP_BLOCK_MAGIC, HEAP_BLOCK_LARGE_LIVE },
        .pages = pages,
        .requested = size,
    };
#ifdef KESTREL_DEBUG
    large->alloc_site = site;
    large_guard(large);
    large->next = large_live;
    if (large_live)
        large_live->prev = large;
    large_live = large;
#else
    (void)site;
#endif
    return (uint8_t *)large + LARGE_OBJECT_OFFSET;
}

void *kmalloc_at(size_t size, const char *site)
{
    if (size <= KMALLOC_MAX_SMALL) {
        struct slab_cache *cache = kmalloc_class_cache[kmalloc_step(size)];
        return cache ? slab_cache_take(cache, size, site) : NULL;  /* NULL: size 0, or no heap yet */
    }
    return large_alloc(size, site);
}

static void large_free(struct heap_large *large, const char *site)
{
#ifdef KESTREL_DEBUG
    if (large->block.kind == HEAP_BLOCK_LARGE_FREED) {
        large_report(large, "double free", "freed again at ", site);
        return;
    }
    const char *damage = large_damage(large);
    if (damage) {
        large_report(large, damage, "found when freed at ", site);
        return;
    }
    if (large->prev)
        large->prev->next = large->next;
    else
        large_live = large->next;
    if (large->next)
        large->next->prev = large->prev;
    large->free_site = site;
#else
    (void)site;
#endif
    large->block.kind = HEAP_BLOCK_LARGE_FREED;
    slab_pages_free(large, large->pages);
}

#ifdef KESTREL_DEBUG
/* Read the granule's header without trusting the pointer: anything the
 * heap did not hand out is reported, never followed. */
static bool kfree_valid(void *ptr, uintptr_t base, const char *site)
{
    union {
        struct heap_block block;
        struct slab slab;
        struct heap_large large;
    } header;
    const char *why = NULL;
    if (slab_pages_read((const void *)base, &header, sizeof(header)) < 0 ||
        header.block.magic != HEAP_BLOCK_MAGIC)
        why = "not from kmalloc";
    else if (header.block.kind == HEAP_BLOCK_SLAB &&
             (header.slab.cache < kmalloc_caches ||
              header.slab.cache >= kmalloc_caches + KMALLOC_CLASSES))
        why = "an object of a slab cache that is not kmalloc's";
    else if (header.block.kind != HEAP_BLOCK_SLAB &&
             (uintptr_t)ptr != base + LARGE_OBJECT_OFFSET)
        why = "not the start of a large block";
    else if (header.block.kind != HEAP_BLOCK_SLAB &&
             header.block.kind != HEAP_BLOCK_LARGE_LIVE &&
             header.block.kind != HEAP_BLOCK_LARGE_FREED)
        why = "not from kmalloc";
    if (why)
        slab_debug_invalid_free(ptr, "kmalloc", why, site);
    return why == NULL;
}
#endif

void kfree_at(void *ptr, const char *site)
{
    if (!ptr)
        return;
    uintptr_t base = (uintptr_t)ptr & ~((uintptr_t)HEAP_GRANULE - 1);
#ifdef KESTREL_DEBUG
    if (!kfree_valid(ptr, base, site))
        return;
#endif
    struct heap_block *block = (struct heap_block *)base;
    if (block->kind == HEAP_BLOCK_SLAB) {
        struct slab *slab = (struct slab *)block;
        slab_cache_give(slab->cache, slab, ptr, site);
    } else {
        large_free((struct heap_large *)block, site);
    }
}
