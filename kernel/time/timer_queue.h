/* SPDX-License-Identifier: MIT */
/*
 * Timer queue: deadline-ordered events in a binary min-heap.
 *
 * The caller owns both the events and the heap's slot array (fixed
 * capacity, given at init), so no path here allocates.  Insert and
 * cancel take O(log n): each event keeps its heap index, so a cancel
 * finds its slot at once.  Events with equal deadlines leave in the
 * order they were inserted (a per-queue sequence number breaks ties).
 * Pure logic (host-tested by tests/unit/test_timer_queue.c).
 *
 * Locking: none; the owner serialises (the kernel keeps one queue per
 * CPU and touches it with interrupts off).
 */
#ifndef KESTREL_TIME_TIMER_QUEUE_H
#define KESTREL_TIME_TIMER_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_NOT_QUEUED 0xFFFFFFFFu

struct timer_event;
typedef void (*timer_fn_t)(struct timer_event *event, void *arg);

struct timer_event {
    uint64_t deadline_ns;   /* absolute, on arch_time_ns()'s clock */
    uint64_t sequence;      /* insertion order, for equal deadlines */
    timer_fn_t fn;          /* called once when the deadline passes */
    void *arg;
    uint32_t index;         /* heap slot, TIMER_NOT_QUEUED when idle */
    uint32_t cpu;           /* timer.c: the CPU whose queue holds it */
};

struct timer_queue {
    struct timer_event **slots; /* heap: slots[0] is the earliest */
    uint32_t count;
    uint32_t capacity;
    uint64_t next_sequence;
};

/* An idle event that will call fn(event, arg). */
void timer_event_init(struct timer_event *event, timer_fn_t fn, void *arg);
static inline bool timer_event_queued(const struct timer_event *event)
{
    return event->index != TIMER_NOT_QUEUED;
}

/* 0, or -KS_ERR_INVALID_ARGUMENT for NULL slots or zero capacity. */
int timer_queue_init(struct timer_queue *queue, struct timer_event **slots,
                     uint32_t capacity);
/* Queue an idle event for deadline_ns.  -KS_ERR_INVALID_ARGUMENT for a
 * NULL event or fn, -KS_ERR_EXISTS when it is already queued,
 * -KS_ERR_NO_MEMORY when the queue is full. */
int timer_queue_insert(struct timer_queue *queue, struct timer_event *event,
                       uint64_t deadline_ns);
/* Take a queued event out.  -KS_ERR_NOT_FOUND when it is not in this
 * queue (idle, or queued elsewhere), -KS_ERR_INVALID_ARGUMENT for NULL. */
int timer_queue_cancel(struct timer_queue *queue, struct timer_event *event);
/* The earliest event, or NULL when empty. */
struct timer_event *timer_queue_peek(const struct timer_queue *queue);
/* Remove and return the earliest event if its deadline is <= now_ns,
 * else NULL.  The event comes back idle: its fn may queue it again. */
struct timer_event *timer_queue_pop_expired(struct timer_queue *queue, uint64_t now_ns);

#endif /* KESTREL_TIME_TIMER_QUEUE_H */
