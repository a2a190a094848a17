/* SPDX-License-Identifier: MIT */
/*
 * The scheduler; see sched.h.  One struct sched_cpu per online CPU holds
 * its run queue, its idle thread, what it runs now and the work recorded
 * for its next kernel exit.  Everything here runs under the kernel lock
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
#include "time/timer.h"

#define SCHED_MAX_CPUS   TIMER_MAX_CPUS
#define SCHED_SLICE_NS   10000000ull   /* 10 ms round-robin slice */
#define STEAL_SCAN_MAX   32u           /* entries an idle CPU looks at per victim */

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

static struct sched_cpu *cpus[SCHED_MAX_CPUS];
static unsigned cpu_count;
static bool running;

static inline struct sched_cpu *this_cpu(void)
{
    return cpus[arch_cpu_id()];
}

bool sched_running(void)
{
    return __atomic_load_n(&running, __ATOMIC_ACQUIRE);
}

struct thread *sched_current(void)
{
    struct sched_cpu *c = this_cpu();
    return c ? c->current : NULL;
}

void sched_note_timer(void)
{
    struct sched_cpu *c = this_cpu();
    if (c)
        __atomic_store_n(&c->timer_pending, true, __ATOMIC_RELEASE);
}

static bool cpu_allowed(const struct thread *t, unsigned cpu)
{
    return cpu < 64 && ((t->cpu_mask >> cpu) & 1u) && cpu < cpu_count && cpus[cpu];
}

static bool cpu_is_idle(const struct sched_cpu *c)
{
    return c->current->idle && c->rq.count == 0;
}

/* ---- the slice timer ---- */

static void slice_fired(struct timer_event *event, void *arg)
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

/* Runs on the stack of the thread switched to, right after the switch:
 * what the previous thread left behind. */
static inline void finish_switch(struct thread *prev)
{
    if (__builtin_expect(prev->state == KS_THREAD_DEAD && !prev->reaped, 0))
        thread_reap(prev);
}

static inline struct thread *thread_of_ksp(uintptr_t *ksp)
{
    return (struct thread *)((char *)ksp - __builtin_offsetof(struct thread, ksp));
}

static void switch_to(struct sched_cpu *c, struct thread *next)
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
    }
    if (next->process)
        arch_set_kernel_stack(next->kstack.top);
    c->current = next;
    c->prev = prev;
    slice_update(c);
    finish_switch(thread_of_ksp(arch_context_switch(&prev->ksp, next->ksp)));
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
    for (unsigned i = 1; i < cpu_count; i++) {
        struct sched_cpu *victim = cpus[(me->index + i) % cpu_count];
        if (!victim || victim->rq.count == 0)
            continue;
        unsigned looked = 0;
        for (int p = runqueue_highest(&victim->rq); p >= 0 && looked < STEAL_SCAN_MAX; p--) {
            struct rq_link *head = &victim->rq.lists[p];
            for (struct rq_link *l = head->next; l != head && looked < STEAL_SCAN_MAX;
                 l = l->next, looked++) {
                struct thread *t = thread_of_link(l);
                if (cpu_allowed(t, me->index))
                    return take(&victim->rq, t);
            }
        }
    }
    return NULL;
}

static struct thread *pick_next(struct sched_cpu *c)
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
        switch_to(c, pick_next(c));
        return;
    }
    if (cur->kill)
        return;  /* it leaves on its way out */
    int best = runqueue_highest(&c->rq);
    bool preempt = best > (int)cur->priority;
    bool rotate = best == (int)cur->priority && c->slice_expired;
    if (!cpu_allowed(cur, c->index)) {
        /* Its affinity moved: queue it where it may run.  The kernel
         * lock keeps that CPU from taking it until this switch is done. */
        sched_ready(cur);
        switch_to(c, pick_next(c));
        return;
    }
    if (preempt || rotate) {
        enqueue(c, cur, preempt);  /* a preempted thread keeps its turn */
        switch_to(c, pick_next(c));
        return;
    }
    slice_update(c);
}

/* Do the work recorded for this CPU, then leave the kernel lock.  The
 * thread may be switched away and come back on another CPU, so the CPU
 * is looked up again each round. */
static void leave_kernel(void)
{
    struct sched_cpu *c = this_cpu();
    if (__builtin_expect(!__atomic_load_n(&c->work, __ATOMIC_ACQUIRE) && !c->current->kill, 1)) {
        kernel_unlock();
        return;
    }
    for (;;) {
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
    for (unsigned cpu = 0; cpu < cpu_count; cpu++)
        if (cpus[cpu] && cpus[cpu]->current->process == p)
            mask |= 1ull << cpu;
    return mask;
}

void sched_kick(unsigned cpu)
{
    if (cpu >= cpu_count || !cpus[cpu])
        return;
    __atomic_store_n(&cpus[cpu]->need_resched, true, __ATOMIC_RELEASE);
    if (cpu != arch_cpu_id())
        (void)arch_ipi_reschedule(cpu);
}

static unsigned choose_cpu(const struct thread *t)
{
    if (cpu_allowed(t, t->cpu) && cpu_is_idle(cpus[t->cpu]))
        return t->cpu;
    for (unsigned cpu = 0; cpu < cpu_count; cpu++)
        if (cpu_allowed(t, cpu) && cpu_is_idle(cpus[cpu]))
            return cpu;
    if (cpu_allowed(t, t->cpu))
        return t->cpu;
    for (unsigned cpu = 0; cpu < cpu_count; cpu++)
        if (cpu_allowed(t, cpu))
            return cpu;
    return 0;
}

void sched_ready(struct thread *t)
{
    struct sched_cpu *c = cpus[choose_cpu(t)];
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
    switch_to(c, pick_next(c));
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
    switch_to(c, next);
}

void sched_exit_current(void)
{
    struct sched_cpu *c = this_cpu();
    if (timer_event_queued(&c->current->timeout))
        timer_cancel(&c->current->timeout);
    switch_to(c, pick_next(c));
    panic("sched: a dead thread was switched back in");
}

void sched_remove(struct thread *t)
{
    if (t->queued) {
        runqueue_remove(&cpus[t->cpu]->rq, &t->link, t->priority);
        t->queued = false;
    } else if (t->state == KS_THREAD_RUNNING) {
        sched_kick(t->cpu);
    }
}

void sched_set_priority(struct thread *t, unsigned priority)
{
    if (t->queued) {
        struct sched_cpu *c = cpus[t->cpu];
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
    if (t->queued && !cpu_allowed(t, t->cpu)) {
        runqueue_remove(&cpus[t->cpu]->rq, &t->link, t->priority);
        t->queued = false;
        sched_ready(t);
    } else if (t->state == KS_THREAD_RUNNING && !cpu_allowed(t, t->cpu)) {
        sched_kick(t->cpu);
    }
}

/* ---- the arch's entries ---- */

void sched_thread_start(void)
{
    /* A new thread's first switch lands in the arch's trampoline, which
     * has no return value to pass on: the CPU remembers who it left. */
    finish_switch(this_cpu()->prev);
    leave_kernel();
}

void sched_exit_to_user(void)
{
    struct sched_cpu *c = this_cpu();
    if (!__atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE) &&
        !__atomic_load_n(&c->timer_pending, __ATOMIC_ACQUIRE) &&
        !__atomic_load_n(&c->current->kill, __ATOMIC_ACQUIRE))
        return;
    kernel_lock();
    leave_kernel();
}

void sched_user_fault(const struct arch_user_fault *f)
{
    kernel_lock();
    struct thread *t = sched_current();
    struct process *p = t->process;
    if (!p)
        panic("sched: user fault with no user thread (%s at 0x%llx)", f->name,
              (unsigned long long)f->rip);
    kerror("fault: process %lld (%s) thread %lld: %s%s%s at rip 0x%llx, address 0x%llx, "
           "error 0x%llx: process killed\n", (long long)p->pid, p->name, (long long)t->tid,
           f->name, f->detail && f->detail[0] ? ", " : "", f->detail ? f->detail : "",
           (unsigned long long)f->rip, (unsigned long long)f->address,
           (unsigned long long)f->error_code);
    struct ks_exit_status status = {
        .pid = p->pid, .reason = KS_EXIT_FAULT, .status = -1,
        .fault_vector = f->vector, .fault_error = (uint32_t)f->error_code,
        .fault_rip = f->rip, .fault_address = f->address, .fault_tid = t->tid,
    };
    process_end(p, &status);
    thread_exit_current(-1);
}

/* ---- start-up ---- */

static void idle_init(struct sched_cpu *c, unsigned index)
{
    runqueue_init(&c->rq);
    c->index = index;
    c->idle = (struct thread){ .idle = true, .state = KS_THREAD_RUNNING, .cpu = index,
                               .cpu_mask = 1ull << index, .tid = -(int64_t)index - 1,
                               .stack_slot = -1 };
    rq_list_init(&c->idle.link);
    rq_list_init(&c->idle.process_link);
    c->current = &c->idle;
    timer_event_init(&c->slice, slice_fired, c);
}

int sched_init(void)
{
    unsigned n = arch_cpu_possible();
    if (n > SCHED_MAX_CPUS)
        n = SCHED_MAX_CPUS;
    int err = timer_init_cpus(n);
    if (err == 0)
        err = thread_init();
    if (err < 0)
        return err;
    for (unsigned i = 0; i < n; i++) {
        if (!arch_cpu_online(i))
            continue;
        cpus[i] = kmalloc(sizeof(struct sched_cpu));
        if (!cpus[i])
            return -KS_ERR_NO_MEMORY;
        idle_init(cpus[i], i);
    }
    cpu_count = n;
    return 0;
}

/* Racy peeks, made without the lock: a miss is caught because whoever
 * queues work here also interrupts this CPU. */
static bool idle_has_work(struct sched_cpu *c)
{
    return __atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&c->timer_pending, __ATOMIC_ACQUIRE) ||
           __atomic_load_n(&c->rq.count, __ATOMIC_ACQUIRE) != 0;
}

/* Each CPU's idle thread: run what is ready, else halt.  It holds the
 * kernel lock except while halted. */
static __attribute__((noreturn)) void idle_loop(void *arg)
{
    (void)arg;
    arch_timer_init_cpu();
    kernel_lock();
    for (;;) {
        struct sched_cpu *c = this_cpu();
        if (__atomic_exchange_n(&c->timer_pending, false, __ATOMIC_ACQ_REL))
            timer_run_expired();
        __atomic_store_n(&c->need_resched, false, __ATOMIC_RELEASE);
        struct thread *next = pick_next(c);
        if (next != &c->idle) {
            switch_to(c, next);
            continue;
        }
        kernel_unlock();
        /* Interrupts that bring no work for this CPU (TLB shootdowns,
         * another CPU's calls) do not make it compete for the lock. */
        do
            arch_wait_for_interrupt();
        while (!idle_has_work(c));
        kernel_lock();
    }
}

static void ap_enter(void *arg)
{
    idle_loop(arg);
}

void sched_start(void)
{
    __atomic_store_n(&running, true, __ATOMIC_RELEASE);
    for (unsigned i = 1; i < cpu_count; i++)
        if (cpus[i] && arch_cpu_run_idle(i, ap_enter, NULL) < 0)
            kerror("sched: CPU %u did not take its idle thread\n", i);
    idle_loop(NULL);
}
