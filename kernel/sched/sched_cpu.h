/* SPDX-License-Identifier: MIT */
/*
 * What the scheduler's two files share: the per-CPU block and the steps
 * of a switch.  sched.c holds the queues, the pick and the switch;
 * sched_cpu.c the per-CPU start-up, the idle loop and the entries the
 * arch calls.  Not for use outside kernel/sched.
 */
#ifndef KESTREL_SCHED_SCHED_CPU_H
#define KESTREL_SCHED_SCHED_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include "arch.h"
#include "proc/thread.h"
#include "sched/runqueue.h"
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
        };
        uint16_t work;              /* both at once, for the exit path's one test */
    };
    bool slice_expired;
    struct timer_event slice;
    uint64_t slice_end;
    unsigned index;
};


extern struct sched_cpu *sched_cpus[SCHED_MAX_CPUS];
extern unsigned sched_cpu_count;   /* CPU numbers with a block (some may be NULL) */

static inline struct sched_cpu *this_cpu(void)
{
    return sched_cpus[arch_cpu_id()];
}

/* Runs on the stack of the thread switched to, right after the switch:
 * what the previous thread left behind. */
static inline void sched_finish_switch(struct thread *prev)
{
    if (__builtin_expect(prev->state == KS_THREAD_DEAD && !prev->reaped, 0))
        thread_reap(prev);
}

/* Switch this CPU (c) to next; returns when the caller's thread runs again. */
void sched_switch_to(struct sched_cpu *c, struct thread *next);
/* The next thread for c: its queue's first, a stolen one, or its idle thread. */
struct thread *sched_pick_next(struct sched_cpu *c);
/* The slice timer's event function (arg: the struct sched_cpu). */
void sched_slice_fired(struct timer_event *event, void *arg);

#endif /* KESTREL_SCHED_SCHED_CPU_H */
