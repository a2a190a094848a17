/* SPDX-License-Identifier: MIT */
/*
 * Handle and notification system calls: close, duplicate, revoke and
 * info on any handle, and create, signal and wait on notifications (the
 * ABI is kestrel/syscall.h and kestrel/handle.h; the design is in
 * docs/capabilities.md).  Every call works on the calling process's own
 * handle table and first decodes: the handle (its slot and generation),
 * the object type, the rights, every argument and output pointer; only
 * then does it change anything.  Lookup failures are -KS_ERR_BAD_HANDLE,
 * -KS_ERR_WRONG_TYPE and -KS_ERR_DENIED, as handle_lookup gives them.
 *
 * Locking: every handler runs under the kernel lock (syscall.c), which
 * also guards the handle tables and the derivation tree.
 */
#include "cap/handle.h"
#include "cap/notification.h"
#include "kestrel/errors.h"
#include "kestrel/handle.h"
#include "kestrel/syscall.h"
#include "lib/string.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

/* Handles removed per revoke call: the kernel lock is held for a
 * bounded time however large the tree; userspace calls again on
 * -KS_ERR_AGAIN. */
#define REVOKE_BUDGET 64u

static struct handle_table *own_handles(void)
{
    return &sched_current()->process->handles;
}

SYSCALL_HANDLER(sys_handle_close)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    return handle_close(own_handles(), (int64_t)a0);
}

SYSCALL_HANDLER(sys_handle_duplicate)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    if (a1 & ~(uint64_t)KS_RIGHTS_ALL)
        return -KS_ERR_INVALID_ARGUMENT;
    struct handle_table *t = own_handles();
    struct cap *cap;
    int err = handle_lookup(t, (int64_t)a0, KS_OBJECT_NONE, KS_RIGHT_DUPLICATE, &cap);
    if (err < 0)
        return err;
    /* The duplicate keeps the badge: a badge names who a handle was
     * minted for, and a copy must not lose or change it. */
    int64_t handle;
    err = handle_derive(cap, t, (uint32_t)a1, cap->badge, &handle);
    return err < 0 ? err : handle;
}

SYSCALL_HANDLER(sys_handle_revoke)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_NONE, KS_RIGHT_MANAGE, &cap);
    if (err < 0)
        return err;
    return handle_revoke(cap, REVOKE_BUDGET);
}

SYSCALL_HANDLER(sys_handle_info)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_NONE, 0, &cap);
    if (err < 0)
        return err;
    struct ks_handle_info info;
    memset(&info, 0, sizeof(info));
    info.type = cap->obj->type;
    info.rights = cap->rights;
    info.object_id = cap->obj->id;
    info.badge = cap->badge;
    info.derived = handle_children(cap);
    return copy_to_user(a1, &info, sizeof(info));
}

SYSCALL_HANDLER(sys_notification_create)
{
    SYSCALL_UNUSED6();
    struct notification *n;
    int err = notification_create(&n);
    if (err < 0)
        return err;
    int64_t handle;
    err = handle_install(own_handles(), &n->obj, KS_RIGHTS_ALL, 0, &handle);
    /* The handle took its own reference; the creation reference goes
     * (and with it the object, when the install failed). */
    kobject_unref(&n->obj);
    return err < 0 ? err : handle;
}

SYSCALL_HANDLER(sys_notification_signal)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_NOTIFICATION,
                            KS_RIGHT_SIGNAL, &cap);
    if (err < 0)
        return err;
    notification_signal(notification_of(cap->obj), a1);
    return 0;
}

SYSCALL_HANDLER(sys_notification_wait)
{
    (void)a3; (void)a4; (void)a5;
    /* The output is checked before anything, so a bad pointer never
     * costs the bits: they are taken only when they can be delivered. */
    uint64_t bits = 0;
    if (copy_to_user(a2, &bits, sizeof(bits)) < 0)
        return -KS_ERR_FAULT;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_NOTIFICATION, KS_RIGHT_WAIT,
                            &cap);
    if (err < 0)
        return err;
    /* Our own reference: while this thread blocks, another one may close
     * or revoke the handle (cap is not to be used after the wait). */
    struct notification *n = notification_of(cap->obj);
    kobject_ref(&n->obj);
    err = notification_wait(n, a1, &bits);
    if (err == 0 && copy_to_user(a2, &bits, sizeof(bits)) < 0) {
        /* The page went away while we slept: put the bits back. */
        notification_signal(n, bits);
        err = -KS_ERR_FAULT;
    }
    kobject_unref(&n->obj);
    return err;
}
