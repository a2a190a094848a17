/* SPDX-License-Identifier: MIT */
/*
 * What the scheduler's two files share: the per-CPU block and the steps
 * of a switch.  sched.c holds the queues, the pick and the switch;
 * sched_cpu.c the per-CPU start-up, the idle loop and the entries the
 * arch calls.  Not for use outside kernel/sched, except by the IPC fast
 * path (ipc/fastpath.c), which switches threads directly.
 */
#ifndef KESTREL_SCHED_SCHED_CPU_H
#define KESTREL_SCHED_SCHED_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include "arch.h"
#include "cap/interrupt.h"
#include "console/log_handover.h"
#include "proc/thread.h"
#include "sched/kernel_lock.h"
#include "sched/runqueue.h"
#include "sched/sched.h"
#include "time/timer.h"

#define SCHED_MAX_CPUS   TIMER_MAX_CPUS
#define SCHED_SLICE_NS   10000000ull   /* 10 ms round-robin slice */

struct sched_cpu {
    struct runqueue rq;
    struct thread *current;
    struct thread *prev;            /* switched away from; finished by the next */
    struct thread idle;
    union {
        struct {
            bool need_resched;      /* atomic: run the scheduler at kernel exit */
            bool timer_pending;     /* atomic: run due timer events at kernel exit */
            bool interrupt_pending; /* atomic: deliver device interrupts at kernel
                                       exit (cap/interrupt.h) */
            bool work_unused;       /* always false: pads work */
        };
        uint32_t work;              /* all at once, for the exit path's one test */
    };
    bool slice_expired;
    struct timer_event slice;
    uint64_t slice_end;
    unsigned index;
};


extern struct sched_cpu *sched_cpus[SCHED_MAX_CPUS];
extern unsigned sched_cpu_count;   /* CPU numbers with a block (some may be NULL) */

/* This CPU's block: its index is one GS-relative load (the arch keeps
 * it at GS:SCHED_PERCPU_INDEX, checked in smp.h).  Only for paths that
 * run once the scheduler is up (sched_current is the early-safe way). */
#define SCHED_PERCPU_INDEX 32
static inline struct sched_cpu *this_cpu(void)
{
    unsigned index;
    __asm__ volatile("movl %%gs:%c1, %0" : "=r"(index) : "i"(SCHED_PERCPU_INDEX));
    return sched_cpus[index];
}

/* Runs on the stack of the thread switched to, right after the switch:
 * what the previous thread left behind. */
static inline void sched_finish_switch(struct thread *prev)
{
    if (__builtin_expect(prev->state == KS_THREAD_DEAD && !prev->reaped, 0))
        thread_reap(prev);
}

/* Deliver the device interrupts this CPU's handlers recorded, and the
 * kernel log's signal to the driver it was handed to (kernel lock held,
 * interrupts off: no handler of this CPU races the flag). */
static inline void sched_run_interrupt_work(struct sched_cpu *c)
{
    if (__builtin_expect(__atomic_load_n(&c->interrupt_pending, __ATOMIC_ACQUIRE), 0)) {
        __atomic_store_n(&c->interrupt_pending, false, __ATOMIC_RELAXED);
        interrupt_deliver_pending();
        log_handover_deliver();
    }
}

/* Switch this CPU (c) to next; returns when the caller's thread runs again. */
void sched_switch_to(struct sched_cpu *c, struct thread *next);

static inline bool sched_cpu_allowed(const struct thread *t, unsigned cpu)
{
    return cpu < 64 && ((t->cpu_mask >> cpu) & 1u) && cpu < sched_cpu_count && sched_cpus[cpu];
}

/* May c hand the CPU straight to the blocked thread t when its current
 * thread blocks (the IPC fast path's direct switch)?  Only when that is
 * what the scheduler would do anyway: t may run here, nothing queued
 * here outranks it, and no work (a timer, a reschedule, a kill) waits
 * for this CPU's kernel exit. */
static inline bool sched_can_switch_direct(const struct sched_cpu *c, const struct thread *t)
{
    return !__atomic_load_n(&c->work, __ATOMIC_ACQUIRE) && !c->current->kill &&
           (int)t->priority >= runqueue_highest(&c->rq) && sched_cpu_allowed(t, c->index);
}

/* The same for a server about to inherit the current thread's priority
 * (a call): it will run at no less than the current thread, and with no
 * work recorded nothing queued here outranks the current thread (a
 * thread queued above it always records a reschedule), so the run queue
 * need not be looked at. */
static inline bool sched_can_switch_to_server(const struct sched_cpu *c, const struct thread *t)
{
    return !__atomic_load_n(&c->work, __ATOMIC_ACQUIRE) && !c->current->kill &&
           sched_cpu_allowed(t, c->index);
}

void sched_hand_over(struct sched_cpu *c, struct thread *t);

/* sched_leave_kernel with its common case (nothing recorded for this
 * CPU) inline, for the IPC fast path. */
static inline void sched_leave_kernel_inline(void)
{
    struct sched_cpu *c = this_cpu();
    if (__builtin_expect(!__atomic_load_n(&c->work, __ATOMIC_ACQUIRE) && !c->current->kill, 1))
        kernel_unlock();
    else
        sched_leave_kernel();
}

static inline void sched_switch_direct(struct sched_cpu *c, struct thread *t)
{
    if (__builtin_expect(timer_event_queued(&t->timeout), 0))
        timer_cancel(&t->timeout);
    t->wake_result = 0;
    sched_hand_over(c, t);
}
/* The next thread for c: its queue's first, a stolen one, or its idle thread. */
struct thread *sched_pick_next(struct sched_cpu *c);
/* The slice timer's event function (arg: the struct sched_cpu). */
void sched_slice_fired(struct timer_event *event, void *arg);

/* The next thread for c: its queue's first, a stolen one, or its idle thread. */
struct thread *sched_pick_next(struct sched_cpu *c);
/* The slice timer's event function (arg: the struct sched_cpu). */
void sched_slice_fired(struct timer_event *event, void *arg);

#endif /* KESTREL_SCHED_SCHED_CPU_H */
