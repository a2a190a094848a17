/* SPDX-License-Identifier: MIT */
/*
 * The IPC fast path: KS_SYS_IPC_CALL_REGS and KS_SYS_IPC_REPLY_RECV_REGS
 * in their common case, served with the message moved register to
 * register and the CPU handed straight from one thread to the other
 * (sched_switch_direct), without the scheduler's queues.  Built when
 * KCONFIG_IPC_FASTPATH is 1 (make IPC_FASTPATH=1, the default) and taken
 * unless the command line says ipc=slow.
 *
 * Each function checks everything first and changes nothing until it
 * knows it can finish; otherwise it returns false and the slow path
 * (ipc_regs.c) serves the call with the same result.  The common cases:
 *
 *   Call        a receiver is blocked in KS_SYS_IPC_REPLY_RECV_REGS on the
 *               endpoint, and switching to it is what the scheduler would
 *               do (sched_can_switch_direct).  Its frame gets the message
 *               and the caller's badge; it owes the caller the reply.
 *   ReplyRecv   the thread owes a reply to a caller blocked in
 *               KS_SYS_IPC_CALL_REGS, no sender waits on the endpoint, and
 *               switching to the caller is what the scheduler would do.
 *               The caller's frame gets the reply; this thread blocks as a
 *               receiver.
 *
 * The state a blocked thread is found in is the slow path's (its
 * struct ipc_transfer, the reply link of endpoint.c), so either path can
 * meet a thread the other blocked.  x->in_regs tells the woken side that
 * its frame already holds the message.
 *
 * Locking: the kernel lock, taken by ipc_regs_entry.
 */
#include "cap/handle.h"
#include "ipc/endpoint.h"
#include "ipc/inherit.h"
#include "ipc/ipc_regs.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "sched/kernel_lock.h"
#include "sched/sched.h"
#include "sched/sched_cpu.h"

#if KCONFIG_IPC_FASTPATH

/* The words of a register message, from one frame to another: one
 * jump into the run of moves, no loop. */
static inline void copy_words(struct ipc_regs *to, const struct ipc_regs *from, unsigned n)
{
    _Static_assert(KS_MSG_WORDS == 10, "one case per word");
    switch (n) {
    case 10: to->words[9] = from->words[9]; /* fall through */
    case 9: to->words[8] = from->words[8]; /* fall through */
    case 8: to->words[7] = from->words[7]; /* fall through */
    case 7: to->words[6] = from->words[6]; /* fall through */
    case 6: to->words[5] = from->words[5]; /* fall through */
    case 5: to->words[4] = from->words[4]; /* fall through */
    case 4: to->words[3] = from->words[3]; /* fall through */
    case 3: to->words[2] = from->words[2]; /* fall through */
    case 2: to->words[1] = from->words[1]; /* fall through */
    case 1: to->words[0] = from->words[0]; /* fall through */
    default: break;
    }
}

/* Only the fields a register call's transfer uses (the slow path's
 * memset of the whole struct is what the fast path saves). */
static inline void xfer_init(struct ipc_transfer *x, struct ipc_regs *r, bool is_call,
                             uint8_t state, uint8_t reply)
{
    x->buffer = NULL;
    x->recv_cap = 0;
    x->handle_cap = 0;
    x->words = 0;
    x->is_call = is_call;
    x->in_buffer = false;
    x->in_regs = false;
    x->state = state;
    x->reply = reply;
    x->server = NULL;
    x->regs = r;
}

static inline __attribute__((always_inline)) bool fast_call(struct ipc_regs *r,
                                                          int64_t *result)
{
    struct sched_cpu *c = this_cpu();
    struct thread *self = c->current;
    unsigned n = KS_MSGINFO_WORDS(r->info);
    struct cap *cap;
    if (n > KS_MSG_WORDS ||
        handle_lookup(&self->process->handles, (int64_t)r->handle, KS_OBJECT_ENDPOINT,
                      KS_RIGHT_WRITE, &cap) < 0)
        return false;
    struct endpoint *ep = endpoint_of(cap->obj);
    if (rq_list_empty(&ep->receivers.head))
        return false;
    struct thread *server = thread_of_link(ep->receivers.head.next);
    struct ipc_transfer *sx = server->ipc_xfer;
    /* The server runs at no less than this thread's priority (it owes
     * the reply): that is the priority the switch must be right for. */
    if (!sx->regs || !sched_can_switch_to_server(c, server))
        return false;

    /* The message, into the registers the server returns with. */
    struct ipc_regs *sr = sx->regs;
    sr->info = r->info;
    sr->handle = cap->badge;
    copy_words(sr, r, n);
    sx->state = IPC_DONE;
    sx->in_regs = true;
    rq_list_unlink(&server->link);
    server->waiting = NULL;

    /* The server owes this thread the reply (endpoint.c's link). */
    struct ipc_transfer x;
    xfer_init(&x, r, true, IPC_IDLE, IPC_REPLY_PENDING);
    x.server = server->process;
    kobject_ref(&server->process->obj);
    x.server_tid = server->tid;
    server->ipc_reply_to = self;
    ipc_inherit_link(server, self);
    self->ipc_xfer = &x;
    self->state = KS_THREAD_BLOCKED;
    sched_switch_direct(c, server);

    if (__builtin_expect(x.reply == IPC_REPLY_DONE && x.in_regs, 1)) {
        kobject_unref(&x.server->obj);
        *result = 0;
    } else {
        /* Woken otherwise (a slow reply, the server's death, a kill):
         * the slow path's wait sorts it out. */
        int err = ipc_wait_reply(&x);
        if (err == 0)
            ipc_regs_arrived(&x, r);
        *result = err;
    }
    self->ipc_xfer = NULL;
    return true;
}

static inline __attribute__((always_inline)) bool fast_reply_recv(struct ipc_regs *r,
                                                                int64_t *result)
{
    struct sched_cpu *c = this_cpu();
    struct thread *self = c->current;
    struct thread *caller = self->ipc_reply_to;
    unsigned n = KS_MSGINFO_WORDS(r->info);
    struct cap *cap;
    if (!caller || n > KS_MSG_WORDS ||
        handle_lookup(&self->process->handles, (int64_t)r->handle, KS_OBJECT_ENDPOINT,
                      KS_RIGHT_READ, &cap) < 0)
        return false;
    struct ipc_transfer *cx = caller->ipc_xfer;
    struct endpoint *ep = endpoint_of(cap->obj);
    /* The caller must be blocked waiting for this reply (not still on
     * its way there), and no sender may be waiting: this thread would
     * take that message instead of blocking. */
    if (!cx->regs || caller->state != KS_THREAD_BLOCKED || caller->waiting ||
        !rq_list_empty(&ep->senders.head) || !sched_can_switch_direct(c, caller))
        return false;

    /* The reply, into the registers the caller returns with. */
    struct ipc_regs *cr = cx->regs;
    cr->info = r->info;
    cr->handle = 0;
    copy_words(cr, r, n);
    cx->in_regs = true;
    cx->reply = IPC_REPLY_DONE;
    self->ipc_reply_to = NULL;
    ipc_inherit_unlink(self, caller);

    /* Block as a receiver (endpoint.c's block_on without a timeout). */
    struct ipc_transfer x;
    xfer_init(&x, r, false, IPC_WAITING, IPC_REPLY_NONE);
    self->ipc_xfer = &x;
    ep->holds++;
    rq_list_insert_before(&ep->receivers.head, &self->link);
    self->waiting = &ep->receivers;
    self->state = KS_THREAD_BLOCKED;
    sched_switch_direct(c, caller);

    int err = 0;
    if (__builtin_expect(x.state == IPC_DONE && x.in_regs, 1)) {
        /* The common case: the sender wrote this thread's frame. */
    } else if (x.state == IPC_DONE) {
        err = ipc_copy_out(&x);
        if (err == 0)
            ipc_regs_arrived(&x, r);
    } else {
        /* Woken without a message: the endpoint's last handle went or
         * this thread is being killed (both wake with an error). */
        err = (int)self->wake_result;
        if (err == 0)
            err = -KS_ERR_PEER_GONE;
        x.state = IPC_IDLE;
    }
    if (__builtin_expect(ep->holds > 1, 1))
        ep->holds--;
    else
        endpoint_release(ep);
    self->ipc_xfer = NULL;
    *result = err;
    return true;
}

int64_t ipc_regs_entry(struct ipc_regs *r)
{
    kernel_lock();
    if (__builtin_expect(ipc_fastpath_enabled, 1)) {
        int64_t result;
        if (r->number == KS_SYS_IPC_CALL_REGS ? fast_call(r, &result)
                                              : fast_reply_recv(r, &result)) {
            sched_leave_kernel_inline();
            return result;
        }
    }
    return ipc_regs_slow(r);
}

#endif
