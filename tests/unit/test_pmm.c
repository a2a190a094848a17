/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the PMM's frame database (kernel/mm/frame_db.c,
 * frame_init.c), over the simulated RAM of pmm_fixture.h: init from maps
 * with holes, reserved regions, unaligned edges and RAM above 4 GiB, and
 * refusal of malformed maps; single allocation patterns, exhaustion and
 * recovery; every bad free (double, reserved, outside, misaligned, wrong
 * owner) refused with the state unchanged byte for byte; per-owner
 * statistics; boot-range release; the debug link check; the inline
 * single-frame path against bad input; frame 0 never free; a random mix
 * checked against the database's invariants after every step.  Built
 * with -DFRAME_DB_CHECKS=0 (test_pmm_release.c) the same tests run the
 * release kernel's list code (no check words, the head's prev not kept;
 * the link-check test is then skipped).  Contiguous runs: test_pmm_runs.c.
 */
#include "pmm_fixture.h"

UNIT_TEST(init_counts_usable_frames_minus_frame0_and_table)
{
    CHECK_EQ_U(init_with(pc_map, PC_COUNT, 4 * GIB + 64 * MIB), 0);
    CHECK_EQ_U(db.frame_limit, (4 * GIB + 64 * MIB) / PAGE_SIZE);
    CHECK_EQ_U(db.table_frames, (db.frame_limit + 4095) / 4096);
    CHECK_EQ_U(db.usable_ranges, 5);
    CHECK_EQ_U(db.usable_bytes, usable_frames_of(pc_map, PC_COUNT) * PAGE_SIZE);
    /* frame 0 is usable in the map but never free */
    CHECK_EQ_U(db.total_frames, usable_frames_of(pc_map, PC_COUNT) - 1 - db.table_frames);
    CHECK_EQ_U(frame_db_free_frames(&db), db.total_frames);
    CHECK(db.table_base >= MIB / PAGE_SIZE);
    CHECK(in_usable(pc_map, PC_COUNT, db.table_base * PAGE_SIZE));
    CHECK(in_usable(pc_map, PC_COUNT, (db.table_base + db.table_frames - 1) * PAGE_SIZE));
    CHECK_EQ_U(frame_db_state_of(&db, 0), FRAME_HOLE);
    CHECK_EQ_U(frame_db_state_of(&db, 0x9f000), FRAME_HOLE);
    CHECK_EQ_U(frame_db_state_of(&db, 0x118000), FRAME_BOOT);
    CHECK_EQ_U(frame_db_state_of(&db, 0x160000), FRAME_HOLE);     /* ACPI NVS */
    CHECK_EQ_U(frame_db_state_of(&db, 3 * GIB), FRAME_HOLE);
    CHECK_EQ_U(frame_db_state_of(&db, 4 * GIB + 64 * MIB), FRAME_STATE_OUTSIDE);
    CHECK_EQ_U(frame_db_state_of(&db, db.table_base * PAGE_SIZE), FRAME_TABLE);
    struct pmm_stats st;
    frame_db_stats(&db, &st);
    CHECK_EQ_U(st.reserved_frames, db.frame_limit - st.total_frames);
    CHECK_CONSISTENT();
    ram_unmap();
}

UNIT_TEST(init_rounds_usable_inward_and_reserved_outward)
{
    static const struct ks_mem_region map[] = {
        R(0x1000, 0x9e800, KS_MEM_USABLE),                 /* ends mid-frame */
        R(0x9f800, 0x800, KS_MEM_RESERVED),
        R(0x100000, 0x3f00800, KS_MEM_USABLE),             /* to 0x4000800 */
        R(0x4000800, 0x1000, KS_MEM_BOOT_DATA),            /* 0x4000000..0x4002000 */
    };
    CHECK_EQ_U(init_with(map, 4, 128 * MIB), 0);
    CHECK_EQ_U(frame_db_state_of(&db, 0x9f000), FRAME_HOLE);      /* shared: reserved */
    CHECK_EQ_U(frame_db_state_of(&db, 0x9e000), FRAME_FREE_RUN);
    CHECK_EQ_U(frame_db_state_of(&db, 0x4000000), FRAME_BOOT);
    CHECK_EQ_U(frame_db_state_of(&db, 0x4001000), FRAME_BOOT);
    CHECK_EQ_U(db.frame_limit, 0x4002);
    CHECK_CONSISTENT();
    ram_unmap();
}

UNIT_TEST(init_refuses_bad_maps)
{
    static const struct ks_mem_region unsorted[] = {
        R(16 * MIB, 16 * MIB, KS_MEM_USABLE), R(0, 16 * MIB, KS_MEM_USABLE),
    };
    static const struct ks_mem_region overlapping[] = {
        R(0, 16 * MIB, KS_MEM_USABLE), R(8 * MIB, 16 * MIB, KS_MEM_KERNEL),
    };
    static const struct ks_mem_region wrapping[] = {
        R(1 * MIB, UINT64_MAX - 4096, KS_MEM_USABLE),
    };
    static const struct ks_mem_region none_usable[] = {
        R(0, 16 * MIB, KS_MEM_RESERVED), R(16 * MIB, 16 * MIB, KS_MEM_KERNEL),
    };
    /* 1 GiB of boot RAM needs a 64 KiB table; 40 KiB are usable */
    static const struct ks_mem_region table_too_big[] = {
        R(0x1000, 40 * KIB, KS_MEM_USABLE), R(1 * MIB, 1 * GIB, KS_MEM_MODULE),
    };
    CHECK_EQ_U(init_with(unsorted, 2, 32 * MIB), -KS_ERR_CORRUPT);
    CHECK_EQ_U(init_with(overlapping, 2, 32 * MIB), -KS_ERR_CORRUPT);
    CHECK_EQ_U(init_with(wrapping, 1, 32 * MIB), -KS_ERR_CORRUPT);
    CHECK_EQ_U(init_with(pc_map, 0, 32 * MIB), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(init_with(none_usable, 2, 32 * MIB), -KS_ERR_NO_MEMORY);
    CHECK_EQ_U(init_with(table_too_big, 2, 1 * GIB + 2 * MIB), -KS_ERR_NO_MEMORY);
    /* a refused init leaves a database that refuses everything */
    phys_addr_t p;
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p), -KS_ERR_NO_MEMORY);
    CHECK_EQ_U(frame_db_free(&db, 0x2000, PMM_OWNER_TEST, NULL), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), -KS_ERR_NO_MEMORY);
    ram_unmap();
}

UNIT_TEST(ram_beyond_the_direct_map_is_left_out)
{
    static const struct ks_mem_region map[] = { R(0, 64 * MIB, KS_MEM_USABLE) };
    CHECK_EQ_U(init_with(map, 1, 32 * MIB), 0);
    CHECK_EQ_U(db.frame_limit, 32 * MIB / PAGE_SIZE);
    CHECK_EQ_U(db.usable_bytes, 64 * MIB);
    CHECK_CONSISTENT();
    ram_unmap();
}

/* Allocate until refused; every frame must be usable, not frame 0, not
 * the table, and not handed out twice. */
UNIT_TEST(every_frame_handed_out_is_usable_and_exhaustion_recovers)
{
    CHECK_EQ_U(init_with(pc_map, PC_COUNT, 4 * GIB + 64 * MIB), 0);
    uint64_t total = db.total_frames, n = 0;
    static phys_addr_t got[200000];
    phys_addr_t p;
    while (frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p) == 0) {
        CHECK(n < sizeof(got) / sizeof(got[0]));
        CHECK(p != 0 && p % PAGE_SIZE == 0);
        CHECK(in_usable(pc_map, PC_COUNT, p));
        CHECK(p / PAGE_SIZE < db.table_base || p / PAGE_SIZE >= db.table_base + db.table_frames);
        CHECK_EQ_U(frame_db_state_of(&db, p), FRAME_OWNED + PMM_OWNER_TEST);
        got[n++] = p;
    }
    CHECK_EQ_U(n, total);
    CHECK_EQ_U(frame_db_free_frames(&db), 0);
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p), -KS_ERR_NO_MEMORY);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), -KS_ERR_NO_MEMORY);
    CHECK_CONSISTENT();
    /* the first frames come from the top: low memory lasts longest */
    CHECK(got[0] >= 4 * GIB);
    CHECK_EQ_U(frame_db_free(&db, got[7], PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p), 0);
    CHECK_EQ_U(p, got[7]);
    for (uint64_t i = 0; i < n; i++)
        CHECK_EQ_U(frame_db_free(&db, got[i], PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free_frames(&db), total);
    CHECK_EQ_U(db.owned[PMM_OWNER_TEST], 0);
    CHECK_CONSISTENT();
    /* and once more from the list, LIFO */
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p), 0);
    CHECK_EQ_U(p, got[n - 1]);
    CHECK_EQ_U(frame_db_free(&db, p, PMM_OWNER_TEST, NULL), 0);
    ram_unmap();
}


UNIT_TEST(bad_frees_are_refused_and_change_nothing)
{
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    phys_addr_t a, b;
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_HEAP, 0, &a), 0);
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &b), 0);
    CHECK_EQ_U(frame_db_free(&db, b, PMM_OWNER_TEST, NULL), 0);   /* b is free now */
    struct frame_db_refusal r;
    struct { phys_addr_t phys; enum pmm_owner owner; int err; uint8_t state; } cases[] = {
        { b, PMM_OWNER_TEST, -KS_ERR_INVALID_ARGUMENT, FRAME_FREE_LISTED },       /* double */
        { 0x100000, PMM_OWNER_TEST, -KS_ERR_INVALID_ARGUMENT, FRAME_BOOT },       /* kernel */
        { 0xa0000, PMM_OWNER_TEST, -KS_ERR_INVALID_ARGUMENT, FRAME_HOLE },        /* firmware */
        { 0, PMM_OWNER_TEST, -KS_ERR_INVALID_ARGUMENT, FRAME_HOLE },              /* frame 0 */
        { db.table_base * PAGE_SIZE, PMM_OWNER_TEST, -KS_ERR_INVALID_ARGUMENT, FRAME_TABLE },
        { 0x200000, PMM_OWNER_TEST, -KS_ERR_INVALID_ARGUMENT, FRAME_FREE_RUN },   /* never used */
        { 32 * MIB, PMM_OWNER_TEST, -KS_ERR_INVALID_ARGUMENT, FRAME_STATE_OUTSIDE },
        { 1ULL << 52, PMM_OWNER_TEST, -KS_ERR_INVALID_ARGUMENT, FRAME_STATE_OUTSIDE },
        { a + 8, PMM_OWNER_HEAP, -KS_ERR_INVALID_ARGUMENT, FRAME_OWNED + PMM_OWNER_HEAP },
        { a, PMM_OWNER_TEST, -KS_ERR_NOT_OWNER, FRAME_OWNED + PMM_OWNER_HEAP },
        { a, (enum pmm_owner)PMM_OWNER_COUNT, -KS_ERR_INVALID_ARGUMENT,
          FRAME_OWNED + PMM_OWNER_HEAP },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snapshot();
        r.why = NULL;
        int err = frame_db_free(&db, cases[i].phys, cases[i].owner, &r);
        if (err != cases[i].err || r.state != cases[i].state)
            printf("  case %zu: err %d state %u\n", i, err, r.state);
        CHECK_EQ_U(err, cases[i].err);
        CHECK_EQ_U(r.phys, cases[i].phys);
        CHECK_EQ_U(r.state, cases[i].state);
        CHECK(r.why != NULL);
        CHECK(unchanged());
    }
    CHECK_STR(frame_db_state_name(FRAME_OWNED + PMM_OWNER_HEAP), "allocated to heap");
    CHECK_STR(frame_db_state_name(FRAME_FREE_LISTED), "free");
    CHECK_EQ_U(frame_db_free(&db, a, PMM_OWNER_HEAP, &r), 0);
    CHECK_EQ_U(frame_db_free_frames(&db), db.total_frames);
    CHECK_CONSISTENT();
    ram_unmap();
}

UNIT_TEST(zeroed_frames_are_zero)
{
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    phys_addr_t p, q;
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p), 0);
    memset(ram + p, 0xA5, PAGE_SIZE);
    CHECK_EQ_U(frame_db_free(&db, p, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, PMM_ZERO, &q), 0);
    CHECK_EQ_U(q, p);
    for (uint64_t i = 0; i < PAGE_SIZE; i++)
        CHECK_EQ_U(ram[q + i], 0);
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0x80, &p), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc(&db, (enum pmm_owner)99, 0, &p), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_free(&db, q, PMM_OWNER_TEST, NULL), 0);
    CHECK_CONSISTENT();
    ram_unmap();
}

UNIT_TEST(stats_are_kept_per_owner)
{
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    phys_addr_t p[PMM_OWNER_COUNT][3];
    for (unsigned o = 0; o < PMM_OWNER_COUNT; o++)
        for (unsigned i = 0; i <= o && i < 3; i++)
            CHECK_EQ_U(frame_db_alloc(&db, (enum pmm_owner)o, 0, &p[o][i]), 0);
    struct pmm_stats st;
    frame_db_stats(&db, &st);
    uint64_t used = 0;
    for (unsigned o = 0; o < PMM_OWNER_COUNT; o++) {
        CHECK_EQ_U(st.owned[o], o < 3 ? o + 1 : 3);
        used += st.owned[o];
    }
    CHECK_EQ_U(st.free_frames + used, st.total_frames);
    CHECK_EQ_U(st.total_frames + st.reserved_frames, db.frame_limit);
    CHECK_EQ_U(frame_db_free(&db, p[PMM_OWNER_HEAP][0], PMM_OWNER_KERNEL, NULL),
               -KS_ERR_NOT_OWNER);
    for (unsigned o = 0; o < PMM_OWNER_COUNT; o++)
        for (unsigned i = 0; i <= o && i < 3; i++)
            CHECK_EQ_U(frame_db_free(&db, p[o][i], (enum pmm_owner)o, NULL), 0);
    frame_db_stats(&db, &st);
    for (unsigned o = 0; o < PMM_OWNER_COUNT; o++)
        CHECK_EQ_U(st.owned[o], 0);
    CHECK_EQ_U(st.free_frames, st.total_frames);
    CHECK_CONSISTENT();
    ram_unmap();
}

UNIT_TEST(boot_ranges_are_released_once)
{
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    uint64_t total = db.total_frames;
    struct frame_db_refusal r;
    snapshot();
    CHECK_EQ_U(frame_db_release(&db, 0x120800, 0x1000, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_release(&db, 0x120000, 0x800, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_release(&db, 0x120000, 0, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_release(&db, 0x9f000, 0x1000, &r), -KS_ERR_INVALID_ARGUMENT); /* firmware */
    CHECK_EQ_U(r.state, FRAME_HOLE);
    CHECK_EQ_U(frame_db_release(&db, 0x120000, 0x9000, &r), -KS_ERR_INVALID_ARGUMENT); /* + usable */
    CHECK_EQ_U(r.phys, 0x128000);
    CHECK_EQ_U(frame_db_release(&db, 0, 0x1000, &r), -KS_ERR_INVALID_ARGUMENT);      /* frame 0 */
    CHECK_EQ_U(frame_db_release(&db, 32 * MIB, 0x1000, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_release(&db, 0x120000, UINT64_MAX - 0xfff, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_release(&db, db.table_base * PAGE_SIZE, PAGE_SIZE, &r),
               -KS_ERR_INVALID_ARGUMENT);
    CHECK(unchanged());
    CHECK_EQ_U(frame_db_release(&db, 0x120000, 0x8000, &r), 0);      /* the page tables */
    CHECK_EQ_U(db.total_frames, total + 8);
    CHECK_EQ_U(frame_db_free_frames(&db), total + 8);
    CHECK_EQ_U(frame_db_state_of(&db, 0x127000), FRAME_FREE_RUN);
    CHECK_EQ_U(frame_db_release(&db, 0x120000, 0x1000, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(r.state, FRAME_FREE_RUN);
    CHECK_CONSISTENT();
    /* released frames are handed out like any other (the newest run first) */
    phys_addr_t p;
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_PAGE_TABLE, 0, &p), 0);
    CHECK_EQ_U(p, 0x127000);
    CHECK_EQ_U(frame_db_free(&db, p, PMM_OWNER_PAGE_TABLE, NULL), 0);
    ram_unmap();
}

UNIT_TEST(overwritten_free_list_link_is_caught)
{
    if (!FRAME_DB_CHECKS)       /* built as the release kernel: no link checks */
        return;
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    phys_addr_t a, b, p;
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &a), 0);
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &b), 0);
    CHECK_EQ_U(frame_db_free(&db, a, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free(&db, b, PMM_OWNER_TEST, NULL), 0);
    ram[b + 3] ^= 0x10;                           /* a use after free */
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p), -KS_ERR_CORRUPT);
    CHECK_EQ_U(corrupt_calls, 1);
    CHECK_EQ_U(corrupt_phys, b);
    ram[b + 3] ^= 0x10;
    /* a neighbour that does not point back is caught too */
    struct test_link *la = (void *)(ram + a);
    la->prev = 5;
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p), -KS_ERR_CORRUPT);
    CHECK_EQ_U(corrupt_calls, 2);
    la->prev = b;
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p), 0);
    CHECK_EQ_U(p, b);
    CHECK_EQ_U(frame_db_free(&db, p, PMM_OWNER_TEST, NULL), 0);
    CHECK_CONSISTENT();
    ram_unmap();
}

/* The inline single-frame path (list head, one state byte) refuses what
 * the full checks refuse, with a frame on the list, and changes nothing. */
UNIT_TEST(fast_path_refuses_bad_input_with_a_listed_frame)
{
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    phys_addr_t a, b, p = 0x1234;
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_HEAP, 0, &a), 0);
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &b), 0);
    CHECK_EQ_U(frame_db_free(&db, b, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(db.list_head, b);
    snapshot();
    CHECK_EQ_U(frame_db_alloc(&db, (enum pmm_owner)PMM_OWNER_COUNT, 0, &p),
               -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0x2, &p), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, NULL), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(p, 0x1234);
    CHECK(unchanged());
    /* owners that wrap FRAME_OWNED + owner onto a free or reserved state,
     * offsets in the top bits, the last byte of the address space */
    static const uint32_t owners[] = { 0xFFFFFFF8u + FRAME_FREE_LISTED,
                                       0xFFFFFFF8u + FRAME_HOLE, 0xFFFFFFFFu, 255 };
    for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
        CHECK_EQ_U(frame_db_free(&db, b, (enum pmm_owner)owners[i], NULL),
                   -KS_ERR_INVALID_ARGUMENT);
        CHECK_EQ_U(frame_db_free(&db, a, (enum pmm_owner)owners[i], NULL),
                   -KS_ERR_INVALID_ARGUMENT);
    }
    static const uint64_t addrs[] = { 1, PAGE_SIZE - 1, UINT64_MAX, UINT64_MAX - PAGE_SIZE + 1,
                                      (1ULL << 63) | PAGE_SIZE };
    for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
        CHECK_EQ_U(frame_db_free(&db, addrs[i], PMM_OWNER_HEAP, NULL),
                   -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_free(&db, a | 0x800, PMM_OWNER_HEAP, NULL), -KS_ERR_INVALID_ARGUMENT);
    CHECK(unchanged());
    /* the head comes back first, to the owner asked for */
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_KERNEL_STACK, 0, &p), 0);
    CHECK_EQ_U(p, b);
    CHECK_EQ_U(frame_db_state_of(&db, p), FRAME_OWNED + PMM_OWNER_KERNEL_STACK);
    CHECK_EQ_U(frame_db_free(&db, p, PMM_OWNER_TEST, NULL), -KS_ERR_NOT_OWNER);
    CHECK_EQ_U(frame_db_free(&db, p, PMM_OWNER_KERNEL_STACK, NULL), 0);
    CHECK_EQ_U(frame_db_free(&db, a, PMM_OWNER_HEAP, NULL), 0);
    CHECK_EQ_U(frame_db_free_frames(&db), db.total_frames);
    CHECK_CONSISTENT();
    ram_unmap();
}

/* Frame 0's address ends the free list: boot RAM there stays a hole and
 * is never released. */
UNIT_TEST(frame_zero_is_never_free)
{
    static const struct ks_mem_region map[] = {
        R(0, 0x1000, KS_MEM_BOOT_DATA),
        R(0x1000, 0x9e000, KS_MEM_USABLE),
        R(0x100000, 0x100000, KS_MEM_KERNEL),
        R(0x200000, 30 * MIB, KS_MEM_USABLE),
    };
    CHECK_EQ_U(init_with(map, 4, 32 * MIB), 0);
    CHECK_EQ_U(frame_db_state_of(&db, 0), FRAME_HOLE);
    CHECK_EQ_U(frame_db_state_of(&db, 0x1000), FRAME_FREE_RUN);
    struct frame_db_refusal r;
    CHECK_EQ_U(frame_db_release(&db, 0, PAGE_SIZE, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(r.state, FRAME_HOLE);
    phys_addr_t p;
    CHECK_EQ_U(frame_db_alloc_run(&db, 0x9f, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), 0);
    CHECK(p != 0);
    CHECK_EQ_U(frame_db_free_run(&db, p, 0x9f, PMM_OWNER_TEST, NULL), 0);
    CHECK_CONSISTENT();
    ram_unmap();
}

/* 64 GiB in four ranges with holes: the table scales (16 MiB), lands in
 * low RAM, and allocation touches only the frames it hands out. */

static uint64_t naive_run_find(uint64_t count, uint64_t align_frames)
{
    for (uint64_t first = (db.frame_limit - count) / align_frames * align_frames;;
         first -= align_frames) {
        uint64_t f = first;
        while (f < first + count && (db.state[f] == FRAME_FREE_RUN ||
                                     db.state[f] == FRAME_FREE_LISTED))
            f++;
        if (f == first + count)
            return first;
        if (first < align_frames)
            return FRAME_NONE;
    }
}

/* A deterministic random mix of every operation; the invariants hold
 * after each step, every contiguous run is the one a naive scan finds,
 * and everything comes back at the end. */
UNIT_TEST(random_mix_keeps_the_invariants)
{
    CHECK_EQ_U(init_with(pc_map, PC_LOW_COUNT, 128 * MIB), 0);
    uint64_t total = db.total_frames, seed = 0x2545F4914F6CDD1DULL;
    static struct { phys_addr_t base; uint64_t count; enum pmm_owner owner; } held[512];
    unsigned n = 0;
    for (int step = 0; step < 6000; step++) {
        seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
        unsigned op = seed % 4, owner = (seed >> 8) % PMM_OWNER_COUNT;
        if ((op < 2 || n == 0) && n < 512) {
            uint64_t count = op == 0 ? 1 : 1 + (seed >> 16) % 600;
            uint64_t align = PAGE_SIZE << ((seed >> 32) % 10);
            phys_addr_t p;
            uint64_t expect = op == 0 ? 0 : naive_run_find(count, align / PAGE_SIZE);
            int err = op == 0 ? frame_db_alloc(&db, owner, 0, &p) :
                      frame_db_alloc_run(&db, count, align, owner, 0, &p);
            if (op != 0)
                CHECK_EQ_U(err == 0 ? p / PAGE_SIZE : FRAME_NONE, expect);
            if (err == 0) {
                CHECK(in_usable(pc_map, PC_LOW_COUNT, p));
                CHECK(in_usable(pc_map, PC_LOW_COUNT, p + (count - 1) * PAGE_SIZE));
                CHECK(op == 0 || p % align == 0);
                held[n].base = p; held[n].count = count; held[n].owner = owner;
                n++;
            } else {
                CHECK_EQ_U(err, -KS_ERR_NO_MEMORY);
            }
        } else {
            unsigned i = (seed >> 20) % n;
            int err = held[i].count == 1 && op == 2 ?
                      frame_db_free(&db, held[i].base, held[i].owner, NULL) :
                      frame_db_free_run(&db, held[i].base, held[i].count, held[i].owner, NULL);
            CHECK_EQ_U(err, 0);
            held[i] = held[--n];
        }
        if (step % 50 == 0)
            CHECK_CONSISTENT();
    }
    while (n > 0) {
        n--;
        CHECK_EQ_U(frame_db_free_run(&db, held[n].base, held[n].count, held[n].owner, NULL), 0);
    }
    CHECK_EQ_U(frame_db_free_frames(&db), total);
    CHECK_CONSISTENT();
    ram_unmap();
}

UNIT_MAIN(
    UNIT_CASE(init_counts_usable_frames_minus_frame0_and_table),
    UNIT_CASE(init_rounds_usable_inward_and_reserved_outward),
    UNIT_CASE(init_refuses_bad_maps),
    UNIT_CASE(ram_beyond_the_direct_map_is_left_out),
    UNIT_CASE(every_frame_handed_out_is_usable_and_exhaustion_recovers),
    UNIT_CASE(bad_frees_are_refused_and_change_nothing),
    UNIT_CASE(zeroed_frames_are_zero),
    UNIT_CASE(stats_are_kept_per_owner),
    UNIT_CASE(boot_ranges_are_released_once),
    UNIT_CASE(overwritten_free_list_link_is_caught),
    UNIT_CASE(fast_path_refuses_bad_input_with_a_listed_frame),
    UNIT_CASE(frame_zero_is_never_free),
    UNIT_CASE(random_mix_keeps_the_invariants)
)
