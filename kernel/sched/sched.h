/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: per-CPU run queues of 256 priorities with a bitmap for
 * an O(1) pick (sched/runqueue.h), round robin with a time slice inside a
 * priority, an idle thread per CPU, preemption from the timer (the slice
 * event is armed only while another thread of the same priority waits:
 * tickless otherwise), blocking with timeouts, CPU affinity, and an idle
 * CPU stealing work from a busy one.  Nothing here allocates after
 * sched_init.
 *
 * Locking: one kernel lock (sched/kernel_lock.h), as in seL4's multicore
 * kernel: every kernel path that touches threads, processes or run
 * queues holds it, and those paths are short and bounded.  Interrupts
 * are off whenever it is held.  Interrupt handlers never spin for it:
 * they record work for this CPU (sched_note_timer, need_resched) that
 * the CPU performs at its next kernel exit.
 *
 * The arch calls in (kernel/arch.h):
 *   sched_thread_start    a new thread's first run, before user mode
 *   sched_exit_to_user    an interrupt is about to return to user mode
 *   sched_page_fault      a page fault a memory-object mapping may resolve
 *   sched_user_fault      an exception in user mode (no return)
 *   syscall_dispatch      (syscall/syscall.h) every system call
 */
#ifndef KESTREL_SCHED_SCHED_H
#define KESTREL_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include "arch.h"
#include "kestrel/syscall.h"

struct thread;
struct process;

/* Run queues, idle threads and per-CPU timer queues for the CPUs online
 * (boot CPU, once, after arch_smp_start).  0 or -KS_ERR_NO_MEMORY. */
int sched_init(void);
/* Start scheduling on every CPU; the caller becomes the boot CPU's
 * idle thread.  Does not return. */
__attribute__((noreturn)) void sched_start(void);

/* The thread running on this CPU (its idle thread when nothing else). */
struct thread *sched_current(void);

/* Make a READY thread runnable: on a CPU its affinity allows, an idle
 * one first; the chosen CPU preempts if the thread outranks what runs
 * there.  Kernel lock held. */
void sched_ready(struct thread *t);
/* Block the current thread (state BLOCKED, already on some wait list)
 * until sched_wake, or until timeout_ns passes (KS_TIMEOUT_INFINITE:
 * never).  Returns the value sched_wake gave, or -KS_ERR_TIMED_OUT.
 * Kernel lock held; it is still held on return. */
int64_t sched_block(uint64_t timeout_ns);
/* Wake a BLOCKED thread with result (its sched_block returns it); the
 * caller has taken it off its wait list.  Kernel lock held. */
void sched_wake(struct thread *t, int64_t result);
/* What is left of a wait of timeout_ns that began at start (arch_time_ns):
 * KS_TIMEOUT_INFINITE stays so, 0 once it has run out.  Every blocking
 * call that may be woken early (and sleeps again) counts down with it. */
static inline uint64_t sched_time_left(uint64_t start, uint64_t timeout_ns)
{
    if (timeout_ns == KS_TIMEOUT_INFINITE)
        return KS_TIMEOUT_INFINITE;
    uint64_t waited = arch_time_ns() - start;
    return waited >= timeout_ns ? 0 : timeout_ns - waited;
}

/* Give the CPU to the next READY thread of the same or higher priority.
 * Kernel lock held. */
void sched_yield(void);
/* End the current thread (already DEAD and off every queue): switch
 * away for good.  Kernel lock held. */
__attribute__((noreturn)) void sched_exit_current(void);
/* A new priority or affinity for t, applied at once. */
void sched_set_priority(struct thread *t, unsigned priority);
void sched_set_affinity(struct thread *t, uint64_t cpu_mask);
/* The CPUs whose running thread belongs to p (bit n = CPU n): the only
 * ones that may hold translations of p's user half. */
uint64_t sched_cpus_running(const struct process *p);
/* Ask cpu to run its scheduler at its next kernel exit (IPI when it is
 * not this CPU). */
void sched_kick(unsigned cpu);

/* Do this CPU's recorded work (timer events, a reschedule, the current
 * thread's death), then release the kernel lock: the end of every locked
 * path that returns to user mode. */
void sched_leave_kernel(void);
/* The timer interrupt found the kernel lock busy: run this CPU's due
 * timer events at its next kernel exit.  Any context. */
void sched_note_timer(void);
/* A device interrupt was recorded (cap/interrupt.c): deliver it at this
 * CPU's next kernel exit.  Interrupt context. */
void sched_note_interrupt(void);

/* ---- called by the arch ---- */
/* A new thread's first run (on its kernel stack, interrupts off, kernel
 * lock held by this CPU): finish the switch and release the lock. */
void sched_thread_start(void);
/* An interrupt or exception is about to return to user mode: do this
 * CPU's recorded work (timer events, a reschedule, the current thread's
 * death).  Interrupts off, kernel lock not held. */
void sched_exit_to_user(void);
/* An exception in user mode: report it in one line, end the process,
 * run something else. */
__attribute__((noreturn)) void sched_user_fault(const struct arch_user_fault *fault);
/* A page fault at a user address (access: VM_READ, VM_WRITE or VM_EXEC)
 * that a memory-object mapping may resolve (mm/user_map.h): true when
 * the page is mapped now and the access goes again.  from_user false:
 * a user copy in a system call (kernel lock held). */
bool sched_page_fault(uintptr_t address, unsigned access, bool from_user);

#endif /* KESTREL_SCHED_SCHED_H */
