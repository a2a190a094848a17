/* SPDX-License-Identifier: MIT */
/*
 * Futexes: wait while a 32-bit user word holds an expected value, and
 * wake waiters on that word.  Waiters sit in a small hash table of FIFO
 * wait queues keyed by (process, address); a wake walks one bucket.
 * Check-and-block is atomic against wakes because both run under the
 * kernel lock, so no wake-up is lost.
 */
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

#define FUTEX_BUCKETS 64u

static struct wait_queue buckets[FUTEX_BUCKETS];
static bool buckets_ready;

static struct wait_queue *bucket_of(const struct process *p, uint64_t addr)
{
    if (!buckets_ready) {
        for (unsigned i = 0; i < FUTEX_BUCKETS; i++)
            wait_queue_init(&buckets[i]);
        buckets_ready = true;
    }
    uint64_t key = (addr >> 2) ^ ((uint64_t)(uintptr_t)p >> 6);
    key ^= key >> 17;
    return &buckets[(key * 0x9E3779B97F4A7C15ull) >> 58];
}

SYSCALL_HANDLER(sys_futex_wait)
{
    (void)a3; (void)a4; (void)a5;
    if (a0 & 3)
        return -KS_ERR_INVALID_ARGUMENT;
    uint32_t value;
    if (copy_from_user(&value, a0, sizeof(value)) < 0)
        return -KS_ERR_FAULT;
    if (value != (uint32_t)a1)
        return -KS_ERR_AGAIN;
    if (a2 == KS_TIMEOUT_POLL)
        return -KS_ERR_TIMED_OUT;
    struct thread *self = sched_current();
    self->futex_addr = a0;
    int64_t r = wait_queue_sleep(bucket_of(self->process, a0), a2);
    self->futex_addr = 0;
    return r;
}

SYSCALL_HANDLER(sys_futex_wake)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    if (a0 & 3)
        return -KS_ERR_INVALID_ARGUMENT;
    /* The word must be the caller's: a wake names memory it can read. */
    uint32_t value;
    if (copy_from_user(&value, a0, sizeof(value)) < 0)
        return -KS_ERR_FAULT;
    struct process *p = sched_current()->process;
    struct wait_queue *q = bucket_of(p, a0);
    uint64_t woken = 0;
    struct rq_link *l = q->head.next;
    while (l != &q->head && woken < a1) {
        struct thread *t = thread_of_link(l);
        l = l->next;
        if (t->process != p || t->futex_addr != a0)
            continue;
        wait_queue_remove(t);
        sched_wake(t, 0);
        woken++;
    }
    return (int64_t)woken;
}
