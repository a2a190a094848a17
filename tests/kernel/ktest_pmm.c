/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the physical memory manager against the machine's
 * own memory map: the frame count agrees with boot_info (computed here
 * from the map, independently of the PMM), frames handed out are RAM
 * the map calls usable (or boot RAM since released), never frame 0 nor
 * the frame table, and hold what is written to them through the direct
 * map; PMM_ZERO zeroes; every free frame can be taken and -KS_ERR_NO_MEMORY
 * follows; 2 MiB-aligned runs are what they claim; bad frees and bad
 * releases are refused and change nothing.  Each test gives back every
 * frame it takes (the runner checks pmm_free_count()).
 */
#include "init/boot.h"
#include "ktest/ktest.h"
#include "ktest_frames.h"
#include "mm/frame_db.h"
#include "mm/pmm.h"

#define SAMPLE_FRAMES 256

static bool type_is_ram(uint32_t type)
{
    return type == KS_MEM_USABLE || type == KS_MEM_ACPI_RECLAIM || type == KS_MEM_MODULE ||
           type == KS_MEM_BOOT_DATA || type == KS_MEM_PAGE_TABLES || type == KS_MEM_KERNEL;
}

static const struct ks_mem_region *region_of(phys_addr_t phys)
{
    const struct ks_boot_info *bi = kernel_boot_info;
    for (uint32_t i = 0; i < bi->mem_count; i++)
        if (phys >= bi->mem[i].base && phys - bi->mem[i].base < bi->mem[i].length)
            return &bi->mem[i];
    return NULL;
}

/* NULL if a frame the PMM handed out may be used; else why not. */
static const char *frame_placement(phys_addr_t phys)
{
    const struct frame_db *db = pmm_frame_db();
    if (phys == 0)
        return "frame 0 handed out";
    if (phys & (PAGE_SIZE - 1))
        return "misaligned frame handed out";
    uint64_t frame = phys >> PAGE_SHIFT;
    if (frame >= db->table_base && frame < db->table_base + db->table_frames)
        return "a frame of the frame table handed out";
    const struct ks_mem_region *r = region_of(phys);
    if (!r)
        return "frame outside every region of the memory map";
    if (r->type == KS_MEM_USABLE)
        return NULL;
    /* Boot RAM is handed out only after pmm_release_boot_range. */
    return r->type == KS_MEM_PAGE_TABLES || r->type == KS_MEM_BOOT_DATA ||
           r->type == KS_MEM_ACPI_RECLAIM ? NULL : "frame in a reserved region";
}

static bool frame_is_handed_out(uint8_t state)
{
    return state == FRAME_FREE_LISTED || state == FRAME_FREE_RUN || state >= FRAME_OWNED;
}

/* Frames of boot RAM the PMM manages now: released since boot. */
static uint64_t released_boot_frames(uint64_t top_frames)
{
    const struct ks_boot_info *bi = kernel_boot_info;
    const struct frame_db *db = pmm_frame_db();
    uint64_t released = 0;
    for (uint32_t i = 0; i < bi->mem_count; i++) {
        const struct ks_mem_region *r = &bi->mem[i];
        if (r->type == KS_MEM_USABLE || !type_is_ram(r->type))
            continue;
        for (uint64_t f = r->base >> PAGE_SHIFT;
             f < (r->base + r->length) >> PAGE_SHIFT && f < top_frames; f++)
            released += frame_is_handed_out(frame_db_state_of(db, f << PAGE_SHIFT));
    }
    return released;
}

KTEST(pmm_total_matches_boot_info)
{
    const struct ks_boot_info *bi = kernel_boot_info;
    uint64_t map_frames = bi->direct_map_size >> PAGE_SHIFT;
    uint64_t usable = 0, top = 0;
    for (uint32_t i = 0; i < bi->mem_count; i++) {
        const struct ks_mem_region *r = &bi->mem[i];
        uint64_t first = (r->base + PAGE_SIZE - 1) >> PAGE_SHIFT;
        uint64_t end = (r->base + r->length) >> PAGE_SHIFT;
        if (end > map_frames)
            end = map_frames;
        if (type_is_ram(r->type) && end > top)
            top = end;
        if (r->type != KS_MEM_USABLE || end <= first)
            continue;
        usable += end - first - (first == 0);   /* frame 0 is never free */
    }
    uint64_t table = (top + PAGE_SIZE - 1) / PAGE_SIZE;
    struct pmm_stats st;
    pmm_get_stats(&st);
    KTEST_EXPECT(pmm_ready(), "pmm not ready");
    KTEST_EXPECT(st.total_frames == usable - table + released_boot_frames(top),
                 "total frames differ from the usable RAM boot_info lists");
    KTEST_EXPECT(st.total_frames + st.reserved_frames == top,
                 "total + reserved frames differ from the top of RAM");
    KTEST_EXPECT(st.free_frames == pmm_free_count(), "stats and free count disagree");
    uint64_t sum = st.free_frames;
    for (unsigned o = 0; o < PMM_OWNER_COUNT; o++)
        sum += st.owned[o];
    KTEST_EXPECT(sum == st.total_frames, "free + owned frames differ from the total");
    KTEST_EXPECT(st.owned[PMM_OWNER_TEST] == 0, "test frames held outside a test");
    return NULL;
}

static phys_addr_t sample[SAMPLE_FRAMES];

static uint64_t pattern_word(phys_addr_t frame, uint64_t i)
{
    return (frame ^ 0x5A5AC3C3F00F0FF0ULL) + i * 0x9E3779B97F4A7C15ULL;
}

static const char *sample_free(size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++)
        if (pmm_free(sample[i], PMM_OWNER_TEST) < 0)
            return "pmm_free of a sampled frame failed";
    return why;
}

/* Distinct frames hold distinct patterns: a frame handed out twice
 * would show the later pattern when the earlier one is checked. */
KTEST(pmm_frames_are_usable_and_hold_patterns)
{
    size_t n = 0;
    const char *why = NULL;
    for (; n < SAMPLE_FRAMES && !why; n++) {
        if (pmm_alloc(PMM_OWNER_TEST, 0, &sample[n]) < 0)
            return sample_free(n, "pmm_alloc failed with memory free");
        why = frame_placement(sample[n]);
        uint64_t *word = phys_to_virt(sample[n]);
        for (uint64_t i = 0; i < PAGE_SIZE / 8; i++)
            word[i] = pattern_word(sample[n], i);
    }
    for (size_t k = 0; k < n && !why; k++) {
        const uint64_t *word = phys_to_virt(sample[k]);
        for (uint64_t i = 0; i < PAGE_SIZE / 8 && !why; i++)
            if (word[i] != pattern_word(sample[k], i))
                why = "pattern lost: frame handed out twice or not RAM";
    }
    return sample_free(n, why);
}

KTEST(pmm_zero_flag_zeroes_frames)
{
    phys_addr_t a, b, run;
    KTEST_EXPECT(pmm_alloc(PMM_OWNER_TEST, 0, &a) == 0, "pmm_alloc failed");
    uint8_t *bytes = phys_to_virt(a);
    for (uint64_t i = 0; i < PAGE_SIZE; i++)
        bytes[i] = 0xA5;
    KTEST_EXPECT(pmm_free(a, PMM_OWNER_TEST) == 0, "pmm_free failed");
    KTEST_EXPECT(pmm_alloc(PMM_OWNER_TEST, PMM_ZERO, &b) == 0, "pmm_alloc(PMM_ZERO) failed");
    const char *why = b == a ? NULL : "a freed frame was not reused first (LIFO)";
    const uint64_t *word = phys_to_virt(b);
    for (uint64_t i = 0; i < PAGE_SIZE / 8 && !why; i++)
        if (word[i])
            why = "PMM_ZERO frame not zero";
    KTEST_EXPECT(pmm_free(b, PMM_OWNER_TEST) == 0, "pmm_free failed");
    if (why)
        return why;
    KTEST_EXPECT(pmm_alloc_contiguous(16, PAGE_SIZE, PMM_OWNER_TEST, PMM_ZERO, &run) == 0,
                 "pmm_alloc_contiguous(PMM_ZERO) failed");
    word = phys_to_virt(run);
    for (uint64_t i = 0; i < 16 * PAGE_SIZE / 8 && !why; i++)
        if (word[i])
            why = "PMM_ZERO run not zero";
    KTEST_EXPECT(pmm_free_contiguous(run, 16, PMM_OWNER_TEST) == 0, "free_contiguous failed");
    return why;
}

/* Take every free frame (ktest_frames.c: runs of halving size, nothing
 * written), prove the PMM is dry, then that it recovers. */
KTEST(pmm_exhaustion_returns_no_memory_and_recovers)
{
    static struct ktest_hoard hoard;
    uint64_t free_before = pmm_free_count();
    KTEST_EXPECT(ktest_hoard_take(&hoard) == 0,
                 "free memory in more pieces than the test can hold");
    phys_addr_t p;
    struct pmm_stats st;
    pmm_get_stats(&st);
    const char *why = NULL;
    if (pmm_free_count() != 0 || st.owned[PMM_OWNER_TEST] != free_before)
        why = "frames left free after taking all of them";
    else if (pmm_alloc(PMM_OWNER_TEST, 0, &p) != -KS_ERR_NO_MEMORY)
        why = "pmm_alloc did not report -KS_ERR_NO_MEMORY when dry";
    else if (pmm_alloc_contiguous(1, PAGE_SIZE, PMM_OWNER_TEST, 0, &p) != -KS_ERR_NO_MEMORY)
        why = "pmm_alloc_contiguous did not report -KS_ERR_NO_MEMORY when dry";
    if (!why) {
        /* give back the newest (smallest) run: a frame becomes available */
        ktest_hoard_give_back(&hoard, 1);
        if (pmm_alloc(PMM_OWNER_TEST, 0, &p) < 0)
            why = "pmm_alloc failed after a free";
        else if (pmm_free(p, PMM_OWNER_TEST) < 0)
            why = "pmm_free failed";
    }
    ktest_hoard_give_back(&hoard, hoard.count);
    return why;
}

KTEST(pmm_contiguous_2m_runs_are_aligned_and_distinct)
{
    phys_addr_t run[4];
    const char *why = NULL;
    size_t n = 0;
    for (; n < 4 && !why; n++) {
        if (pmm_alloc_contiguous(512, LARGE_PAGE_SIZE, PMM_OWNER_TEST, 0, &run[n]) < 0)
            break;
        if (run[n] % LARGE_PAGE_SIZE)
            why = "2 MiB run misaligned";
        for (uint64_t off = 0; off < LARGE_PAGE_SIZE && !why; off += PAGE_SIZE)
            why = frame_placement(run[n] + off);
        for (size_t k = 0; k < n && !why; k++)
            if (run[k] == run[n])
                why = "the same run handed out twice";
        *(uint64_t *)phys_to_virt(run[n]) = run[n];
        *(uint64_t *)phys_to_virt(run[n] + LARGE_PAGE_SIZE - 8) = ~run[n];
    }
    for (size_t k = 0; k < n && !why; k++)
        if (*(uint64_t *)phys_to_virt(run[k]) != run[k] ||
            *(uint64_t *)phys_to_virt(run[k] + LARGE_PAGE_SIZE - 8) != ~run[k])
            why = "2 MiB runs overlap";
    if (!why && n < 4)
        why = "no 2 MiB-aligned run free";
    for (size_t k = 0; k < n; k++)
        if (pmm_free_contiguous(run[k], 512, PMM_OWNER_TEST) < 0)
            why = "pmm_free_contiguous failed";
    return why;
}

static bool stats_equal(const struct pmm_stats *a, const struct pmm_stats *b)
{
    bool same = a->total_frames == b->total_frames && a->free_frames == b->free_frames &&
                a->reserved_frames == b->reserved_frames;
    for (unsigned o = 0; o < PMM_OWNER_COUNT; o++)
        same = same && a->owned[o] == b->owned[o];
    return same;
}

/* The call must have failed with err and left the statistics alone. */
static const char *expect_refused(int got, int err, const struct pmm_stats *before,
                                  const char *what)
{
    struct pmm_stats after;
    pmm_get_stats(&after);
    if (got != err)
        return what;
    if (!stats_equal(before, &after))
        return "a refused call changed the statistics";
    return NULL;
}

KTEST(pmm_bad_frees_and_releases_change_nothing)
{
    const struct frame_db *db = pmm_frame_db();
    /* b owned by the test, a (the frame just above it) free */
    phys_addr_t b, a;
    KTEST_EXPECT(pmm_alloc_contiguous(2, PAGE_SIZE, PMM_OWNER_TEST, 0, &b) == 0,
                 "pmm_alloc_contiguous failed");
    a = b + PAGE_SIZE;
    KTEST_EXPECT(pmm_free(a, PMM_OWNER_TEST) == 0, "pmm_free failed");
    uint8_t a_state = frame_db_state_of(db, a), b_state = frame_db_state_of(db, b);
    uint8_t kernel_state = frame_db_state_of(db, kernel_boot_info->kernel_phys_base);
    phys_addr_t top = db->frame_limit << PAGE_SHIFT;
    struct pmm_stats st;
    pmm_get_stats(&st);
    const int inval = -KS_ERR_INVALID_ARGUMENT;
    const char *why = expect_refused(pmm_free(a, PMM_OWNER_TEST), inval, &st,
                                     "double free accepted");
    if (!why)
        why = expect_refused(pmm_free(kernel_boot_info->kernel_phys_base, PMM_OWNER_KERNEL),
                             inval, &st, "free of a kernel-image frame accepted");
    if (!why)
        why = expect_refused(pmm_free(0, PMM_OWNER_TEST), inval, &st, "free of frame 0 accepted");
    if (!why)
        why = expect_refused(pmm_free(top, PMM_OWNER_TEST), inval, &st,
                             "free above the top of RAM accepted");
    if (!why)
        why = expect_refused(pmm_free(b + 8, PMM_OWNER_TEST), inval, &st,
                             "misaligned free accepted");
    if (!why)
        why = expect_refused(pmm_free(b, PMM_OWNER_HEAP), -KS_ERR_NOT_OWNER, &st,
                             "free by the wrong owner accepted");
    if (!why)
        why = expect_refused(pmm_free_contiguous(b, 2, PMM_OWNER_TEST), inval, &st,
                             "contiguous free over a free frame accepted");
    if (!why)
        why = expect_refused(pmm_release_boot_range(b, PAGE_SIZE), inval, &st,
                             "release of an allocated frame accepted");
    if (!why)
        why = expect_refused(pmm_release_boot_range(0, PAGE_SIZE), inval, &st,
                             "release of frame 0 accepted");
    if (!why)
        why = expect_refused(pmm_release_boot_range(top, PAGE_SIZE), inval, &st,
                             "release above the top of RAM accepted");
    if (!why && (frame_db_state_of(db, a) != a_state || frame_db_state_of(db, b) != b_state ||
                 frame_db_state_of(db, kernel_boot_info->kernel_phys_base) != kernel_state))
        why = "a refused call changed a frame's state";
    KTEST_EXPECT(pmm_free(b, PMM_OWNER_TEST) == 0, "pmm_free of the owned frame failed");
    return why;
}
