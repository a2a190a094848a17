/* SPDX-License-Identifier: MIT */
/*
 * Slab caches: fixed-size objects carved from slabs of 1..16 frames.
 *
 * A slab is a power-of-two number of frames aligned to its own size, with
 * its header (struct slab, slab.h) at the start, so slab_free finds the
 * header by masking the object's address.  Free slots of a slab form a
 * LIFO list threaded through the slots; never-used slots are carved one
 * at a time, so neither a new slab nor an allocation walks the slab.  A
 * cache keeps slabs with a free slot on `partial` and the rest on `full`;
 * a slab whose last object is freed goes back to the page source at
 * once.  slab_alloc and slab_free are O(1) (plus, in debug builds, one
 * pass over the slot for the red-zone and poison checks of slab_debug.c).
 *
 * Pure logic: memory comes from the slab_pages_* hooks (slab.h).
 * Locking: one CPU for now; not for real-time paths (heap.h).
 */
#include "kestrel/errors.h"
#include "lib/string.h"
#include "mm/slab.h"

static struct slab_cache *cache_registry;

static size_t round_up(size_t value, size_t align)
{
    return (value + align - 1) & ~(align - 1);
}

static bool is_power_of_two(size_t value)
{
    return value && (value & (value - 1)) == 0;
}

/* The free-list link lives in the slot's debug bookkeeping, or else in
 * the (free) object itself. */
static void **slot_link(uint8_t *slot)
{
#ifdef KESTREL_DEBUG
    return &((struct slab_slot_meta *)(void *)slot)->next_free;
#else
    return (void **)(void *)slot;
#endif
}

/* Where the object sits in its slot: after the debug bookkeeping and red
 * zone, or at the slot's start (a constant the fast paths fold away). */
static size_t object_offset(const struct slab_cache *cache)
{
#ifdef KESTREL_DEBUG
    return cache->object_offset;
#else
    (void)cache;
    return 0;
#endif
}

static unsigned slots_for(const struct slab_cache *cache, unsigned pages)
{
    size_t bytes = (size_t)pages * SLAB_PAGE_SIZE;
    if (bytes <= cache->first_slot)
        return 0;
    return (unsigned)((bytes - cache->first_slot) / cache->slot_size);
}

/* Smallest slab holding 8 objects (less than 1/8 wasted on the header and
 * the tail), or the largest slab for big objects. */
static unsigned pick_slab_pages(const struct slab_cache *cache)
{
    unsigned pages = 1;
    while (pages < SLAB_MAX_PAGES && slots_for(cache, pages) < 8)
        pages *= 2;
    return pages;
}

static void layout_slots(struct slab_cache *cache)
{
#ifdef KESTREL_DEBUG
    cache->object_offset = round_up(sizeof(struct slab_slot_meta) + SLAB_RED_ZONE, cache->align);
    cache->slot_size = round_up(cache->object_offset + cache->object_size + SLAB_RED_ZONE,
                                cache->align);
#else
    size_t size = cache->object_size < sizeof(void *) ? sizeof(void *) : cache->object_size;
    cache->object_offset = 0;
    cache->slot_size = round_up(size, cache->align);
#endif
    cache->first_slot = round_up(sizeof(struct slab), cache->align);
}

static bool registry_contains(const struct slab_cache *cache)
{
    for (const struct slab_cache *c = cache_registry; c; c = c->next_cache)
        if (c == cache)
            return true;
    return false;
}

static void registry_remove(struct slab_cache *cache)
{
    for (struct slab_cache **link = &cache_registry; *link; link = &(*link)->next_cache) {
        if (*link == cache) {
            *link = cache->next_cache;
            cache->next_cache = NULL;
            return;
        }
    }
}

int slab_cache_init_pages(struct slab_cache *cache, const char *name, size_t object_size,
                          size_t align, unsigned slab_pages, unsigned flags)
{
    if (!cache || !name || object_size == 0 || object_size > SLAB_MAX_PAGES * SLAB_PAGE_SIZE)
        return -KS_ERR_INVALID_ARGUMENT;
    if (align == 0)
        align = sizeof(void *);
    if (!is_power_of_two(align) || align > SLAB_PAGE_SIZE)
        return -KS_ERR_INVALID_ARGUMENT;
    if (slab_pages && (!is_power_of_two(slab_pages) || slab_pages > SLAB_MAX_PAGES))
        return -KS_ERR_INVALID_ARGUMENT;
    struct slab_cache fresh = {
        .name = name,
        .object_size = object_size,
        .align = align < sizeof(void *) ? sizeof(void *) : align,
        .flags = flags,
    };
    layout_slots(&fresh);
    fresh.slab_pages = slab_pages ? slab_pages : pick_slab_pages(&fresh);
    fresh.slots_per_slab = slots_for(&fresh, fresh.slab_pages);
    if (fresh.slots_per_slab == 0)
        return -KS_ERR_INVALID_ARGUMENT;
    /* A cache already in use is only set up again once it is empty; any
     * other struct may hold junk, so nothing in it is read. */
    if (registry_contains(cache)) {
        if (cache->live_objects)
            return -KS_ERR_INVALID_ARGUMENT;
        registry_remove(cache);
    }
    *cache = fresh;
    cache->next_cache = cache_registry;
    cache_registry = cache;
    return 0;
}

int slab_cache_init(struct slab_cache *cache, const char *name, size_t object_size, size_t align)
{
    return slab_cache_init_pages(cache, name, object_size, align, 0, 0);
}

int slab_cache_fini(struct slab_cache *cache)
{
    if (!cache)
        return -KS_ERR_INVALID_ARGUMENT;
    if (cache->live_objects)
        return -KS_ERR_INVALID_ARGUMENT;
    /* Slabs go back the moment they empty, so none is left to release. */
    registry_remove(cache);
    return 0;
}

struct slab_cache *slab_cache_list(void)
{
    return cache_registry;
}

static void list_push(struct slab **head, struct slab *slab)
{
    slab->prev = NULL;
    slab->next = *head;
    if (*head)
        (*head)->prev = slab;
    *head = slab;
}

static void list_remove(struct slab **head, struct slab *slab)
{
    if (slab->prev)
        slab->prev->next = slab->next;
    else
        *head = slab->next;
    if (slab->next)
        slab->next->prev = slab->prev;
    slab->prev = slab->next = NULL;
}

static struct slab *slab_new(struct slab_cache *cache)
{
    size_t bytes = (size_t)cache->slab_pages * SLAB_PAGE_SIZE;
    struct slab *slab = slab_pages_alloc(cache->slab_pages, bytes);
    if (!slab)
        return NULL;
    *slab = (struct slab){
        .block = { HEAP_BLOCK_MAGIC, HEAP_BLOCK_SLAB },
        .cache = cache,
    };
    cache->slab_count++;
    list_push(&cache->partial, slab);
    return slab;
}

/* The next slot of a slab with room: a freed one first (LIFO: it is still
 * warm in the cache), else a never-used one. */
static uint8_t *slab_take_slot(const struct slab_cache *cache, struct slab *slab)
{
    uint8_t *slot = slab->free_slots;
    if (slot) {
        slab->free_slots = *slot_link(slot);
        return slot;
    }
    slot = (uint8_t *)slab + cache->first_slot + (size_t)slab->carved * cache->slot_size;
    slab->carved++;
#ifdef KESTREL_DEBUG
    slab_debug_carve(cache, slot);
#endif
    return slot;
}

/* An object from slab, which has room: the part of slab_cache_take after
 * the slab is chosen. */
static inline void *slab_take_from(struct slab_cache *cache, struct slab *slab,
                                   size_t requested, const char *site)
{
    uint8_t *slot = slab_take_slot(cache, slab);
    if (++slab->in_use == cache->slots_per_slab) {
        list_remove(&cache->partial, slab);
        list_push(&cache->full, slab);
    }
    cache->live_objects++;
#ifdef KESTREL_DEBUG
    slab_debug_on_alloc(cache, slot, requested, site);
#else
    (void)requested;
    (void)site;
#endif
    return slot + object_offset(cache);
}

/* No slab with room: a new one first.  Out of line, so the common path
 * (a partial slab) calls nothing and needs no stack frame. */
static __attribute__((noinline)) void *slab_take_from_new(struct slab_cache *cache,
                                                          size_t requested, const char *site)
{
    struct slab *slab = slab_new(cache);
    return slab ? slab_take_from(cache, slab, requested, site) : NULL;
}

void *slab_cache_take(struct slab_cache *cache, size_t requested, const char *site)
{
    struct slab *slab = cache->partial;
    if (!slab)
        return slab_take_from_new(cache, requested, site);
    return slab_take_from(cache, slab, requested, site);
}

void slab_cache_give(struct slab_cache *cache, struct slab *slab, void *object, const char *site)
{
#ifdef KESTREL_DEBUG
    if (!slab_debug_on_free(cache, object, site))
        return;
#else
    (void)site;
#endif
    uint8_t *slot = (uint8_t *)object - object_offset(cache);
    bool was_full = slab->in_use == cache->slots_per_slab;
    *slot_link(slot) = slab->free_slots;
    slab->free_slots = slot;
    slab->in_use--;
    cache->live_objects--;
    if (slab->in_use == 0) {
        list_remove(was_full ? &cache->full : &cache->partial, slab);
#ifdef KESTREL_DEBUG
        slab_debug_check_slab(cache, slab);
#endif
        slab->block.magic = 0;  /* a stale pointer into it is no longer a slab */
        cache->slab_count--;
        slab_pages_free(slab, cache->slab_pages);
    } else if (was_full) {
        list_remove(&cache->full, slab);
        list_push(&cache->partial, slab);
    }
}

void *slab_alloc_at(struct slab_cache *cache, const char *site)
{
    if (!cache || cache->slots_per_slab == 0)
        return NULL;
    return slab_cache_take(cache, cache->object_size, site);
}

#ifdef KESTREL_DEBUG
/* A pointer freed to cache must lie in a slab of that cache; the header is
 * read through the page source so a wild pointer is reported, not followed. */
static bool slab_header_matches(struct slab_cache *cache, const void *object, const char *site)
{
    struct slab header;
    if (slab_pages_read(slab_of(cache, object), &header, sizeof(header)) == 0 &&
        header.block.magic == HEAP_BLOCK_MAGIC && header.block.kind == HEAP_BLOCK_SLAB &&
        header.cache == cache)
        return true;
    slab_debug_invalid_free(object, cache->name, "not in a slab of this cache", site);
    return false;
}
#endif

void slab_free_at(struct slab_cache *cache, void *object, const char *site)
{
    if (!object || !cache)
        return;
#ifdef KESTREL_DEBUG
    if (!slab_header_matches(cache, object, site))
        return;
#endif
    slab_cache_give(cache, slab_of(cache, object), object, site);
}
