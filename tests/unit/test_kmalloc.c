/* SPDX-License-Identifier: MIT */
/*
 * Host tests of kmalloc and the slab caches as a DEBUG=0 kernel builds
 * them (no red zones, poison or sites): no per-object overhead, the size
 * class each size lands in, large blocks of whole frames, bad sizes,
 * exhaustion and recovery, and a random stress whose objects must keep
 * their contents.  The page source is a malloc'd arena (as test_slab.c).
 */
#include <stdint.h>

#include "unit.h"
#include "kestrel/errors.h"
#include "mm/heap.h"
#include "mm/slab.h"

#ifdef KESTREL_DEBUG
#error "test_kmalloc tests the heap without debug checks"
#endif

#define ARENA_PAGES 2048u  /* 8 MiB */
#include "fake_pages.h"

static unsigned report_count;

void slab_report(const char *message)
{
    (void)message;
    report_count++;
}

static void heap_reset(void)
{
    fake_pages_reset(0);
    if (heap_init() < 0)
        abort();
}

UNIT_TEST(objects_carry_no_overhead_without_debug)
{
    struct slab_cache cache;
    heap_reset();
    CHECK_EQ_U(slab_cache_init(&cache, "plain", 64, 8), 0);
    CHECK_EQ_U(cache.slot_size, 64);
    CHECK_EQ_U(cache.object_offset, 0);
    CHECK_EQ_U(cache.slab_pages, 1);
    uint8_t *a = slab_alloc(&cache), *b = slab_alloc(&cache);
    CHECK_EQ_U(b - a, 64);
    slab_free(&cache, b);
    slab_free(&cache, a);
    CHECK_EQ_U(slab_cache_fini(&cache), 0);
    /* A 4-byte object still has room for the free-list link. */
    CHECK_EQ_U(slab_cache_init(&cache, "tiny", 4, 4), 0);
    CHECK_EQ_U(cache.slot_size, 8);
    CHECK_EQ_U(slab_cache_fini(&cache), 0);
    CHECK_EQ_U(heap_check(), 0);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(each_size_lands_in_the_smallest_class_that_holds_it)
{
    heap_reset();
    for (size_t class_size = 16; class_size <= 2048; class_size *= 2) {
        size_t smallest = class_size == 16 ? 1 : class_size / 2 + 1;
        uint8_t *a = kmalloc(smallest), *b = kmalloc(class_size);
        CHECK(a && b);
        /* Consecutive slots of one fresh slab: one class apart. */
        CHECK_EQ_U(b - a, class_size);
        memset(a, 1, smallest);
        memset(b, 2, class_size);
        kfree(a);
        kfree(b);
        CHECK_EQ_U(pages_in_use, 0);
    }
}

/* Every small size, one by one: the slab the object lands in belongs to
 * the smallest power-of-two class (16 B at least) that holds it. */
UNIT_TEST(every_small_size_finds_its_class_cache)
{
    heap_reset();
    for (size_t size = 1; size <= 2048; size++) {
        size_t class_size = 16;
        while (class_size < size)
            class_size *= 2;
        uint8_t *p = kmalloc(size);
        CHECK(p != NULL);
        if (!p)
            return;
        const struct slab *slab =
            (const struct slab *)((uintptr_t)p & ~((uintptr_t)HEAP_GRANULE - 1));
        CHECK_EQ_U(slab->block.kind, HEAP_BLOCK_SLAB);
        CHECK_EQ_U(slab->cache->object_size, class_size);
        memset(p, 0x5a, size);
        kfree(p);
    }
    CHECK_EQ_U(pages_in_use, 0);
    CHECK_EQ_U(report_count, 0);
}

UNIT_TEST(large_blocks_take_whole_frames)
{
    heap_reset();
    uint8_t *p = kmalloc(2049);
    CHECK_EQ_U(pages_in_use, 1);
    CHECK_EQ_U((uintptr_t)p % HEAP_GRANULE, 64);
    kfree(p);
    p = kmalloc(4096 - 64);
    CHECK_EQ_U(pages_in_use, 1);
    memset(p, 3, 4096 - 64);
    kfree(p);
    p = kmalloc(4096);
    CHECK_EQ_U(pages_in_use, 2);
    kfree(p);
    p = kmalloc(1 << 20);
    CHECK_EQ_U(pages_in_use, 257);
    memset(p, 4, 1 << 20);
    kfree(p);
    CHECK_EQ_U(pages_in_use, 0);
    CHECK(kmalloc((size_t)ARENA_PAGES * SLAB_PAGE_SIZE) == NULL);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(bad_sizes_and_null_free)
{
    heap_reset();
    CHECK(kmalloc(0) == NULL);
    CHECK(kmalloc(SIZE_MAX) == NULL);
    CHECK(kmalloc(SIZE_MAX - 64) == NULL);
    CHECK(kmalloc(SIZE_MAX - 4095) == NULL);
    kfree(NULL);
    CHECK_EQ_U(pages_in_use, 0);
}

UNIT_TEST(exhaustion_returns_null_then_recovers)
{
    enum { MAX = 8192 };
    static void *objects[MAX];
    heap_reset();
    page_limit = 3 * HEAP_GRANULE_PAGES;
    size_t n = 0;
    while (n < MAX && (objects[n] = kmalloc(32)) != NULL)
        n++;
    CHECK(n > 0 && n < MAX);
    CHECK(kmalloc(3000) == NULL);
    kfree(objects[--n]);
    CHECK(kmalloc(3000) == NULL);     /* a slab with live objects stays */
    CHECK((objects[n] = kmalloc(32)) != NULL);
    n++;
    for (size_t i = 0; i < n; i++)
        kfree(objects[i]);
    CHECK_EQ_U(pages_in_use, 0);
    void *p = kmalloc(3000);
    CHECK(p != NULL);
    kfree(p);
    CHECK_EQ_U(pages_in_use, 0);
}

/* Deterministic xorshift: the same sequence on every run. */
static uint32_t prng_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

UNIT_TEST(random_sizes_in_random_order_keep_their_bytes)
{
    enum { SLOTS = 512, ROUNDS = 20000 };
    static uint8_t *objects[SLOTS];
    static size_t sizes[SLOTS];
    uint32_t seed = 12345;
    heap_reset();
    for (unsigned r = 0; r < ROUNDS; r++) {
        unsigned i = prng_next(&seed) % SLOTS;
        if (objects[i]) {
            for (size_t b = 0; b < sizes[i]; b += 7)
                CHECK_EQ_U(objects[i][b], (uint8_t)(i ^ b));
            kfree(objects[i]);
            objects[i] = NULL;
            continue;
        }
        size_t size = 1 + prng_next(&seed) % (prng_next(&seed) % 8 ? 2048 : 9000);
        objects[i] = kmalloc(size);
        CHECK(objects[i] != NULL);
        sizes[i] = size;
        for (size_t b = 0; b < size; b++)
            objects[i][b] = (uint8_t)(i ^ b);
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        kfree(objects[i]);
        objects[i] = NULL;
    }
    CHECK_EQ_U(pages_in_use, 0);
    CHECK_EQ_U(report_count, 0);
}

/* Runs first, before any heap_init: no size gets memory yet, small or
 * large, and nothing is reported. */
UNIT_TEST(kmalloc_before_heap_init_returns_null)
{
    CHECK(kmalloc(1) == NULL);
    CHECK(kmalloc(64) == NULL);
    CHECK(kmalloc(2048) == NULL);
    CHECK(kmalloc(2049) == NULL);
    CHECK(kmalloc(0) == NULL);
    CHECK_EQ_U(pages_in_use, 0);
    CHECK_EQ_U(report_count, 0);
}

UNIT_MAIN(UNIT_CASE(kmalloc_before_heap_init_returns_null),
          UNIT_CASE(objects_carry_no_overhead_without_debug),
          UNIT_CASE(each_size_lands_in_the_smallest_class_that_holds_it),
          UNIT_CASE(every_small_size_finds_its_class_cache),
          UNIT_CASE(large_blocks_take_whole_frames),
          UNIT_CASE(bad_sizes_and_null_free),
          UNIT_CASE(exhaustion_returns_null_then_recovers),
          UNIT_CASE(random_sizes_in_random_order_keep_their_bytes))
