/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the handle table (kernel/cap/handle.c): lookups check
 * generation, type and rights; malformed and stale values are refused;
 * derive narrows rights; each object is destroyed exactly once, when its
 * last reference goes; limits and chunk growth.  The derivation tree's
 * revoke, close, move and fini are in test_handle_tree.c.
 */
#include <stdint.h>
#include "handle_fixture.h"

UNIT_TEST(install_lookup_close_roundtrip)
{
    counters_reset();
    struct handle_table t;
    handle_table_init(&t, 16);
    struct kobject *obj = object_new(KS_OBJECT_NOTIFICATION);
    int64_t h = 0;
    CHECK_EQ_U(handle_install(&t, obj, KS_RIGHT_READ | KS_RIGHT_WAIT, 77, &h), 0);
    CHECK(h > 0);
    CHECK_EQ_U(obj->refs, 2);
    struct cap *cap = NULL;
    CHECK_EQ_U(handle_lookup(&t, h, KS_OBJECT_NOTIFICATION, KS_RIGHT_WAIT, &cap), 0);
    CHECK(cap->obj == obj);
    CHECK_EQ_U(cap->rights, KS_RIGHT_READ | KS_RIGHT_WAIT);
    CHECK_EQ_U(cap->badge, 77);
    CHECK_EQ_U(handle_value(cap), h);
    CHECK_EQ_U(handle_children(cap), 0);
    CHECK_EQ_U(t.used, 1);
    CHECK_EQ_U(handle_close(&t, h), 0);
    CHECK_EQ_U(handle_lookup(&t, h, KS_OBJECT_NONE, 0, &cap), -KS_ERR_BAD_HANDLE);
    CHECK_EQ_U(handle_close(&t, h), -KS_ERR_BAD_HANDLE);
    CHECK_EQ_U(t.used, 0);
    CHECK_EQ_U(obj->refs, 1);
    int before = destroy_calls;
    kobject_unref(obj);
    CHECK_EQ_U(destroy_calls, before + 1);
    handle_table_fini(&t);
    CHECK_EQ_U(live_chunks, 0);
}

UNIT_TEST(stale_handle_after_slot_reuse)
{
    counters_reset();
    struct handle_table t;
    handle_table_init(&t, 16);
    int64_t first = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    CHECK_EQ_U(handle_close(&t, first), 0);
    int64_t second = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    /* The same slot, a new generation. */
    CHECK_EQ_U(second & ((1 << HANDLE_SLOT_BITS) - 1), first & ((1 << HANDLE_SLOT_BITS) - 1));
    CHECK(second != first && second > 0);
    CHECK(cap_of(&t, first) == NULL);
    CHECK(cap_of(&t, second) != NULL);
    CHECK_EQ_U(handle_close(&t, first), -KS_ERR_BAD_HANDLE);
    CHECK(cap_of(&t, second) != NULL);
    handle_table_fini(&t);
    CHECK_EQ_U(live_chunks, 0);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(generation_wrap_keeps_values_positive)
{
    counters_reset();
    struct handle_table t;
    handle_table_init(&t, 4);
    int64_t h = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    struct cap *cap = cap_of(&t, h);
    cap->generation = UINT32_MAX;  /* as after 2^32 - 1 reuses of the slot */
    int64_t old = handle_value(cap);
    CHECK(old > 0 && cap_of(&t, h) == NULL);
    CHECK_EQ_U(handle_close(&t, old), 0);
    int64_t wrapped = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    CHECK(wrapped > 0);
    CHECK_EQ_U(cap_of(&t, wrapped)->generation, 0);
    CHECK(cap_of(&t, old) == NULL);
    handle_table_fini(&t);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(malformed_values_are_bad_handles)
{
    counters_reset();
    struct handle_table t;
    handle_table_init(&t, 128);
    int64_t h = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    CHECK(h > 0);
    CHECK_EQ_U(t.chunk_count, 1);
    const int64_t slot_mask = (1 << HANDLE_SLOT_BITS) - 1;
    const int64_t bad[] = {
        0, -1, -h, INT64_MIN, INT64_MAX,
        h & ~slot_mask,                       /* slot part 0 */
        (h & ~slot_mask) | (HANDLE_CHUNK_SLOTS + 1),/* slot 64: chunk 1 not allocated */
        (h & ~slot_mask) | slot_mask,         /* the largest slot */
        h | (1ll << (HANDLE_SLOT_BITS + 32)), /* generation beyond 32 bits */
        h + (1 << HANDLE_SLOT_BITS),          /* the next generation */
        h + 1,                                /* a free slot in the chunk */
    };
    struct cap *cap = NULL;
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_EQ_U(handle_lookup(&t, bad[i], KS_OBJECT_NONE, 0, &cap), -KS_ERR_BAD_HANDLE);
        CHECK_EQ_U(handle_close(&t, bad[i]), -KS_ERR_BAD_HANDLE);
    }
    CHECK(cap == NULL);
    CHECK(cap_of(&t, h) != NULL);
    /* An empty table has no chunk at all. */
    struct handle_table empty;
    handle_table_init(&empty, 8);
    CHECK_EQ_U(handle_lookup(&empty, 1, KS_OBJECT_NONE, 0, &cap), -KS_ERR_BAD_HANDLE);
    handle_table_fini(&t);
    handle_table_fini(&empty);
    CHECK_EQ_U(live_chunks, 0);
}

UNIT_TEST(lookup_checks_type_then_rights)
{
    counters_reset();
    struct handle_table t;
    handle_table_init(&t, 8);
    int64_t h = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHT_READ | KS_RIGHT_WAIT);
    struct cap *cap = NULL;
    CHECK_EQ_U(handle_lookup(&t, h, KS_OBJECT_ENDPOINT, 0, &cap), -KS_ERR_WRONG_TYPE);
    CHECK_EQ_U(handle_lookup(&t, h, KS_OBJECT_ENDPOINT, KS_RIGHT_SIGNAL, &cap),
               -KS_ERR_WRONG_TYPE);
    CHECK(cap == NULL);
    CHECK_EQ_U(handle_lookup(&t, h, KS_OBJECT_NONE, KS_RIGHT_READ, &cap), 0);
    CHECK_EQ_U(handle_lookup(&t, h, KS_OBJECT_NOTIFICATION, KS_RIGHT_READ | KS_RIGHT_WAIT,
                             &cap), 0);
    cap = NULL;
    CHECK_EQ_U(handle_lookup(&t, h, KS_OBJECT_NOTIFICATION, KS_RIGHT_SIGNAL, &cap),
               -KS_ERR_DENIED);
    CHECK_EQ_U(handle_lookup(&t, h, KS_OBJECT_NONE, KS_RIGHT_READ | KS_RIGHT_WRITE, &cap),
               -KS_ERR_DENIED);
    CHECK(cap == NULL);
    handle_table_fini(&t);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(derive_narrows_rights_only)
{
    counters_reset();
    struct handle_table t;
    handle_table_init(&t, 8);
    int64_t root = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHT_SIGNAL | KS_RIGHT_WAIT);
    struct cap *src = cap_of(&t, root);
    int64_t h = 0;
    CHECK_EQ_U(handle_derive(src, &t, KS_RIGHT_SIGNAL | KS_RIGHT_MANAGE, 0, &h),
               -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(t.used, 1);
    CHECK_EQ_U(src->obj->refs, 1);
    CHECK_EQ_U(handle_derive(src, &t, KS_RIGHT_SIGNAL | KS_RIGHT_WAIT, 5, &h), 0);
    int64_t signal_only = 0;
    CHECK_EQ_U(handle_derive(cap_of(&t, h), &t, KS_RIGHT_SIGNAL, 9, &signal_only), 0);
    CHECK_EQ_U(handle_derive(cap_of(&t, signal_only), &t, KS_RIGHT_WAIT, 0, &h),
               -KS_ERR_INVALID_ARGUMENT);
    struct cap *narrow = cap_of(&t, signal_only);
    CHECK_EQ_U(narrow->rights, KS_RIGHT_SIGNAL);
    CHECK_EQ_U(narrow->badge, 9);
    CHECK(narrow->obj == src->obj);
    CHECK_EQ_U(src->obj->refs, 3);
    CHECK_EQ_U(handle_children(src), 1);
    CHECK(narrow->parent->parent == src);
    CHECK(table_consistent(&t));
    handle_table_fini(&t);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(object_destroyed_once_when_last_reference_goes)
{
    counters_reset();
    struct handle_table a, b;
    handle_table_init(&a, 8);
    handle_table_init(&b, 8);
    struct kobject *obj = object_new(KS_OBJECT_NOTIFICATION);
    int64_t root = 0;
    CHECK_EQ_U(handle_install(&a, obj, KS_RIGHTS_ALL, 0, &root), 0);
    int64_t d1 = derive(&a, root, &b, KS_RIGHT_READ);
    int64_t d2 = derive(&a, root, &a, KS_RIGHT_READ);
    CHECK(d1 > 0 && d2 > 0);
    kobject_ref(obj);      /* a kernel user, e.g. a blocked waiter */
    kobject_unref(obj);    /* the creation reference */
    CHECK_EQ_U(obj->refs, 4);
    int before = destroy_calls;
    CHECK_EQ_U(handle_close(&a, root), 0);
    CHECK_EQ_U(handle_close(&b, d1), 0);
    CHECK_EQ_U(handle_close(&a, d2), 0);
    CHECK_EQ_U(destroy_calls, before);
    CHECK_EQ_U(obj->refs, 1);
    kobject_unref(obj);
    CHECK_EQ_U(destroy_calls, before + 1);
    CHECK_EQ_U(live_objects, 0);
    handle_table_fini(&a);
    handle_table_fini(&b);
    CHECK_EQ_U(destroy_calls, before + 1);
}

UNIT_TEST(object_ids_are_unique_and_nonzero)
{
    counters_reset();
    struct kobject *x = object_new(KS_OBJECT_NOTIFICATION);
    struct kobject *y = object_new(KS_OBJECT_ENDPOINT);
    CHECK(x->id != 0 && y->id > x->id);
    CHECK_EQ_U(x->refs, 1);
    CHECK_EQ_U(y->type, KS_OBJECT_ENDPOINT);
    kobject_unref(x);
    kobject_unref(y);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(limit_reached_is_denied_without_side_effects)
{
    counters_reset();
    struct handle_table t, other;
    handle_table_init(&t, 5);
    handle_table_init(&other, 5);
    int64_t h[5];
    for (int i = 0; i < 5; i++)
        CHECK((h[i] = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL)) > 0);
    struct kobject *obj = object_new(KS_OBJECT_NOTIFICATION);
    int64_t out = 0;
    CHECK_EQ_U(handle_install(&t, obj, KS_RIGHTS_ALL, 0, &out), -KS_ERR_DENIED);
    CHECK_EQ_U(obj->refs, 1);
    int64_t mover = install_owned(&other, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    CHECK_EQ_U(handle_derive(cap_of(&other, mover), &t, KS_RIGHT_READ, 0, &out),
               -KS_ERR_DENIED);
    CHECK_EQ_U(handle_move(cap_of(&other, mover), &t, &out), -KS_ERR_DENIED);
    CHECK(cap_of(&other, mover) != NULL);
    CHECK_EQ_U(handle_children(cap_of(&other, mover)), 0);
    CHECK_EQ_U(t.used, 5);
    CHECK_EQ_U(handle_close(&t, h[2]), 0);
    CHECK_EQ_U(handle_install(&t, obj, KS_RIGHTS_ALL, 0, &out), 0);
    kobject_unref(obj);
    CHECK(table_consistent(&t) && table_consistent(&other));
    handle_table_fini(&t);
    handle_table_fini(&other);
    CHECK_EQ_U(live_objects, 0);
    CHECK_EQ_U(live_chunks, 0);
}

UNIT_TEST(grows_across_chunks_up_to_the_maximum)
{
    counters_reset();
    static int64_t h[HANDLE_CHUNK_SLOTS * HANDLE_MAX_CHUNKS];
    struct handle_table t;
    handle_table_init(&t, 100000);  /* above what the chunk array can hold */
    struct kobject *obj = object_new(KS_OBJECT_NOTIFICATION);
    const unsigned max = HANDLE_CHUNK_SLOTS * HANDLE_MAX_CHUNKS;
    for (unsigned i = 0; i < max; i++) {
        CHECK_EQ_U(handle_install(&t, obj, KS_RIGHT_READ, i, &h[i]), 0);
        if (i == HANDLE_CHUNK_SLOTS)
            CHECK_EQ_U(t.chunk_count, 2);
    }
    CHECK_EQ_U(t.chunk_count, HANDLE_MAX_CHUNKS);
    CHECK_EQ_U(live_chunks, HANDLE_MAX_CHUNKS);
    int64_t out = 0;
    CHECK_EQ_U(handle_install(&t, obj, KS_RIGHT_READ, 0, &out), -KS_ERR_DENIED);
    for (unsigned i = 0; i < max; i += 97)
        CHECK_EQ_U(cap_of(&t, h[i])->badge, i);
    CHECK_EQ_U(obj->refs, max + 1);
    CHECK(table_consistent(&t));
    kobject_unref(obj);
    handle_table_fini(&t);
    CHECK_EQ_U(live_chunks, 0);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(chunk_allocation_failure_is_no_memory)
{
    counters_reset();
    struct handle_table t;
    handle_table_init(&t, 8);
    struct kobject *obj = object_new(KS_OBJECT_NOTIFICATION);
    int64_t h = 0;
    fail_next_chunk = 1;
    CHECK_EQ_U(handle_install(&t, obj, KS_RIGHTS_ALL, 0, &h), -KS_ERR_NO_MEMORY);
    CHECK_EQ_U(obj->refs, 1);
    CHECK_EQ_U(t.used, 0);
    CHECK_EQ_U(t.chunk_count, 0);
    CHECK_EQ_U(handle_install(&t, obj, KS_RIGHTS_ALL, 0, &h), 0);
    kobject_unref(obj);
    handle_table_fini(&t);
    CHECK_EQ_U(live_objects, 0);
}

/* The removal hook: what it saw, in order. */
#define HOOK_LOG_MAX 16
static int64_t hook_log[HOOK_LOG_MAX];
static uint32_t hook_rights[HOOK_LOG_MAX];
static int hook_calls;
static int hook_saw_partial_cap;

static void record_removal(struct kobject *obj, struct cap *cap)
{
    /* The capability is still whole when the hook runs. */
    if (cap->obj != obj || cap->table == NULL)
        hook_saw_partial_cap = 1;
    if (hook_calls < HOOK_LOG_MAX) {
        hook_log[hook_calls] = handle_value(cap);
        hook_rights[hook_calls] = cap->rights;
    }
    hook_calls++;
}

UNIT_TEST(removal_hook_runs_once_per_capability_removed)
{
    counters_reset();
    hook_calls = 0;
    hook_saw_partial_cap = 0;
    struct handle_table t, other;
    handle_table_init(&t, 16);
    handle_table_init(&other, 16);
    struct kobject *obj = object_new(KS_OBJECT_IO_PORTS);
    obj->cap_removed = record_removal;
    int64_t root = 0;
    CHECK_EQ_U(handle_install(&t, obj, KS_RIGHTS_ALL, 0, &root), 0);
    kobject_unref(obj);
    int64_t a = derive(&t, root, &t, KS_RIGHT_READ);
    int64_t b = derive(&t, root, &t, KS_RIGHT_WRITE);
    int64_t c = derive(&t, a, &other, KS_RIGHT_READ);
    CHECK(a > 0 && b > 0 && c > 0);
    /* Lookups, derives and failed closes are not removals. */
    CHECK_EQ_U(hook_calls, 0);
    CHECK_EQ_U(handle_close(&t, b), 0);
    CHECK_EQ_U(hook_calls, 1);
    CHECK_EQ_U(hook_log[0], b);
    CHECK_EQ_U(hook_rights[0], KS_RIGHT_WRITE);
    CHECK_EQ_U(handle_close(&t, b), -KS_ERR_BAD_HANDLE);
    CHECK_EQ_U(hook_calls, 1);
    /* Revoke: every descendant, in any table, leaf first. */
    CHECK_EQ_U(handle_revoke(cap_of(&t, root), 64), 0);
    CHECK_EQ_U(hook_calls, 3);
    CHECK_EQ_U(hook_log[1], c);
    CHECK_EQ_U(hook_log[2], a);
    /* A move takes the capability out of its old slot. */
    int64_t moved = 0;
    CHECK_EQ_U(handle_move(cap_of(&t, root), &other, &moved), 0);
    CHECK_EQ_U(hook_calls, 4);
    CHECK_EQ_U(hook_log[3], root);
    /* Table fini removes what is left. */
    handle_table_fini(&other);
    CHECK_EQ_U(hook_calls, 5);
    CHECK_EQ_U(hook_log[4], moved);
    CHECK_EQ_U(live_objects, 0);
    /* An object without the hook is unaffected. */
    int64_t plain = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    CHECK_EQ_U(handle_close(&t, plain), 0);
    CHECK_EQ_U(hook_calls, 5);
    CHECK_EQ_U(hook_saw_partial_cap, 0);
    handle_table_fini(&t);
    CHECK_EQ_U(live_chunks, 0);
}

/* Revoke until done, counting the calls that returned -AGAIN. */

UNIT_MAIN(
    UNIT_CASE(install_lookup_close_roundtrip),
    UNIT_CASE(stale_handle_after_slot_reuse),
    UNIT_CASE(generation_wrap_keeps_values_positive),
    UNIT_CASE(malformed_values_are_bad_handles),
    UNIT_CASE(lookup_checks_type_then_rights),
    UNIT_CASE(derive_narrows_rights_only),
    UNIT_CASE(object_destroyed_once_when_last_reference_goes),
    UNIT_CASE(object_ids_are_unique_and_nonzero),
    UNIT_CASE(limit_reached_is_denied_without_side_effects),
    UNIT_CASE(grows_across_chunks_up_to_the_maximum),
    UNIT_CASE(chunk_allocation_failure_is_no_memory),
    UNIT_CASE(removal_hook_runs_once_per_capability_removed)
)
