/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the x86_64 page-table logic (arch/x86_64/kernel/
 * page_table.c).  "Physical memory" is a malloc'd arena of frames handed
 * out by a fake frame source that can be told to run dry after a number
 * of allocations; it also catches frees of frames it never gave out.
 * Proves: map/unmap/protect/translate of 4 KiB and 2 MiB pages in both
 * halves, the errors vm.h lists, that a failed call leaves every table
 * byte as it was, that unmap frees emptied tables (but not the shared
 * kernel PDPTs) and that destroy returns every user-half table, and
 * that every link's count of present entries (page_table.c) stays exact.
 * Frames not handed out are poisoned for AddressSanitizer, so a walk
 * through a freed or never-allocated table stops the test.
 */
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

static int fake_alloc(void *ctx, phys_addr_t *frame)
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

static long frame_index(phys_addr_t frame)
{
    if (frame < FAKE_BASE || frame % PAGE_SIZE || frame >= FAKE_BASE + FAKE_FRAMES * PAGE_SIZE)
        return -1;
    return (long)((frame - FAKE_BASE) / PAGE_SIZE);
}

static void fake_free(void *ctx, phys_addr_t frame)
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
static struct page_table_memory mem = { .alloc = fake_alloc, .free = fake_free };

static void ram_reset(void)
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
static struct ram_snapshot the_snapshot;

static struct ram_snapshot *snapshot(void)
{
    for (size_t i = 0; i < FAKE_FRAMES; i++)
        if (ram.used[i])
            memcpy(the_snapshot.bytes + i * PAGE_SIZE, ram.bytes + i * PAGE_SIZE, PAGE_SIZE);
    memcpy(the_snapshot.used, ram.used, sizeof(ram.used));
    return &the_snapshot;
}

static int same_as(const struct ram_snapshot *copy)
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
static int counts_exact(phys_addr_t table, int level)
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

UNIT_TEST(map_and_translate_4k_user_page)
{
    ram_reset();
    struct vm_space s;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    CHECK(page_table_map(&mem, &s, 0x400000, 0x1234000, URW) == 0);
    CHECK_EQ_U(s.table_frames, 4);  /* PML4, PDPT, PD, PT */
    CHECK_EQ_U(ram.in_use, 4);
    phys_addr_t pa = 0;
    unsigned flags = 0;
    CHECK(page_table_translate(&mem, &s, 0x400abc, &pa, &flags) == 0);
    CHECK_EQ_U(pa, 0x1234abc);
    CHECK_EQ_U(flags, VM_READ | VM_WRITE | VM_USER);
    CHECK(page_table_translate(&mem, &s, 0x401000, &pa, &flags) == -KS_ERR_NOT_FOUND);
    CHECK(page_table_translate(&mem, &s, 0x3ff000, &pa, &flags) == -KS_ERR_NOT_FOUND);
    /* A neighbour shares every table. */
    CHECK(page_table_map(&mem, &s, 0x401000, 0x5000, VM_READ | VM_EXEC | VM_USER) == 0);
    CHECK_EQ_U(s.table_frames, 4);
    CHECK(page_table_translate(&mem, &s, 0x401fff, &pa, &flags) == 0);
    CHECK_EQ_U(pa, 0x5fff);
    CHECK_EQ_U(flags, VM_READ | VM_EXEC | VM_USER);
    CHECK(counts_exact(s.root, 3));
    page_table_destroy(&mem, &s);
    CHECK_EQ_U(ram.in_use, 0);
    CHECK(!ram.bad_free);
}

UNIT_TEST(map_and_translate_2m_page)
{
    ram_reset();
    struct vm_space s;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    CHECK(page_table_map(&mem, &s, 0x40000000, 0xA00000, URW | VM_LARGE) == 0);
    CHECK_EQ_U(s.table_frames, 3);  /* no PT for a 2 MiB page */
    phys_addr_t pa;
    unsigned flags;
    CHECK(page_table_translate(&mem, &s, 0x40123456, &pa, &flags) == 0);
    CHECK_EQ_U(pa, 0xB23456);
    CHECK_EQ_U(flags, URW | VM_LARGE);
    CHECK(page_table_translate(&mem, &s, 0x40200000, &pa, &flags) == -KS_ERR_NOT_FOUND);
    CHECK(page_table_unmap(&mem, &s, 0x40000000, VM_LARGE) == 0);
    CHECK_EQ_U(s.table_frames, 1);
    CHECK_EQ_U(ram.in_use, 1);
    page_table_destroy(&mem, &s);
    CHECK_EQ_U(ram.in_use, 0);
    CHECK(!ram.bad_free);
}

UNIT_TEST(kernel_half_is_shared_and_global_pdpts_stay)
{
    ram_reset();
    struct vm_space k, u;
    CHECK(page_table_create(&mem, &k, NULL) == 0);
    CHECK(page_table_fill_kernel_half(&mem, &k) == 0);
    CHECK_EQ_U(k.table_frames, 257);
    CHECK(page_table_map(&mem, &k, KTEXT, 0x200000, VM_READ | VM_EXEC) == 0);
    CHECK(page_table_create(&mem, &u, &k) == 0);
    CHECK_EQ_U(u.table_frames, 1);
    /* Mapped before and after the user space was made: both visible there. */
    CHECK(page_table_map(&mem, &k, 0xFFFF800000000000ULL, 0, RW | VM_LARGE) == 0);
    phys_addr_t pa;
    unsigned flags;
    CHECK(page_table_translate(&mem, &u, KTEXT + 5, &pa, &flags) == 0);
    CHECK_EQ_U(pa, 0x200005);
    CHECK_EQ_U(flags, VM_READ | VM_EXEC);
    CHECK(page_table_translate(&mem, &u, 0xFFFF800000100000ULL, &pa, &flags) == 0);
    CHECK_EQ_U(pa, 0x100000);
    CHECK_EQ_U(flags, RW | VM_LARGE);
    /* Kernel leaves are global (bit 8), user leaves are not. */
    uint64_t *pml4 = fake_table(NULL, k.root);
    uint64_t *pdpt = fake_table(NULL, pml4[256] & 0x000FFFFFFFFFF000ULL);
    uint64_t *pd = fake_table(NULL, pdpt[0] & 0x000FFFFFFFFFF000ULL);
    CHECK(pd[0] & (1ULL << 8));
    CHECK(pd[0] & (1ULL << 63));
    CHECK(counts_exact(k.root, 3));
    CHECK(counts_exact(u.root, 3));
    /* Unmapping frees the PD and PT but keeps the shared PDPT. */
    unsigned before = ram.in_use;
    CHECK(page_table_unmap(&mem, &k, KTEXT, 0) == 0);
    CHECK_EQ_U(ram.in_use, before - 2);
    CHECK(page_table_unmap(&mem, &k, 0xFFFF800000000000ULL, VM_LARGE) == 0);
    CHECK_EQ_U(ram.in_use, before - 3);
    CHECK_EQ_U(k.table_frames, 257);
    CHECK(pml4[256] & 1);
    CHECK(counts_exact(k.root, 3));
    page_table_destroy(&mem, &u);
    CHECK_EQ_U(ram.in_use, 257);
    CHECK(!ram.bad_free);
}

UNIT_TEST(conflicting_maps_are_refused_and_change_nothing)
{
    ram_reset();
    struct vm_space s;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    CHECK(page_table_map(&mem, &s, 0x200000, 0x400000, URW | VM_LARGE) == 0);
    CHECK(page_table_map(&mem, &s, 0x600000, 0x1000, URW) == 0);
    struct ram_snapshot *before = snapshot();
    unsigned in_use = ram.in_use;
    /* The same 4 KiB page twice; a 4 KiB page inside the 2 MiB page;
     * a 2 MiB page over it; a 2 MiB page where a 4 KiB page lives. */
    CHECK(page_table_map(&mem, &s, 0x600000, 0x2000, URW) == -KS_ERR_EXISTS);
    CHECK(page_table_map(&mem, &s, 0x201000, 0x2000, URW) == -KS_ERR_EXISTS);
    CHECK(page_table_map(&mem, &s, 0x200000, 0x800000, URW | VM_LARGE) == -KS_ERR_EXISTS);
    CHECK(page_table_map(&mem, &s, 0x600000, 0x800000, URW | VM_LARGE) == -KS_ERR_EXISTS);
    CHECK(same_as(before));
    CHECK_EQ_U(ram.in_use, in_use);
    page_table_destroy(&mem, &s);
    CHECK_EQ_U(ram.in_use, 0);
}

UNIT_TEST(bad_addresses_and_flags_are_invalid)
{
    ram_reset();
    struct vm_space s, k;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    CHECK(page_table_create(&mem, &k, NULL) == 0);
    struct ram_snapshot *before = snapshot();
    const int inval = -KS_ERR_INVALID_ARGUMENT;
    CHECK(page_table_map(&mem, &s, 0x1001, 0x1000, URW) == inval);          /* va */
    CHECK(page_table_map(&mem, &s, 0x1000, 0x1800, URW) == inval);          /* pa */
    CHECK(page_table_map(&mem, &s, 0x201000, 0x200000, URW | VM_LARGE) == inval);
    CHECK(page_table_map(&mem, &s, 0x200000, 0x201000, URW | VM_LARGE) == inval);
    CHECK(page_table_map(&mem, &s, 0x1000, 1ULL << 52, URW) == inval);      /* > MAXPHYADDR */
    CHECK(page_table_map(&mem, &s, 0x0000800000000000ULL, 0, URW) == inval); /* non-canonical */
    CHECK(page_table_map(&mem, &k, 0xFFFF7FFFFFFFF000ULL, 0, RW) == inval);
    CHECK(page_table_map(&mem, &s, 0x1000, 0, URW | VM_EXEC) == inval);      /* W+X */
    CHECK(page_table_map(&mem, &k, KTEXT, 0, RW | VM_EXEC) == inval);
    CHECK(page_table_map(&mem, &s, 0x1000, 0, VM_WRITE | VM_USER) == inval); /* no READ */
    CHECK(page_table_map(&mem, &s, 0x1000, 0, URW | (1u << 9)) == inval);    /* unknown */
    CHECK(page_table_map(&mem, &s, 0x1000, 0, RW) == inval);       /* user half, no VM_USER */
    CHECK(page_table_map(&mem, &k, KTEXT, 0, URW) == inval);       /* kernel half, VM_USER */
    CHECK(page_table_unmap(&mem, &s, 0x1001, 0) == inval);
    CHECK(page_table_unmap(&mem, &s, 0x1000, VM_READ) == inval);
    CHECK(page_table_unmap(&mem, &s, 0x0000800000000000ULL, 0) == inval);
    CHECK(page_table_protect(&mem, &s, 0x1000, URW | VM_EXEC) == inval);
    CHECK(page_table_protect(&mem, &s, 0x8000800000000000ULL, URW) == inval);
    CHECK(page_table_translate(&mem, &s, 0x0000900000000000ULL, NULL, NULL) == inval);
    CHECK(same_as(before));
    CHECK_EQ_U(ram.in_use, 2);
    page_table_destroy(&mem, &s);
    page_table_destroy(&mem, &k);
    CHECK_EQ_U(ram.in_use, 0);
}

UNIT_TEST(out_of_frames_midway_leaves_tables_unchanged)
{
    ram_reset();
    struct vm_space s;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    CHECK(page_table_map(&mem, &s, 0x1000, 0x1000, URW) == 0);
    /* A page under a new PML4 slot needs PDPT, PD and PT: let 0, 1 or 2
     * of the three allocations succeed, then all three. */
    for (long budget = 0; budget < 3; budget++) {
        struct ram_snapshot *before = snapshot();
        unsigned in_use = ram.in_use;
        ram.budget = budget;
        CHECK(page_table_map(&mem, &s, 0x7F0000000000ULL, 0x3000, URW) == -KS_ERR_NO_MEMORY);
        CHECK(same_as(before));
        CHECK_EQ_U(ram.in_use, in_use);
        CHECK_EQ_U(s.table_frames, 4);
    }
    ram.budget = 3;
    CHECK(page_table_map(&mem, &s, 0x7F0000000000ULL, 0x3000, URW) == 0);
    CHECK_EQ_U(s.table_frames, 7);
    CHECK(page_table_translate(&mem, &s, 0x7F0000000000ULL, NULL, NULL) == 0);
    ram.budget = -1;
    page_table_destroy(&mem, &s);
    CHECK_EQ_U(ram.in_use, 0);
    CHECK(!ram.bad_free);
}

UNIT_TEST(fill_kernel_half_out_of_frames_rolls_back)
{
    ram_reset();
    struct vm_space k;
    CHECK(page_table_create(&mem, &k, NULL) == 0);
    CHECK(page_table_map(&mem, &k, KTEXT, 0, VM_READ) == 0);  /* slot 511 present already */
    CHECK(counts_exact(k.root, 3));
    struct ram_snapshot *before = snapshot();
    unsigned in_use = ram.in_use;
    ram.budget = 100;
    CHECK(page_table_fill_kernel_half(&mem, &k) == -KS_ERR_NO_MEMORY);
    CHECK(same_as(before));
    CHECK_EQ_U(ram.in_use, in_use);
    ram.budget = -1;
    CHECK(page_table_fill_kernel_half(&mem, &k) == 0);
    CHECK_EQ_U(k.table_frames, 4 + 255);
    CHECK(!ram.bad_free);
}

UNIT_TEST(unmap_everything_returns_every_table)
{
    ram_reset();
    struct vm_space s;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    static const uintptr_t pages[] = {
        0x0, 0x1000, 0x1FF000, 0x40000000, 0x8000000000ULL, 0x7FFFFFFFF000ULL,
    };
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
        CHECK(page_table_map(&mem, &s, pages[i], i * PAGE_SIZE, URW) == 0);
    CHECK(page_table_map(&mem, &s, 0x200000, 0x200000, URW | VM_LARGE) == 0);
    CHECK(ram.in_use > 4);
    CHECK_EQ_U(s.table_frames, ram.in_use);
    CHECK(counts_exact(s.root, 3));
    /* Wrong size or nothing there: not found, nothing changes. */
    CHECK(page_table_unmap(&mem, &s, 0x200000, 0) == -KS_ERR_NOT_FOUND);
    CHECK(page_table_unmap(&mem, &s, 0x0, VM_LARGE) == -KS_ERR_NOT_FOUND);
    CHECK(page_table_unmap(&mem, &s, 0x2000, 0) == -KS_ERR_NOT_FOUND);
    CHECK(page_table_unmap(&mem, &s, 0x600000000000ULL, 0) == -KS_ERR_NOT_FOUND);
    CHECK(counts_exact(s.root, 3));
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        CHECK(page_table_unmap(&mem, &s, pages[i], 0) == 0);
        CHECK(counts_exact(s.root, 3));
    }
    CHECK(page_table_unmap(&mem, &s, 0x200000, VM_LARGE) == 0);
    CHECK(page_table_unmap(&mem, &s, 0x1000, 0) == -KS_ERR_NOT_FOUND);  /* twice */
    CHECK_EQ_U(ram.in_use, 1);
    CHECK_EQ_U(s.table_frames, 1);
    page_table_destroy(&mem, &s);
    CHECK_EQ_U(ram.in_use, 0);
    CHECK_EQ_U(s.table_frames, 0);
    CHECK(!ram.bad_free);
}

UNIT_TEST(protect_changes_flags_only)
{
    ram_reset();
    struct vm_space s;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    CHECK(page_table_map(&mem, &s, 0x5000, 0x9000, URW) == 0);
    CHECK(page_table_map(&mem, &s, 0x400000, 0x600000, URW | VM_LARGE) == 0);
    CHECK(page_table_protect(&mem, &s, 0x5000, VM_READ | VM_EXEC | VM_USER) == 0);
    phys_addr_t pa;
    unsigned flags;
    CHECK(page_table_translate(&mem, &s, 0x5010, &pa, &flags) == 0);
    CHECK_EQ_U(pa, 0x9010);
    CHECK_EQ_U(flags, VM_READ | VM_EXEC | VM_USER);
    CHECK(page_table_protect(&mem, &s, 0x400000, URW | VM_LARGE | VM_NOCACHE) == 0);
    CHECK(page_table_translate(&mem, &s, 0x5FFFFF, &pa, &flags) == 0);
    CHECK_EQ_U(pa, 0x7FFFFF);
    CHECK_EQ_U(flags, URW | VM_LARGE | VM_NOCACHE);
    struct ram_snapshot *before = snapshot();
    CHECK(page_table_protect(&mem, &s, 0x5000, URW | VM_EXEC) == -KS_ERR_INVALID_ARGUMENT);
    CHECK(page_table_protect(&mem, &s, 0x6000, URW) == -KS_ERR_NOT_FOUND);
    CHECK(page_table_protect(&mem, &s, 0x400000, URW) == -KS_ERR_NOT_FOUND);   /* size */
    CHECK(page_table_protect(&mem, &s, 0x401000, URW) == -KS_ERR_NOT_FOUND);
    CHECK(page_table_protect(&mem, &s, 0x0, URW | VM_LARGE) == -KS_ERR_NOT_FOUND);
    CHECK(same_as(before));
    page_table_destroy(&mem, &s);
    CHECK_EQ_U(ram.in_use, 0);
}

UNIT_TEST(destroy_frees_user_half_but_not_kernel_tables)
{
    ram_reset();
    struct vm_space k, u;
    CHECK(page_table_create(&mem, &k, NULL) == 0);
    CHECK(page_table_fill_kernel_half(&mem, &k) == 0);
    CHECK(page_table_map(&mem, &k, KTEXT, 0x1000, VM_READ) == 0);
    unsigned kernel_frames = ram.in_use;
    CHECK(page_table_create(&mem, &u, &k) == 0);
    for (uintptr_t va = 0; va < 64 * PAGE_SIZE; va += PAGE_SIZE)
        CHECK(page_table_map(&mem, &u, 0x10000000 + va * 1024, va, URW) == 0);
    CHECK(page_table_map(&mem, &u, 0x600000000000ULL, 0, URW | VM_LARGE) == 0);
    CHECK_EQ_U(u.table_frames, ram.in_use - kernel_frames);
    CHECK(counts_exact(u.root, 3));
    page_table_destroy(&mem, &u);
    CHECK_EQ_U(ram.in_use, kernel_frames);
    CHECK_EQ_U(u.table_frames, 0);
    CHECK(page_table_translate(&mem, &k, KTEXT, NULL, NULL) == 0);
    CHECK(!ram.bad_free);
}

/* A table is freed exactly when its last entry goes, whichever slot
 * that is, and a full table (512 entries) counts right. */
UNIT_TEST(table_freed_when_its_last_entry_goes)
{
    ram_reset();
    struct vm_space s;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    const uintptr_t pt = 0x40000000;   /* one page table's 2 MiB */
    for (uintptr_t i = 0; i < 512; i++)
        CHECK(page_table_map(&mem, &s, pt + i * PAGE_SIZE, i * PAGE_SIZE, URW) == 0);
    CHECK_EQ_U(s.table_frames, 4);
    CHECK(counts_exact(s.root, 3));
    /* Empty it from the middle outwards, slot 511 last: the PT stays
     * until then. */
    for (uintptr_t i = 256; i-- > 0;) {
        CHECK(page_table_unmap(&mem, &s, pt + i * PAGE_SIZE, 0) == 0);
        CHECK_EQ_U(s.table_frames, 4);
    }
    for (uintptr_t i = 256; i < 511; i++) {
        CHECK(page_table_unmap(&mem, &s, pt + i * PAGE_SIZE, 0) == 0);
        CHECK_EQ_U(s.table_frames, 4);
    }
    CHECK(counts_exact(s.root, 3));
    CHECK_EQ_U(ram.in_use, 4);
    CHECK(page_table_unmap(&mem, &s, pt + 511 * PAGE_SIZE, 0) == 0);
    CHECK_EQ_U(s.table_frames, 1);
    CHECK_EQ_U(ram.in_use, 1);
    /* The last entry at slot 0 or in the middle frees the tables just the same. */
    CHECK(page_table_map(&mem, &s, pt, 0, URW) == 0);
    CHECK(page_table_map(&mem, &s, pt + 300 * PAGE_SIZE, 0, URW) == 0);
    CHECK(page_table_unmap(&mem, &s, pt + 300 * PAGE_SIZE, 0) == 0);
    CHECK_EQ_U(s.table_frames, 4);
    CHECK(page_table_unmap(&mem, &s, pt, 0) == 0);
    CHECK_EQ_U(s.table_frames, 1);
    page_table_destroy(&mem, &s);
    CHECK_EQ_U(ram.in_use, 0);
    CHECK(!ram.bad_free);
}

/* page_table_user_walk: the kernel's arch_mmu_user_walk is this walk
 * over the direct map. */

#define WALK_MAX 1100

struct walk_log {
    unsigned count;
    unsigned stop_at;      /* return 7 from this call (1-based); 0 never */
    uintptr_t va[WALK_MAX];
    uint64_t pa[WALK_MAX];
    unsigned flags[WALK_MAX];
};

static struct walk_log walk_log;

static int log_page(void *ctx, uintptr_t va, uint64_t pa, unsigned flags)
{
    struct walk_log *log = ctx;
    if (log->count == WALK_MAX)
        return -1;
    log->va[log->count] = va;
    log->pa[log->count] = pa;
    log->flags[log->count] = flags;
    log->count++;
    return log->count == log->stop_at ? 7 : 0;
}

static int walk_into_log(const struct vm_space *s, unsigned stop_at)
{
    memset(&walk_log, 0, sizeof(walk_log));
    walk_log.stop_at = stop_at;
    return page_table_user_walk(&mem, s, log_page, &walk_log);
}

UNIT_TEST(user_walk_visits_user_leaves_in_order)
{
    ram_reset();
    struct vm_space k, u;
    CHECK(page_table_create(&mem, &k, NULL) == 0);
    CHECK(page_table_fill_kernel_half(&mem, &k) == 0);
    CHECK(page_table_map(&mem, &k, KTEXT, 0x200000, VM_READ | VM_EXEC) == 0);
    CHECK(page_table_create(&mem, &u, &k) == 0);
    CHECK(walk_into_log(&u, 0) == 0);
    CHECK_EQ_U(walk_log.count, 0);
    /* Mapped out of order, in several PML4 slots, with the last slot of
     * a table and a 2 MiB page among them. */
    static const struct { uintptr_t va; uint64_t pa; unsigned flags; } pages[] = {
        { 0x7FFFFFFFE000ULL, 0x7000, URW },
        { 0x10000, 0x1000, VM_READ | VM_USER },
        { 0x1FF000, 0x2000, VM_READ | VM_EXEC | VM_USER },
        { 0x8000000000ULL, 0x3000, URW },
        { 0x40000000, 0x400000, URW | VM_LARGE },
        { 0x11000, 0x4000, URW },
    };
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
        CHECK(page_table_map(&mem, &u, pages[i].va, pages[i].pa, pages[i].flags) == 0);
    CHECK(walk_into_log(&u, 0) == 0);
    CHECK_EQ_U(walk_log.count, 6);
    static const unsigned order[] = { 1, 5, 2, 4, 3, 0 };
    for (unsigned i = 0; i < 6; i++) {
        CHECK_EQ_U(walk_log.va[i], pages[order[i]].va);
        CHECK_EQ_U(walk_log.pa[i], pages[order[i]].pa);
        CHECK_EQ_U(walk_log.flags[i], pages[order[i]].flags);
    }
    /* The kernel space's user half is empty; its kernel page is not walked. */
    CHECK(walk_into_log(&k, 0) == 0);
    CHECK_EQ_U(walk_log.count, 0);
    /* A nonzero return stops the walk and comes back. */
    CHECK(walk_into_log(&u, 3) == 7);
    CHECK_EQ_U(walk_log.count, 3);
    CHECK_EQ_U(walk_log.va[2], 0x1FF000);
    page_table_destroy(&mem, &u);
    CHECK(!ram.bad_free);
}

/* The walk trusts each link's count to stop early: after unmaps that
 * leave holes anywhere in a table it still finds every page left. */
UNIT_TEST(user_walk_finds_every_page_after_holes)
{
    ram_reset();
    struct vm_space s;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    const uintptr_t base = 0x40000000;
    for (uintptr_t i = 0; i < 1024; i++)
        CHECK(page_table_map(&mem, &s, base + i * PAGE_SIZE, i * PAGE_SIZE, URW) == 0);
    for (uintptr_t i = 0; i < 1024; i += 3)
        CHECK(page_table_unmap(&mem, &s, base + i * PAGE_SIZE, 0) == 0);
    CHECK(page_table_unmap(&mem, &s, base + 1022 * PAGE_SIZE, 0) == 0);  /* the last left */
    CHECK(walk_into_log(&s, 0) == 0);
    unsigned n = 0;
    for (uintptr_t i = 0; i < 1022; i++) {
        if (i % 3 == 0)
            continue;
        CHECK(n < walk_log.count);
        CHECK_EQ_U(walk_log.va[n], base + i * PAGE_SIZE);
        CHECK_EQ_U(walk_log.pa[n], i * PAGE_SIZE);
        n++;
    }
    CHECK_EQ_U(walk_log.count, n);
    page_table_destroy(&mem, &s);
    CHECK_EQ_U(ram.in_use, 0);
}

/* What a process's release does: walk a batch, unmap it, walk again,
 * until nothing is left; every table but the root goes back. */
UNIT_TEST(user_walk_then_unmap_in_batches_frees_every_table)
{
    ram_reset();
    struct vm_space s;
    CHECK(page_table_create(&mem, &s, NULL) == 0);
    for (uintptr_t i = 0; i < 700; i++)
        CHECK(page_table_map(&mem, &s, 0x400000 + i * PAGE_SIZE, i * PAGE_SIZE, URW) == 0);
    CHECK(page_table_map(&mem, &s, 0x7FFFFFFEF000ULL, 0, URW) == 0);
    CHECK(page_table_map(&mem, &s, 0x600000000000ULL, 0, URW | VM_LARGE) == 0);
    unsigned walks = 0, unmapped = 0;
    for (;;) {
        int stop = walk_into_log(&s, 32);
        CHECK(stop == 0 || stop == 7);
        if (walk_log.count == 0)
            break;
        for (unsigned i = 0; i < walk_log.count; i++)
            CHECK(page_table_unmap(&mem, &s, walk_log.va[i], walk_log.flags[i] & VM_LARGE) == 0);
        unmapped += walk_log.count;
        CHECK(++walks < 100);
    }
    CHECK_EQ_U(unmapped, 702);
    CHECK_EQ_U(s.table_frames, 1);
    CHECK_EQ_U(ram.in_use, 1);
    page_table_destroy(&mem, &s);
    CHECK_EQ_U(ram.in_use, 0);
    CHECK(!ram.bad_free);
}

UNIT_MAIN(UNIT_CASE(map_and_translate_4k_user_page), UNIT_CASE(map_and_translate_2m_page),
          UNIT_CASE(kernel_half_is_shared_and_global_pdpts_stay),
          UNIT_CASE(conflicting_maps_are_refused_and_change_nothing),
          UNIT_CASE(bad_addresses_and_flags_are_invalid),
          UNIT_CASE(out_of_frames_midway_leaves_tables_unchanged),
          UNIT_CASE(fill_kernel_half_out_of_frames_rolls_back),
          UNIT_CASE(unmap_everything_returns_every_table),
          UNIT_CASE(protect_changes_flags_only),
          UNIT_CASE(destroy_frees_user_half_but_not_kernel_tables),
          UNIT_CASE(table_freed_when_its_last_entry_goes),
          UNIT_CASE(user_walk_visits_user_leaves_in_order),
          UNIT_CASE(user_walk_finds_every_page_after_holes),
          UNIT_CASE(user_walk_then_unmap_in_batches_frees_every_table))
