/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's queues, pick and switch; see sched.h (the per-CPU
 * start-up, idle loop and arch entries are in sched_cpu.c).  One struct
 * sched_cpu per online CPU holds its run queue, its idle thread, what it
 * runs now and the work recorded for its next kernel exit.  Everything here runs under the kernel lock
 * with interrupts off, except the flag writes interrupt handlers make
 * (need_resched, timer_pending), which are atomics read on the way out.
 *
 * Time slices are lazy: switching to a thread only moves this CPU's
 * slice_end; the slice event is queued when a thread of the same
 * priority waits, and when it fires it either ends the slice or
 * re-queues itself for the moved slice_end.  With nobody to share the
 * CPU with, no timer runs at all (tickless).
 */
#include "arch.h"
#include "cap/io_ports.h"
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "kestrel/errors.h"
#include "mm/heap.h"
#include "mm/vm.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "sched/kernel_lock.h"
#include "sched/runqueue.h"
#include "sched/sched.h"
#include "sched/sched_cpu.h"
#include "time/timer.h"

#define STEAL_SCAN_MAX   32u           /* entries an idle CPU looks at per victim */

struct sched_cpu *sched_cpus[SCHED_MAX_CPUS];
unsigned sched_cpu_count;
struct thread *sched_current(void)
{
    /* arch_cpu_id: 0 before per-CPU data exists, when no block does. */
    struct sched_cpu *c = sched_cpus[arch_cpu_id()];
    return c ? c->current : NULL;
}

void sched_note_timer(void)
{
    struct sched_cpu *c = sched_cpus[arch_cpu_id()];  /* any context, early too */
    if (c)
        __atomic_store_n(&c->timer_pending, true, __ATOMIC_RELEASE);
}

static bool cpu_is_idle(const struct sched_cpu *c)
{
    return c->current->idle && c->rq.count == 0;
}

/* ---- the slice timer ---- */

void sched_slice_fired(struct timer_event *event, void *arg)
{
    (void)event;
    struct sched_cpu *c = arg;
    if (c->current->idle || !runqueue_has(&c->rq, c->current->priority))
        return;  /* nobody to share with: stop ticking */
    if (arch_time_ns() + 50000 >= c->slice_end) {
        c->slice_expired = true;
        __atomic_store_n(&c->need_resched, true, __ATOMIC_RELEASE);
    } else {
        timer_start(&c->slice, c->slice_end);
    }
}

/* Queue the slice event when the running thread shares its priority. */
static inline void slice_update(struct sched_cpu *c)
{
    if (!c->current->idle && !timer_event_queued(&c->slice) &&
        runqueue_has(&c->rq, c->current->priority))
        timer_start(&c->slice, c->slice_end);
}

/* ---- switching ---- */

static inline struct thread *thread_of_ksp(uintptr_t *ksp)
{
    return (struct thread *)((char *)ksp - __builtin_offsetof(struct thread, ksp));
}

void sched_switch_to(struct sched_cpu *c, struct thread *next)
{
    struct thread *prev = c->current;
    if (prev == next) {
        next->state = KS_THREAD_RUNNING;
        return;
    }
    uint64_t now = arch_time_ns();
    prev->run_ns += now - prev->run_start_ns;
    next->run_start_ns = now;
    next->switches++;
    next->state = KS_THREAD_RUNNING;
    next->cpu = c->index;
    c->slice_end = now + SCHED_SLICE_NS;
    c->slice_expired = false;
    if (prev->fpu && prev->state != KS_THREAD_DEAD)
        arch_fpu_save(prev->fpu);
    if (next->fpu)
        arch_fpu_restore(next->fpu);
    if (prev->process != next->process) {
        /* Idle threads run on the kernel's space: no CPU keeps the page
         * tables of a process none of whose threads it runs. */
        vm_space_activate(next->process ? &next->process->space : vm_kernel_space());
        arch_io_bitmap_switch(next->process);
    }
    if (next->process)
        arch_set_kernel_stack(next->kstack.top);
    c->current = next;
    c->prev = prev;
    slice_update(c);
    sched_finish_switch(thread_of_ksp(arch_context_switch(&prev->ksp, next->ksp)));
}

/* The IPC direct switch (sched_switch_direct): the current thread has
 * blocked and next, a blocked user thread, runs at once on the rest of
 * the current slice (a client and its server share one turn, so threads
 * queued at their priority still get theirs).  sched_switch_to without
 * what cannot apply: next is never the current thread nor idle, and
 * both have FPU areas. */
void sched_hand_over(struct sched_cpu *c, struct thread *next)
{
    struct thread *prev = c->current;
    uint64_t now = arch_time_ns();
    prev->run_ns += now - prev->run_start_ns;
    next->run_start_ns = now;
    next->switches++;
    next->state = KS_THREAD_RUNNING;
    next->cpu = c->index;
    arch_fpu_save(prev->fpu);
    arch_fpu_restore(next->fpu);
    if (prev->process != next->process) {
        vm_space_activate(&next->process->space);
        arch_io_bitmap_switch(next->process);
    }
    arch_set_kernel_stack(next->kstack.top);
    c->current = next;
    c->prev = prev;
    /* The slice event runs already when prev shared its priority; only
     * a thread queued at next's priority may need it started. */
    if (c->rq.count != 0)
        slice_update(c);
    sched_finish_switch(thread_of_ksp(arch_context_switch(&prev->ksp, next->ksp)));
}

static struct thread *take(struct runqueue *rq, struct thread *t)
{
    runqueue_remove(rq, &t->link, t->priority);
    t->queued = false;
    return t;
}

/* A thread another CPU has queued and this one may run. */
static struct thread *steal(struct sched_cpu *me)
{
    for (unsigned i = 1; i < sched_cpu_count; i++) {
        struct sched_cpu *victim = sched_cpus[(me->index + i) % sched_cpu_count];
        if (!victim || victim->rq.count == 0)
            continue;
        unsigned looked = 0;
        for (int p = runqueue_highest(&victim->rq); p >= 0 && looked < STEAL_SCAN_MAX; p--) {
            struct rq_link *head = &victim->rq.lists[p];
            for (struct rq_link *l = head->next; l != head && looked < STEAL_SCAN_MAX;
                 l = l->next, looked++) {
                struct thread *t = thread_of_link(l);
                if (sched_cpu_allowed(t, me->index))
                    return take(&victim->rq, t);
            }
        }
    }
    return NULL;
}

struct thread *sched_pick_next(struct sched_cpu *c)
{
    struct rq_link *l = runqueue_peek(&c->rq);
    if (l)
        return take(&c->rq, thread_of_link(l));
    struct thread *t = steal(c);
    return t ? t : &c->idle;
}

static void enqueue(struct sched_cpu *c, struct thread *t, bool front)
{
    t->state = KS_THREAD_READY;
    t->queued = true;
    t->cpu = c->index;
    if (front)
        runqueue_push_front(&c->rq, &t->link, t->priority);
    else
        runqueue_push_back(&c->rq, &t->link, t->priority);
}

/* The running thread keeps the CPU unless something outranks it, or its
 * slice is over and an equal waits. */
static void reschedule(struct sched_cpu *c)
{
    struct thread *cur = c->current;
    if (cur->idle || cur->state != KS_THREAD_RUNNING) {
        sched_switch_to(c, sched_pick_next(c));
        return;
    }
    if (cur->kill)
        return;  /* it leaves on its way out */
    int best = runqueue_highest(&c->rq);
    bool preempt = best > (int)cur->priority;
    bool rotate = best == (int)cur->priority && c->slice_expired;
    if (!sched_cpu_allowed(cur, c->index)) {
        /* Its affinity moved: queue it where it may run.  The kernel
         * lock keeps that CPU from taking it until this switch is done. */
        sched_ready(cur);
        sched_switch_to(c, sched_pick_next(c));
        return;
    }
    if (preempt || rotate) {
        enqueue(c, cur, preempt);  /* a preempted thread keeps its turn */
        sched_switch_to(c, sched_pick_next(c));
        return;
    }
    slice_update(c);
}

/* Do the work recorded for this CPU, then leave the kernel lock.  The
 * thread may be switched away and come back on another CPU, so the CPU
 * is looked up again each round. */
static inline void leave_kernel(void)
{
    struct sched_cpu *c = this_cpu();
    if (__builtin_expect(!__atomic_load_n(&c->work, __ATOMIC_ACQUIRE) && !c->current->kill, 1)) {
        kernel_unlock();
        return;
    }
    for (;;) {
        sched_run_interrupt_work(c);
        if (__builtin_expect(__atomic_load_n(&c->timer_pending, __ATOMIC_ACQUIRE), 0)) {
            __atomic_store_n(&c->timer_pending, false, __ATOMIC_RELAXED);
            timer_run_expired();
        }
        if (__builtin_expect(c->current->kill, 0))
            thread_exit_current(-1);
        if (__builtin_expect(__atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE), 0)) {
            __atomic_store_n(&c->need_resched, false, __ATOMIC_RELAXED);
            reschedule(c);
            c = this_cpu();
            continue;
        }
        break;
    }
    kernel_unlock();
}

void sched_leave_kernel(void)
{
    leave_kernel();
}

/* ---- interface ---- */

uint64_t sched_cpus_running(const struct process *p)
{
    uint64_t mask = 0;
    for (unsigned cpu = 0; cpu < sched_cpu_count; cpu++)
        if (sched_cpus[cpu] && sched_cpus[cpu]->current->process == p)
            mask |= 1ull << cpu;
    return mask;
}

void sched_kick(unsigned cpu)
{
    if (cpu >= sched_cpu_count || !sched_cpus[cpu])
        return;
    __atomic_store_n(&sched_cpus[cpu]->need_resched, true, __ATOMIC_RELEASE);
    if (cpu != arch_cpu_id())
        (void)arch_ipi_reschedule(cpu);
}

static unsigned choose_cpu(const struct thread *t)
{
    if (sched_cpu_allowed(t, t->cpu) && cpu_is_idle(sched_cpus[t->cpu]))
        return t->cpu;
    for (unsigned cpu = 0; cpu < sched_cpu_count; cpu++)
        if (sched_cpu_allowed(t, cpu) && cpu_is_idle(sched_cpus[cpu]))
            return cpu;
    if (sched_cpu_allowed(t, t->cpu))
        return t->cpu;
    for (unsigned cpu = 0; cpu < sched_cpu_count; cpu++)
        if (sched_cpu_allowed(t, cpu))
            return cpu;
    return 0;
}

void sched_ready(struct thread *t)
{
    struct sched_cpu *c = sched_cpus[choose_cpu(t)];
    enqueue(c, t, false);
    struct thread *cur = c->current;
    if (cur->idle || t->priority > cur->priority)
        sched_kick(c->index);
    else if (t->priority == cur->priority) {
        if (c->index == arch_cpu_id())
            slice_update(c);
        else
            sched_kick(c->index);
    }
}

static void on_timeout(struct timer_event *event, void *arg)
{
    (void)event;
    struct thread *t = arg;
    if (t->state != KS_THREAD_BLOCKED)
        return;
    wait_queue_remove(t);
    sched_wake(t, -KS_ERR_TIMED_OUT);
}

int64_t sched_block(uint64_t timeout_ns)
{
    struct sched_cpu *c = this_cpu();
    struct thread *cur = c->current;
    if (cur->kill) {
        wait_queue_remove(cur);
        return -KS_ERR_DENIED;  /* it is leaving: never block */
    }
    cur->state = KS_THREAD_BLOCKED;
    cur->wake_result = 0;
    if (timeout_ns != KS_TIMEOUT_INFINITE) {
        uint64_t now = arch_time_ns();
        uint64_t deadline = now + timeout_ns < now ? ~0ull : now + timeout_ns;
        timer_event_init(&cur->timeout, on_timeout, cur);
        int err = timer_start(&cur->timeout, deadline);
        if (err < 0) {
            wait_queue_remove(cur);
            cur->state = KS_THREAD_RUNNING;
            return err;
        }
    }
    sched_switch_to(c, sched_pick_next(c));
    return cur->wake_result;
}

void sched_wake(struct thread *t, int64_t result)
{
    if (t->state != KS_THREAD_BLOCKED)
        return;
    if (timer_event_queued(&t->timeout))
        timer_cancel(&t->timeout);
    t->wake_result = result;
    sched_ready(t);
}

void sched_yield(void)
{
    struct sched_cpu *c = this_cpu();
    struct thread *cur = c->current;
    int best = runqueue_highest(&c->rq);
    if (best < (int)cur->priority)
        return;
    struct rq_link *list = &c->rq.lists[best];
    struct thread *next = thread_of_link(list->next);
    if (best == (int)cur->priority) {
        /* The common round-robin case: the list stays non-empty, so the
         * bitmaps and count do not change; only the links move. */
        next->link.prev->next = next->link.next;
        next->link.next->prev = next->link.prev;
        rq_list_insert_before(list, &cur->link);
        next->queued = false;
        cur->queued = true;
        cur->state = KS_THREAD_READY;
    } else {
        take(&c->rq, next);
        enqueue(c, cur, false);
    }
    sched_switch_to(c, next);
}

void sched_exit_current(void)
{
    struct sched_cpu *c = this_cpu();
    if (timer_event_queued(&c->current->timeout))
        timer_cancel(&c->current->timeout);
    sched_switch_to(c, sched_pick_next(c));
    panic("sched: a dead thread was switched back in");
}

void sched_set_priority(struct thread *t, unsigned priority)
{
    if (t->queued) {
        struct sched_cpu *c = sched_cpus[t->cpu];
        runqueue_remove(&c->rq, &t->link, t->priority);
        t->queued = false;
        t->priority = (uint8_t)priority;
        sched_ready(t);
        return;
    }
    t->priority = (uint8_t)priority;
    if (t->state == KS_THREAD_RUNNING)
        sched_kick(t->cpu);
}

void sched_set_affinity(struct thread *t, uint64_t cpu_mask)
{
    t->cpu_mask = cpu_mask;
    if (t->queued && !sched_cpu_allowed(t, t->cpu)) {
        runqueue_remove(&sched_cpus[t->cpu]->rq, &t->link, t->priority);
        t->queued = false;
        sched_ready(t);
    } else if (t->state == KS_THREAD_RUNNING && !sched_cpu_allowed(t, t->cpu)) {
        sched_kick(t->cpu);
    }
}
