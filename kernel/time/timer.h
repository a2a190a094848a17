/* SPDX-License-Identifier: MIT */
/*
 * Timer events of the boot CPU: run a function once at a deadline on
 * arch_time_ns()'s clock, and sleeps built on that.
 *
 * timer_start() queues an event (timer_queue.h: O(log n)) and, when it
 * becomes the earliest, arms the arch's one-shot timer for it;
 * timer_cancel() takes it out and re-arms for the next.  When the timer
 * interrupt comes, the arch calls timer_expire(), which runs every event
 * whose deadline has passed (in interrupt context, interrupts off) and
 * arms the timer for the next.  An event's function may start it again.
 *
 * Context: interrupts off for every call (one queue, one CPU; per-CPU
 * queues come with SMP).  Events are owned by the caller and must stay
 * alive while queued.
 */
#ifndef KESTREL_TIME_TIMER_H
#define KESTREL_TIME_TIMER_H

#include <stdint.h>
#include "time/timer_queue.h"

/* How many events may be queued at once. */
#define TIMER_CAPACITY 256

/* Queue event for deadline_ns.  Errors of timer_queue_insert, and
 * -KS_ERR_NOT_FOUND when there is no calibrated timer. */
int timer_start(struct timer_event *event, uint64_t deadline_ns);
/* 0, or -KS_ERR_NOT_FOUND when it was not queued (already fired). */
int timer_cancel(struct timer_event *event);
/* Called by the arch's timer interrupt. */
void timer_expire(void);
/* Wait at least ns nanoseconds by arch_time_ns(), halting (interrupts
 * on only while halted).  0, or an error of timer_start. */
int timer_sleep_ns(uint64_t ns);
/* Events queued now (for tests). */
uint32_t timer_pending(void);

#endif /* KESTREL_TIME_TIMER_H */
