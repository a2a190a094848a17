/* SPDX-License-Identifier: MIT */
/*
 * Quotas: process_usage (kestrel/syscall.h), the limits and use of a
 * process named by a handle with KS_RIGHT_READ, or of the caller (0).
 * Use counts what the process's descendants use too, but for handles,
 * which are its own table's (see proc/quota.h and docs/quotas.md).  An
 * ended process still answers: what the objects it created, and which
 * live on, are charged.
 *
 * Locking: the kernel lock (syscall.c); it guards the quota records.
 */
#include "cap/handle.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "proc/process.h"
#include "proc/quota.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

SYSCALL_HANDLER(sys_process_usage)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct process *p = sched_current()->process;
    if (a0 != 0) {
        struct cap *cap;
        int err = handle_lookup(&p->handles, (int64_t)a0, KS_OBJECT_PROCESS, KS_RIGHT_READ,
                                &cap);
        if (err < 0)
            return err;
        p = process_of(cap->obj);
    }
    struct ks_process_usage usage;
    quota_usage(process_quota(p), &usage);
    return copy_to_user(a1, &usage, sizeof(usage));
}
