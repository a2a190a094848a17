/* SPDX-License-Identifier: MIT */
/*
 * Per-process resource quotas (ks_limits in kestrel/syscall.h): handles,
 * threads, user memory and kernel memory.  A struct quota is its own
 * small reference-counted record, so that an object a process created
 * (an endpoint, a memory object) can give its charge back after the
 * process has ended: the object keeps a reference to the quota it was
 * charged to.
 *
 * Interface:
 *   quota_charge    add n to a kind's use: 0, or -KS_ERR_DENIED when it
 *                   would pass the limit (nothing charged)
 *   quota_uncharge  give n back
 *   quota_ref / quota_unref   keep the record alive (the process holds one)
 *
 * Locking: the kernel lock.
 */
#ifndef KESTREL_PROC_QUOTA_H
#define KESTREL_PROC_QUOTA_H

#include <stdint.h>
#include "kestrel/syscall.h"

enum quota_kind {
    QUOTA_HANDLES,
    QUOTA_THREADS,
    QUOTA_MEMORY,      /* bytes of user memory */
    QUOTA_KERNEL       /* bytes of kernel memory */
};

struct quota;
struct process;

/* Give q (a new process's, not yet started) the limits want: a 0 field
 * keeps q's current limit (the creator's, inherited), any other must
 * be no higher than creator's limit of that kind (-KS_ERR_DENIED). */
int quota_set_limits(struct quota *q, const struct ks_limits *want,
                     const struct quota *creator);

/* The quota of p (never NULL for a user process). */
struct quota *process_quota(struct process *p);

int quota_charge(struct quota *q, enum quota_kind kind, uint64_t n);
void quota_uncharge(struct quota *q, enum quota_kind kind, uint64_t n);
void quota_ref(struct quota *q);
void quota_unref(struct quota *q);

#endif /* KESTREL_PROC_QUOTA_H */
