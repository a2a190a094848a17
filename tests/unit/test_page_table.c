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
#include "page_table_fixture.h"

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

UNIT_MAIN(
    UNIT_CASE(map_and_translate_4k_user_page),
    UNIT_CASE(map_and_translate_2m_page),
    UNIT_CASE(kernel_half_is_shared_and_global_pdpts_stay),
    UNIT_CASE(conflicting_maps_are_refused_and_change_nothing),
    UNIT_CASE(bad_addresses_and_flags_are_invalid),
    UNIT_CASE(out_of_frames_midway_leaves_tables_unchanged),
    UNIT_CASE(fill_kernel_half_out_of_frames_rolls_back),
    UNIT_CASE(unmap_everything_returns_every_table),
    UNIT_CASE(protect_changes_flags_only),
    UNIT_CASE(destroy_frees_user_half_but_not_kernel_tables),
    UNIT_CASE(table_freed_when_its_last_entry_goes)
)
