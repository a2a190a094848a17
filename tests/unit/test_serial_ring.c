/* SPDX-License-Identifier: MIT */
/*
 * Host tests for drivers-user/serial/ring.c: order kept across the wrap,
 * partial puts when full, peek without taking, dropping, and counters
 * that wrap at 2^32; checked against a simple model under random use.
 */
#include <stdint.h>
#include "unit.h"
#include "../../drivers-user/serial/ring.h"

static struct ring ring;

UNIT_TEST(empty_ring)
{
    uint8_t b[4];
    ring_init(&ring);
    CHECK_EQ_U(ring_used(&ring), 0);
    CHECK_EQ_U(ring_free(&ring), RING_SIZE);
    CHECK_EQ_U(ring_get(&ring, b, sizeof(b)), 0);
    CHECK_EQ_U(ring_peek(&ring, b, sizeof(b)), 0);
}

UNIT_TEST(put_peek_get_in_order)
{
    uint8_t b[8];
    ring_init(&ring);
    CHECK_EQ_U(ring_put(&ring, "hello", 5), 5);
    CHECK_EQ_U(ring_peek(&ring, b, 3), 3);
    CHECK(memcmp(b, "hel", 3) == 0);
    CHECK_EQ_U(ring_used(&ring), 5);
    CHECK_EQ_U(ring_get(&ring, b, 8), 5);
    CHECK(memcmp(b, "hello", 5) == 0);
    CHECK_EQ_U(ring_used(&ring), 0);
}

UNIT_TEST(full_ring_takes_what_fits)
{
    static uint8_t big[RING_SIZE + 100];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    ring_init(&ring);
    CHECK_EQ_U(ring_put(&ring, big, 100), 100);
    CHECK_EQ_U(ring_put(&ring, big + 100, sizeof(big) - 100), RING_SIZE - 100);
    CHECK_EQ_U(ring_free(&ring), 0);
    CHECK_EQ_U(ring_put(&ring, "x", 1), 0);
    /* Drop 10, add 10 across the wrap, then read everything back. */
    CHECK_EQ_U(ring_get(&ring, NULL, 10), 10);
    CHECK_EQ_U(ring_put(&ring, big + RING_SIZE, 10), 10);
    static uint8_t out[RING_SIZE];
    CHECK_EQ_U(ring_get(&ring, out, sizeof(out)), RING_SIZE);
    CHECK(memcmp(out, big + 10, RING_SIZE) == 0);
}

UNIT_TEST(counters_wrap_at_2_32)
{
    uint8_t b[16];
    ring.head = ring.tail = 0xfffffff8u;
    CHECK_EQ_U(ring_put(&ring, "0123456789abcdef", 16), 16);
    CHECK_EQ_U(ring_used(&ring), 16);
    CHECK_EQ_U(ring_get(&ring, b, 16), 16);
    CHECK(memcmp(b, "0123456789abcdef", 16) == 0);
    CHECK_EQ_U(ring_used(&ring), 0);
}

UNIT_TEST(random_use_matches_a_model)
{
    static uint8_t model[1 << 20];
    size_t model_head = 0, model_tail = 0;
    uint32_t seed = 12345;
    uint8_t next = 0;
    ring_init(&ring);
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % 600;
        uint8_t tmp[600];
        if (seed & 0x8000) {
            for (size_t i = 0; i < len; i++)
                tmp[i] = next++;
            size_t n = ring_put(&ring, tmp, len);
            size_t room = RING_SIZE - (model_tail - model_head);
            CHECK_EQ_U(n, len < room ? len : room);
            for (size_t i = 0; i < n; i++)
                model[(model_tail + i) % sizeof(model)] = tmp[i];
            model_tail += n;
            next = (uint8_t)(next - (len - n));   /* not taken: resend later */
        } else {
            size_t n = ring_get(&ring, tmp, len);
            size_t have = model_tail - model_head;
            CHECK_EQ_U(n, len < have ? len : have);
            for (size_t i = 0; i < n; i++)
                CHECK_EQ_U(tmp[i], model[(model_head + i) % sizeof(model)]);
            model_head += n;
        }
        CHECK_EQ_U(ring_used(&ring), model_tail - model_head);
    }
}

UNIT_MAIN(UNIT_CASE(empty_ring), UNIT_CASE(put_peek_get_in_order),
          UNIT_CASE(full_ring_takes_what_fits), UNIT_CASE(counters_wrap_at_2_32),
          UNIT_CASE(random_use_matches_a_model))
