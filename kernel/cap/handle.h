/* SPDX-License-Identifier: MIT */
/*
 * Kernel objects, handle tables and the derivation tree (pure logic,
 * host-tested in tests/unit/test_handle.c).
 *
 * A struct kobject heads every object a handle can name; it counts its
 * references (each capability holds one, kernel users take their own) and
 * is destroyed through its destroy function when the count drops to 0.
 *
 * A process's struct handle_table is an array of capability slots, grown
 * in chunks of HANDLE_CHUNK_SLOTS up to its limit (the process's handle
 * quota).  A slot holds a struct cap: the object, the rights, a badge,
 * and its place in the derivation tree (parent, children).  A handle
 * value is (generation << HANDLE_SLOT_BITS) | (slot + 1): never 0, and
 * stale once the slot is freed (the generation moves on).
 *
 * Operations and their errors (all return 0 or a negative KS_ERR_*):
 *   handle_lookup     -BAD_HANDLE (malformed, free or stale), -WRONG_TYPE
 *                     (type != KS_OBJECT_NONE and not the object's),
 *                     -DENIED (a needed right is missing)
 *   handle_install    a new root capability; -DENIED at the table's limit,
 *                     -NO_MEMORY when a chunk cannot be allocated
 *   handle_derive     a child of a capability, into any table, with a
 *                     subset of its rights (-INVALID_ARGUMENT otherwise)
 *   handle_close      free the slot; its children move up to its parent
 *   handle_revoke     remove descendants, at most budget of them per call:
 *                     0 when none remain, -AGAIN when more do (bounded
 *                     work per call, no recursion)
 *   handle_move       the capability changes tables, keeping its place in
 *                     the tree (a transfer that moves)
 *   handle_table_fini close every slot (process end)
 * Each of close, revoke, move and fini calls the object's cap_removed
 * hook (when set) for every capability it takes out of a slot.
 *
 * Locking: the kernel lock (or a single thread in host tests).  Chunks
 * come from handle_chunk_alloc/handle_chunk_free, which the kernel (and
 * each host test) provides.
 */
#ifndef KESTREL_CAP_HANDLE_H
#define KESTREL_CAP_HANDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kestrel/errors.h"
#include "kestrel/handle.h"

struct cap;

struct kobject {
    uint32_t type;            /* enum ks_object_type */
    uint32_t refs;
    uint64_t id;              /* unique, for ks_handle_info.object_id */
    void (*destroy)(struct kobject *obj);
    /* Called (when set) as a capability naming the object leaves its
     * slot: closed, revoked, moved to another table or dropped by
     * handle_table_fini; cap is still filled in.  It must not touch the
     * handle tables.  kobject_init leaves it NULL. */
    void (*cap_removed)(struct kobject *obj, struct cap *cap);
};

void kobject_init(struct kobject *obj, uint32_t type, void (*destroy)(struct kobject *obj));
static inline void kobject_ref(struct kobject *obj)
{
    obj->refs++;
}
/* Drop a reference; the last one destroys the object. */
void kobject_unref(struct kobject *obj);

#define HANDLE_SLOT_BITS   20
#define HANDLE_CHUNK_SLOTS 64
#define HANDLE_MAX_CHUNKS  64   /* 4096 slots at most */

struct handle_table;

struct cap {
    struct kobject *obj;      /* NULL: the slot is free */
    uint32_t rights;
    uint32_t generation;      /* of the slot; bumped when freed */
    uint64_t badge;
    struct cap *parent;       /* NULL for a root */
    struct cap *first_child;
    struct cap *next_sibling;
    struct cap *prev_sibling;
    struct handle_table *table;
    uint32_t slot;
    uint32_t next_free;       /* free list link (slot + 1, 0 = end) */
};

struct handle_table {
    struct cap *chunks[HANDLE_MAX_CHUNKS];
    uint32_t chunk_count;
    uint32_t free_head;       /* slot + 1 of the first free slot, 0 = none */
    uint32_t used;            /* slots holding a capability */
    uint32_t limit;           /* at most this many (the quota) */
};

/* Provided by the kernel (cap_glue.c) and by host tests: one chunk of
 * HANDLE_CHUNK_SLOTS struct cap, zeroed; NULL when out of memory. */
void *handle_chunk_alloc(void);
void handle_chunk_free(void *chunk);

void handle_table_init(struct handle_table *t, uint32_t limit);
void handle_table_fini(struct handle_table *t);

/* Inline: every system call that takes a handle starts here, the IPC
 * fast path included. */
static inline struct cap *handle_slot_cap(struct handle_table *t, uint32_t slot)
{
    return &t->chunks[slot / HANDLE_CHUNK_SLOTS][slot % HANDLE_CHUNK_SLOTS];
}

#define HANDLE_SLOT_MASK ((1ull << HANDLE_SLOT_BITS) - 1)

static inline int handle_lookup(struct handle_table *t, int64_t handle, uint32_t type,
                                uint32_t rights, struct cap **out)
{
    if (handle <= 0)
        return -KS_ERR_BAD_HANDLE;
    uint64_t value = (uint64_t)handle;
    uint64_t slot_plus_one = value & HANDLE_SLOT_MASK;
    uint64_t generation = value >> HANDLE_SLOT_BITS;
    if (slot_plus_one == 0 || slot_plus_one > (uint64_t)t->chunk_count * HANDLE_CHUNK_SLOTS)
        return -KS_ERR_BAD_HANDLE;
    struct cap *cap = handle_slot_cap(t, (uint32_t)slot_plus_one - 1);
    /* Compared in 64 bits: a value with bits above the 32 of the slot's
     * generation never matches. */
    if (cap->obj == NULL || cap->generation != generation)
        return -KS_ERR_BAD_HANDLE;
    if (type != KS_OBJECT_NONE && cap->obj->type != type)
        return -KS_ERR_WRONG_TYPE;
    if ((cap->rights & rights) != rights)
        return -KS_ERR_DENIED;
    *out = cap;
    return 0;
}
int handle_install(struct handle_table *t, struct kobject *obj, uint32_t rights,
                   uint64_t badge, int64_t *handle_out);
int handle_derive(struct cap *from, struct handle_table *to, uint32_t rights, uint64_t badge,
                  int64_t *handle_out);
int handle_close(struct handle_table *t, int64_t handle);
int handle_revoke(struct cap *cap, unsigned budget);
int handle_move(struct cap *cap, struct handle_table *to, int64_t *handle_out);

/* The handle value of a capability, and how many children it has. */
int64_t handle_value(const struct cap *cap);
uint32_t handle_children(const struct cap *cap);

#endif /* KESTREL_CAP_HANDLE_H */
