/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the handle-table host tests (test_handle.c,
 * test_handle_tree.c): a chunk allocator that counts live chunks (so
 * leaks show) and can be told to fail once, and test objects malloc'd
 * and freed by their destroy function (a double destroy or a use after
 * destroy trips ASan), with helpers to install, derive and check tables.
 * Included once per test program.
 */
#ifndef KESTREL_TESTS_UNIT_HANDLE_FIXTURE_H
#define KESTREL_TESTS_UNIT_HANDLE_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include "cap/handle.h"
#include "kestrel/errors.h"
#include "unit.h"

static int live_chunks;
static int fail_next_chunk;

void *handle_chunk_alloc(void)
{
    if (fail_next_chunk) {
        fail_next_chunk = 0;
        return NULL;
    }
    live_chunks++;
    return calloc(HANDLE_CHUNK_SLOTS, sizeof(struct cap));
}

void handle_chunk_free(void *chunk)
{
    live_chunks--;
    free(chunk);
}

static int live_objects;
static int destroy_calls;

static inline void object_destroy(struct kobject *obj)
{
    destroy_calls++;
    live_objects--;
    free(obj);
}

/* Each test counts from zero, so one test's leak fails that test only. */
static inline void counters_reset(void)
{
    live_chunks = 0;
    live_objects = 0;
    fail_next_chunk = 0;
}

/* A new object holding only its creation reference. */
static struct kobject *object_new(uint32_t type)
{
    struct kobject *obj = malloc(sizeof(*obj));
    kobject_init(obj, type, object_destroy);
    live_objects++;
    return obj;
}

/* Install a new object and drop the creation reference: the handle owns it. */
static inline int64_t install_owned(struct handle_table *t, uint32_t type, uint32_t rights)
{
    struct kobject *obj = object_new(type);
    int64_t h = 0;
    if (handle_install(t, obj, rights, 0, &h) < 0)
        h = 0;
    kobject_unref(obj);
    return h;
}

static struct cap *cap_of(struct handle_table *t, int64_t h)
{
    struct cap *cap = NULL;
    return handle_lookup(t, h, KS_OBJECT_NONE, 0, &cap) == 0 ? cap : NULL;
}

static inline int64_t derive(struct handle_table *from_table, int64_t from, struct handle_table *to,
                      uint32_t rights)
{
    int64_t h = 0;
    struct cap *src = cap_of(from_table, from);
    if (src == NULL || handle_derive(src, to, rights, 0, &h) < 0)
        return 0;
    return h;
}

/* Every used slot is where it says, sits in its parent's child list, and
 * its child list links back; the free list holds exactly the free slots. */
static inline int table_consistent(struct handle_table *t)
{
    uint32_t used = 0, free_count = 0;
    for (uint32_t s = 0; s < t->chunk_count * HANDLE_CHUNK_SLOTS; s++) {
        struct cap *cap = &t->chunks[s / HANDLE_CHUNK_SLOTS][s % HANDLE_CHUNK_SLOTS];
        if (cap->table != t || cap->slot != s)
            return 0;
        if (cap->obj == NULL)
            continue;
        used++;
        if (cap->parent == NULL && (cap->next_sibling || cap->prev_sibling))
            return 0;
        if (cap->parent != NULL) {
            struct cap *c = cap->parent->first_child;
            while (c != NULL && c != cap)
                c = c->next_sibling;
            if (c == NULL)
                return 0;
        }
        for (struct cap *c = cap->first_child; c != NULL; c = c->next_sibling)
            if (c->parent != cap || (c->next_sibling && c->next_sibling->prev_sibling != c) ||
                c->obj == NULL)
                return 0;
    }
    for (uint32_t f = t->free_head; f != 0; f = t->chunks[(f - 1) / HANDLE_CHUNK_SLOTS]
                                                 [(f - 1) % HANDLE_CHUNK_SLOTS].next_free) {
        if (++free_count > t->chunk_count * HANDLE_CHUNK_SLOTS)
            return 0;
    }
    return used == t->used && used + free_count == t->chunk_count * HANDLE_CHUNK_SLOTS;
}

#endif /* KESTREL_TESTS_UNIT_HANDLE_FIXTURE_H */
