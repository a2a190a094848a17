/* SPDX-License-Identifier: MIT */
/*
 * Boot-time physical page allocator of the Kestrel loader stub.
 *
 * Interface: palloc_init() takes the usable RAM of a normalised memory
 * map, keeping only whole pages between PALLOC_LOW_LIMIT (1 MiB) and
 * 4 GiB, so every frame it returns can be reached with paging off from
 * 32-bit code.  palloc_reserve() punches out ranges that must survive
 * (the loader image, the Multiboot2 information, every module).
 * palloc_alloc() returns the lowest run of N contiguous free pages, or 0
 * when there is none; memory is never freed.
 *
 * Memory below 1 MiB is left alone so the kernel keeps it for real-mode
 * trampolines (AP start-up needs a page there).
 *
 * Pure logic, host-tested by tests/unit/test_memmap.c; single-threaded
 * boot code, the caller owns the structure.
 */
#ifndef KESTREL_LOADER_PALLOC_H
#define KESTREL_LOADER_PALLOC_H

#include <stddef.h>
#include <stdint.h>

#include <kestrel/boot_info.h>

#define PALLOC_PAGE       4096ULL
#define PALLOC_LOW_LIMIT  0x100000ULL
#define PALLOC_HIGH_LIMIT 0x100000000ULL
#define PALLOC_MAX_RANGES 64

struct palloc_range {
    uint64_t base;
    uint64_t end;  /* exclusive */
};

struct palloc {
    struct palloc_range free[PALLOC_MAX_RANGES]; /* sorted, disjoint */
    size_t count;
    uint64_t lost_bytes; /* free memory given up when the table was full */
};

void palloc_init(struct palloc *pa, const struct ks_mem_region *map, size_t count);
void palloc_reserve(struct palloc *pa, uint64_t base, uint64_t end);
uint64_t palloc_alloc(struct palloc *pa, uint64_t pages);
uint64_t palloc_free_bytes(const struct palloc *pa);

#endif /* KESTREL_LOADER_PALLOC_H */
