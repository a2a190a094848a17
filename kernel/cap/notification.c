/* SPDX-License-Identifier: MIT */
/*
 * Notifications; see notification.h.  Kernel lock held throughout.
 *
 * A signal does not hand its bits to the thread it wakes: the bits stay
 * in the word and the woken thread takes whatever is set when it runs.
 * So a poll or a second waiter that runs first may take them, and the
 * woken thread then simply waits out the rest of its time; no bit is
 * ever delivered twice or lost.  The one way a woken thread can leave
 * without taking the bits is its own death (its process is ending): it
 * then passes the wake on to the next waiter, so bits set while other
 * threads wait never sit unseen.
 *
 * Quota: a notification costs the creating thread's process kernel
 * memory (its struct) from creation until it is freed, which may be
 * after that process has ended: the object keeps a reference to the
 * quota it was charged to.  The reference lives in a wrapper private to
 * this file, so the struct of notification.h stays as it is.
 */
#include "arch.h"
#include "cap/notification.h"
#include "debug/panic.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "mm/heap.h"
#include "proc/process.h"
#include "proc/quota.h"
#include "sched/sched.h"

struct charged_notification {
    struct notification n;       /* first: notification_of works unchanged */
    struct quota *quota;         /* charged for this struct; a reference */
};

static void notification_destroy(struct kobject *obj)
{
    struct charged_notification *c = (struct charged_notification *)notification_of(obj);
    /* Every waiter holds a reference: the last one cannot go while a
     * thread still sits on the list. */
    if (!rq_list_empty(&c->n.waiters.head))
        panic("notification %llu destroyed with threads waiting", (unsigned long long)obj->id);
    quota_uncharge(c->quota, QUOTA_KERNEL, sizeof(*c));
    quota_unref(c->quota);
    kfree(c);
}

int notification_create(struct notification **out)
{
    struct thread *self = sched_current();
    struct quota *q = self ? process_quota(self->process) : NULL;
    int err = quota_charge(q, QUOTA_KERNEL, sizeof(struct charged_notification));
    if (err < 0)
        return err;
    struct charged_notification *c = kmalloc(sizeof(*c));
    if (!c) {
        quota_uncharge(q, QUOTA_KERNEL, sizeof(*c));
        return -KS_ERR_NO_MEMORY;
    }
    quota_ref(q);
    c->quota = q;
    struct notification *n = &c->n;
    kobject_init(&n->obj, KS_OBJECT_NOTIFICATION, notification_destroy);
    n->bits = 0;
    wait_queue_init(&n->waiters);
    *out = n;
    return 0;
}

void notification_signal(struct notification *n, uint64_t bits)
{
    if (bits == 0)
        return;
    n->bits |= bits;
    wait_queue_wake(&n->waiters, 1, 0);
}

/* A woken thread leaves without the bits: let the next waiter have them. */
static void pass_wake_on(struct notification *n)
{
    if (n->bits != 0)
        wait_queue_wake(&n->waiters, 1, 0);
}

int notification_wait(struct notification *n, uint64_t timeout_ns, uint64_t *bits_out)
{
    struct thread *self = sched_current();
    uint64_t start = arch_time_ns();
    for (;;) {
        /* A thread being killed dies at its next kernel exit: bits it
         * took now would be lost with it. */
        if (self->kill) {
            pass_wake_on(n);
            return -KS_ERR_DENIED;
        }
        if (n->bits != 0) {
            *bits_out = n->bits;
            n->bits = 0;
            return 0;
        }
        uint64_t left = sched_time_left(start, timeout_ns);
        if (left == 0)
            return -KS_ERR_TIMED_OUT;
        int64_t r = wait_queue_sleep(&n->waiters, left);
        /* A timeout comes round the loop once more: bits signalled right
         * at the deadline are still taken, and a timer that fired a
         * little early only makes the thread wait the rest. */
        if (r < 0 && r != -KS_ERR_TIMED_OUT) {
            pass_wake_on(n);
            return (int)r;
        }
    }
}
