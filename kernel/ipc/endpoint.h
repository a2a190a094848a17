/* SPDX-License-Identifier: MIT */
/*
 * Endpoints: the kernel object of synchronous IPC.  An endpoint holds
 * two FIFO queues of blocked threads, senders (send and call) and
 * receivers; a sender meeting a waiting receiver, or a receiver meeting
 * a waiting sender, moves the message at once (ipc/message.h) and the
 * blocked side is woken.  A call then waits for the reply of the server
 * thread that took it: that thread records the caller as its reply
 * target (thread.ipc_reply_to), one at a time.  Userspace reaches this
 * through sys_ipc.c; see docs/ipc.md.
 *
 * Lifetime: the kobject's references are the handles (and nothing
 * else), so its destroy function runs when the last handle goes: it
 * wakes every queued thread with -KS_ERR_PEER_GONE.  The memory lives
 * on while holds says a thread is still inside an endpoint call (each
 * blocked thread holds one, the handles together hold one).
 *
 * Interface:
 *   endpoint_create    a new endpoint, one reference (the caller's)
 *   endpoint_send      send or call (x->is_call): 0 once a receiver took it
 *   endpoint_recv      0 with the message in x and the data in place
 *   ipc_wait_reply     a call taken: wait for the reply
 *   ipc_reply          answer the current thread's reply target
 *   ipc_drop_reply     forget it: its caller gets -KS_ERR_PEER_GONE
 *
 * Locking: the kernel lock for everything; the queues and holds are
 * guarded by it.
 */
#ifndef KESTREL_IPC_ENDPOINT_H
#define KESTREL_IPC_ENDPOINT_H

#include <stdbool.h>
#include <stdint.h>
#include "cap/handle.h"
#include "proc/quota.h"
#include "ipc/message.h"
#include "proc/thread.h"

struct endpoint {
    struct kobject obj;          /* first; its references are the handles */
    uint32_t holds;              /* threads inside a call, + 1 while handles exist */
    struct wait_queue senders;   /* blocked send/call; thread.ipc_xfer is the message */
    struct wait_queue receivers; /* blocked recv; thread.ipc_xfer is the room */
    struct quota *quota;         /* charged for this struct (a reference); NULL: none */
};

/* 0 and *out with one reference, charged to the current process's
 * kernel-memory quota; -KS_ERR_DENIED over the quota, -KS_ERR_NO_MEMORY. */
int endpoint_create(struct endpoint **out);

static inline struct endpoint *endpoint_of(struct kobject *obj)
{
    return (struct endpoint *)((char *)obj - __builtin_offsetof(struct endpoint, obj));
}

/* Drop a hold on ep (a thread leaving a block on it); the last frees it. */
void endpoint_release(struct endpoint *ep);

/* Send x (decoded, x->badge set) on ep, blocking at most timeout_ns for a
 * receiver.  0: taken (for a call, the reply is now pending).  Errors:
 * the delivery's (-KS_ERR_INVALID_ARGUMENT when the first receiver's
 * room is too small, handle errors, -KS_ERR_FAULT), -KS_ERR_TIMED_OUT,
 * -KS_ERR_PEER_GONE (the last handle went), -KS_ERR_DENIED (the thread
 * is being killed). */
int endpoint_send(struct endpoint *ep, struct ipc_transfer *x, uint64_t timeout_ns);
/* Receive into x, blocking at most timeout_ns for a sender: 0 with x->msg
 * filled and the data written.  Errors: -KS_ERR_FAULT (this thread's
 * buffer), -KS_ERR_TIMED_OUT, -KS_ERR_PEER_GONE, -KS_ERR_DENIED.  A
 * sender whose message cannot be delivered gets the error and the
 * receiver goes on with the next. */
int endpoint_recv(struct endpoint *ep, struct ipc_transfer *x, uint64_t timeout_ns);
/* After endpoint_send of a call: 0 with the reply in x->msg and its data
 * written, -KS_ERR_PEER_GONE, -KS_ERR_DENIED (killed), -KS_ERR_FAULT. */
int ipc_wait_reply(struct ipc_transfer *x);
/* Deliver x (decoded for sending) to the current thread's reply target.
 * -KS_ERR_NOT_FOUND without one; a delivery error keeps the target. */
int ipc_reply(struct ipc_transfer *x);
/* The current thread drops its reply target, if any. */
void ipc_drop_reply(void);

#endif /* KESTREL_IPC_ENDPOINT_H */
