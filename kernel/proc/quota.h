/* SPDX-License-Identifier: MIT */
/*
 * Per-process resource quotas (ks_limits in kestrel/syscall.h): handles,
 * threads, user memory and kernel memory.  A struct quota is its own
 * small reference-counted record, so that an object a process created
 * (an endpoint, a memory object) can give its charge back after the
 * process has ended: the object keeps a reference to the quota it was
 * charged to.
 *
 * Quotas form a tree that follows process creation: each record holds a
 * reference to its creator's (parent) record, and a charge counts
 * against the record and every ancestor, each of which must stay within
 * its own limit (all or nothing).  So a process and everything it
 * created, recursively, never use more than its limits, and a child can
 * never consume more than its creator could.  The tree is at most
 * QUOTA_MAX_DEPTH records deep: creating a record below that is refused
 * (-KS_ERR_DENIED), which bounds every walk up the tree.
 *
 * Handles are the exception: each process's handle table enforces its
 * own limit (cap/handle.h) and counts its own slots; the quota holds that
 * limit and hands it to the table attached with quota_attach_table.
 *
 * A NULL quota is the kernel's own: never limited, nothing counted.
 *
 * Interface:
 *   quota_create    a record under a parent (the parent's limits), or a
 *                   root with the limits given
 *   quota_set_limits  lower a new record's limits
 *   quota_charge    add n to a kind's use here and in every ancestor: 0,
 *                   or -KS_ERR_DENIED when one would pass its limit
 *                   (nothing charged)
 *   quota_uncharge  give n back
 *   quota_ref / quota_unref   keep the record alive (the process holds one)
 *   quota_attach_table / quota_detach_table   the process's handle table
 *   quota_usage     limits and use, as process_usage reports them
 *
 * The logic here is pure (kmalloc only) and host-tested in
 * tests/unit/test_quota.c.
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
    QUOTA_KERNEL,      /* bytes of kernel memory */
    QUOTA_KINDS
};

/* Records from the first process down: the first process's record is
 * depth 1, so a chain of QUOTA_MAX_DEPTH processes, each created by the
 * one before, is allowed and the next is refused. */
#define QUOTA_MAX_DEPTH 16u

struct quota;
struct process;
struct handle_table;

/* A new record with one reference (the caller's), no use, and the
 * limits of parent; with parent NULL a root with *root_limits.  Holds a
 * reference to parent.  -KS_ERR_DENIED below QUOTA_MAX_DEPTH,
 * -KS_ERR_NO_MEMORY, -KS_ERR_INVALID_ARGUMENT (no parent, no limits). */
int quota_create(struct quota *parent, const struct ks_limits *root_limits,
                 struct quota **out);

/* Give q (a new process's, not yet started) the limits want: a 0 field
 * keeps q's current limit (the creator's, inherited), any other must
 * be no higher than creator's limit of that kind (-KS_ERR_DENIED, and
 * nothing changes).  A creator of NULL (the kernel) allows any. */
int quota_set_limits(struct quota *q, const struct ks_limits *want,
                     const struct quota *creator);

/* The quota of p (never NULL for a user process). */
struct quota *process_quota(struct process *p);

int quota_charge(struct quota *q, enum quota_kind kind, uint64_t n);
void quota_uncharge(struct quota *q, enum quota_kind kind, uint64_t n);
void quota_ref(struct quota *q);
void quota_unref(struct quota *q);

/* t takes q's handle limit (now and on quota_set_limits) and its slots
 * are what quota_usage reports as handles used; detach before t goes. */
void quota_attach_table(struct quota *q, struct handle_table *t);
void quota_detach_table(struct quota *q);

/* q's limits and use (use counts q's descendants too; handles are the
 * attached table's own).  NULL: all zero. */
void quota_usage(const struct quota *q, struct ks_process_usage *out);

#endif /* KESTREL_PROC_QUOTA_H */
