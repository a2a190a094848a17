/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the page-table host tests (test_page_table.c,
 * test_page_table_walk.c): "physical memory" is a malloc'd arena of
 * frames handed out by a fake frame source that can be told to run dry
 * after a number of allocations and catches frees of frames it never
 * gave out; frames not handed out are poisoned for AddressSanitizer;
 * snapshots prove a failed call changed no table byte; counts_exact
 * checks every link's count of present entries.  Included once per test.
 */
#ifndef KESTREL_TESTS_UNIT_PAGE_TABLE_FIXTURE_H
#define KESTREL_TESTS_UNIT_PAGE_TABLE_FIXTURE_H

#include <sanitizer/asan_interface.h>
#include <stdint.h>
#include "unit.h"
#include "../../arch/x86_64/kernel/page_table.h"

#define FAKE_FRAMES 1024
#define FAKE_BASE   0x10000000ULL   /* "physical" address of frame 0 */

struct fake_ram {
    uint8_t *bytes;
    int used[FAKE_FRAMES];
    unsigned in_use;
    long budget;          /* allocations that may still succeed; < 0: unlimited */
    int bad_free;         /* a free of something never allocated */
};

static struct fake_ram ram;

static inline int fake_alloc(void *ctx, phys_addr_t *frame)
{
    (void)ctx;
    if (ram.budget == 0)
        return -KS_ERR_NO_MEMORY;
    for (unsigned i = 0; i < FAKE_FRAMES; i++) {
        if (ram.used[i])
            continue;
        ram.used[i] = 1;
        ram.in_use++;
        if (ram.budget > 0)
            ram.budget--;
        ASAN_UNPOISON_MEMORY_REGION(ram.bytes + (size_t)i * PAGE_SIZE, PAGE_SIZE);
        memset(ram.bytes + (size_t)i * PAGE_SIZE, 0, PAGE_SIZE);
        *frame = FAKE_BASE + i * PAGE_SIZE;
        return 0;
    }
    return -KS_ERR_NO_MEMORY;
}

static inline long frame_index(phys_addr_t frame)
{
    if (frame < FAKE_BASE || frame % PAGE_SIZE || frame >= FAKE_BASE + FAKE_FRAMES * PAGE_SIZE)
        return -1;
    return (long)((frame - FAKE_BASE) / PAGE_SIZE);
}

static inline void fake_free(void *ctx, phys_addr_t frame)
{
    (void)ctx;
    long i = frame_index(frame);
    if (i < 0 || !ram.used[i]) {
        ram.bad_free = 1;
        return;
    }
    /* Poison, so a table used after its free shows up as garbage. */
    memset(ram.bytes + (size_t)i * PAGE_SIZE, 0xA5, PAGE_SIZE);
    ASAN_POISON_MEMORY_REGION(ram.bytes + (size_t)i * PAGE_SIZE, PAGE_SIZE);
    ram.used[i] = 0;
    ram.in_use--;
}

static uint64_t *fake_table(void *ctx, phys_addr_t frame)
{
    (void)ctx;
    long i = frame_index(frame);
    if (i < 0 || !ram.used[i]) {
        printf("page_table.c reached frame 0x%llx, not a live table\n",
               (unsigned long long)frame);
        abort();
    }
    return (uint64_t *)(ram.bytes + (size_t)i * PAGE_SIZE);
}

/* page_table.c reaches frame f at window + f (set by ram_reset). */
static __attribute__((unused)) struct page_table_memory mem = { .alloc = fake_alloc, .free = fake_free };

static inline void ram_reset(void)
{
    if (!ram.bytes)
        ram.bytes = aligned_alloc(PAGE_SIZE, FAKE_FRAMES * PAGE_SIZE);
    ASAN_POISON_MEMORY_REGION(ram.bytes, FAKE_FRAMES * PAGE_SIZE);
    mem.window = (uintptr_t)ram.bytes - FAKE_BASE;
    memset(ram.used, 0, sizeof(ram.used));
    ram.in_use = 0;
    ram.budget = -1;
    ram.bad_free = 0;
}

/* A copy of the arena and of which frames are live, to prove a failed
 * call "changed nothing": the same frames live with the same bytes
 * (freed frames are poisoned, so only live ones are compared). */
struct ram_snapshot {
    uint8_t bytes[FAKE_FRAMES * PAGE_SIZE];
    int used[FAKE_FRAMES];
};

/* One at a time: static, so a test that fails early leaks nothing. */
static __attribute__((unused)) struct ram_snapshot the_snapshot;

static inline struct ram_snapshot *snapshot(void)
{
    for (size_t i = 0; i < FAKE_FRAMES; i++)
        if (ram.used[i])
            memcpy(the_snapshot.bytes + i * PAGE_SIZE, ram.bytes + i * PAGE_SIZE, PAGE_SIZE);
    memcpy(the_snapshot.used, ram.used, sizeof(ram.used));
    return &the_snapshot;
}

static inline int same_as(const struct ram_snapshot *copy)
{
    if (memcmp(copy->used, ram.used, sizeof(ram.used)) != 0)
        return 0;
    for (size_t i = 0; i < FAKE_FRAMES; i++)
        if (ram.used[i] &&
            memcmp(copy->bytes + i * PAGE_SIZE, ram.bytes + i * PAGE_SIZE, PAGE_SIZE) != 0)
            return 0;
    return 1;
}

#define ADDR_BITS   0x000FFFFFFFFFF000ULL
#define COUNT_SHIFT 52
#define COUNT_BITS  0x3FFULL

/* Every link below table (a level-`level` table) carries the number of
 * present entries of the table it links to, except the kernel half's
 * PML4 slots, which carry 0; 1 when that holds. */
static inline int counts_exact(phys_addr_t table, int level)
{
    const uint64_t *t = fake_table(NULL, table);
    for (unsigned i = 0; level > 0 && i < 512; i++) {
        if (!(t[i] & 1) || (t[i] & (1ULL << 7)))
            continue;
        const uint64_t *child = fake_table(NULL, t[i] & ADDR_BITS);
        unsigned present = 0;
        for (unsigned j = 0; j < 512; j++)
            present += (child[j] & 1) != 0;
        unsigned want = level == 3 && i >= 256 ? 0 : present;
        if (((t[i] >> COUNT_SHIFT) & COUNT_BITS) != want)
            return 0;
        if (!counts_exact(t[i] & ADDR_BITS, level - 1))
            return 0;
    }
    return 1;
}

#define RW   (VM_READ | VM_WRITE)
#define URW  (VM_READ | VM_WRITE | VM_USER)
#define KTEXT 0xFFFFFFFF80000000ULL

#endif /* KESTREL_TESTS_UNIT_PAGE_TABLE_FIXTURE_H */
