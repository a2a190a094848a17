/* SPDX-License-Identifier: MIT */
/*
 * Host tests for kernel/debug/log_ring.c: reads by sequence number,
 * partial reads, reads from before the oldest byte (counted as lost),
 * from past the head (refused), appends longer than the ring, and a
 * long random run checked against the whole stream kept aside.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "debug/log_ring.h"
#include "unit.h"

#define SIZE 64u

static char storage[SIZE];
static struct log_ring ring;

static void reset(void)
{
    memset(storage, 0, sizeof(storage));
    ring = (struct log_ring){ .buf = storage, .size = SIZE, .head = 0 };
}

UNIT_TEST(empty_ring_reads_nothing)
{
    char b[8];
    uint64_t next = 99, lost = 99;
    reset();
    CHECK_EQ_U(log_ring_read(&ring, 0, b, sizeof(b), &next, &lost), 0);
    CHECK_EQ_U(next, 0);
    CHECK_EQ_U(lost, 0);
    CHECK_EQ_U(log_ring_oldest(&ring), 0);
}

UNIT_TEST(reads_follow_sequence_numbers)
{
    char b[16];
    uint64_t next, lost;
    reset();
    log_ring_append(&ring, "one\n", 4);
    log_ring_append(&ring, "two\n", 4);
    CHECK_EQ_U(ring.head, 8);
    CHECK_EQ_U(log_ring_read(&ring, 0, b, 5, &next, &lost), 5);
    CHECK(memcmp(b, "one\nt", 5) == 0);
    CHECK_EQ_U(next, 5);
    CHECK_EQ_U(log_ring_read(&ring, next, b, sizeof(b), &next, &lost), 3);
    CHECK(memcmp(b, "wo\n", 3) == 0);
    CHECK_EQ_U(next, 8);
    CHECK_EQ_U(lost, 0);
    CHECK_EQ_U(log_ring_read(&ring, next, b, sizeof(b), &next, &lost), 0);
    CHECK_EQ_U(next, 8);
}

UNIT_TEST(read_past_the_head_is_refused)
{
    char b[4];
    uint64_t next = 7, lost = 7;
    reset();
    log_ring_append(&ring, "ab", 2);
    CHECK(log_ring_read(&ring, 3, b, sizeof(b), &next, &lost) == -1);
    CHECK(log_ring_read(&ring, UINT64_MAX, b, sizeof(b), &next, &lost) == -1);
    CHECK_EQ_U(next, 7);
}

UNIT_TEST(overwritten_bytes_count_as_lost)
{
    char b[SIZE];
    uint64_t next, lost;
    reset();
    for (unsigned i = 0; i < 100; i++) {
        char c = (char)('a' + i % 26);
        log_ring_append(&ring, &c, 1);
    }
    CHECK_EQ_U(log_ring_oldest(&ring), 100 - SIZE);
    CHECK_EQ_U(log_ring_read(&ring, 10, b, sizeof(b), &next, &lost), SIZE);
    CHECK_EQ_U(lost, 100 - SIZE - 10);
    CHECK_EQ_U(next, 100);
    CHECK_EQ_U((unsigned char)b[0], (unsigned char)('a' + (100 - SIZE) % 26));
    CHECK_EQ_U((unsigned char)b[SIZE - 1], (unsigned char)('a' + 99 % 26));
}

UNIT_TEST(an_append_longer_than_the_ring_keeps_its_tail)
{
    char big[3 * SIZE + 5], b[SIZE];
    uint64_t next, lost;
    reset();
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)i;
    log_ring_append(&ring, "xy", 2);
    log_ring_append(&ring, big, sizeof(big));
    CHECK_EQ_U(ring.head, 2 + sizeof(big));
    CHECK_EQ_U(log_ring_read(&ring, 0, b, sizeof(b), &next, &lost), SIZE);
    CHECK_EQ_U(lost, ring.head - SIZE);
    CHECK(memcmp(b, big + sizeof(big) - SIZE, SIZE) == 0);
}

/* Random appends and reads against the whole stream kept aside. */
UNIT_TEST(random_use_matches_the_stream)
{
    static char stream[20000];
    char chunk[3 * SIZE], b[SIZE];
    size_t total = 0;
    uint64_t reader = 0;
    reset();
    srand(7);
    while (total + sizeof(chunk) < sizeof(stream)) {
        size_t n = (size_t)rand() % sizeof(chunk);
        for (size_t i = 0; i < n; i++)
            chunk[i] = (char)rand();
        log_ring_append(&ring, chunk, n);
        memcpy(stream + total, chunk, n);
        total += n;
        size_t want = (size_t)rand() % sizeof(b) + 1;
        uint64_t next, lost;
        int64_t got = log_ring_read(&ring, reader, b, want, &next, &lost);
        CHECK(got >= 0);
        uint64_t first = reader + lost;
        CHECK_EQ_U(first, reader < log_ring_oldest(&ring) ? log_ring_oldest(&ring) : reader);
        CHECK_EQ_U(next, first + (uint64_t)got);
        CHECK(memcmp(b, stream + first, (size_t)got) == 0);
        reader = next;
    }
}

UNIT_MAIN(UNIT_CASE(empty_ring_reads_nothing), UNIT_CASE(reads_follow_sequence_numbers),
          UNIT_CASE(read_past_the_head_is_refused), UNIT_CASE(overwritten_bytes_count_as_lost),
          UNIT_CASE(an_append_longer_than_the_ring_keeps_its_tail),
          UNIT_CASE(random_use_matches_the_stream))
