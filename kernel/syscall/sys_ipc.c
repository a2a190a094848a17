/* SPDX-License-Identifier: MIT */
/*
 * IPC system calls: endpoint_create, handle_mint, and send, recv, call,
 * reply and reply_recv on endpoints (the ABI is kestrel/ipc.h and
 * kestrel/syscall.h; the design is docs/ipc.md).  Each call first
 * decodes: the message (ipc_decode: the struct, the data ranges, the
 * lengths), the endpoint handle with its right (WRITE to send, READ to
 * receive) and the handles the message carries; only then does it meet
 * a peer (ipc/endpoint.c).  While a thread is inside a call its decoded
 * message sits on its kernel stack and thread.ipc_xfer points at it.
 *
 * Locking: every handler runs under the kernel lock (syscall.c).
 */
#include "cap/handle.h"
#include "ipc/endpoint.h"
#include "ipc/message.h"
#include "kestrel/errors.h"
#include "kestrel/handle.h"
#include "kestrel/ipc.h"
#include "kestrel/syscall.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

static struct handle_table *own_handles(void)
{
    return &sched_current()->process->handles;
}

SYSCALL_HANDLER(sys_endpoint_create)
{
    SYSCALL_UNUSED6();
    struct endpoint *ep;
    int err = endpoint_create(&ep);
    if (err < 0)
        return err;
    int64_t handle;
    err = handle_install(own_handles(), &ep->obj, KS_RIGHTS_ALL, 0, &handle);
    /* The handle owns the object now (or the install failed and this
     * drop destroys it). */
    kobject_unref(&ep->obj);
    return err < 0 ? err : handle;
}

SYSCALL_HANDLER(sys_handle_mint)
{
    (void)a3; (void)a4; (void)a5;
    if ((a1 & ~(uint64_t)KS_RIGHTS_ALL) || a2 == 0)
        return -KS_ERR_INVALID_ARGUMENT;
    struct handle_table *t = own_handles();
    struct cap *cap;
    int err = handle_lookup(t, (int64_t)a0, KS_OBJECT_ENDPOINT, KS_RIGHT_DUPLICATE, &cap);
    if (err < 0)
        return err;
    /* A badge names one client for good: re-badging would let a
     * holder pass as someone else. */
    if (cap->badge != 0)
        return -KS_ERR_INVALID_ARGUMENT;
    int64_t handle;
    err = handle_derive(cap, t, (uint32_t)a1, a2, &handle);
    return err < 0 ? err : handle;
}

/* Decode *user_msg for what and look up the endpoint with right:
 * everything a call can refuse before it changes anything. */
static int decode_call(uint64_t handle, uint32_t right, uint64_t user_msg, unsigned what,
                       struct ipc_transfer *x, struct endpoint **ep_out)
{
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)handle, KS_OBJECT_ENDPOINT, right, &cap);
    if (err < 0)
        return err;
    err = ipc_decode(user_msg, what, x);
    if (err < 0)
        return err;
    x->badge = cap->badge;
    *ep_out = endpoint_of(cap->obj);
    if (what & IPC_SENDS) {
        struct cap *caps[KS_MSG_HANDLES_MAX];
        err = ipc_check_handles(own_handles(), &x->msg, caps);
    }
    if (err < 0)
        ipc_transfer_fini(x);
    return err;
}

/* The end of every call that decoded x: write the message back when it
 * arrived, free the buffer, leave IPC. */
static int64_t finish(int err, uint64_t user_msg, struct ipc_transfer *x, bool arrived)
{
    if (err == 0 && arrived)
        err = copy_to_user(user_msg, &x->msg, sizeof(x->msg));
    sched_current()->ipc_xfer = NULL;
    ipc_transfer_fini(x);
    return err;
}

SYSCALL_HANDLER(sys_ipc_send)
{
    (void)a3; (void)a4; (void)a5;
    struct ipc_transfer x;
    struct endpoint *ep;
    int err = decode_call(a0, KS_RIGHT_WRITE, a1, IPC_SENDS, &x, &ep);
    if (err < 0)
        return err;
    sched_current()->ipc_xfer = &x;
    return finish(endpoint_send(ep, &x, a2), a1, &x, false);
}

SYSCALL_HANDLER(sys_ipc_call)
{
    (void)a3; (void)a4; (void)a5;
    struct ipc_transfer x;
    struct endpoint *ep;
    int err = decode_call(a0, KS_RIGHT_WRITE, a1, IPC_SENDS | IPC_RECEIVES, &x, &ep);
    if (err < 0)
        return err;
    x.is_call = true;
    sched_current()->ipc_xfer = &x;
    err = endpoint_send(ep, &x, a2);
    if (err == 0)
        err = ipc_wait_reply(&x);
    return finish(err, a1, &x, true);
}

/* Receive on a freshly decoded x; a reply target left over is dropped
 * first (one outstanding call per server thread). */
static int64_t receive(struct endpoint *ep, uint64_t user_msg, struct ipc_transfer *x,
                       uint64_t timeout_ns)
{
    ipc_drop_reply();
    sched_current()->ipc_xfer = x;
    return finish(endpoint_recv(ep, x, timeout_ns), user_msg, x, true);
}

SYSCALL_HANDLER(sys_ipc_recv)
{
    (void)a3; (void)a4; (void)a5;
    struct ipc_transfer x;
    struct endpoint *ep;
    int err = decode_call(a0, KS_RIGHT_READ, a1, IPC_RECEIVES, &x, &ep);
    if (err < 0)
        return err;
    return receive(ep, a1, &x, a2);
}

/* Answer the call this thread holds with *user_msg, decoded as a send
 * of its own (its data_len and handles). */
static int reply_with(uint64_t user_msg)
{
    struct ipc_transfer x;
    int err = ipc_decode(user_msg, IPC_SENDS, &x);
    if (err == 0) {
        struct cap *caps[KS_MSG_HANDLES_MAX];
        err = ipc_check_handles(own_handles(), &x.msg, caps);
    }
    if (err == 0)
        err = ipc_reply(&x);
    ipc_transfer_fini(&x);
    return err;
}

SYSCALL_HANDLER(sys_ipc_reply)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    if (!sched_current()->ipc_reply_to)
        return -KS_ERR_NOT_FOUND;
    return reply_with(a0);
}

SYSCALL_HANDLER(sys_ipc_reply_recv)
{
    (void)a3; (void)a4; (void)a5;
    struct ipc_transfer x;
    struct endpoint *ep;
    int err = decode_call(a0, KS_RIGHT_READ, a1, IPC_RECEIVES, &x, &ep);
    if (err < 0)
        return err;
    if (sched_current()->ipc_reply_to && (err = reply_with(a1)) < 0) {
        ipc_transfer_fini(&x);
        return err;
    }
    return receive(ep, a1, &x, a2);
}
