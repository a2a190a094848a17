/* SPDX-License-Identifier: MIT */
/*
 * Physical memory manager: every 4 KiB frame of RAM the firmware reports.
 *
 * Built once from boot_info's memory map (pmm_init).  Frames the map does
 * not call usable (kernel image, loader data, page tables the kernel still
 * uses, modules, framebuffer, ACPI, firmware) are never handed out.
 * Single frames are allocated and freed in O(1); contiguous, aligned runs
 * (DMA buffers, 2 MiB pages) by a bounded scan.  Every allocated frame
 * records its owner, so statistics are kept per owner and a free by the
 * wrong owner, a double free or the free of a reserved frame is refused
 * with a clear report (and an error code) instead of corrupting state.
 *
 * Memory is reached through the direct map (phys_to_virt).  Locking: one
 * CPU for now; the scheduler issue adds a lock.  Never called from a
 * real-time path.
 */
#ifndef KESTREL_MM_PMM_H
#define KESTREL_MM_PMM_H

#include <stddef.h>
#include <stdint.h>
#include "kestrel/boot_info.h"
#include "kestrel/errors.h"

typedef uint64_t phys_addr_t;

#define PAGE_SIZE       4096ULL
#define PAGE_SHIFT      12
#define LARGE_PAGE_SIZE (2ULL << 20)

/* Who holds an allocated frame (accounting; later, per-process limits). */
enum pmm_owner {
    PMM_OWNER_KERNEL = 0,     /* general kernel use */
    PMM_OWNER_PAGE_TABLE,     /* page-table frames of any address space */
    PMM_OWNER_HEAP,           /* slab pages and large kmalloc blocks */
    PMM_OWNER_KERNEL_STACK,   /* kernel stacks */
    PMM_OWNER_TEST,           /* in-kernel self-tests */
    PMM_OWNER_USER,           /* pages mapped into a process's user half */
    PMM_OWNER_COUNT
};

/* pmm_alloc / pmm_alloc_contiguous flags */
#define PMM_ZERO  (1u << 0)   /* fill the frames with zeros */

struct pmm_stats {
    uint64_t total_frames;     /* usable frames the allocator manages */
    uint64_t free_frames;
    uint64_t reserved_frames;  /* frames in [0, top) it never hands out */
    uint64_t owned[PMM_OWNER_COUNT];
};

/* Take over the RAM boot_info calls usable.  0 or a negative error. */
int pmm_init(const struct ks_boot_info *bi);

/* One frame into *out.  -KS_ERR_NO_MEMORY when none is free. */
int pmm_alloc(enum pmm_owner owner, unsigned flags, phys_addr_t *out);

/* Give back one frame.  -KS_ERR_INVALID_ARGUMENT (with a report) for a
 * frame that is not allocated (double free), reserved or outside RAM;
 * -KS_ERR_NOT_OWNER when another owner holds it.  State is unchanged then. */
int pmm_free(phys_addr_t frame, enum pmm_owner owner);

/* count contiguous frames whose first address is a multiple of align
 * (a power of two >= PAGE_SIZE). */
int pmm_alloc_contiguous(size_t count, uint64_t align, enum pmm_owner owner,
                         unsigned flags, phys_addr_t *out);
int pmm_free_contiguous(phys_addr_t base, size_t count, enum pmm_owner owner);

/* Hand the allocator a range boot_info reserved that the kernel no longer
 * needs (the loader's page tables once vm_init has replaced them).  The
 * range must lie inside RAM the map describes; page-aligned. */
int pmm_release_boot_range(phys_addr_t base, uint64_t length);

void pmm_get_stats(struct pmm_stats *out);
/* Free frames now: cheap, for leak checks around tests. */
uint64_t pmm_free_count(void);
/* True once pmm_init succeeded. */
int pmm_ready(void);

static inline void *phys_to_virt(phys_addr_t phys)
{
    return (void *)(uintptr_t)(KS_DIRECT_MAP_BASE + phys);
}

static inline phys_addr_t direct_map_to_phys(const void *virt)
{
    return (phys_addr_t)((uintptr_t)virt - KS_DIRECT_MAP_BASE);
}

#endif /* KESTREL_MM_PMM_H */
