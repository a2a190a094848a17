/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the kernel heap (kernel/mm/slab.c, slab_debug.c,
 * kmalloc.c) built as in a debug kernel (KESTREL_DEBUG, set for this
 * program by kernel/mm/heap.mk), on a fake page source: a malloc'd arena
 * of frames with a settable limit.  They cover every size class,
 * alignment, reuse order, many objects over many slabs, empty slabs going
 * back at once, exhaustion and recovery, large blocks, bad sizes, and
 * each corruption the debug heap reports, with the report's wording and
 * sites.  test_kmalloc.c runs the same heap built without the checks.
 */
#include <stdint.h>

#include "unit.h"
#include "kestrel/errors.h"
#include "lib/format.h"
#include "mm/heap.h"
#include "mm/slab.h"

#ifndef KESTREL_DEBUG
#error "test_slab tests the debug heap: heap.mk builds it with -DKESTREL_DEBUG"
#endif

/* --- fake page source ------------------------------------------------- */
#define ARENA_PAGES 1024u  /* 4 MiB */
#include "fake_pages.h"

static unsigned report_count;
static char last_report[512];

void slab_report(const char *message)
{
    report_count++;
    snprintf(last_report, sizeof(last_report), "%s", message);
    if (getenv("SLAB_TEST_VERBOSE"))
        printf("report: %s\n", message);
}

/* A fresh arena, full of junk as free RAM would be, and a started heap. */
static void heap_reset(void)
{
    fake_pages_reset(0xa5);
    report_count = 0;
    last_report[0] = 0;
    if (heap_init() < 0)
        abort();
}

static int has(const char *needle)
{
    return strstr(last_report, needle) != NULL;
}

static const char *at(const void *p)
{
    static char text[64];
    format_snprintf(text, sizeof(text), "object at %p ", p);
    return text;
}

/* --- behaviour -------------------------------------------------------- */
UNIT_TEST(every_size_class_is_aligned_writable_and_returned)
{
    static const size_t sizes[] = { 1, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128,
                                    129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025,
                                    2047, 2048 };
    enum { N = sizeof(sizes) / sizeof(sizes[0]) };
    uint8_t *p[N];
    heap_reset();
    for (size_t i = 0; i < N; i++) {
        p[i] = kmalloc(sizes[i]);
        CHECK(p[i] != NULL);
        CHECK_EQ_U((uintptr_t)p[i] % 16, 0);
        memset(p[i], (int)i, sizes[i]);
    }
    for (size_t i = 0; i < N; i++)
        for (size_t b = 0; b < sizes[i]; b++)
            CHECK_EQ_U(p[i][b], i);
    CHECK_EQ_U(heap_check(), 0);
    for (size_t i = 0; i < N; i++)
        kfree(p[i]);
    CHECK_EQ_U(pages_in_use, 0);
    CHECK_EQ_U(report_count, 0);
}

UNIT_TEST(cache_alignment_and_bad_arguments)
{
    struct slab_cache cache;
    heap_reset();
    CHECK_EQ_U(slab_cache_init(&cache, "aligned", 40, 64), 0);
    void *a = slab_alloc(&cache), *b = slab_alloc(&cache);
    CHECK(a && b && a != b);
    CHECK_EQ_U((uintptr_t)a % 64, 0);
    CHECK_EQ_U((uintptr_t)b % 64, 0);
    slab_free(&cache, a);
    slab_free(&cache, b);
    CHECK_EQ_U(slab_cache_fini(&cache), 0);
    CHECK_EQ_U(slab_cache_init(&cache, "bad", 40, 24), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(slab_cache_init(&cache, "bad", 0, 8), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(slab_cache_init(&cache, "bad", 1u << 20, 8), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(slab_cache_init(&cache, "bad", 8, 8192), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(slab_cache_init(NULL, "bad", 8, 8), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(freed_slots_are_reused_last_in_first_out)
{
    heap_reset();
    void *a = kmalloc(100), *b = kmalloc(100), *c = kmalloc(100);
    kfree(b);
    CHECK(kmalloc(100) == b);
    kfree(c);
    kfree(a);
    CHECK(kmalloc(100) == a);
    CHECK(kmalloc(100) == c);
    kfree(a);
    kfree(b);
    kfree(c);
    CHECK_EQ_U(pages_in_use, 0);
    CHECK_EQ_U(report_count, 0);
}

UNIT_TEST(many_objects_over_many_slabs_stay_distinct)
{
    enum { N = 3000 };
    static uint32_t *objects[N];
    struct slab_cache cache;
    heap_reset();
    CHECK_EQ_U(slab_cache_init(&cache, "many", 52, 4), 0);
    CHECK_EQ_U(cache.align, 8);
    for (uint32_t i = 0; i < N; i++) {
        objects[i] = slab_alloc(&cache);
        CHECK(objects[i] != NULL);
        for (unsigned w = 0; w < 13; w++)
            objects[i][w] = i * 31 + w;
    }
    CHECK(cache.slab_count >= N / cache.slots_per_slab);
    CHECK_EQ_U(cache.live_objects, N);
    CHECK_EQ_U(slab_cache_fini(&cache), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(slab_cache_init(&cache, "again", 52, 8), -KS_ERR_INVALID_ARGUMENT);
    CHECK_STR(cache.name, "many");
    CHECK_EQ_U(heap_check(), 0);
    /* Free in a scrambled order (a stride coprime with N). */
    for (uint32_t k = 0; k < N; k++) {
        uint32_t i = (k * 7919u) % N;
        for (unsigned w = 0; w < 13; w++)
            CHECK_EQ_U(objects[i][w], i * 31 + w);
        slab_free(&cache, objects[i]);
    }
    CHECK_EQ_U(cache.slab_count, 0);
    CHECK_EQ_U(pages_in_use, 0);
    CHECK_EQ_U(slab_cache_fini(&cache), 0);
    CHECK_EQ_U(report_count, 0);
}

UNIT_TEST(empty_slab_goes_back_at_once)
{
    heap_reset();
    void *a = kmalloc(64);
    CHECK_EQ_U(pages_in_use, HEAP_GRANULE_PAGES);
    void *b = kmalloc(64);
    CHECK_EQ_U(pages_in_use, HEAP_GRANULE_PAGES);
    kfree(a);
    CHECK_EQ_U(pages_in_use, HEAP_GRANULE_PAGES);
    kfree(b);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(exhaustion_returns_null_then_recovers)
{
    enum { MAX = 4096 };
    static void *objects[MAX];
    heap_reset();
    page_limit = 2 * HEAP_GRANULE_PAGES;
    size_t n = 0;
    while (n < MAX && (objects[n] = kmalloc(512)) != NULL)
        n++;
    CHECK(n > 0 && n < MAX);
    CHECK(kmalloc(1024) == NULL);     /* no frame for another class either */
    CHECK(kmalloc(10000) == NULL);    /* nor for a large block */
    kfree(objects[n - 1]);
    objects[n - 1] = kmalloc(512);    /* the freed slot serves again */
    CHECK(objects[n - 1] != NULL);
    for (size_t i = 0; i < n; i++)
        kfree(objects[i]);
    CHECK_EQ_U(pages_in_use, 0);
    void *again = kmalloc(1024);
    CHECK(again != NULL);
    kfree(again);
    page_limit = 0;
    CHECK(kmalloc(16) == NULL);
    page_limit = ARENA_PAGES;
    CHECK_EQ_U(pages_in_use, 0);
    CHECK_EQ_U(report_count, 0);
}

UNIT_TEST(large_blocks_are_whole_frames_and_go_back)
{
    static const size_t sizes[] = { 2049, 4000, 4096, 12345, 100000 };
    heap_reset();
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint8_t *p = kmalloc(sizes[i]);
        CHECK(p != NULL);
        CHECK_EQ_U((uintptr_t)p % 16, 0);
        CHECK(pages_in_use * SLAB_PAGE_SIZE >= sizes[i]);
        CHECK(pages_in_use <= sizes[i] / SLAB_PAGE_SIZE + 2);
        memset(p, 0x5a, sizes[i]);
        CHECK_EQ_U(heap_check(), 0);
        kfree(p);
        CHECK_EQ_U(pages_in_use, 0);
    }
    CHECK_EQ_U(report_count, 0);
}

UNIT_TEST(zero_overflowing_sizes_and_null_free)
{
    heap_reset();
    CHECK(kmalloc(0) == NULL);
    CHECK(kmalloc(SIZE_MAX) == NULL);
    CHECK(kmalloc(SIZE_MAX - 16) == NULL);
    CHECK(kmalloc(SIZE_MAX / 2) == NULL);
    kfree(NULL);
    slab_free(NULL, NULL);
    CHECK(slab_alloc(NULL) == NULL);
    CHECK_EQ_U(pages_in_use, 0);
    CHECK_EQ_U(report_count, 0);
}

/* --- corruption reports ----------------------------------------------- */
UNIT_TEST(overflow_into_red_zone_reported_on_free_with_sites)
{
    heap_reset();
    int line = __LINE__; uint8_t *p = kmalloc(24);
    char site[64];
    snprintf(site, sizeof(site), "allocated at %s:%d", __FILE__, line);
    p[24] = 1;  /* the slack of the 32-byte class guards it too */
    kfree_at(p, "free-site:1");
    CHECK_EQ_U(report_count, 1);
    CHECK(has("heap: overflow of 24-byte "));
    CHECK(has(at(p)));
    CHECK(has("(cache kmalloc-32)"));
    CHECK(has(site));
    CHECK(has("(found when freed at free-site:1)"));
    p[24] = SLAB_RED_ZONE_BYTE;  /* the object was kept: repair it, free it */
    kfree(p);
    CHECK_EQ_U(report_count, 1);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(underflow_and_heap_check_reported)
{
    heap_reset();
    uint8_t *p = kmalloc_at(100, "alloc-site:7");
    p[-1] = 0;
    CHECK_EQ_U(heap_check(), 1);
    CHECK(has("heap: underflow of 100-byte "));
    CHECK(has("allocated at alloc-site:7 (found by heap_check)"));
    p[-1] = SLAB_RED_ZONE_BYTE;
    p[100] = 0;
    CHECK_EQ_U(heap_check(), 1);
    CHECK(has("heap: overflow of 100-byte "));
    p[100] = SLAB_RED_ZONE_BYTE;
    CHECK_EQ_U(heap_check(), 0);
    kfree(p);
    CHECK_EQ_U(report_count, 2);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(write_after_free_reported_when_slot_reused)
{
    heap_reset();
    uint8_t *keep = kmalloc(64);
    uint8_t *p = kmalloc_at(40, "alloc-site:2");
    kfree_at(p, "free-site:3");
    p[5] = 7;
    uint8_t *q = kmalloc_at(64, "alloc-site:4");
    CHECK(q == p);
    CHECK_EQ_U(report_count, 1);
    CHECK(has("heap: write after free of 40-byte "));
    CHECK(has(at(p)));
    CHECK(has("(cache kmalloc-64) allocated at alloc-site:2, freed at free-site:3 "
              "(found when the slot was reused at alloc-site:4)"));
    kfree(q);
    kfree(keep);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(write_after_free_reported_when_slab_released)
{
    heap_reset();
    uint8_t *a = kmalloc_at(200, "alloc-site:5");
    uint8_t *b = kmalloc(200);
    kfree_at(a, "free-site:6");
    a[199] = 0;
    kfree(b);
    CHECK_EQ_U(report_count, 1);
    CHECK(has("heap: write after free of 200-byte "));
    CHECK(has("allocated at alloc-site:5, freed at free-site:6 (found when its slab was released)"));
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(double_free_reported_with_both_sites)
{
    heap_reset();
    uint8_t *keep = kmalloc(16);
    uint8_t *p = kmalloc_at(12, "alloc-site:8");
    kfree_at(p, "free-site:9");
    kfree_at(p, "free-site:10");
    CHECK_EQ_U(report_count, 1);
    CHECK(has("heap: double free of 12-byte "));
    CHECK(has("(cache kmalloc-16) allocated at alloc-site:8, freed at free-site:9 "
              "(freed again at free-site:10)"));
    /* The heap is unharmed: the slot is handed out once, not twice. */
    uint8_t *x = kmalloc(16), *y = kmalloc(16);
    CHECK(x == p && y != p);
    kfree(x);
    kfree(y);
    kfree(keep);
    CHECK_EQ_U(report_count, 1);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(large_block_overflow_and_double_free_reported)
{
    heap_reset();
    uint8_t *p = kmalloc_at(5000, "alloc-site:11");
    p[5000] = 0;
    kfree_at(p, "free-site:12");
    CHECK_EQ_U(report_count, 1);
    CHECK(has("heap: overflow of 5000-byte "));
    CHECK(has("(cache kmalloc-large) allocated at alloc-site:11 (found when freed at free-site:12)"));
    p[5000] = SLAB_RED_ZONE_BYTE;
    kfree_at(p, "free-site:13");
    CHECK_EQ_U(pages_in_use, 0);
    kfree_at(p, "free-site:14");
    CHECK_EQ_U(report_count, 2);
    CHECK(has("heap: double free of 5000-byte "));
    CHECK(has("allocated at alloc-site:11, freed at free-site:13 (freed again at free-site:14)"));
}

UNIT_TEST(frees_of_pointers_never_handed_out_reported)
{
    struct slab_cache cache;
    uint64_t on_stack = 0;
    heap_reset();
    CHECK_EQ_U(slab_cache_init(&cache, "other", 48, 8), 0);
    uint8_t *p = kmalloc(64);
    uint8_t *obj = slab_alloc(&cache);
    kfree_at(p + 8, "free-site:15");
    CHECK(has("heap: invalid free of pointer "));
    CHECK(has("(cache kmalloc-64): not the start of an object, at free-site:15"));
    kfree(&on_stack);
    CHECK(has("(cache kmalloc): not from kmalloc"));
    kfree(obj);
    CHECK(has("not kmalloc's"));
    slab_free(&cache, p);
    CHECK(has("(cache other): not in a slab of this cache"));
    CHECK_EQ_U(report_count, 4);
    kfree(p);
    slab_free(&cache, obj);
    CHECK_EQ_U(report_count, 4);
    CHECK_EQ_U(slab_cache_fini(&cache), 0);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_MAIN(UNIT_CASE(every_size_class_is_aligned_writable_and_returned),
          UNIT_CASE(cache_alignment_and_bad_arguments),
          UNIT_CASE(freed_slots_are_reused_last_in_first_out),
          UNIT_CASE(many_objects_over_many_slabs_stay_distinct),
          UNIT_CASE(empty_slab_goes_back_at_once),
          UNIT_CASE(exhaustion_returns_null_then_recovers),
          UNIT_CASE(large_blocks_are_whole_frames_and_go_back),
          UNIT_CASE(zero_overflowing_sizes_and_null_free),
          UNIT_CASE(overflow_into_red_zone_reported_on_free_with_sites),
          UNIT_CASE(underflow_and_heap_check_reported),
          UNIT_CASE(write_after_free_reported_when_slot_reused),
          UNIT_CASE(write_after_free_reported_when_slab_released),
          UNIT_CASE(double_free_reported_with_both_sites),
          UNIT_CASE(large_block_overflow_and_double_free_reported),
          UNIT_CASE(frees_of_pointers_never_handed_out_reported))
