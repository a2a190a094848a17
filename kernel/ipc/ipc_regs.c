/* SPDX-License-Identifier: MIT */
/*
 * Register messages: the dispatch from syscall.asm and the slow path;
 * see ipc_regs.h.  The slow path turns the frame into a struct
 * ipc_transfer with no data room and no handle room and goes through the
 * same rendezvous as struct ks_msg calls (ipc/endpoint.c), so both kinds
 * of call meet on one endpoint.  The fast path (fastpath.c) serves the
 * common case without any of this and must behave exactly the same.
 */
#include "cap/handle.h"
#include "init/boot.h"
#include "ipc/endpoint.h"
#include "ipc/ipc_regs.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "lib/string.h"
#include "proc/process.h"
#include "sched/kernel_lock.h"
#include "sched/sched.h"
#include "syscall/handlers.h"

_Static_assert(KS_SYS_IPC_CALL_REGS == 50 && KS_SYS_IPC_REPLY_RECV_REGS == 51,
               "syscall.asm routes these two numbers here");

#if KCONFIG_IPC_FASTPATH
bool ipc_fastpath_enabled = true;
#else
bool ipc_fastpath_enabled = false;
#endif

/* The entry sends these numbers to ipc_regs_entry; the table's
 * entries for them are never reached. */
SYSCALL_HANDLER(sys_ipc_call_regs)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_ipc_reply_recv_regs)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

/* x as a register message to send (label and words from r) or a room to
 * receive into (nothing but label and words fits). */
static int xfer_from_regs(struct ipc_transfer *x, struct ipc_regs *r, bool sends)
{
    memset(x, 0, sizeof(*x));
    x->regs = r;
    if (!sends)
        return 0;
    unsigned n = KS_MSGINFO_WORDS(r->info);
    if (n > KS_MSG_WORDS)
        return -KS_ERR_INVALID_ARGUMENT;
    x->msg.label = KS_MSGINFO_LABEL(r->info);
    x->words = (uint8_t)n;
    memcpy(x->msg.words, r->words, n * sizeof(uint64_t));
    return 0;
}

void ipc_regs_arrived(const struct ipc_transfer *x, struct ipc_regs *r)
{
    if (x->in_regs)
        return;  /* the fast path wrote the frame itself */
    r->info = KS_MSGINFO(x->msg.label, x->words);
    r->handle = x->msg.badge;
    memcpy(r->words, x->msg.words, x->words * sizeof(uint64_t));
}

static struct handle_table *own_handles(void)
{
    return &sched_current()->process->handles;
}

int64_t ipc_regs_call(struct ipc_regs *r)
{
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)r->handle, KS_OBJECT_ENDPOINT,
                            KS_RIGHT_WRITE, &cap);
    if (err < 0)
        return err;
    struct ipc_transfer x;
    err = xfer_from_regs(&x, r, true);
    if (err < 0)
        return err;
    x.is_call = true;
    x.badge = cap->badge;
    struct thread *self = sched_current();
    self->ipc_xfer = &x;
    err = endpoint_send(endpoint_of(cap->obj), &x, KS_TIMEOUT_INFINITE);
    if (err == 0)
        err = ipc_wait_reply(&x);
    if (err == 0)
        ipc_regs_arrived(&x, r);
    self->ipc_xfer = NULL;
    return err;
}

int64_t ipc_regs_reply_recv(struct ipc_regs *r)
{
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)r->handle, KS_OBJECT_ENDPOINT,
                            KS_RIGHT_READ, &cap);
    if (err < 0)
        return err;
    struct thread *self = sched_current();
    struct ipc_transfer x;
    if (self->ipc_reply_to) {
        err = xfer_from_regs(&x, r, true);
        if (err == 0)
            err = ipc_reply(&x);
        if (err < 0)
            return err;
    }
    ipc_drop_reply();
    (void)xfer_from_regs(&x, r, false);
    self->ipc_xfer = &x;
    err = endpoint_recv(endpoint_of(cap->obj), &x, KS_TIMEOUT_INFINITE);
    if (err == 0)
        ipc_regs_arrived(&x, r);
    self->ipc_xfer = NULL;
    return err;
}

int64_t ipc_regs_slow(struct ipc_regs *r)
{
    int64_t result = r->number == KS_SYS_IPC_CALL_REGS ? ipc_regs_call(r)
                                                       : ipc_regs_reply_recv(r);
    sched_leave_kernel();
    return result;
}

#if !KCONFIG_IPC_FASTPATH
int64_t ipc_regs_entry(struct ipc_regs *r)
{
    kernel_lock();
    return ipc_regs_slow(r);
}
#endif
