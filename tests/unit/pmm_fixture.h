/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the PMM host tests (test_pmm.c, test_pmm_runs.c):
 * simulated physical memory, an anonymous mapping reserved but not
 * committed (MAP_NORESERVE) that plays RAM from address 0, so maps up
 * to 64 GiB cost only the pages the database touches; map builders; and
 * a checker of the database's invariants.  Include once per program.
 */
#ifndef KESTREL_TESTS_PMM_FIXTURE_H
#define KESTREL_TESTS_PMM_FIXTURE_H

#include <stdint.h>
#include <sys/mman.h>

#include "unit.h"
#include "mm/frame_db.h"

#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define GIB (1ULL << 30)
#define R(base, len, type) { (base), (len), (type), 0 }

static struct frame_db db;
static uint8_t *ram;
static uint64_t ram_size;

/* Layout frame_db.c writes at the start of a listed frame: the links
 * are physical addresses, 0 (FRAME_LIST_END) ends the list. */
struct test_link {
    uint64_t next, prev, check;
};

static inline int ram_map(uint64_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    ram = p;
    ram_size = size;
    return 0;
}

static inline void ram_unmap(void)
{
    if (ram)
        munmap(ram, ram_size);
    ram = NULL;
}

static int corrupt_calls;
static uint64_t corrupt_phys;
static inline void record_corrupt(uint64_t phys, const char *why)
{
    (void)why;
    corrupt_calls++;
    corrupt_phys = phys;
}

/* A PC-like map: low RAM, the BIOS hole, boot data, kernel, page
 * tables and modules, main RAM up to 120 MiB, firmware reserved, and
 * the PCI hole; RAM above 4 GiB when `high` is set. */
static const struct ks_mem_region pc_map[] = {
    R(0, 0x9f000, KS_MEM_USABLE),
    R(0x9f000, 0x1000, KS_MEM_RESERVED),
    R(0xb8000, 0x1000, KS_MEM_FRAMEBUFFER),
    R(0xf0000, 0x10000, KS_MEM_RESERVED),
    R(0x100000, 0x18000, KS_MEM_BOOT_DATA),
    R(0x118000, 0xc000, KS_MEM_KERNEL),
    R(0x124000, 0x7000, KS_MEM_PAGE_TABLES),
    R(0x12b000, 0x1000, KS_MEM_USABLE),
    R(0x12c000, 0x32000, KS_MEM_MODULE),
    R(0x15e000, 0x2000, KS_MEM_USABLE),
    R(0x160000, 0x10000, KS_MEM_ACPI_NVS),
    R(0x170000, 120 * MIB - 0x170000, KS_MEM_USABLE),
    R(120 * MIB, 8 * MIB, KS_MEM_RESERVED),
    R(3 * GIB, 1 * GIB, KS_MEM_RESERVED),
    R(4 * GIB, 64 * MIB, KS_MEM_USABLE),
};
#define PC_LOW_COUNT 13   /* without the PCI hole and high RAM */
#define PC_COUNT     15

static inline int init_with(const struct ks_mem_region *map, uint32_t n, uint64_t size)
{
    ram_unmap();
    if (ram_map(size) < 0)
        return -999;
    db.corrupt = record_corrupt;
    corrupt_calls = 0;
    return frame_db_init(&db, map, n, ram, size);
}

static inline uint64_t usable_frames_of(const struct ks_mem_region *map, uint32_t n)
{
    uint64_t frames = 0;
    for (uint32_t i = 0; i < n; i++)
        if (map[i].type == KS_MEM_USABLE)
            frames += map[i].length / PAGE_SIZE;
    return frames;
}

static inline int in_usable(const struct ks_mem_region *map, uint32_t n, uint64_t phys)
{
    for (uint32_t i = 0; i < n; i++)
        if (map[i].type == KS_MEM_USABLE && phys >= map[i].base &&
            phys + PAGE_SIZE <= map[i].base + map[i].length)
            return 1;
    return 0;
}

/* The invariants of frame_db.c, checked from the outside. */
static inline const char *db_consistent(void)
{
    uint64_t listed = 0, in_runs = 0, owned[PMM_OWNER_COUNT] = { 0 };
    for (uint64_t f = 0; f < db.frame_limit; f++) {
        uint8_t s = db.state[f];
        if (s == FRAME_FREE_LISTED)
            listed++;
        else if (s == FRAME_FREE_RUN)
            in_runs++;
        else if (s >= FRAME_OWNED && s < FRAME_OWNED + PMM_OWNER_COUNT)
            owned[s - FRAME_OWNED]++;
        else if (s > FRAME_TABLE)
            return "unknown state byte";
    }
    uint64_t walked = 0, prev = FRAME_LIST_END;
    for (uint64_t p = db.list_head; p != FRAME_LIST_END; walked++) {
        uint64_t f = p / PAGE_SIZE;
        if (walked > listed || p % PAGE_SIZE || f >= db.frame_limit ||
            db.state[f] != FRAME_FREE_LISTED)
            return "free list reaches a frame that is not listed";
        const struct test_link *link = (const void *)(ram + p);
        /* the head's prev is kept only with the checks */
        if (link->prev != prev && (FRAME_DB_CHECKS || prev != FRAME_LIST_END))
            return "free list prev link wrong";
        prev = p;
        p = link->next;
    }
    if (walked != listed)
        return "free list length differs from listed frames";
    uint64_t run_sum = 0;
    for (uint32_t i = 0; i < db.run_count; i++) {
        if (db.runs[i].first >= db.runs[i].end)
            return "empty run kept";
        for (uint64_t f = db.runs[i].first; f < db.runs[i].end; f++)
            if (db.state[f] != FRAME_FREE_RUN)
                return "run holds a frame not in the run state";
        run_sum += db.runs[i].end - db.runs[i].first;
    }
    if (run_sum != in_runs)
        return "runs overlap or miss run frames";
    uint64_t sum = listed + in_runs;
    for (unsigned o = 0; o < PMM_OWNER_COUNT; o++) {
        if (owned[o] != db.owned[o])
            return "owner count wrong";
        sum += owned[o];
    }
    if (sum != db.total_frames)
        return "total count wrong";
    return frame_db_free_frames(&db) == listed + in_runs ? NULL : "free count wrong";
}

#define CHECK_CONSISTENT() do { \
        const char *why_ = db_consistent(); \
        if (why_) { printf("  inconsistent: %s\n", why_); } \
        CHECK(why_ == NULL); \
    } while (0)

/* Snapshot of everything a refused call must leave alone. */
static uint8_t state_copy[32 * MIB / PAGE_SIZE];
static struct frame_db db_copy;

static inline void snapshot(void)
{
    memcpy(state_copy, db.state, db.frame_limit);
    memcpy(&db_copy, &db, sizeof(db));
}

static inline int unchanged(void)
{
    return memcmp(state_copy, db.state, db.frame_limit) == 0 &&
           memcmp(&db_copy, &db, sizeof(db)) == 0;
}

/* A 32 MiB machine: low RAM, the BIOS hole, kernel, page tables, RAM,
 * firmware at the top. */
static const struct ks_mem_region small_map[] = {
    R(0, 0x9f000, KS_MEM_USABLE),
    R(0x9f000, 0x61000, KS_MEM_RESERVED),
    R(0x100000, 0x20000, KS_MEM_KERNEL),
    R(0x120000, 0x8000, KS_MEM_PAGE_TABLES),
    R(0x128000, 30 * MIB - 0x128000, KS_MEM_USABLE),
    R(30 * MIB, 2 * MIB, KS_MEM_RESERVED),
};
#define SMALL_COUNT 6

#endif /* KESTREL_TESTS_PMM_FIXTURE_H */
