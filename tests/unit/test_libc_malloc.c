/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/lib/malloc_core.c, the user allocator's core, on
 * a fake page provider that counts what is outstanding: size classes,
 * large blocks, alignment, realloc growing and shrinking, calloc's
 * overflow check, and the reports of bad and double frees.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../initrd/lib/ks_heap.h"

struct fake_pages {
    size_t outstanding;         /* bytes handed out, not returned */
    size_t gets, puts;
    size_t limit;               /* refuse past this many bytes (0: no limit) */
};

/* Every page run handed out and not returned, so a test that stops
 * early (a failed check) leaks nothing: the next setup frees them. */
#define LIVE_MAX 8192
static void *live[LIVE_MAX];

static void *fake_get(size_t bytes, void *ctx)
{
    struct fake_pages *f = ctx;
    if (f->limit && f->outstanding + bytes > f->limit)
        return NULL;
    size_t slot = 0;
    while (slot < LIVE_MAX && live[slot])
        slot++;
    if (slot == LIVE_MAX)
        return NULL;
    void *p = aligned_alloc(4096, bytes);
    if (p) {
        memset(p, 0, bytes);
        f->outstanding += bytes;
        f->gets++;
        live[slot] = p;
    }
    return p;
}

static void fake_put(void *addr, size_t bytes, void *ctx)
{
    struct fake_pages *f = ctx;
    f->outstanding -= bytes;
    f->puts++;
    for (size_t i = 0; i < LIVE_MAX; i++)
        if (live[i] == addr)
            live[i] = NULL;
    free(addr);
}

/* The heap never returns its chunks: free all that is left. */
static void pages_release_all(void)
{
    for (size_t i = 0; i < LIVE_MAX; i++) {
        free(live[i]);
        live[i] = NULL;
    }
}

static void heap_teardown(struct ks_heap *h)
{
    (void)h;
    pages_release_all();
}

#define HEAP_SETUP(f, h) \
    pages_release_all(); \
    struct fake_pages f = { 0 }; \
    struct ks_heap h; \
    struct ks_heap_pages pages_ = { fake_get, fake_put, &f, 4096 }; \
    ks_heap_init(&h, &pages_)

UNIT_TEST(malloc_small_blocks_are_aligned_and_distinct)
{
    HEAP_SETUP(f, h);
    void *blocks[200];
    for (size_t i = 0; i < 200; i++) {
        blocks[i] = ks_heap_alloc(&h, i * 11);
        CHECK(blocks[i] != NULL);
        CHECK_EQ_U((uintptr_t)blocks[i] % 16, 0);
        memset(blocks[i], (int)i, i * 11);
    }
    for (size_t i = 0; i < 200; i++) {
        unsigned char *p = blocks[i];
        for (size_t j = 0; j < i * 11; j++)
            CHECK_EQ_U(p[j], (unsigned char)i);
    }
    for (size_t i = 0; i < 200; i++)
        CHECK_EQ_U(ks_heap_free(&h, blocks[i]), KS_HEAP_OK);
    CHECK_EQ_U(h.small_live, 0);
    heap_teardown(&h);
}

UNIT_TEST(malloc_zero_gives_unique_blocks)
{
    HEAP_SETUP(f, h);
    void *a = ks_heap_alloc(&h, 0), *b = ks_heap_alloc(&h, 0);
    CHECK(a && b && a != b);
    CHECK(ks_heap_usable(&h, a) >= 1);
    CHECK_EQ_U(ks_heap_free(&h, a), KS_HEAP_OK);
    CHECK_EQ_U(ks_heap_free(&h, b), KS_HEAP_OK);
    heap_teardown(&h);
}

UNIT_TEST(malloc_free_null_is_fine)
{
    HEAP_SETUP(f, h);
    CHECK_EQ_U(ks_heap_free(&h, NULL), KS_HEAP_OK);
    heap_teardown(&h);
}

UNIT_TEST(malloc_reuses_freed_small_blocks)
{
    HEAP_SETUP(f, h);
    void *a = ks_heap_alloc(&h, 100);
    CHECK_EQ_U(ks_heap_free(&h, a), KS_HEAP_OK);
    void *b = ks_heap_alloc(&h, 110);      /* the same class (128) */
    CHECK(a == b);
    size_t gets = f.gets;
    for (int i = 0; i < 1000; i++) {
        void *p = ks_heap_alloc(&h, 64);
        CHECK(p != NULL);
        CHECK_EQ_U(ks_heap_free(&h, p), KS_HEAP_OK);
    }
    CHECK(f.gets <= gets + 1);
    heap_teardown(&h);
}

UNIT_TEST(malloc_large_blocks_return_their_pages)
{
    HEAP_SETUP(f, h);
    void *a = ks_heap_alloc(&h, 50000);
    void *b = ks_heap_alloc(&h, 1u << 20);
    CHECK(a && b);
    CHECK_EQ_U((uintptr_t)a % 16, 0);
    CHECK_EQ_U((uintptr_t)b % 16, 0);
    CHECK(ks_heap_usable(&h, b) >= (1u << 20));
    memset(b, 0xab, 1u << 20);
    CHECK_EQ_U(h.large_live, 2);
    CHECK_EQ_U(ks_heap_free(&h, b), KS_HEAP_OK);
    CHECK_EQ_U(ks_heap_free(&h, a), KS_HEAP_OK);
    CHECK_EQ_U(f.outstanding, 0);
    CHECK_EQ_U(h.large_live, 0);
    heap_teardown(&h);
}

UNIT_TEST(malloc_reports_double_free)
{
    HEAP_SETUP(f, h);
    void *a = ks_heap_alloc(&h, 40);
    CHECK_EQ_U(ks_heap_free(&h, a), KS_HEAP_OK);
    CHECK_EQ_U(ks_heap_free(&h, a), KS_HEAP_DOUBLE_FREE);
    void *big = ks_heap_alloc(&h, 100000);
    CHECK_EQ_U(ks_heap_free(&h, big), KS_HEAP_OK);
    /* Its pages are gone: the heap must not read them. */
    CHECK_EQ_U(ks_heap_free(&h, big), KS_HEAP_BAD_POINTER);
    heap_teardown(&h);
}

UNIT_TEST(malloc_reports_bad_pointers)
{
    HEAP_SETUP(f, h);
    static char not_heap[64] __attribute__((aligned(16)));
    char *a = ks_heap_alloc(&h, 40);
    CHECK_EQ_U(ks_heap_free(&h, not_heap), KS_HEAP_BAD_POINTER);
    CHECK_EQ_U(ks_heap_free(&h, a + 16), KS_HEAP_BAD_POINTER);
    CHECK_EQ_U(ks_heap_free(&h, a + 1), KS_HEAP_BAD_POINTER);
    /* Past the carved part of the chunk. */
    CHECK_EQ_U(ks_heap_free(&h, a + 64 * 100), KS_HEAP_BAD_POINTER);
    enum ks_heap_status st;
    CHECK(ks_heap_realloc(&h, not_heap, 10, &st) == NULL);
    CHECK_EQ_U(st, KS_HEAP_BAD_POINTER);
    CHECK_EQ_U(ks_heap_free(&h, a), KS_HEAP_OK);
    CHECK(ks_heap_realloc(&h, a, 10, &st) == NULL);
    CHECK_EQ_U(st, KS_HEAP_DOUBLE_FREE);
    heap_teardown(&h);
}

UNIT_TEST(malloc_calloc_zeroes_and_checks_overflow)
{
    HEAP_SETUP(f, h);
    unsigned char *a = ks_heap_alloc(&h, 200);
    memset(a, 0xff, 200);
    CHECK_EQ_U(ks_heap_free(&h, a), KS_HEAP_OK);
    unsigned char *b = ks_heap_calloc(&h, 20, 10);
    CHECK(b == a);
    for (int i = 0; i < 200; i++)
        CHECK_EQ_U(b[i], 0);
    CHECK(ks_heap_calloc(&h, SIZE_MAX / 2, 3) == NULL);
    CHECK(ks_heap_calloc(&h, (size_t)1 << 33, (size_t)1 << 33) == NULL);
    void *z = ks_heap_calloc(&h, 0, 100);
    CHECK(z != NULL);
    CHECK_EQ_U(ks_heap_free(&h, z), KS_HEAP_OK);
    CHECK_EQ_U(ks_heap_free(&h, b), KS_HEAP_OK);
    heap_teardown(&h);
}

UNIT_TEST(malloc_realloc_grows_and_shrinks_keeping_data)
{
    HEAP_SETUP(f, h);
    enum ks_heap_status st;
    unsigned char *p = ks_heap_realloc(&h, NULL, 10, &st);
    CHECK(p && st == KS_HEAP_OK);
    for (int i = 0; i < 10; i++)
        p[i] = (unsigned char)i;
    /* Grow through the classes and into a large block. */
    size_t sizes[] = { 20, 100, 1000, 3000, 70000, 200000 };
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        p = ks_heap_realloc(&h, p, sizes[s], &st);
        CHECK(p && st == KS_HEAP_OK);
        CHECK_EQ_U((uintptr_t)p % 16, 0);
        for (int i = 0; i < 10; i++)
            CHECK_EQ_U(p[i], (unsigned char)i);
    }
    /* A small shrink of a large block stays in place. */
    unsigned char *q = ks_heap_realloc(&h, p, 190000, &st);
    CHECK(q == p);
    /* Shrinking a lot moves it to a small block. */
    q = ks_heap_realloc(&h, p, 16, &st);
    CHECK(q && st == KS_HEAP_OK);
    for (int i = 0; i < 10; i++)
        CHECK_EQ_U(q[i], (unsigned char)i);
    CHECK_EQ_U(h.large_live, 0);
    /* Same class: same block. */
    unsigned char *r = ks_heap_realloc(&h, q, 12, &st);
    CHECK(r == q);
    CHECK_EQ_U(ks_heap_free(&h, r), KS_HEAP_OK);
    CHECK_EQ_U(h.large_live, 0);
    heap_teardown(&h);
}

UNIT_TEST(malloc_out_of_pages_gives_null)
{
    HEAP_SETUP(f, h);
    f.limit = KS_HEAP_CHUNK;
    void *a = ks_heap_alloc(&h, 100);
    CHECK(a != NULL);
    CHECK(ks_heap_alloc(&h, 40000) == NULL);   /* needs its own pages */
    CHECK(ks_heap_alloc(&h, 20) == NULL);      /* another class, another chunk */
    enum ks_heap_status st;
    CHECK(ks_heap_realloc(&h, a, 100000, &st) == NULL);
    CHECK_EQ_U(st, KS_HEAP_OK);
    CHECK_EQ_U(ks_heap_free(&h, a), KS_HEAP_OK);
    CHECK(ks_heap_alloc(&h, SIZE_MAX - 10) == NULL);
    CHECK(ks_heap_alloc(&h, SIZE_MAX / 2 + 1) == NULL);
    heap_teardown(&h);
}

UNIT_TEST(malloc_many_chunks)
{
    HEAP_SETUP(f, h);
    enum { N = 5000 };
    static void *p[N];
    for (int i = 0; i < N; i++) {
        p[i] = ks_heap_alloc(&h, 2000);
        CHECK(p[i] != NULL);
    }
    CHECK(h.chunk_count > 5);
    for (int i = N - 1; i >= 0; i -= 2)
        CHECK_EQ_U(ks_heap_free(&h, p[i]), KS_HEAP_OK);
    for (int i = 0; i < N; i += 2)
        CHECK_EQ_U(ks_heap_free(&h, p[i]), KS_HEAP_OK);
    CHECK_EQ_U(h.small_live, 0);
    heap_teardown(&h);
}

UNIT_TEST(malloc_chunks_grow_and_fit_big_classes)
{
    HEAP_SETUP(f, h);
    /* The largest class still gets at least 8 blocks per chunk. */
    void *first = ks_heap_alloc(&h, KS_HEAP_SMALL_MAX);
    CHECK(first != NULL);
    size_t gets = f.gets;
    for (int i = 0; i < 7; i++)
        CHECK(ks_heap_alloc(&h, KS_HEAP_SMALL_MAX) != NULL);
    CHECK_EQ_U(f.gets, gets);
    CHECK_EQ_U(h.large_live, 0);
    /* Many small blocks need few page runs. */
    for (int i = 0; i < 20000; i++)
        CHECK(ks_heap_alloc(&h, 1000) != NULL);
    CHECK(f.gets < 150);
    heap_teardown(&h);
}

UNIT_TEST(malloc_release_leftovers)
{
    pages_release_all();
    CHECK(live[0] == NULL);
}

UNIT_MAIN(UNIT_CASE(malloc_small_blocks_are_aligned_and_distinct),
          UNIT_CASE(malloc_zero_gives_unique_blocks),
          UNIT_CASE(malloc_free_null_is_fine),
          UNIT_CASE(malloc_reuses_freed_small_blocks),
          UNIT_CASE(malloc_large_blocks_return_their_pages),
          UNIT_CASE(malloc_reports_double_free),
          UNIT_CASE(malloc_reports_bad_pointers),
          UNIT_CASE(malloc_calloc_zeroes_and_checks_overflow),
          UNIT_CASE(malloc_realloc_grows_and_shrinks_keeping_data),
          UNIT_CASE(malloc_out_of_pages_gives_null),
          UNIT_CASE(malloc_many_chunks),
          UNIT_CASE(malloc_chunks_grow_and_fit_big_classes),
          UNIT_CASE(malloc_release_leftovers))
