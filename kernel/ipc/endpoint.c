/* SPDX-License-Identifier: MIT */
/*
 * Endpoints and the rendezvous; see endpoint.h.  Kernel lock held
 * throughout.
 *
 * Whoever arrives second does the work: a sender finding a receiver
 * pushes the message into it, a receiver finding a sender pulls it out,
 * and the blocked side only finds x->state == IPC_DONE when it wakes.  A
 * blocked thread is woken with 0 only after its message moved, with a
 * negative error when its message was refused (the sender), the last
 * handle went (-KS_ERR_PEER_GONE) or its process ends (-KS_ERR_DENIED,
 * from process_end), or by its timeout.
 *
 * The reply.  A caller whose message was taken blocks on no queue; the
 * server wakes it directly when it replies, when it drops the call (a
 * second receive), and when it exits (thread_exit_current calls
 * ipc_drop_reply), so a server that dies holding the call leaves its
 * caller with -KS_ERR_PEER_GONE.  The caller names the server by its
 * process (holding a reference, so the thread list stays) and tid,
 * never by a bare pointer: after a kill woke the caller, the server
 * thread may be joined and freed before the caller runs.  The server's
 * pointer to the caller (ipc_reply_to) is safe the other way round: the
 * caller clears it on every way out of its call while the server lives.
 */
#include "arch.h"
#include "debug/panic.h"
#include "ipc/endpoint.h"
#include "ipc/inherit.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "mm/heap.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "syscall/syscall.h"

void endpoint_release(struct endpoint *ep)
{
    if (--ep->holds == 0) {
        if (!rq_list_empty(&ep->senders.head) || !rq_list_empty(&ep->receivers.head))
            panic("endpoint %llu freed with threads queued", (unsigned long long)ep->obj.id);
        quota_uncharge(ep->quota, QUOTA_KERNEL, sizeof(*ep));
        quota_unref(ep->quota);
        kfree(ep);
    }
}

/* The last handle went: nobody can reach the queues any more, so every
 * thread on them learns it now rather than at its timeout. */
static void endpoint_destroy(struct kobject *obj)
{
    struct endpoint *ep = endpoint_of(obj);
    wait_queue_wake(&ep->senders, ~0u, -KS_ERR_PEER_GONE);
    wait_queue_wake(&ep->receivers, ~0u, -KS_ERR_PEER_GONE);
    endpoint_release(ep);
}

int endpoint_create(struct endpoint **out)
{
    struct thread *self = sched_current();
    struct quota *q = self && self->process ? process_quota(self->process) : NULL;
    int err = quota_charge(q, QUOTA_KERNEL, sizeof(struct endpoint));
    if (err < 0)
        return err;
    struct endpoint *ep = kmalloc(sizeof(*ep));
    if (!ep) {
        quota_uncharge(q, QUOTA_KERNEL, sizeof(struct endpoint));
        return -KS_ERR_NO_MEMORY;
    }
    quota_ref(q);
    ep->quota = q;
    kobject_init(&ep->obj, KS_OBJECT_ENDPOINT, endpoint_destroy);
    ep->holds = 1;
    wait_queue_init(&ep->senders);
    wait_queue_init(&ep->receivers);
    *out = ep;
    return 0;
}

/* Block on q until x->state is IPC_DONE, an error, or timeout_ns has
 * passed (a timer that fires early only makes the thread wait the rest).
 * ep is held meanwhile, so a close under the thread cannot free it. */
static int block_on(struct endpoint *ep, struct wait_queue *q, struct ipc_transfer *x,
                    uint64_t timeout_ns)
{
    struct thread *self = sched_current();
    uint64_t start = arch_time_ns();
    int result;
    x->state = IPC_WAITING;
    self->ipc_xfer = x;
    ep->holds++;
    for (;;) {
        uint64_t left = sched_time_left(start, timeout_ns);
        if (left == 0) {
            result = -KS_ERR_TIMED_OUT;
            break;
        }
        int64_t r = wait_queue_sleep(q, left);
        if (x->state == IPC_DONE) {
            result = 0;
            break;
        }
        if (r != -KS_ERR_TIMED_OUT) {
            result = (int)r;
            break;
        }
    }
    if (x->state != IPC_DONE)
        x->state = IPC_IDLE;
    endpoint_release(ep);
    return result;
}

/* server took caller's call: it owes the reply now. */
static void link_call(struct thread *server, struct thread *caller, struct ipc_transfer *cx)
{
    server->ipc_reply_to = caller;
    cx->server = server->process;
    kobject_ref(&server->process->obj);
    cx->server_tid = server->tid;
    cx->reply = IPC_REPLY_PENDING;
    ipc_inherit_link(server, caller);
}

int endpoint_send(struct endpoint *ep, struct ipc_transfer *x, uint64_t timeout_ns)
{
    struct thread *self = sched_current();
    if (self->kill)
        return -KS_ERR_DENIED;
    if (!rq_list_empty(&ep->receivers.head)) {
        /* Only the first receiver: FIFO is the promise, and one whose
         * room is too small refuses the sender, not the queue. */
        struct thread *r = thread_of_link(ep->receivers.head.next);
        struct ipc_transfer *rx = r->ipc_xfer;
        bool receiver_fault;
        int err = ipc_deliver(x, self, rx, r, true, &receiver_fault);
        if (err < 0)
            return err;
        rx->state = IPC_DONE;
        if (x->is_call)
            link_call(r, self, x);
        wait_queue_remove(r);
        sched_wake(r, 0);
        return 0;
    }
    if (timeout_ns == KS_TIMEOUT_POLL)
        return -KS_ERR_TIMED_OUT;
    /* The receiver will pull from the kernel buffer: it cannot see this
     * address space. */
    int err = copy_from_user(x->buffer, x->msg.data, x->msg.data_len);
    if (err < 0)
        return err;
    return block_on(ep, &ep->senders, x, timeout_ns);
}

/* Take the first sender whose message can be delivered: 1 when one was,
 * 0 when none is queued, or this thread's own fault. */
static int take_sender(struct endpoint *ep, struct ipc_transfer *x)
{
    struct thread *self = sched_current();
    while (!rq_list_empty(&ep->senders.head)) {
        struct thread *s = thread_of_link(ep->senders.head.next);
        struct ipc_transfer *sx = s->ipc_xfer;
        bool receiver_fault;
        int err = ipc_deliver(sx, s, x, self, false, &receiver_fault);
        if (err < 0 && receiver_fault)
            return err;
        wait_queue_remove(s);
        if (err < 0) {
            sched_wake(s, err);
            continue;
        }
        sx->state = IPC_DONE;
        if (sx->is_call)
            link_call(self, s, sx);
        sched_wake(s, 0);
        return 1;
    }
    return 0;
}

int endpoint_recv(struct endpoint *ep, struct ipc_transfer *x, uint64_t timeout_ns)
{
    struct thread *self = sched_current();
    if (self->kill)
        return -KS_ERR_DENIED;
    int r = take_sender(ep, x);
    if (r != 0)
        return r < 0 ? r : 0;
    if (timeout_ns == KS_TIMEOUT_POLL)
        return -KS_ERR_TIMED_OUT;
    r = block_on(ep, &ep->receivers, x, timeout_ns);
    if (r < 0)
        return r;
    return ipc_copy_out(x);
}

/* The caller leaves (reply or not): the server forgets it if it still
 * has it, and the reference on the server's process goes. */
static void unlink_call(struct ipc_transfer *x, struct thread *server)
{
    struct thread *self = sched_current();
    if (server && server->ipc_reply_to == self) {
        server->ipc_reply_to = NULL;
        ipc_inherit_unlink(server, self);
    }
    self->ipc_callee = NULL;
    kobject_unref(&x->server->obj);
    x->server = NULL;
}

int ipc_wait_reply(struct ipc_transfer *x)
{
    struct thread *self = sched_current();
    for (;;) {
        if (x->reply == IPC_REPLY_DONE) {
            /* The server cleared its side when it replied. */
            unlink_call(x, NULL);
            return ipc_copy_out(x);
        }
        struct thread *server = thread_find(x->server, x->server_tid);
        if (x->reply == IPC_REPLY_PENDING &&
            (!server || server->state == KS_THREAD_DEAD || server->ipc_reply_to != self))
            x->reply = IPC_REPLY_GONE;
        if (x->reply != IPC_REPLY_PENDING) {
            unlink_call(x, server);
            return x->reply == IPC_REPLY_DONE ? ipc_copy_out(x) : -KS_ERR_PEER_GONE;
        }
        if (self->kill) {
            unlink_call(x, server);
            return -KS_ERR_DENIED;
        }
        /* Woken by the reply, a drop, the server's exit or a kill: each
         * shows in the state checked above. */
        (void)sched_block(KS_TIMEOUT_INFINITE);
    }
}

/* A caller waiting for its reply is blocked on no queue (and only
 * there: a thread makes one call at a time).  Not yet blocked (still on
 * its way from the send), it finds the reply state when it gets there. */
static void wake_caller(struct thread *caller)
{
    if (caller->state == KS_THREAD_BLOCKED && !caller->waiting)
        sched_wake(caller, 0);
}

int ipc_reply(struct ipc_transfer *x)
{
    struct thread *self = sched_current();
    struct thread *caller = self->ipc_reply_to;
    if (!caller)
        return -KS_ERR_NOT_FOUND;
    struct ipc_transfer *cx = caller->ipc_xfer;
    x->badge = 0;
    bool receiver_fault;
    int err = ipc_deliver(x, self, cx, caller, true, &receiver_fault);
    if (err < 0)
        return err;
    cx->reply = IPC_REPLY_DONE;
    self->ipc_reply_to = NULL;
    ipc_inherit_unlink(self, caller);
    wake_caller(caller);
    return 0;
}

void ipc_drop_reply(void)
{
    struct thread *self = sched_current();
    struct thread *caller = self->ipc_reply_to;
    if (!caller)
        return;
    caller->ipc_xfer->reply = IPC_REPLY_GONE;
    self->ipc_reply_to = NULL;
    ipc_inherit_unlink(self, caller);
    wake_caller(caller);
}
