/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's per-CPU side: start-up (a block, an idle thread and a
 * timer queue for every CPU online), the idle loop, and the entries the
 * arch calls (a new thread's first run, the return from an interrupt to
 * user mode, a page fault a memory-object mapping resolves, a user
 * fault).  Locking as in sched.h.
 */
#include "arch.h"
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "kestrel/errors.h"
#include "mm/heap.h"
#include "mm/user_map.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "sched/kernel_lock.h"
#include "sched/sched.h"
#include "sched/sched_cpu.h"
#include "time/timer.h"

/* ---- the arch's entries ---- */

void sched_thread_start(void)
{
    /* A new thread's first switch lands in the arch's trampoline, which
     * has no return value to pass on: the CPU remembers who it left. */
    sched_finish_switch(this_cpu()->prev);
    sched_leave_kernel();
}

void sched_exit_to_user(void)
{
    struct sched_cpu *c = this_cpu();
    if (!__atomic_load_n(&c->work, __ATOMIC_ACQUIRE) &&
        !__atomic_load_n(&c->current->kill, __ATOMIC_ACQUIRE))
        return;
    kernel_lock();
    sched_leave_kernel();
}

bool sched_page_fault(uintptr_t address, unsigned access, bool from_user)
{
    /* From the kernel: a user copy inside a system call, which holds
     * the kernel lock already (or a boot-time probe: no thread yet). */
    struct thread *t = sched_current();
    if (!from_user)
        return t && t->process && user_map_fault(t->process, address, access) == 0;
    kernel_lock();
    if (t && t->process && user_map_fault(t->process, address, access) == 0) {
        sched_leave_kernel();
        return true;
    }
    kernel_unlock();
    return false;
}

void sched_note_interrupt(void)
{
    struct sched_cpu *c = this_cpu();
    if (c)
        __atomic_store_n(&c->interrupt_pending, true, __ATOMIC_RELEASE);
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
    c->work = 0;
    timer_event_init(&c->slice, sched_slice_fired, c);
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
        sched_cpus[i] = kmalloc(sizeof(struct sched_cpu));
        if (!sched_cpus[i])
            return -KS_ERR_NO_MEMORY;
        idle_init(sched_cpus[i], i);
    }
    sched_cpu_count = n;
    return 0;
}

/* Racy peeks, made without the lock: a miss is caught because whoever
 * queues work here also interrupts this CPU. */
static bool idle_has_work(struct sched_cpu *c)
{
    return __atomic_load_n(&c->work, __ATOMIC_ACQUIRE) != 0 ||
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
        sched_run_interrupt_work(c);
        if (__atomic_exchange_n(&c->timer_pending, false, __ATOMIC_ACQ_REL))
            timer_run_expired();
        __atomic_store_n(&c->need_resched, false, __ATOMIC_RELEASE);
        struct thread *next = sched_pick_next(c);
        if (next != &c->idle) {
            sched_switch_to(c, next);
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
    for (unsigned i = 1; i < sched_cpu_count; i++)
        if (sched_cpus[i] && arch_cpu_run_idle(i, ap_enter, NULL) < 0)
            kerror("sched: CPU %u did not take its idle thread\n", i);
    idle_loop(NULL);
}
