/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the PMM's contiguous runs (kernel/mm/frame_db.c), over
 * the simulated RAM of pmm_fixture.h: 4 KiB and 2 MiB alignment, bad
 * arguments, fragmentation, lone listed frames found by the scan, a full
 * run array, and a 64 GiB map with holes.
 */
#include "pmm_fixture.h"

static int run_is_owned(phys_addr_t base, uint64_t count, enum pmm_owner owner)
{
    for (uint64_t i = 0; i < count; i++)
        if (frame_db_state_of(&db, base + i * PAGE_SIZE) != FRAME_OWNED + owner)
            return 0;
    return 1;
}

UNIT_TEST(contiguous_runs_are_aligned_usable_and_zeroed)
{
    CHECK_EQ_U(init_with(pc_map, PC_COUNT, 4 * GIB + 64 * MIB), 0);
    uint64_t total = db.total_frames;
    phys_addr_t big, small, odd;
    memset(ram + 4 * GIB + 60 * MIB, 0x5A, 4 * MIB);   /* dirty the top of RAM */
    CHECK_EQ_U(frame_db_alloc_run(&db, 512, LARGE_PAGE_SIZE, PMM_OWNER_TEST, PMM_ZERO, &big), 0);
    CHECK_EQ_U(big % LARGE_PAGE_SIZE, 0);
    CHECK_EQ_U(big, 4 * GIB + 62 * MIB);                 /* highest fit */
    CHECK(run_is_owned(big, 512, PMM_OWNER_TEST));
    for (uint64_t i = 0; i < LARGE_PAGE_SIZE; i++)
        CHECK_EQ_U(ram[big + i], 0);
    CHECK_EQ_U(frame_db_alloc_run(&db, 3, PAGE_SIZE, PMM_OWNER_HEAP, 0, &small), 0);
    CHECK_EQ_U(small, big - 3 * PAGE_SIZE);
    CHECK_EQ_U(frame_db_alloc_run(&db, 5, 4 * PAGE_SIZE * 4, PMM_OWNER_KERNEL, 0, &odd), 0);
    CHECK_EQ_U(odd % (16 * PAGE_SIZE), 0);
    CHECK(odd + 5 * PAGE_SIZE <= small);
    CHECK_EQ_U(frame_db_free_frames(&db), total - 520);
    CHECK_EQ_U(db.owned[PMM_OWNER_TEST], 512);
    CHECK_CONSISTENT();
    /* a run may not cross the PCI hole or reach reserved frames */
    phys_addr_t huge;
    CHECK_EQ_U(frame_db_alloc_run(&db, 128 * MIB / PAGE_SIZE, PAGE_SIZE, PMM_OWNER_TEST, 0, &huge),
               -KS_ERR_NO_MEMORY);
    CHECK_EQ_U(frame_db_alloc_run(&db, 100 * MIB / PAGE_SIZE, PAGE_SIZE, PMM_OWNER_TEST, 0, &huge),
               0);
    CHECK(in_usable(pc_map, PC_COUNT, huge) &&
          in_usable(pc_map, PC_COUNT, huge + 100 * MIB - PAGE_SIZE));
    CHECK_EQ_U(frame_db_free_run(&db, huge, 100 * MIB / PAGE_SIZE, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free_run(&db, big, 512, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free_run(&db, small, 3, PMM_OWNER_HEAP, NULL), 0);
    CHECK_EQ_U(frame_db_free_run(&db, odd, 5, PMM_OWNER_KERNEL, NULL), 0);
    CHECK_EQ_U(frame_db_free_frames(&db), total);
    CHECK_CONSISTENT();
    ram_unmap();
}

UNIT_TEST(contiguous_bad_arguments_are_refused)
{
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    phys_addr_t p;
    snapshot();
    CHECK_EQ_U(frame_db_alloc_run(&db, 0, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, 0, PMM_OWNER_TEST, 0, &p), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, 2048, PMM_OWNER_TEST, 0, &p), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, 3 * PAGE_SIZE, PMM_OWNER_TEST, 0, &p),
               -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, PAGE_SIZE, PMM_OWNER_COUNT, 0, &p),
               -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, PAGE_SIZE, PMM_OWNER_TEST, 2, &p), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1ULL << 40, PAGE_SIZE, PMM_OWNER_TEST, 0, &p),
               -KS_ERR_NO_MEMORY);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, 1ULL << 40, PMM_OWNER_TEST, 0, &p), -KS_ERR_NO_MEMORY);
    CHECK(unchanged());
    /* a contiguous free with one bad frame frees nothing */
    phys_addr_t run;
    CHECK_EQ_U(frame_db_alloc_run(&db, 4, PAGE_SIZE, PMM_OWNER_TEST, 0, &run), 0);
    CHECK_EQ_U(frame_db_free(&db, run + 2 * PAGE_SIZE, PMM_OWNER_TEST, NULL), 0);
    snapshot();
    struct frame_db_refusal r;
    CHECK_EQ_U(frame_db_free_run(&db, run, 4, PMM_OWNER_TEST, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(r.phys, run + 2 * PAGE_SIZE);
    CHECK_EQ_U(r.state, FRAME_FREE_LISTED);
    CHECK_EQ_U(frame_db_free_run(&db, run, 2, PMM_OWNER_HEAP, &r), -KS_ERR_NOT_OWNER);
    CHECK_EQ_U(frame_db_free_run(&db, run, 0, PMM_OWNER_TEST, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_free_run(&db, run + 1, 1, PMM_OWNER_TEST, &r), -KS_ERR_INVALID_ARGUMENT);
    CHECK(unchanged());
    CHECK_EQ_U(frame_db_free_run(&db, run, 2, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free(&db, run + 3 * PAGE_SIZE, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free_frames(&db), db.total_frames);
    CHECK_CONSISTENT();
    ram_unmap();
}

/* Fill memory with single frames, free every other one: no two free
 * frames touch, so only count 1 fits; then free one aligned 2 MiB window
 * and exactly it comes back as a large run. */
UNIT_TEST(contiguous_under_fragmentation)
{
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    uint64_t total = db.total_frames, n = 0;
    phys_addr_t p;
    while (frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p) == 0)
        n++;
    CHECK_EQ_U(n, total);
    for (uint64_t f = 1; f < db.frame_limit; f += 2)
        if (frame_db_state_of(&db, f * PAGE_SIZE) == FRAME_OWNED + PMM_OWNER_TEST)
            CHECK_EQ_U(frame_db_free(&db, f * PAGE_SIZE, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_alloc_run(&db, 2, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), -KS_ERR_NO_MEMORY);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), 0);
    CHECK_EQ_U(frame_db_free(&db, p, PMM_OWNER_TEST, NULL), 0);
    for (uint64_t f = 8 * MIB / PAGE_SIZE; f < 10 * MIB / PAGE_SIZE; f += 2)
        CHECK_EQ_U(frame_db_free(&db, f * PAGE_SIZE, PMM_OWNER_TEST, NULL), 0);
    CHECK_CONSISTENT();
    CHECK_EQ_U(frame_db_alloc_run(&db, 512, LARGE_PAGE_SIZE, PMM_OWNER_TEST, 0, &p), 0);
    CHECK_EQ_U(p, 8 * MIB);
    CHECK_EQ_U(frame_db_alloc_run(&db, 512, LARGE_PAGE_SIZE, PMM_OWNER_TEST, 0, &p),
               -KS_ERR_NO_MEMORY);
    CHECK_CONSISTENT();
    CHECK_EQ_U(frame_db_free_run(&db, 8 * MIB, 512, PMM_OWNER_TEST, NULL), 0);
    for (uint64_t f = 0; f < db.frame_limit; f++)
        if (frame_db_state_of(&db, f * PAGE_SIZE) == FRAME_OWNED + PMM_OWNER_TEST)
            CHECK_EQ_U(frame_db_free(&db, f * PAGE_SIZE, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free_frames(&db), total);
    CHECK_CONSISTENT();
    ram_unmap();
}

/* The scan skips busy frames eight at a time: listed frames (not only
 * run frames) must stop it, down to the lowest frames of RAM. */
UNIT_TEST(contiguous_scan_finds_lone_listed_frames)
{
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    uint64_t total = db.total_frames;
    phys_addr_t p;
    while (frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p) == 0)
        ;
    uint64_t lone[] = { 5, 0x401, 0x1000 + 17 };
    for (size_t i = 0; i < 3; i++) {
        CHECK_EQ_U(frame_db_free(&db, lone[i] * PAGE_SIZE, PMM_OWNER_TEST, NULL), 0);
        CHECK_EQ_U(frame_db_alloc_run(&db, 2, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), -KS_ERR_NO_MEMORY);
        CHECK_EQ_U(frame_db_alloc_run(&db, 1, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), 0);
        CHECK_EQ_U(p, lone[i] * PAGE_SIZE);
        CHECK_EQ_U(frame_db_free(&db, p, PMM_OWNER_TEST, NULL), 0);
    }
    CHECK_EQ_U(frame_db_free(&db, (0x1000 + 18) * PAGE_SIZE, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_alloc_run(&db, 2, 2 * PAGE_SIZE, PMM_OWNER_TEST, 0, &p), -KS_ERR_NO_MEMORY);
    CHECK_EQ_U(frame_db_alloc_run(&db, 2, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), 0);
    CHECK_EQ_U(p, (0x1000 + 17) * PAGE_SIZE);
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, PAGE_SIZE, PMM_OWNER_TEST, 0, &p), 0);
    CHECK_EQ_U(p, 0x401 * PAGE_SIZE);
    CHECK_CONSISTENT();
    for (uint64_t f = 0; f < db.frame_limit; f++)
        if (frame_db_state_of(&db, f * PAGE_SIZE) == FRAME_OWNED + PMM_OWNER_TEST)
            CHECK_EQ_U(frame_db_free(&db, f * PAGE_SIZE, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free_frames(&db), total);
    ram_unmap();
}

/* Single-frame contiguous frees fill the run array; past it, frames go
 * to the list and everything still adds up. */
UNIT_TEST(full_run_array_falls_back_to_the_list)
{
    CHECK_EQ_U(init_with(small_map, SMALL_COUNT, 32 * MIB), 0);
    uint64_t total = db.total_frames;
    phys_addr_t base;
    uint64_t count = 3 * FRAME_DB_MAX_RUNS;
    CHECK_EQ_U(frame_db_alloc_run(&db, count, PAGE_SIZE, PMM_OWNER_TEST, 0, &base), 0);
    for (uint64_t i = 0; i < count; i += 2)
        CHECK_EQ_U(frame_db_free_run(&db, base + i * PAGE_SIZE, 1, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(db.run_count, FRAME_DB_MAX_RUNS);
    CHECK(db.list_head != FRAME_LIST_END);
    CHECK_CONSISTENT();
    for (uint64_t i = 1; i < count; i += 2)
        CHECK_EQ_U(frame_db_free_run(&db, base + i * PAGE_SIZE, 1, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free_frames(&db), total);
    CHECK_CONSISTENT();
    /* splitting a run with the array full lists the upper part */
    CHECK_EQ_U(frame_db_alloc_run(&db, 1, LARGE_PAGE_SIZE, PMM_OWNER_TEST, 0, &base), 0);
    CHECK_CONSISTENT();
    CHECK_EQ_U(frame_db_free(&db, base, PMM_OWNER_TEST, NULL), 0);
    ram_unmap();
}

UNIT_TEST(sixty_four_gib_with_holes)
{
    static const struct ks_mem_region map[] = {
        R(0, 0x9f000, KS_MEM_USABLE),
        R(0x100000, 0x100000, KS_MEM_KERNEL),
        R(0x200000, 3 * GIB - 0x200000, KS_MEM_USABLE),
        R(3 * GIB, 1 * GIB, KS_MEM_RESERVED),
        R(4 * GIB, 30 * GIB, KS_MEM_USABLE),
        R(34 * GIB, 2 * GIB, KS_MEM_BAD),
        R(36 * GIB, 29 * GIB, KS_MEM_USABLE),
        R(1024 * GIB - 12 * GIB, 12 * GIB, KS_MEM_RESERVED),
    };
    CHECK_EQ_U(init_with(map, 8, 65 * GIB), 0);
    CHECK_EQ_U(db.frame_limit, 65 * GIB / PAGE_SIZE);
    CHECK_EQ_U(db.table_frames * PAGE_SIZE, 65 * GIB / PAGE_SIZE);
    CHECK(db.table_base * PAGE_SIZE < 3 * GIB);
    CHECK_EQ_U(db.total_frames, usable_frames_of(map, 8) - 1 - db.table_frames);
    phys_addr_t p, big;
    CHECK_EQ_U(frame_db_alloc(&db, PMM_OWNER_TEST, 0, &p), 0);
    CHECK_EQ_U(p, 65 * GIB - PAGE_SIZE);
    CHECK_EQ_U(frame_db_alloc_run(&db, 2 * 512, LARGE_PAGE_SIZE, PMM_OWNER_TEST, PMM_ZERO, &big), 0);
    CHECK_EQ_U(big, 65 * GIB - 6 * MIB);
    CHECK_EQ_U(frame_db_state_of(&db, 35 * GIB), FRAME_HOLE);
    CHECK_EQ_U(frame_db_free(&db, 35 * GIB, PMM_OWNER_TEST, NULL), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(frame_db_free_run(&db, big, 1024, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free(&db, p, PMM_OWNER_TEST, NULL), 0);
    CHECK_EQ_U(frame_db_free_frames(&db), db.total_frames);
    CHECK_CONSISTENT();
    ram_unmap();
}

/* The highest aligned run of free frames, found the slow way. */

UNIT_MAIN(
    UNIT_CASE(contiguous_runs_are_aligned_usable_and_zeroed),
    UNIT_CASE(contiguous_bad_arguments_are_refused),
    UNIT_CASE(contiguous_under_fragmentation),
    UNIT_CASE(contiguous_scan_finds_lone_listed_frames),
    UNIT_CASE(full_run_array_falls_back_to_the_list),
    UNIT_CASE(sixty_four_gib_with_holes)
)
