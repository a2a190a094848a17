/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the timer queue (kernel/time/timer_queue.c): events
 * leave in deadline order, equal deadlines in insertion order, cancel
 * takes out exactly the event named from any heap position, a full
 * queue and bad input are refused without changing anything, and a
 * random mix of thousands of inserts and cancels keeps the heap valid.
 */
#include <stdint.h>
#include "kestrel/errors.h"
#include "time/timer_queue.h"
#include "unit.h"

#define CAPACITY 4096

static struct timer_event *slots[CAPACITY];
static struct timer_event events[CAPACITY];
static struct timer_queue queue;

static void noop(struct timer_event *event, void *arg)
{
    (void)event;
    (void)arg;
}

static void setup(void)
{
    timer_queue_init(&queue, slots, CAPACITY);
    for (unsigned i = 0; i < CAPACITY; i++)
        timer_event_init(&events[i], noop, (void *)(uintptr_t)i);
}

/* Every parent is earlier than its children and every index is right. */
static int heap_valid(const struct timer_queue *q)
{
    for (uint32_t i = 0; i < q->count; i++) {
        const struct timer_event *e = q->slots[i];
        if (e->index != i)
            return 0;
        if (i == 0)
            continue;
        const struct timer_event *p = q->slots[(i - 1) / 2];
        if (p->deadline_ns > e->deadline_ns ||
            (p->deadline_ns == e->deadline_ns && p->sequence > e->sequence))
            return 0;
    }
    return 1;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

UNIT_TEST(pops_in_deadline_order)
{
    setup();
    static const uint64_t deadlines[] = { 50, 10, 40, 30, 20, 60, 5 };
    for (unsigned i = 0; i < 7; i++)
        CHECK_EQ_U(timer_queue_insert(&queue, &events[i], deadlines[i]), 0);
    CHECK(heap_valid(&queue));
    CHECK_EQ_U(timer_queue_peek(&queue)->deadline_ns, 5);
    CHECK(timer_queue_pop_expired(&queue, 4) == NULL);
    uint64_t last = 0;
    for (unsigned i = 0; i < 7; i++) {
        struct timer_event *e = timer_queue_pop_expired(&queue, 100);
        CHECK(e != NULL);
        CHECK(e->deadline_ns >= last);
        CHECK(!timer_event_queued(e));
        last = e->deadline_ns;
    }
    CHECK(timer_queue_pop_expired(&queue, UINT64_MAX) == NULL);
    CHECK(timer_queue_peek(&queue) == NULL);
}

UNIT_TEST(pop_expired_stops_at_now)
{
    setup();
    for (unsigned i = 0; i < 10; i++)
        CHECK_EQ_U(timer_queue_insert(&queue, &events[i], i * 100), 0);
    unsigned popped = 0;
    while (timer_queue_pop_expired(&queue, 450))
        popped++;
    CHECK_EQ_U(popped, 5);
    CHECK_EQ_U(queue.count, 5);
    CHECK_EQ_U(timer_queue_peek(&queue)->deadline_ns, 500);
}

UNIT_TEST(equal_deadlines_leave_in_insertion_order)
{
    setup();
    for (unsigned i = 0; i < 100; i++)
        CHECK_EQ_U(timer_queue_insert(&queue, &events[i], 7), 0);
    for (unsigned i = 0; i < 100; i++) {
        struct timer_event *e = timer_queue_pop_expired(&queue, 7);
        CHECK(e == &events[i]);
    }
}

UNIT_TEST(cancel_removes_only_that_event)
{
    setup();
    for (unsigned i = 0; i < 32; i++)
        CHECK_EQ_U(timer_queue_insert(&queue, &events[i], 1000 - i * 10), 0);
    /* The root, a leaf and one in the middle. */
    struct timer_event *root = timer_queue_peek(&queue);
    CHECK_EQ_U(timer_queue_cancel(&queue, root), 0);
    CHECK_EQ_U(timer_queue_cancel(&queue, queue.slots[queue.count - 1]), 0);
    CHECK_EQ_U(timer_queue_cancel(&queue, queue.slots[5]), 0);
    CHECK_EQ_U(queue.count, 29);
    CHECK(heap_valid(&queue));
    CHECK(!timer_event_queued(root));
    CHECK_EQ_U(timer_queue_cancel(&queue, root), -KS_ERR_NOT_FOUND);
    /* A cancelled event can be queued again. */
    CHECK_EQ_U(timer_queue_insert(&queue, root, 1), 0);
    CHECK(timer_queue_peek(&queue) == root);
}

UNIT_TEST(refuses_bad_input_and_full_queue)
{
    setup();
    struct timer_event *tiny_slots[2];
    struct timer_queue tiny;
    CHECK_EQ_U(timer_queue_init(&tiny, NULL, 2), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(timer_queue_init(&tiny, tiny_slots, 0), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(timer_queue_init(&tiny, tiny_slots, 2), 0);
    CHECK_EQ_U(timer_queue_insert(&tiny, NULL, 1), -KS_ERR_INVALID_ARGUMENT);
    struct timer_event no_fn;
    timer_event_init(&no_fn, NULL, NULL);
    CHECK_EQ_U(timer_queue_insert(&tiny, &no_fn, 1), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(timer_queue_insert(&tiny, &events[0], 1), 0);
    CHECK_EQ_U(timer_queue_insert(&tiny, &events[0], 2), -KS_ERR_EXISTS);
    CHECK_EQ_U(events[0].deadline_ns, 1);
    CHECK_EQ_U(timer_queue_insert(&tiny, &events[1], 2), 0);
    CHECK_EQ_U(timer_queue_insert(&tiny, &events[2], 3), -KS_ERR_NO_MEMORY);
    CHECK(!timer_event_queued(&events[2]));
    /* An event queued elsewhere is not this queue's to cancel. */
    CHECK_EQ_U(timer_queue_insert(&queue, &events[3], 5), 0);
    CHECK_EQ_U(timer_queue_cancel(&tiny, &events[3]), -KS_ERR_NOT_FOUND);
    CHECK_EQ_U(timer_queue_cancel(&tiny, NULL), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(tiny.count, 2);
    CHECK_EQ_U(queue.count, 1);
}

UNIT_TEST(many_random_inserts_and_cancels_keep_order)
{
    setup();
    for (unsigned round = 0; round < 20000; round++) {
        struct timer_event *e = &events[rng() % CAPACITY];
        if (timer_event_queued(e))
            CHECK_EQ_U(timer_queue_cancel(&queue, e), 0);
        else
            CHECK_EQ_U(timer_queue_insert(&queue, e, rng() % 1000), 0);
        if (round % 997 == 0)
            CHECK(heap_valid(&queue));
    }
    CHECK(heap_valid(&queue));
    uint32_t left = queue.count;
    uint64_t last = 0, last_sequence = 0;
    for (uint32_t i = 0; i < left; i++) {
        struct timer_event *e = timer_queue_pop_expired(&queue, UINT64_MAX);
        CHECK(e != NULL);
        CHECK(e->deadline_ns > last || (e->deadline_ns == last && e->sequence > last_sequence) ||
              i == 0);
        last = e->deadline_ns;
        last_sequence = e->sequence;
    }
    CHECK_EQ_U(queue.count, 0);
}

UNIT_TEST(fills_to_capacity)
{
    setup();
    for (unsigned i = 0; i < CAPACITY; i++)
        CHECK_EQ_U(timer_queue_insert(&queue, &events[i], CAPACITY - i), 0);
    struct timer_event extra;
    timer_event_init(&extra, noop, NULL);
    CHECK_EQ_U(timer_queue_insert(&queue, &extra, 0), -KS_ERR_NO_MEMORY);
    CHECK(heap_valid(&queue));
    CHECK(timer_queue_peek(&queue) == &events[CAPACITY - 1]);
}

UNIT_MAIN(UNIT_CASE(pops_in_deadline_order), UNIT_CASE(pop_expired_stops_at_now),
          UNIT_CASE(equal_deadlines_leave_in_insertion_order),
          UNIT_CASE(cancel_removes_only_that_event),
          UNIT_CASE(refuses_bad_input_and_full_queue),
          UNIT_CASE(many_random_inserts_and_cancels_keep_order),
          UNIT_CASE(fills_to_capacity))
