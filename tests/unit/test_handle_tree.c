/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the derivation tree (kernel/cap/handle.c): revoke in
 * budget-sized steps through a 10,000-deep chain on a 64 KiB thread stack
 * (no recursion), a wide tree and several tables; close re-parents; move
 * keeps the tree; fini releases every chunk; and a random mix of
 * operations matches a model.
 */
#include <pthread.h>
#include <stdint.h>
#include "handle_fixture.h"

static int revoke_steps(struct cap *cap, unsigned budget, int *again_calls)
{
    int err;
    *again_calls = 0;
    while ((err = handle_revoke(cap, budget)) == -KS_ERR_AGAIN)
        ++*again_calls;
    return err;
}

/* Revoke on a thread with a 64 KiB stack: a walk that recursed once per
 * level of a 10,000-deep chain would overflow it. */
struct revoke_job { struct cap *cap; unsigned budget; int result, again_calls; };

static void *revoke_job_run(void *arg)
{
    struct revoke_job *job = arg;
    job->result = revoke_steps(job->cap, job->budget, &job->again_calls);
    return NULL;
}

static int revoke_on_small_stack(struct revoke_job *job)
{
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, 64 * 1024) != 0 ||
        pthread_create(&thread, &attr, revoke_job_run, job) != 0)
        return -1;
    pthread_attr_destroy(&attr);
    return pthread_join(thread, NULL);
}

UNIT_TEST(revoke_deep_chain_in_steps_without_recursion)
{
    counters_reset();
    enum { DEPTH = 10000, TABLES = 3 };
    static struct handle_table t[TABLES];
    for (int i = 0; i < TABLES; i++)
        handle_table_init(&t[i], HANDLE_CHUNK_SLOTS * HANDLE_MAX_CHUNKS);
    int64_t root = install_owned(&t[0], KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    int64_t tip = root, first = 0;
    struct handle_table *tip_table = &t[0];
    for (int level = 1; level <= DEPTH; level++) {
        struct handle_table *to = &t[(level * TABLES) / (DEPTH + 1)];
        tip = derive(tip_table, tip, to, KS_RIGHTS_ALL);
        CHECK(tip > 0);
        tip_table = to;
        if (level == 1)
            first = tip;
    }
    struct cap *root_cap = cap_of(&t[0], root);
    CHECK_EQ_U(root_cap->obj->refs, DEPTH + 1);
    CHECK_EQ_U(handle_revoke(root_cap, 0), -KS_ERR_AGAIN);
    CHECK_EQ_U(handle_revoke(root_cap, 1), -KS_ERR_AGAIN);
    CHECK_EQ_U(t[0].used + t[1].used + t[2].used, DEPTH);  /* exactly one went */
    CHECK(cap_of(tip_table, tip) == NULL);                   /* the deepest */
    struct revoke_job job = { root_cap, 1000, -1, 0 };
    CHECK_EQ_U(revoke_on_small_stack(&job), 0);
    CHECK_EQ_U(job.result, 0);
    CHECK_EQ_U(job.again_calls, 9);  /* 9,999 left: ten calls, the last returns 0 */
    CHECK_EQ_U(t[0].used, 1);
    CHECK_EQ_U(t[1].used + t[2].used, 0);
    CHECK(cap_of(&t[0], first) == NULL);
    CHECK(cap_of(&t[0], root) == root_cap);
    CHECK_EQ_U(root_cap->obj->refs, 1);
    CHECK_EQ_U(handle_revoke(root_cap, 0), 0);
    for (int i = 0; i < TABLES; i++) {
        CHECK(table_consistent(&t[i]));
        handle_table_fini(&t[i]);
    }
    CHECK_EQ_U(live_chunks, 0);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(revoke_wide_tree_in_budget_steps)
{
    counters_reset();
    struct handle_table t;
    handle_table_init(&t, 4096);
    int64_t root = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    int64_t keep = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    for (int i = 0; i < 500; i++) {
        int64_t child = derive(&t, root, &t, KS_RIGHT_READ | KS_RIGHT_WAIT);
        for (int j = 0; j < 3; j++)
            CHECK(derive(&t, child, &t, KS_RIGHT_READ) > 0);
    }
    struct cap *root_cap = cap_of(&t, root);
    CHECK_EQ_U(handle_children(root_cap), 500);
    CHECK_EQ_U(t.used, 2002);
    CHECK_EQ_U(handle_revoke(root_cap, 64), -KS_ERR_AGAIN);
    CHECK_EQ_U(t.used, 2002 - 64);  /* exactly the budget, no more */
    CHECK(table_consistent(&t));
    int again = 0;
    CHECK_EQ_U(revoke_steps(root_cap, 64, &again), 0);
    CHECK_EQ_U(again, 30);  /* 1,936 left: ceil(1936 / 64) = 31 calls */
    CHECK_EQ_U(t.used, 2);
    CHECK_EQ_U(handle_children(root_cap), 0);
    CHECK(cap_of(&t, keep) != NULL);
    CHECK(table_consistent(&t));
    handle_table_fini(&t);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(revoke_removes_only_the_subtree_across_tables)
{
    counters_reset();
    struct handle_table a, b;
    handle_table_init(&a, 16);
    handle_table_init(&b, 16);
    int64_t root = install_owned(&a, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    int64_t left = derive(&a, root, &b, KS_RIGHTS_ALL);
    int64_t right = derive(&a, root, &a, KS_RIGHTS_ALL);
    int64_t left_a = derive(&b, left, &a, KS_RIGHT_READ);
    int64_t left_b = derive(&b, left, &b, KS_RIGHT_READ);
    int64_t deep = derive(&a, left_a, &b, KS_RIGHT_READ);
    int64_t right_child = derive(&a, right, &b, KS_RIGHT_READ);
    CHECK(deep > 0 && right_child > 0 && left_b > 0);
    CHECK_EQ_U(handle_revoke(cap_of(&b, left), 100), 0);
    CHECK(cap_of(&b, left) != NULL);
    CHECK(cap_of(&a, left_a) == NULL && cap_of(&b, left_b) == NULL && cap_of(&b, deep) == NULL);
    CHECK(cap_of(&a, right) != NULL && cap_of(&b, right_child) != NULL);
    CHECK_EQ_U(handle_children(cap_of(&a, root)), 2);
    CHECK(table_consistent(&a) && table_consistent(&b));
    CHECK_EQ_U(handle_revoke(cap_of(&a, root), 100), 0);
    CHECK_EQ_U(a.used, 1);
    CHECK_EQ_U(b.used, 0);
    CHECK(cap_of(&b, right_child) == NULL);
    CHECK_EQ_U(handle_revoke(NULL, 1), -KS_ERR_BAD_HANDLE);
    handle_table_fini(&a);
    handle_table_fini(&b);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(close_reparents_children_to_the_grandparent)
{
    counters_reset();
    struct handle_table a, b;
    handle_table_init(&a, 16);
    handle_table_init(&b, 16);
    int64_t grand = install_owned(&a, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    int64_t sibling = derive(&a, grand, &a, KS_RIGHTS_ALL);
    int64_t parent = derive(&a, grand, &b, KS_RIGHTS_ALL);
    int64_t child1 = derive(&b, parent, &a, KS_RIGHT_READ);
    int64_t child2 = derive(&b, parent, &b, KS_RIGHT_READ);
    CHECK_EQ_U(handle_close(&b, parent), 0);
    struct cap *g = cap_of(&a, grand);
    CHECK(cap_of(&a, child1)->parent == g && cap_of(&b, child2)->parent == g);
    CHECK_EQ_U(handle_children(g), 3);
    CHECK(cap_of(&a, sibling)->parent == g);
    CHECK(table_consistent(&a) && table_consistent(&b));
    CHECK_EQ_U(handle_revoke(g, 10), 0);
    CHECK(cap_of(&a, child1) == NULL && cap_of(&b, child2) == NULL);
    CHECK(cap_of(&a, sibling) == NULL);
    handle_table_fini(&a);
    handle_table_fini(&b);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(closing_a_root_makes_its_children_roots)
{
    counters_reset();
    struct handle_table t;
    handle_table_init(&t, 16);
    int64_t root = install_owned(&t, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    int64_t x = derive(&t, root, &t, KS_RIGHTS_ALL);
    int64_t y = derive(&t, root, &t, KS_RIGHTS_ALL);
    int64_t y_child = derive(&t, y, &t, KS_RIGHT_READ);
    CHECK_EQ_U(handle_close(&t, root), 0);
    struct cap *cx = cap_of(&t, x), *cy = cap_of(&t, y);
    CHECK(cx->parent == NULL && cx->next_sibling == NULL && cx->prev_sibling == NULL);
    CHECK(cy->parent == NULL && cy->next_sibling == NULL && cy->prev_sibling == NULL);
    CHECK_EQ_U(handle_revoke(cx, 4), 0);
    CHECK(cap_of(&t, y_child) != NULL);  /* no longer related to x */
    CHECK_EQ_U(cx->obj->refs, 3);
    CHECK(table_consistent(&t));
    handle_table_fini(&t);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(move_keeps_parent_children_and_siblings)
{
    counters_reset();
    struct handle_table a, b;
    handle_table_init(&a, 16);
    handle_table_init(&b, 16);
    int64_t root = install_owned(&a, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    int64_t before = derive(&a, root, &a, KS_RIGHTS_ALL);
    int64_t mid = derive(&a, root, &a, KS_RIGHT_READ | KS_RIGHT_WAIT);
    int64_t after = derive(&a, root, &a, KS_RIGHTS_ALL);
    int64_t c1 = derive(&a, mid, &a, KS_RIGHT_READ);
    int64_t c2 = derive(&a, mid, &b, KS_RIGHT_WAIT);
    struct cap *old = cap_of(&a, mid);
    struct kobject *obj = old->obj;
    old->badge = 42;
    int64_t moved_h = 0;
    CHECK_EQ_U(handle_move(old, &b, &moved_h), 0);
    CHECK(cap_of(&a, mid) == NULL);
    struct cap *moved = cap_of(&b, moved_h);
    CHECK(moved != NULL && moved->obj == obj && moved->badge == 42);
    CHECK_EQ_U(moved->rights, KS_RIGHT_READ | KS_RIGHT_WAIT);
    CHECK_EQ_U(obj->refs, 6);
    CHECK(moved->parent == cap_of(&a, root));
    CHECK(cap_of(&a, c1)->parent == moved && cap_of(&b, c2)->parent == moved);
    CHECK_EQ_U(handle_children(moved), 2);
    CHECK_EQ_U(handle_children(cap_of(&a, root)), 3);
    CHECK(cap_of(&a, before) != NULL && cap_of(&a, after) != NULL);
    CHECK(table_consistent(&a) && table_consistent(&b));
    CHECK_EQ_U(a.used, 4);
    CHECK_EQ_U(b.used, 2);
    /* A root that is the first child of nobody moves too. */
    int64_t root_moved = 0;
    CHECK_EQ_U(handle_move(cap_of(&a, root), &b, &root_moved), 0);
    CHECK_EQ_U(handle_revoke(cap_of(&b, root_moved), 3), -KS_ERR_AGAIN);
    CHECK_EQ_U(handle_revoke(cap_of(&b, root_moved), 3), 0);
    CHECK_EQ_U(a.used + b.used, 1);
    CHECK_EQ_U(obj->refs, 1);
    handle_table_fini(&a);
    handle_table_fini(&b);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_TEST(table_fini_releases_everything_and_reparents_outside)
{
    counters_reset();
    struct handle_table a, b;
    handle_table_init(&a, 128);
    handle_table_init(&b, 128);
    int64_t outer_root = install_owned(&b, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL);
    int64_t inner = derive(&b, outer_root, &a, KS_RIGHTS_ALL);
    int64_t inner_child = derive(&a, inner, &a, KS_RIGHTS_ALL);
    int64_t outer_grandchild = derive(&a, inner_child, &b, KS_RIGHT_READ);
    int64_t a_root = install_owned(&a, KS_OBJECT_ENDPOINT, KS_RIGHTS_ALL);
    int64_t orphan = derive(&a, a_root, &b, KS_RIGHT_READ);
    for (int i = 0; i < 100; i++)
        CHECK(install_owned(&a, KS_OBJECT_NOTIFICATION, KS_RIGHTS_ALL) > 0);
    CHECK_EQ_U(live_chunks, 3);
    handle_table_fini(&a);
    CHECK_EQ_U(a.used, 0);
    CHECK_EQ_U(a.chunk_count, 0);
    CHECK_EQ_U(live_chunks, 1);
    CHECK_EQ_U(live_objects, 2);
    CHECK(cap_of(&b, outer_grandchild)->parent == cap_of(&b, outer_root));
    struct cap *o = cap_of(&b, orphan);
    CHECK(o->parent == NULL && o->next_sibling == NULL && o->prev_sibling == NULL);
    CHECK(table_consistent(&b));
    CHECK_EQ_U(handle_revoke(cap_of(&b, outer_root), 1), 0);
    CHECK(cap_of(&b, outer_grandchild) == NULL);
    handle_table_fini(&b);
    CHECK_EQ_U(live_chunks, 0);
    CHECK_EQ_U(live_objects, 0);
}

/*
 * Random install / derive / close / revoke / move over three small tables
 * (so limits are hit), checked after every step against a model that only
 * records each handle's table and parent.
 */
enum { MODEL_NODES = 12000, MODEL_TABLES = 3, MODEL_LIMIT = 60, MODEL_STEPS = 8000 };
struct model_node { int alive, table, parent; int64_t handle; };
static struct model_node nodes[MODEL_NODES];
static int node_count;
static struct handle_table mtables[MODEL_TABLES];
static uint64_t rng_state = 0x243F6A8885A308D3ull;

static uint32_t rng(uint32_t bound)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % bound);
}

static int model_used(int table)
{
    int used = 0;
    for (int i = 0; i < node_count; i++)
        used += nodes[i].alive && nodes[i].table == table;
    return used;
}

static struct cap *model_cap(int i)
{
    return cap_of(&mtables[nodes[i].table], nodes[i].handle);
}

static int model_pick_alive(void)
{
    for (int tries = 0; tries < 64 && node_count > 0; tries++) {
        int i = (int)rng((uint32_t)node_count);
        if (nodes[i].alive)
            return i;
    }
    return -1;
}

static int model_is_descendant(int i, int ancestor)
{
    for (int p = nodes[i].parent; p >= 0; p = nodes[p].parent)
        if (p == ancestor)
            return 1;
    return 0;
}

static int model_matches(void)
{
    static uint32_t children[MODEL_NODES];
    memset(children, 0, sizeof(children));
    for (int i = 0; i < node_count; i++)
        if (nodes[i].alive && nodes[i].parent >= 0)
            children[nodes[i].parent]++;
    for (int i = 0; i < node_count; i++) {
        if (!nodes[i].alive)
            continue;
        struct cap *cap = model_cap(i);
        if (cap == NULL || handle_children(cap) != children[i])
            return 0;
        if (cap->parent != (nodes[i].parent < 0 ? NULL : model_cap(nodes[i].parent)))
            return 0;
    }
    for (int t = 0; t < MODEL_TABLES; t++)
        if (!table_consistent(&mtables[t]) || (int)mtables[t].used != model_used(t))
            return 0;
    return 1;
}

static int model_new_node(int table, int parent, int64_t handle)
{
    nodes[node_count] = (struct model_node){ 1, table, parent, handle };
    return node_count++;
}

/* One random operation; returns 0 when the table disagrees with the model. */
static int model_step(struct kobject *obj)
{
    int op = (int)rng(10), i = model_pick_alive(), to = (int)rng(MODEL_TABLES);
    int full = model_used(to) >= MODEL_LIMIT;
    int64_t h = 0;
    if (op < 2 || i < 0) {
        int err = handle_install(&mtables[to], obj, KS_RIGHTS_ALL, 0, &h);
        if (err == 0)
            model_new_node(to, -1, h);
        return err == (full ? -KS_ERR_DENIED : 0);
    }
    if (op < 4) {
        int err = handle_derive(model_cap(i), &mtables[to], KS_RIGHTS_ALL, 0, &h);
        if (err == 0)
            model_new_node(to, i, h);
        return err == (full ? -KS_ERR_DENIED : 0);
    }
    if (op < 7) {
        int64_t old = nodes[i].handle;
        if (handle_close(&mtables[nodes[i].table], old) != 0)
            return 0;
        nodes[i].alive = 0;
        for (int c = 0; c < node_count; c++)
            if (nodes[c].alive && nodes[c].parent == i)
                nodes[c].parent = nodes[i].parent;
        return cap_of(&mtables[nodes[i].table], old) == NULL;
    }
    if (op < 8) {
        int again = 0, removed = 0;
        unsigned budget = 1 + rng(8);
        while (nodes[i].parent >= 0 && rng(4) != 0)  /* favour bigger subtrees */
            i = nodes[i].parent;
        for (int c = 0; c < node_count; c++)
            removed += nodes[c].alive && model_is_descendant(c, i);
        if (revoke_steps(model_cap(i), budget, &again) != 0 ||
            again != (removed + (int)budget - 1) / (int)budget - (removed > 0))
            return 0;
        for (int c = 0; c < node_count; c++)
            if (nodes[c].alive && model_is_descendant(c, i))
                nodes[c].alive = 0;
        return 1;
    }
    int err = handle_move(model_cap(i), &mtables[to], &h);
    if (err == 0) {
        nodes[i].table = to;
        nodes[i].handle = h;
    }
    return err == (full ? -KS_ERR_DENIED : 0);
}

UNIT_TEST(random_operations_match_a_model)
{
    counters_reset();
    for (int t = 0; t < MODEL_TABLES; t++)
        handle_table_init(&mtables[t], MODEL_LIMIT);
    struct kobject *obj = object_new(KS_OBJECT_NOTIFICATION);
    node_count = 0;
    for (int step = 0; step < MODEL_STEPS && node_count < MODEL_NODES - 1; step++) {
        if (!model_step(obj) || !model_matches()) {
            printf("  (diverged at step %d)\n", step);
            CHECK(0);
        }
        int alive = 0;
        for (int t = 0; t < MODEL_TABLES; t++)
            alive += (int)mtables[t].used;
        CHECK_EQ_U(obj->refs, alive + 1);
    }
    for (int t = MODEL_TABLES - 1; t >= 0; t--)
        handle_table_fini(&mtables[t]);
    CHECK_EQ_U(obj->refs, 1);
    kobject_unref(obj);
    CHECK_EQ_U(live_chunks, 0);
    CHECK_EQ_U(live_objects, 0);
}

UNIT_MAIN(
    UNIT_CASE(revoke_deep_chain_in_steps_without_recursion),
    UNIT_CASE(revoke_wide_tree_in_budget_steps),
    UNIT_CASE(revoke_removes_only_the_subtree_across_tables),
    UNIT_CASE(close_reparents_children_to_the_grandparent),
    UNIT_CASE(closing_a_root_makes_its_children_roots),
    UNIT_CASE(move_keeps_parent_children_and_siblings),
    UNIT_CASE(table_fini_releases_everything_and_reparents_outside),
    UNIT_CASE(random_operations_match_a_model)
)
