/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the quota records (kernel/proc/quota.c): a charge counts
 * in the record and every ancestor and is refused, changing nothing,
 * when any of them would pass its limit; uncharges give it back; a
 * child starts with its creator's limits, may lower them but never
 * raise them; the tree's depth is bounded; records live while anyone
 * holds a reference (children hold their parent) and are freed exactly
 * once; the handle limit follows the attached table.  The heap is
 * malloc here, counted so that leaks show.
 */
#include <stdint.h>
#include <stdlib.h>
#include "cap/handle.h"
#include "kestrel/errors.h"
#include "mm/heap.h"
#include "proc/quota.h"
#include "unit.h"

static int live_allocations;
static int fail_next_allocation;

void *kmalloc_at(size_t size, const char *site)
{
    (void)site;
    if (fail_next_allocation) {
        fail_next_allocation = 0;
        return NULL;
    }
    live_allocations++;
    return malloc(size);
}

void kfree_at(void *ptr, const char *site)
{
    (void)site;
    if (ptr)
        live_allocations--;
    free(ptr);
}

static const struct ks_limits root_limits = {
    .handles = 100, .threads = 10, .memory_bytes = 1000, .kernel_bytes = 500,
};

static struct quota *new_root(void)
{
    struct quota *q = NULL;
    if (quota_create(NULL, &root_limits, &q) != 0)
        return NULL;
    return q;
}

static struct ks_process_usage usage_of(const struct quota *q)
{
    struct ks_process_usage u;
    quota_usage(q, &u);
    return u;
}

UNIT_TEST(root_takes_the_limits_given_and_starts_unused)
{
    struct quota *q = new_root();
    CHECK(q != NULL);
    struct ks_process_usage u = usage_of(q);
    CHECK_EQ_U(u.limits.handles, 100);
    CHECK_EQ_U(u.limits.threads, 10);
    CHECK_EQ_U(u.limits.memory_bytes, 1000);
    CHECK_EQ_U(u.limits.kernel_bytes, 500);
    CHECK_EQ_U(u.used.threads + u.used.memory_bytes + u.used.kernel_bytes + u.used.handles, 0);
    struct quota *none = NULL;
    CHECK_EQ_U(quota_create(NULL, NULL, &none), -KS_ERR_INVALID_ARGUMENT);
    quota_unref(q);
    CHECK_EQ_U(live_allocations, 0);
}

UNIT_TEST(charge_up_to_the_limit_then_denied_and_unchanged)
{
    struct quota *q = new_root();
    CHECK_EQ_U(quota_charge(q, QUOTA_MEMORY, 600), 0);
    CHECK_EQ_U(quota_charge(q, QUOTA_MEMORY, 400), 0);
    CHECK_EQ_U(usage_of(q).used.memory_bytes, 1000);
    CHECK_EQ_U(quota_charge(q, QUOTA_MEMORY, 1), -KS_ERR_DENIED);
    CHECK_EQ_U(usage_of(q).used.memory_bytes, 1000);
    /* A charge so big it would wrap is refused, not wrapped. */
    quota_uncharge(q, QUOTA_MEMORY, 1000);
    CHECK_EQ_U(quota_charge(q, QUOTA_MEMORY, UINT64_MAX), -KS_ERR_DENIED);
    CHECK_EQ_U(usage_of(q).used.memory_bytes, 0);
    /* Kinds are separate; 0 bytes and the kernel's NULL quota always pass. */
    CHECK_EQ_U(quota_charge(q, QUOTA_THREADS, 10), 0);
    CHECK_EQ_U(quota_charge(q, QUOTA_THREADS, 1), -KS_ERR_DENIED);
    CHECK_EQ_U(quota_charge(q, QUOTA_KERNEL, 500), 0);
    CHECK_EQ_U(quota_charge(q, QUOTA_KERNEL, 0), 0);
    CHECK_EQ_U(quota_charge(NULL, QUOTA_KERNEL, UINT64_MAX), 0);
    CHECK_EQ_U(quota_charge(q, QUOTA_KINDS, 1), -KS_ERR_INVALID_ARGUMENT);
    quota_uncharge(q, QUOTA_THREADS, 10);
    quota_uncharge(q, QUOTA_KERNEL, 500);
    quota_uncharge(NULL, QUOTA_KERNEL, 5);
    struct ks_process_usage u = usage_of(q);
    CHECK_EQ_U(u.used.threads + u.used.kernel_bytes, 0);
    /* More given back than charged stops at 0. */
    quota_uncharge(q, QUOTA_KERNEL, 7);
    CHECK_EQ_U(usage_of(q).used.kernel_bytes, 0);
    quota_unref(q);
    CHECK_EQ_U(live_allocations, 0);
}

UNIT_TEST(child_use_counts_against_every_ancestor)
{
    struct quota *root = new_root(), *child = NULL, *grandchild = NULL;
    CHECK_EQ_U(quota_create(root, NULL, &child), 0);
    CHECK_EQ_U(quota_create(child, NULL, &grandchild), 0);
    /* Limits are inherited. */
    CHECK_EQ_U(usage_of(grandchild).limits.memory_bytes, 1000);
    CHECK_EQ_U(quota_charge(root, QUOTA_MEMORY, 300), 0);
    CHECK_EQ_U(quota_charge(grandchild, QUOTA_MEMORY, 500), 0);
    CHECK_EQ_U(usage_of(grandchild).used.memory_bytes, 500);
    CHECK_EQ_U(usage_of(child).used.memory_bytes, 500);
    CHECK_EQ_U(usage_of(root).used.memory_bytes, 800);
    /* The grandchild's own limit has room, the root's has not: refused
     * everywhere, nothing charged anywhere. */
    CHECK_EQ_U(quota_charge(grandchild, QUOTA_MEMORY, 201), -KS_ERR_DENIED);
    CHECK_EQ_U(usage_of(grandchild).used.memory_bytes, 500);
    CHECK_EQ_U(usage_of(child).used.memory_bytes, 500);
    CHECK_EQ_U(usage_of(root).used.memory_bytes, 800);
    CHECK_EQ_U(quota_charge(child, QUOTA_MEMORY, 200), 0);
    CHECK_EQ_U(usage_of(root).used.memory_bytes, 1000);
    quota_uncharge(grandchild, QUOTA_MEMORY, 500);
    quota_uncharge(child, QUOTA_MEMORY, 200);
    quota_uncharge(root, QUOTA_MEMORY, 300);
    CHECK_EQ_U(usage_of(root).used.memory_bytes, 0);
    CHECK_EQ_U(usage_of(child).used.memory_bytes, 0);
    quota_unref(grandchild);
    quota_unref(child);
    quota_unref(root);
    CHECK_EQ_U(live_allocations, 0);
}

UNIT_TEST(a_lower_limit_binds_the_child_not_the_creator)
{
    struct quota *root = new_root(), *child = NULL;
    CHECK_EQ_U(quota_create(root, NULL, &child), 0);
    struct ks_limits want = { .threads = 3, .kernel_bytes = 100 };
    CHECK_EQ_U(quota_set_limits(child, &want, root), 0);
    struct ks_process_usage u = usage_of(child);
    CHECK_EQ_U(u.limits.threads, 3);
    CHECK_EQ_U(u.limits.kernel_bytes, 100);
    /* 0 fields keep the creator's. */
    CHECK_EQ_U(u.limits.handles, 100);
    CHECK_EQ_U(u.limits.memory_bytes, 1000);
    CHECK_EQ_U(quota_charge(child, QUOTA_THREADS, 3), 0);
    CHECK_EQ_U(quota_charge(child, QUOTA_THREADS, 1), -KS_ERR_DENIED);
    CHECK_EQ_U(quota_charge(root, QUOTA_THREADS, 7), 0);
    CHECK_EQ_U(quota_charge(root, QUOTA_THREADS, 1), -KS_ERR_DENIED);
    CHECK_EQ_U(usage_of(root).limits.threads, 10);
    quota_uncharge(root, QUOTA_THREADS, 7);
    quota_uncharge(child, QUOTA_THREADS, 3);
    quota_unref(child);
    quota_unref(root);
    CHECK_EQ_U(live_allocations, 0);
}

UNIT_TEST(a_limit_above_the_creators_is_denied_and_changes_nothing)
{
    struct quota *root = new_root(), *child = NULL;
    CHECK_EQ_U(quota_create(root, NULL, &child), 0);
    struct ks_limits want = { .threads = 2, .memory_bytes = 1001 };
    CHECK_EQ_U(quota_set_limits(child, &want, root), -KS_ERR_DENIED);
    CHECK_EQ_U(usage_of(child).limits.threads, 10);
    CHECK_EQ_U(usage_of(child).limits.memory_bytes, 1000);
    struct ks_limits handles = { .handles = 101 };
    CHECK_EQ_U(quota_set_limits(child, &handles, root), -KS_ERR_DENIED);
    struct ks_limits kernel = { .kernel_bytes = 501 };
    CHECK_EQ_U(quota_set_limits(child, &kernel, root), -KS_ERR_DENIED);
    struct ks_limits equal = { .handles = 100, .threads = 10, .memory_bytes = 1000,
                               .kernel_bytes = 500 };
    CHECK_EQ_U(quota_set_limits(child, &equal, root), 0);
    CHECK_EQ_U(quota_set_limits(child, NULL, root), -KS_ERR_INVALID_ARGUMENT);
    quota_unref(child);
    quota_unref(root);
    CHECK_EQ_U(live_allocations, 0);
}

UNIT_TEST(depth_is_bounded)
{
    struct quota *chain[QUOTA_MAX_DEPTH];
    chain[0] = new_root();
    for (unsigned i = 1; i < QUOTA_MAX_DEPTH; i++) {
        chain[i] = NULL;
        CHECK_EQ_U(quota_create(chain[i - 1], NULL, &chain[i]), 0);
    }
    struct quota *too_deep = NULL;
    CHECK_EQ_U(quota_create(chain[QUOTA_MAX_DEPTH - 1], NULL, &too_deep), -KS_ERR_DENIED);
    CHECK(too_deep == NULL);
    /* A charge at the bottom reaches the top. */
    CHECK_EQ_U(quota_charge(chain[QUOTA_MAX_DEPTH - 1], QUOTA_KERNEL, 500), 0);
    CHECK_EQ_U(quota_charge(chain[3], QUOTA_KERNEL, 1), -KS_ERR_DENIED);
    CHECK_EQ_U(usage_of(chain[0]).used.kernel_bytes, 500);
    quota_uncharge(chain[QUOTA_MAX_DEPTH - 1], QUOTA_KERNEL, 500);
    /* Dropping the leaf's reference frees the whole chain once the
     * others are dropped: each record holds its parent. */
    for (unsigned i = 0; i < QUOTA_MAX_DEPTH - 1; i++)
        quota_unref(chain[i]);
    CHECK_EQ_U(live_allocations, (int)QUOTA_MAX_DEPTH);
    quota_unref(chain[QUOTA_MAX_DEPTH - 1]);
    CHECK_EQ_U(live_allocations, 0);
}

UNIT_TEST(a_record_outlives_its_process_while_referenced)
{
    struct quota *root = new_root(), *child = NULL;
    CHECK_EQ_U(quota_create(root, NULL, &child), 0);
    /* An object charged to the child keeps a reference. */
    quota_ref(child);
    CHECK_EQ_U(quota_charge(child, QUOTA_KERNEL, 40), 0);
    quota_unref(child);                 /* the process ends */
    CHECK_EQ_U(usage_of(child).used.kernel_bytes, 40);
    CHECK_EQ_U(usage_of(root).used.kernel_bytes, 40);
    quota_uncharge(child, QUOTA_KERNEL, 40);   /* the object is freed */
    quota_unref(child);
    CHECK_EQ_U(usage_of(root).used.kernel_bytes, 0);
    CHECK_EQ_U(live_allocations, 1);
    quota_unref(root);
    CHECK_EQ_U(live_allocations, 0);
}

UNIT_TEST(out_of_memory_is_a_clean_error)
{
    struct quota *root = new_root(), *child = NULL;
    fail_next_allocation = 1;
    CHECK_EQ_U(quota_create(root, NULL, &child), -KS_ERR_NO_MEMORY);
    CHECK(child == NULL);
    quota_unref(root);
    CHECK_EQ_U(live_allocations, 0);
}

UNIT_TEST(the_handle_limit_follows_the_attached_table)
{
    struct quota *root = new_root(), *child = NULL;
    CHECK_EQ_U(quota_create(root, NULL, &child), 0);
    struct handle_table t = { .limit = 1024, .used = 7 };
    quota_attach_table(child, &t);
    CHECK_EQ_U(t.limit, 100);
    struct ks_limits want = { .handles = 20 };
    CHECK_EQ_U(quota_set_limits(child, &want, root), 0);
    CHECK_EQ_U(t.limit, 20);
    struct ks_process_usage u = usage_of(child);
    CHECK_EQ_U(u.limits.handles, 20);
    CHECK_EQ_U(u.used.handles, 7);
    quota_detach_table(child);
    CHECK_EQ_U(usage_of(child).used.handles, 0);
    quota_unref(child);
    quota_unref(root);
    CHECK_EQ_U(live_allocations, 0);
}

UNIT_MAIN(
    UNIT_CASE(root_takes_the_limits_given_and_starts_unused),
    UNIT_CASE(charge_up_to_the_limit_then_denied_and_unchanged),
    UNIT_CASE(child_use_counts_against_every_ancestor),
    UNIT_CASE(a_lower_limit_binds_the_child_not_the_creator),
    UNIT_CASE(a_limit_above_the_creators_is_denied_and_changes_nothing),
    UNIT_CASE(depth_is_bounded),
    UNIT_CASE(a_record_outlives_its_process_while_referenced),
    UNIT_CASE(out_of_memory_is_a_clean_error),
    UNIT_CASE(the_handle_limit_follows_the_attached_table)
)
