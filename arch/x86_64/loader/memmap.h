/* SPDX-License-Identifier: MIT */
/*
 * Memory-map normalisation for the Kestrel loader stub.
 *
 * Interface: memmap_normalise() takes any number of possibly overlapping,
 * unsorted, unaligned typed regions (the firmware's map plus everything
 * the loader hands over) and writes the map struct ks_boot_info promises:
 * sorted by base, non-overlapping, every base and length a multiple of
 * 4 KiB (usable ranges shrink inward, every other type grows outward),
 * adjacent regions of one type merged, and where sources overlap the
 * type with the higher enum ks_mem_type value wins.
 *
 * Overflow policy: when the result needs more than out_max entries, the
 * smallest firmware-described regions (types USABLE..RESERVED) are
 * dropped one by one until it fits; a dropped range is simply absent, and
 * the kernel treats absent memory as unusable, so nothing the loader
 * handed over is ever lost and no reserved byte becomes usable.  The
 * number dropped is reported in stats.
 *
 * Pure logic, host-tested by tests/unit/test_memmap.c.  Uses the
 * caller's scratch buffer; no globals.
 */
#ifndef KESTREL_LOADER_MEMMAP_H
#define KESTREL_LOADER_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include <kestrel/boot_info.h>

#define MEMMAP_PAGE 4096ULL

/* Scratch needed for in_count input regions: memmap_scratch_entries(n)
 * elements of struct memmap_point. */
struct memmap_point {
    uint64_t addr;
};
#define MEMMAP_SCRATCH_ENTRIES(n) (2 * (n) + 1)

struct memmap_stats {
    size_t needed;    /* regions the full result has */
    size_t dropped;   /* firmware regions dropped to fit out_max */
    size_t lost;      /* handed-over regions that did not fit: caller must refuse */
    size_t ignored;   /* inputs empty after alignment or of zero length */
};

/* Returns the number of regions written to out (<= out_max).  The
 * caller must treat stats->lost != 0 as fatal: it only happens when the
 * handed-over regions alone exceed out_max. */
size_t memmap_normalise(const struct ks_mem_region *in, size_t in_count,
                        struct ks_mem_region *out, size_t out_max,
                        struct memmap_point *scratch, struct memmap_stats *stats);

/* Page-granular [*start, *end) of one region as normalisation sees it;
 * false when it is empty after alignment.  Exposed for the tests. */
int memmap_region_bounds(const struct ks_mem_region *r, uint64_t *start, uint64_t *end);

/* Sum of USABLE bytes in a normalised map. */
uint64_t memmap_usable_bytes(const struct ks_mem_region *map, size_t count);

/* One past the highest byte of any region that is not RESERVED (RAM,
 * ACPI, modules, framebuffer ...): what the direct map must reach. */
uint64_t memmap_top(const struct ks_mem_region *map, size_t count);

#endif /* KESTREL_LOADER_MEMMAP_H */
