/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the user-half page walk (page_table_user_walk in
 * arch/x86_64/kernel/page_table.c): pages in order with their flags and
 * the kernel half skipped, a stop on a nonzero return, every page found
 * after holes, and walking then unmapping in batches frees every table.
 */
#include "page_table_fixture.h"

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

UNIT_MAIN(
    UNIT_CASE(user_walk_visits_user_leaves_in_order),
    UNIT_CASE(user_walk_finds_every_page_after_holes),
    UNIT_CASE(user_walk_then_unmap_in_batches_frees_every_table)
)
