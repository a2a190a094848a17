/* SPDX-License-Identifier: MIT */
/*
 * Timer events: run a function once at a deadline on arch_time_ns()'s
 * clock, on the CPU that queued it, and sleeps built on that.
 *
 * Each CPU has its own queue (timer_queue.h: O(log n)) behind its own
 * one-shot timer.  timer_start() queues an event on this CPU's queue
 * and, when it becomes the earliest, arms this CPU's timer for it;
 * timer_cancel() takes an event out of whichever queue holds it (any
 * CPU; a remote CPU's timer may then fire once for nothing).  When the
 * timer interrupt comes, the arch calls timer_expire(), which runs every
 * due event of this CPU (interrupts off) and arms the timer for the next;
 * once the scheduler runs it does so only under the kernel lock: when the
 * lock is busy it leaves the work to the CPU's next kernel exit
 * (sched_note_timer).  An event's function may start it again.
 *
 * Context: interrupts off for every call; once the scheduler runs, the
 * kernel lock held (timer_expire excepted).  CPUs other than the boot CPU
 * have queues after timer_init_cpus.  Events are owned by the caller and
 * must stay alive while queued.
 */
#ifndef KESTREL_TIME_TIMER_H
#define KESTREL_TIME_TIMER_H

#include <stdint.h>
#include "time/timer_queue.h"

/* How many events may be queued at once on one CPU. */
#define TIMER_CAPACITY 1024
/* CPUs with a queue at most. */
#define TIMER_MAX_CPUS 64

/* Queues for CPUs 1..cpus-1 (boot CPU, once).  0 or -KS_ERR_NO_MEMORY. */
int timer_init_cpus(unsigned cpus);
/* Queue event for deadline_ns.  Errors of timer_queue_insert, and
 * -KS_ERR_NOT_FOUND when there is no calibrated timer or no queue. */
int timer_start(struct timer_event *event, uint64_t deadline_ns);
/* 0, or -KS_ERR_NOT_FOUND when it was not queued (already fired). */
int timer_cancel(struct timer_event *event);
/* Called by the arch's timer interrupt. */
void timer_expire(void);
/* Run this CPU's due events now (the kernel lock held, or no scheduler). */
void timer_run_expired(void);
/* Wait at least ns nanoseconds by arch_time_ns(), halting (interrupts
 * on only while halted).  Before the scheduler runs only.  0, or an
 * error of timer_start. */
int timer_sleep_ns(uint64_t ns);
/* Events queued on this CPU now (for tests). */
uint32_t timer_pending(void);

#endif /* KESTREL_TIME_TIMER_H */
