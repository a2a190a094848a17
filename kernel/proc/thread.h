/* SPDX-License-Identifier: MIT */
/*
 * Threads: a kernel stack with a guard page, a saved kernel stack pointer
 * (the arch's context), an FPU/SIMD save area, a priority and CPU mask,
 * and the links that put it on a run queue or a wait queue.  Every
 * thread belongs to a process (idle threads to none).
 *
 * Life: thread_create (READY) -> RUNNING <-> READY / BLOCKED -> DEAD.  A
 * dead thread's kernel stack and user stack are freed by the scheduler
 * once it has switched away from it (thread_reap); the object itself
 * lives on until it is joined or its process ends, so its exit value can
 * be collected.  Kernel lock held for everything here.
 */
#ifndef KESTREL_PROC_THREAD_H
#define KESTREL_PROC_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kestrel/syscall.h"
#include "mm/vm.h"
#include "sched/runqueue.h"
#include "time/timer_queue.h"

struct process;
struct ipc_transfer;

/* A FIFO of blocked threads (a futex, a join, a wait for a process, an
 * endpoint, a notification). */
struct wait_queue {
    struct rq_link head;
};

struct thread {
    struct rq_link link;          /* run queue or wait queue */
    uintptr_t ksp;                /* saved kernel stack pointer (arch context) */
    void *fpu;                    /* FPU/SIMD save area; NULL for idle threads */
    struct process *process;      /* NULL for idle threads */
    int64_t tid;
    uint8_t state;                /* enum ks_thread_state */
    uint8_t priority;             /* 0..255, effective: base or inherited (ipc/inherit.h) */
    uint8_t base_priority;        /* as thread_set_priority gave it */
    bool queued;                  /* on a run queue (link in use there) */
    bool kill;                    /* die at the next kernel exit */
    bool joined;                  /* a join has collected it */
    bool reaped;                  /* its stacks are freed */
    bool idle;                    /* a CPU's idle thread */
    unsigned cpu;                 /* CPU it runs on or last ran on */
    uint64_t cpu_mask;            /* allowed CPUs */
    struct wait_queue *waiting;   /* the queue it is blocked on, or NULL */
    int64_t wake_result;          /* what sched_block returns */
    struct timer_event timeout;   /* sched_block's timeout */
    uint64_t futex_addr;          /* user address while in futex wait */
    struct rq_link process_link;  /* in its process's thread list */
    struct vm_kstack kstack;
    int stack_slot;               /* user thread-stack slot, -1 for the main stack */
    int64_t exit_value;
    struct wait_queue joiners;    /* threads in join on this one */
    uint64_t switches;            /* times switched in */
    uint64_t run_ns;              /* time run so far */
    uint64_t run_start_ns;        /* when it was last switched in */
    /* IPC (kernel/ipc/endpoint.c): the message of the IPC call it is
     * inside (on its kernel stack; NULL outside one), and the caller it
     * owes a reply (NULL: none; that caller clears it when it leaves). */
    struct ipc_transfer *ipc_xfer;
    struct thread *ipc_reply_to;
    struct thread *ipc_callee;    /* the server that owes this thread a reply */
};

static inline struct thread *thread_of_link(struct rq_link *l)
{
    return (struct thread *)((char *)l - __builtin_offsetof(struct thread, link));
}

void wait_queue_init(struct wait_queue *q);
/* Block the current thread on q (FIFO) until woken or timeout_ns; the
 * result of sched_block.  The kernel lock is held throughout. */
int64_t wait_queue_sleep(struct wait_queue *q, uint64_t timeout_ns);
/* Wake up to count threads of q (FIFO) with result; how many woke. */
unsigned wait_queue_wake(struct wait_queue *q, unsigned count, int64_t result);
/* Take t off the queue it blocks on (timeout, kill). */
void wait_queue_remove(struct thread *t);

/* The FPU save-area cache (sched_init, once).  0 or a heap error. */
int thread_init(void);
/* A new user thread of p entering user mode at entry with stack pointer
 * user_sp and RDI = arg0, RSI = arg1, READY but not yet queued (the
 * caller calls sched_ready).  Errors: -KS_ERR_NO_MEMORY. */
int thread_create(struct process *p, uintptr_t entry, uintptr_t user_sp, uint64_t arg0,
                  uint64_t arg1, unsigned priority, uint64_t cpu_mask, struct thread **out);
/* Unmap [base, base+size) of p's user half and free its frames, after
 * every CPU that ran p has dropped the translations. */
void thread_unmap_user_range(struct process *p, uintptr_t base, size_t size);
/* Free a dead thread's stacks (not the current thread's). */
void thread_reap(struct thread *t);
/* Free a dead, reaped thread object. */
void thread_free(struct thread *t);
/* End the current thread with value (its process ends with it when it
 * was the last).  Does not return. */
__attribute__((noreturn)) void thread_exit_current(int64_t value);
/* The id the next thread_create will hand out. */
int64_t thread_peek_next_tid(void);
/* Find a thread of p by id (NULL when none). */
struct thread *thread_find(struct process *p, int64_t tid);
/* Fill a ks_thread_info. */
void thread_info(const struct thread *t, struct ks_thread_info *out);

#endif /* KESTREL_PROC_THREAD_H */
