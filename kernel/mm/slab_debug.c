/* SPDX-License-Identifier: MIT */
/*
 * Heap self-checks of debug builds (KESTREL_DEBUG): red zones, poison and
 * allocation sites for slab objects, and the corruption reports.
 *
 * Every slot starts with a struct slab_slot_meta (its state, the sites
 * that allocated and freed it, the size asked for), then a red zone, the
 * object, and the slack past the size asked for plus another red zone.
 * Red zones are checked when the object is freed and by heap_check; a
 * freed object is filled with poison, checked when its slot is handed
 * out again or its slab goes back to the page source, which catches
 * writes after free.  A problem is reported through slab_report as
 *   heap: <what> of <size>-byte object at <addr> (cache <name>)
 *         allocated at <site>[, freed at <site>] (<how it was found>)
 * which panics in the kernel.  Without KESTREL_DEBUG only heap_check is
 * left (it finds nothing to check).  Locking: as slab.c.
 */
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"

#ifdef KESTREL_DEBUG

#define REPORT_MAX 320

static const char *site_or_unknown(const char *site)
{
    return site ? site : "?";
}

void slab_debug_report(const char *what, size_t size, const void *object, const char *cache,
                       const char *alloc_site, const char *free_site, const char *tail,
                       const char *tail_site)
{
    char line[REPORT_MAX];
    size_t n = (size_t)format_snprintf(line, sizeof(line),
                                       "heap: %s of %zu-byte object at %p (cache %s) "
                                       "allocated at %s", what, size, object, cache,
                                       site_or_unknown(alloc_site));
    if (free_site && n < sizeof(line))
        n += (size_t)format_snprintf(line + n, sizeof(line) - n, ", freed at %s", free_site);
    if (tail && n < sizeof(line))
        format_snprintf(line + n, sizeof(line) - n, " (%s%s)", tail, site_or_unknown(tail_site));
    slab_report(line);
}

void slab_debug_invalid_free(const void *pointer, const char *cache, const char *why,
                             const char *site)
{
    char line[REPORT_MAX];
    format_snprintf(line, sizeof(line), "heap: invalid free of pointer %p (cache %s): %s, at %s",
                    pointer, cache, why, site_or_unknown(site));
    slab_report(line);
}

bool slab_debug_filled(const uint8_t *p, size_t n, uint8_t byte)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != byte)
            return false;
    return true;
}

static struct slab_slot_meta *slot_meta(uint8_t *slot)
{
    return (struct slab_slot_meta *)(void *)slot;
}

void slab_debug_carve(const struct slab_cache *cache, uint8_t *slot)
{
    *slot_meta(slot) = (struct slab_slot_meta){
        .state = SLAB_SLOT_FREE, .requested = (uint32_t)cache->object_size,
    };
    size_t meta = sizeof(struct slab_slot_meta);
    size_t end = cache->object_offset + cache->object_size;
    memset(slot + meta, SLAB_RED_ZONE_BYTE, cache->object_offset - meta);
    memset(slot + cache->object_offset, SLAB_POISON_BYTE, cache->object_size);
    memset(slot + end, SLAB_RED_ZONE_BYTE, cache->slot_size - end);
}

/* Which guard of a slot is broken, or NULL.  A live object's right guard
 * starts at the size asked for; a free one must hold poison throughout. */
static const char *slot_damage(const struct slab_cache *cache, uint8_t *slot)
{
    const struct slab_slot_meta *meta = slot_meta(slot);
    size_t left = sizeof(*meta);
    size_t object = cache->object_offset;
    if (meta->state != SLAB_SLOT_LIVE && meta->state != SLAB_SLOT_FREE)
        return "underflow (slot bookkeeping overwritten)";
    if (!slab_debug_filled(slot + left, object - left, SLAB_RED_ZONE_BYTE))
        return "underflow";
    size_t right = object + (meta->state == SLAB_SLOT_LIVE ? meta->requested : cache->object_size);
    if (!slab_debug_filled(slot + right, cache->slot_size - right, SLAB_RED_ZONE_BYTE))
        return meta->state == SLAB_SLOT_LIVE ? "overflow" : "write after free";
    if (meta->state == SLAB_SLOT_FREE &&
        !slab_debug_filled(slot + object, cache->object_size, SLAB_POISON_BYTE))
        return "write after free";
    return NULL;
}

static void report_slot(const struct slab_cache *cache, uint8_t *slot, const char *what,
                        const char *tail, const char *tail_site)
{
    const struct slab_slot_meta *meta = slot_meta(slot);
    bool known = meta->state == SLAB_SLOT_LIVE || meta->state == SLAB_SLOT_FREE;
    size_t size = known ? meta->requested : cache->object_size;
    slab_debug_report(what, size, slot + cache->object_offset, cache->name,
                      known ? meta->alloc_site : NULL, known ? meta->free_site : NULL,
                      tail, tail_site);
}

void slab_debug_on_alloc(const struct slab_cache *cache, uint8_t *slot, size_t requested,
                         const char *site)
{
    struct slab_slot_meta *meta = slot_meta(slot);
    const char *damage = meta->state == SLAB_SLOT_FREE ? slot_damage(cache, slot) :
                         "write after free (free list overwritten)";
    if (damage)
        report_slot(cache, slot, damage, "found when the slot was reused at ", site);
    meta->state = SLAB_SLOT_LIVE;
    meta->alloc_site = site;
    meta->free_site = NULL;
    meta->requested = (uint32_t)requested;
    uint8_t *object = slot + cache->object_offset;
    /* The object keeps its poison (reads of uninitialised memory show it);
     * the slack past the size asked for becomes part of the right guard. */
    memset(object + requested, SLAB_RED_ZONE_BYTE, cache->object_size - requested);
}

bool slab_debug_on_free(const struct slab_cache *cache, const void *object, const char *site)
{
    const struct slab *slab = slab_of(cache, object);
    uintptr_t first = (uintptr_t)slab + cache->first_slot + cache->object_offset;
    uintptr_t offset = (uintptr_t)object - first;
    if ((uintptr_t)object < first || offset % cache->slot_size ||
        offset / cache->slot_size >= slab->carved) {
        slab_debug_invalid_free(object, cache->name, "not the start of an object", site);
        return false;
    }
    uint8_t *slot = (uint8_t *)object - cache->object_offset;
    struct slab_slot_meta *meta = slot_meta(slot);
    if (meta->state == SLAB_SLOT_FREE) {
        report_slot(cache, slot, "double free", "freed again at ", site);
        return false;
    }
    const char *damage = slot_damage(cache, slot);
    if (damage) {
        report_slot(cache, slot, damage, "found when freed at ", site);
        return false;
    }
    memset(slot + cache->object_offset, SLAB_POISON_BYTE, cache->object_size);
    meta->state = SLAB_SLOT_FREE;
    meta->free_site = site;
    return true;
}

static unsigned check_slab(const struct slab_cache *cache, const struct slab *slab,
                           const char *tail)
{
    unsigned problems = 0;
    uint8_t *slot = (uint8_t *)slab + cache->first_slot;
    for (uint32_t i = 0; i < slab->carved; i++, slot += cache->slot_size) {
        const char *damage = slot_damage(cache, slot);
        if (damage) {
            report_slot(cache, slot, damage, tail, "");
            problems++;
        }
    }
    return problems;
}

void slab_debug_check_slab(const struct slab_cache *cache, const struct slab *slab)
{
    check_slab(cache, slab, "found when its slab was released");
}

unsigned heap_check(void)
{
    unsigned problems = 0;
    for (const struct slab_cache *c = slab_cache_list(); c; c = c->next_cache) {
        for (const struct slab *s = c->partial; s; s = s->next)
            problems += check_slab(c, s, "found by heap_check");
        for (const struct slab *s = c->full; s; s = s->next)
            problems += check_slab(c, s, "found by heap_check");
    }
    return problems + kmalloc_debug_check_large();
}

#else

unsigned heap_check(void)
{
    return 0;
}

#endif /* KESTREL_DEBUG */
