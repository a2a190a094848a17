/* SPDX-License-Identifier: MIT */
/*
 * The kernel lock: one ticket lock serialising every kernel path that
 * touches threads, processes, run queues and the timer queues once the
 * scheduler runs (the design seL4's multicore kernel uses: kernel paths
 * are short and bounded, so one fair lock costs less than many).
 *
 * Rules: interrupts are off whenever it is held; it belongs to the CPU,
 * not the thread (a context switch hands it to the thread switched to);
 * a CPU never spins for it inside an interrupt handler, only on the way
 * into the kernel (SYSCALL, the return to user mode, the idle loop, a
 * user fault).  While it spins, the CPU takes pending interrupts for a
 * moment on every turn, so IPIs that the holder waits for (a TLB
 * shootdown, a cross-CPU call) are answered.  FIFO order bounds the wait
 * by the number of CPUs times the longest kernel path.
 */
#ifndef KESTREL_SCHED_KERNEL_LOCK_H
#define KESTREL_SCHED_KERNEL_LOCK_H

#include <stdbool.h>
#include <stdint.h>

struct kernel_lock {
    uint32_t next;       /* next ticket handed out */
    uint32_t serving;    /* ticket that may enter */
};
extern struct kernel_lock kernel_lock_word;

/* The spin of kernel_lock when the ticket is not served at once.  It
 * preserves every register, so the inline fast path costs its callers
 * no register saves (the syscall dispatch keeps the arguments live). */
__attribute__((no_caller_saved_registers)) void kernel_lock_wait(uint32_t ticket);

/* Spin until this CPU holds the lock (it must not hold it already).
 * Inline: the uncontended path is two instructions on every syscall. */
static inline void kernel_lock(void)
{
    uint32_t ticket = __atomic_fetch_add(&kernel_lock_word.next, 1, __ATOMIC_ACQUIRE);
    if (__builtin_expect(__atomic_load_n(&kernel_lock_word.serving, __ATOMIC_ACQUIRE) != ticket,
                         0))
        kernel_lock_wait(ticket);
}

/* Take it only if it is free at once; false otherwise (also when this
 * CPU holds it: the caller is nested inside a locked path). */
bool kernel_trylock(void);

static inline void kernel_unlock(void)
{
    __atomic_store_n(&kernel_lock_word.serving, kernel_lock_word.serving + 1, __ATOMIC_RELEASE);
}

#endif /* KESTREL_SCHED_KERNEL_LOCK_H */
