/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the kernel heap (kernel/mm/slab.c, kmalloc.c) on the
 * real PMM: every size class holds a pattern, a few thousand random sizes
 * freed in random order keep their bytes, large blocks come from whole
 * frames, kmalloc returns NULL once every frame is taken and works again
 * when they are back, a slab cache's life cycle; each test gives back
 * every frame (the runner checks).  Debug kernels also have KTEST_CRASH
 * tests, booted one by one by tests/boot/cases-heap.sh, that make the
 * heap report a red-zone overflow, a write after free, a double free and
 * an invalid free, with the sites.
 */
#include <stdint.h>

#include "ktest/ktest.h"
#include "ktest_frames.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/slab.h"

static uint8_t pattern_byte(uintptr_t seed, size_t i)
{
    return (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

static void fill(uint8_t *p, size_t n, uintptr_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = pattern_byte(seed, i);
}

static bool holds(const uint8_t *p, size_t n, uintptr_t seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != pattern_byte(seed, i))
            return false;
    return true;
}

KTEST(heap_every_size_class_holds_its_pattern)
{
    enum { PER_SIZE = 9 };
    static const size_t sizes[] = { 1, 16, 17, 32, 33, 64, 100, 128, 200, 256, 300, 512,
                                    777, 1024, 1500, 2048 };
    enum { N = sizeof(sizes) / sizeof(sizes[0]) };
    static uint8_t *objects[N][PER_SIZE];
    for (size_t s = 0; s < N; s++) {
        for (size_t k = 0; k < PER_SIZE; k++) {
            objects[s][k] = kmalloc(sizes[s]);
            KTEST_EXPECT(objects[s][k] != NULL, "kmalloc of a small size failed");
            KTEST_EXPECT((uintptr_t)objects[s][k] % 16 == 0, "object not 16-byte aligned");
            fill(objects[s][k], sizes[s], s * PER_SIZE + k);
        }
    }
    KTEST_EXPECT(heap_check() == 0, "heap_check found damage");
    for (size_t s = 0; s < N; s++) {
        for (size_t k = 0; k < PER_SIZE; k++) {
            KTEST_EXPECT(holds(objects[s][k], sizes[s], s * PER_SIZE + k),
                         "an object lost its pattern (objects overlap?)");
            kfree(objects[s][k]);
        }
    }
    return NULL;
}

/* Deterministic xorshift: every boot runs the same sequence. */
static uint32_t prng_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

KTEST(heap_random_sizes_freed_in_random_order_keep_their_bytes)
{
    enum { SLOTS = 256, ROUNDS = 4000 };
    static uint8_t *objects[SLOTS];
    static size_t sizes[SLOTS];
    uint32_t seed = 0x4b455354;
    for (unsigned r = 0; r < ROUNDS; r++) {
        unsigned i = prng_next(&seed) % SLOTS;
        if (objects[i]) {
            KTEST_EXPECT(holds(objects[i], sizes[i], i), "an object lost its pattern");
            kfree(objects[i]);
            objects[i] = NULL;
            continue;
        }
        /* Mostly small classes, one in eight up to three frames. */
        sizes[i] = 1 + prng_next(&seed) % (prng_next(&seed) % 8 ? 2048 : 12000);
        objects[i] = kmalloc(sizes[i]);
        KTEST_EXPECT(objects[i] != NULL, "kmalloc failed with memory free");
        fill(objects[i], sizes[i], i);
    }
    KTEST_EXPECT(heap_check() == 0, "heap_check found damage");
    for (unsigned i = 0; i < SLOTS; i++) {
        if (objects[i])
            KTEST_EXPECT(holds(objects[i], sizes[i], i), "an object lost its pattern");
        kfree(objects[i]);
        objects[i] = NULL;
    }
    return NULL;
}

KTEST(heap_large_kmalloc_takes_whole_frames_and_gives_them_back)
{
    static const size_t sizes[] = { 2049, 4096, 65536, 1u << 20, 3u << 20 };
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        struct pmm_stats before, during;
        pmm_get_stats(&before);
        uint8_t *p = kmalloc(sizes[s]);
        KTEST_EXPECT(p != NULL, "large kmalloc failed");
        pmm_get_stats(&during);
        uint64_t frames = during.owned[PMM_OWNER_HEAP] - before.owned[PMM_OWNER_HEAP];
        KTEST_EXPECT(frames * PAGE_SIZE >= sizes[s], "large block smaller than asked");
        KTEST_EXPECT(frames <= sizes[s] / PAGE_SIZE + 1, "large block wastes a frame");
        fill(p, sizes[s], s);
        KTEST_EXPECT(holds(p, sizes[s], s), "large block lost its pattern");
        kfree(p);
        KTEST_EXPECT(pmm_free_count() == before.free_frames, "large block not given back");
    }
    KTEST_EXPECT(kmalloc(0) == NULL, "kmalloc(0) returned memory");
    KTEST_EXPECT(kmalloc(SIZE_MAX) == NULL, "kmalloc(SIZE_MAX) returned memory");
    KTEST_EXPECT(kmalloc(SIZE_MAX - 100) == NULL, "an overflowing size returned memory");
    kfree(NULL);
    return NULL;
}

/* kmalloc(64) until it fails; the objects form a list through themselves.
 * Slabs other kernel code holds may have room, so this takes a while,
 * but never more than the slots such slabs can hold. */
static void **kmalloc_until_null(unsigned long *count)
{
    void **list = NULL;
    *count = 0;
    for (void **p; *count < 1000000 && (p = kmalloc(64)) != NULL; (*count)++) {
        *p = list;
        list = p;
    }
    return list;
}

KTEST(heap_out_of_frames_returns_null_then_recovers)
{
    struct slab_cache cache;
    KTEST_EXPECT(slab_cache_init(&cache, "ktest-exhaust", 100, 0) == 0, "cache init failed");
    static struct ktest_hoard hoard;
    KTEST_EXPECT(ktest_hoard_take(&hoard) == 0, "free memory in too many pieces to take");
    if (pmm_free_count() != 0) {
        ktest_hoard_give_back(&hoard, hoard.count);
        return "frames left after taking them all";
    }
    unsigned long count;
    void **list = kmalloc_until_null(&count);
    const char *why = NULL;
    if (count >= 1000000)
        why = "kmalloc(64) never returned NULL without frames";
    else if (kmalloc(100) != NULL || kmalloc(5000) != NULL || slab_alloc(&cache) != NULL)
        why = "an allocation succeeded without frames";
    while (list) {
        void **next = *list;
        kfree(list);
        list = next;
    }
    ktest_hoard_give_back(&hoard, hoard.count);
    KTEST_EXPECT(why == NULL, why);
    void *small = kmalloc(64), *large = kmalloc(5000), *object = slab_alloc(&cache);
    bool all = small && large && object;
    kfree(small);
    kfree(large);
    slab_free(&cache, object);
    KTEST_EXPECT(all, "allocation failed after the frames came back");
    KTEST_EXPECT(slab_cache_fini(&cache) == 0, "cache fini failed");
    return NULL;
}

KTEST(heap_slab_cache_spans_slabs_and_returns_them)
{
    enum { N = 600 };
    static uint8_t *objects[N];
    struct slab_cache cache;
    KTEST_EXPECT(slab_cache_init(&cache, "ktest-objects", 72, 8) == 0, "cache init failed");
    for (unsigned i = 0; i < N; i++) {
        objects[i] = slab_alloc(&cache);
        KTEST_EXPECT(objects[i] != NULL, "slab_alloc failed");
        fill(objects[i], 72, i);
    }
    KTEST_EXPECT(cache.slab_count > 1, "600 objects fit one slab?");
    KTEST_EXPECT(slab_cache_fini(&cache) < 0, "fini accepted a cache with live objects");
    for (unsigned i = 0; i < N; i += 2) {
        KTEST_EXPECT(holds(objects[i], 72, i), "object lost its pattern");
        slab_free(&cache, objects[i]);
    }
    for (unsigned i = 1; i < N; i += 2) {
        KTEST_EXPECT(holds(objects[i], 72, i), "object lost its pattern");
        slab_free(&cache, objects[i]);
    }
    KTEST_EXPECT(cache.slab_count == 0 && cache.live_objects == 0, "slabs kept after last free");
    KTEST_EXPECT(slab_cache_fini(&cache) == 0, "fini of an empty cache failed");
    return NULL;
}

#ifdef KESTREL_DEBUG
/* Each crash keeps a neighbour alive so the slab stays, and then ends in
 * the heap's panic; returning means the check missed. */
KTEST_CRASH(crash_heap_red_zone_overflow)
{
    uint8_t *keep = kmalloc(32);
    volatile uint8_t *p = kmalloc(24);
    p[24] = 0x42;   /* one byte past the end: the slack of the 32-byte class */
    kfree((void *)p);
    kfree(keep);
    return "an overflow into the red zone was not reported";
}

KTEST_CRASH(crash_heap_use_after_free_write)
{
    uint8_t *keep = kmalloc(64);
    volatile uint8_t *p = kmalloc(64);
    kfree((void *)p);
    p[10] = 0x42;
    void *again = kmalloc(64);   /* the same slot: its poison is checked */
    kfree(again);
    kfree(keep);
    return "a write after free was not reported";
}

KTEST_CRASH(crash_heap_double_free)
{
    uint8_t *keep = kmalloc(128);
    void *p = kmalloc(128);
    kfree(p);
    kfree(p);
    kfree(keep);
    return "a double free was not reported";
}

KTEST_CRASH(crash_heap_invalid_free)
{
    static uint64_t not_from_the_heap;
    kfree(&not_from_the_heap);
    return "the free of a pointer the heap never handed out was not reported";
}
#endif
