/* SPDX-License-Identifier: MIT */
/*
 * Per-process quotas; see quota.h.  Kernel lock held throughout (a single
 * thread in the host tests).
 *
 * A charge walks from the record up to the root twice: once to check
 * every limit, once to add.  Nothing changes between the two walks (the
 * kernel lock), so a refused charge leaves every record as it was.  The
 * walks are bounded by QUOTA_MAX_DEPTH, which quota_create enforces.
 */
#include "cap/handle.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "proc/process.h"
#include "proc/quota.h"

struct quota {
    struct quota *parent;        /* the creator's record (a reference), or NULL */
    struct handle_table *table;  /* the process's, while it has one */
    uint32_t refs;
    uint32_t depth;              /* 1 for a root */
    uint64_t limit[QUOTA_KINDS];
    uint64_t used[QUOTA_KINDS];  /* this record's and its descendants' */
};

int quota_create(struct quota *parent, const struct ks_limits *root_limits,
                 struct quota **out)
{
    if (!parent && !root_limits)
        return -KS_ERR_INVALID_ARGUMENT;
    if (parent && parent->depth >= QUOTA_MAX_DEPTH)
        return -KS_ERR_DENIED;
    struct quota *q = kmalloc(sizeof(*q));
    if (!q)
        return -KS_ERR_NO_MEMORY;
    memset(q, 0, sizeof(*q));
    q->refs = 1;
    if (parent) {
        q->parent = parent;
        q->depth = parent->depth + 1;
        memcpy(q->limit, parent->limit, sizeof(q->limit));
        quota_ref(parent);
    } else {
        q->depth = 1;
        q->limit[QUOTA_HANDLES] = root_limits->handles;
        q->limit[QUOTA_THREADS] = root_limits->threads;
        q->limit[QUOTA_MEMORY] = root_limits->memory_bytes;
        q->limit[QUOTA_KERNEL] = root_limits->kernel_bytes;
    }
    *out = q;
    return 0;
}

static void apply_table_limit(struct quota *q)
{
    if (q->table)
        q->table->limit = (uint32_t)q->limit[QUOTA_HANDLES];
}

int quota_set_limits(struct quota *q, const struct ks_limits *want,
                     const struct quota *creator)
{
    if (!q || !want)
        return -KS_ERR_INVALID_ARGUMENT;
    const uint64_t asked[QUOTA_KINDS] = {
        [QUOTA_HANDLES] = want->handles, [QUOTA_THREADS] = want->threads,
        [QUOTA_MEMORY] = want->memory_bytes, [QUOTA_KERNEL] = want->kernel_bytes,
    };
    for (unsigned k = 0; k < QUOTA_KINDS; k++)
        if (asked[k] != 0 && creator && asked[k] > creator->limit[k])
            return -KS_ERR_DENIED;
    for (unsigned k = 0; k < QUOTA_KINDS; k++)
        if (asked[k] != 0)
            q->limit[k] = asked[k];
    apply_table_limit(q);
    return 0;
}

int quota_charge(struct quota *q, enum quota_kind kind, uint64_t n)
{
    if (!q || n == 0)
        return 0;
    if ((unsigned)kind >= QUOTA_KINDS)
        return -KS_ERR_INVALID_ARGUMENT;
    for (struct quota *at = q; at; at = at->parent)
        if (at->used[kind] > at->limit[kind] || n > at->limit[kind] - at->used[kind])
            return -KS_ERR_DENIED;
    for (struct quota *at = q; at; at = at->parent)
        at->used[kind] += n;
    return 0;
}

void quota_uncharge(struct quota *q, enum quota_kind kind, uint64_t n)
{
    if (!q || (unsigned)kind >= QUOTA_KINDS)
        return;
    /* Never below 0: a record that gave back more than it was charged
     * would otherwise let its ancestors' limits be passed. */
    for (struct quota *at = q; at; at = at->parent)
        at->used[kind] -= n < at->used[kind] ? n : at->used[kind];
}

void quota_ref(struct quota *q)
{
    if (q)
        q->refs++;
}

/* Records die from the leaf up; a loop, not recursion, so a deep chain
 * costs no kernel stack. */
void quota_unref(struct quota *q)
{
    while (q && --q->refs == 0) {
        struct quota *parent = q->parent;
        kfree(q);
        q = parent;
    }
}

void quota_attach_table(struct quota *q, struct handle_table *t)
{
    if (!q)
        return;
    q->table = t;
    apply_table_limit(q);
}

void quota_detach_table(struct quota *q)
{
    if (q)
        q->table = NULL;
}

void quota_usage(const struct quota *q, struct ks_process_usage *out)
{
    memset(out, 0, sizeof(*out));
    if (!q)
        return;
    out->limits.handles = (uint32_t)q->limit[QUOTA_HANDLES];
    out->limits.threads = (uint32_t)q->limit[QUOTA_THREADS];
    out->limits.memory_bytes = q->limit[QUOTA_MEMORY];
    out->limits.kernel_bytes = q->limit[QUOTA_KERNEL];
    out->used.handles = q->table ? q->table->used : 0;
    out->used.threads = (uint32_t)q->used[QUOTA_THREADS];
    out->used.memory_bytes = q->used[QUOTA_MEMORY];
    out->used.kernel_bytes = q->used[QUOTA_KERNEL];
}

/* ---- a process's side (proc/process.h) ---- */

struct quota *process_quota(struct process *p)
{
    return p ? p->quota : NULL;
}

int process_charge_memory(struct process *p, uint64_t bytes)
{
    int err = quota_charge(p->quota, QUOTA_MEMORY, bytes);
    if (err == 0)
        p->memory_charged += bytes;
    return err;
}

void process_uncharge_memory(struct process *p, uint64_t bytes)
{
    if (bytes > p->memory_charged)
        bytes = p->memory_charged;
    quota_uncharge(p->quota, QUOTA_MEMORY, bytes);
    p->memory_charged -= bytes;
}
