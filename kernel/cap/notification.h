/* SPDX-License-Identifier: MIT */
/*
 * Notifications: a kernel object holding one 64-bit word of signal bits.
 * Signalling ORs bits in and wakes the first waiting thread; a wait takes
 * every bit set so far and clears them, blocking (with a timeout) while
 * none is set.  Bits signalled while nobody waits stay until the next
 * wait or poll takes them, so no signal is lost, but signals of the same
 * bit merge.  Userspace reaches a notification only through a handle
 * (sys_handle.c); see docs/capabilities.md.
 *
 * Interface:
 *   notification_create   a new object with no bits set, holding one
 *                         reference (the caller's)
 *   notification_of       the notification a kobject of type
 *                         KS_OBJECT_NOTIFICATION heads
 *   notification_signal   OR bits in, wake a waiter
 *   notification_wait     take the bits, or block until some are set
 *
 * Locking: the kernel lock for everything.  A caller of
 * notification_wait holds a reference of its own across the call, so a
 * handle closed by another thread while it blocks cannot free the object
 * under it (the waiter list lives in the object).
 */
#ifndef KESTREL_CAP_NOTIFICATION_H
#define KESTREL_CAP_NOTIFICATION_H

#include <stdint.h>
#include "cap/handle.h"
#include "proc/thread.h"

struct notification {
    struct kobject obj;          /* first: handles name the object through it */
    uint64_t bits;               /* signalled and not yet taken; kernel lock */
    struct wait_queue waiters;   /* threads in notification_wait; kernel lock */
};

/* 0 and *out with one reference, or -KS_ERR_NO_MEMORY. */
int notification_create(struct notification **out);

static inline struct notification *notification_of(struct kobject *obj)
{
    return (struct notification *)((char *)obj - __builtin_offsetof(struct notification, obj));
}

/* OR bits into n; when a thread waits, wake the first one (it takes the
 * bits when it runs).  Signalling 0 changes nothing. */
void notification_signal(struct notification *n, uint64_t bits);

/* Take n's bits: 0 and *bits_out (never 0) with the word cleared.  While
 * no bit is set, block for at most timeout_ns (KS_TIMEOUT_POLL: not at
 * all, KS_TIMEOUT_INFINITE: for ever): -KS_ERR_TIMED_OUT when it runs
 * out, -KS_ERR_DENIED when the calling thread is being killed (its
 * process is ending), -KS_ERR_NO_MEMORY when no timeout could be armed.
 * Never returns early: a wake whose bits another thread took first just
 * waits out the rest of the time. */
int notification_wait(struct notification *n, uint64_t timeout_ns, uint64_t *bits_out);

#endif /* KESTREL_CAP_NOTIFICATION_H */
