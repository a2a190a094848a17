/* SPDX-License-Identifier: MIT */
/*
 * Handle tables and the derivation tree (the interface and its errors are
 * described in cap/handle.h).  Pure logic: no arch code and no allocator
 * beyond handle_chunk_alloc/handle_chunk_free, so the host tests link this
 * file unchanged.
 *
 * Invariants kept here:
 *   - a slot is free exactly when cap->obj is NULL; free slots are on the
 *     table's free list, used ones hold one reference on their object;
 *   - chunks never move once allocated, so struct cap pointers stay valid
 *     while the capability stays in its slot (handle_move changes slot and
 *     fixes every pointer to it);
 *   - a root has no parent and no siblings; the children of a capability
 *     form a doubly linked list through next_sibling/prev_sibling headed
 *     by first_child, so linking and unlinking are O(1);
 *   - nothing here recurses: revoke walks the tree with an explicit cursor.
 *
 * kobject_init gives the object one reference, its creator's: the creator
 * installs a handle (which takes its own) and then drops the creation
 * reference, so the object dies with its last handle or kernel user.
 *
 * Locking: the kernel lock, held by every caller (a single thread in the
 * host tests).  Object destroy functions run with it held.
 */
#include "cap/handle.h"
#include "kestrel/errors.h"


/* Object ids are never reused while the kernel runs; 0 means none. */
static uint64_t kobject_next_id = 1;

void kobject_init(struct kobject *obj, uint32_t type, void (*destroy)(struct kobject *obj))
{
    obj->type = type;
    obj->refs = 1;
    obj->id = kobject_next_id++;
    obj->destroy = destroy;
    obj->cap_removed = NULL;
}

void kobject_unref(struct kobject *obj)
{
    if (--obj->refs == 0 && obj->destroy != NULL)
        obj->destroy(obj);
}

static struct cap *slot_cap(struct handle_table *t, uint32_t slot)
{
    return handle_slot_cap(t, slot);
}

int64_t handle_value(const struct cap *cap)
{
    return (int64_t)(((uint64_t)cap->generation << HANDLE_SLOT_BITS) | (cap->slot + 1));
}

uint32_t handle_children(const struct cap *cap)
{
    uint32_t count = 0;
    for (const struct cap *c = cap->first_child; c != NULL; c = c->next_sibling)
        count++;
    return count;
}

void handle_table_init(struct handle_table *t, uint32_t limit)
{
    for (unsigned i = 0; i < HANDLE_MAX_CHUNKS; i++)
        t->chunks[i] = NULL;
    t->chunk_count = 0;
    t->free_head = 0;
    t->used = 0;
    t->limit = limit;
}

/* Add one chunk and put its slots on the free list, lowest first. */
static int table_grow(struct handle_table *t)
{
    if (t->chunk_count >= HANDLE_MAX_CHUNKS)
        return -KS_ERR_DENIED;
    struct cap *chunk = handle_chunk_alloc();
    if (chunk == NULL)
        return -KS_ERR_NO_MEMORY;
    uint32_t base = t->chunk_count * HANDLE_CHUNK_SLOTS;
    for (uint32_t i = 0; i < HANDLE_CHUNK_SLOTS; i++) {
        chunk[i].table = t;
        chunk[i].slot = base + i;
        chunk[i].next_free = (i + 1 < HANDLE_CHUNK_SLOTS) ? base + i + 2 : t->free_head;
    }
    t->chunks[t->chunk_count++] = chunk;
    t->free_head = base + 1;
    return 0;
}

/* Take a free slot (growing the table when none is left) and fill it with
 * a root capability holding a new reference on obj. */
static int slot_take(struct handle_table *t, struct kobject *obj, uint32_t rights,
                     uint64_t badge, struct cap **out)
{
    if (t->used >= t->limit)
        return -KS_ERR_DENIED;
    if (t->free_head == 0) {
        int err = table_grow(t);
        if (err < 0)
            return err;
    }
    struct cap *cap = slot_cap(t, t->free_head - 1);
    t->free_head = cap->next_free;
    t->used++;
    cap->next_free = 0;
    cap->obj = obj;
    cap->rights = rights;
    cap->badge = badge;
    cap->parent = NULL;
    cap->first_child = NULL;
    cap->next_sibling = NULL;
    cap->prev_sibling = NULL;
    kobject_ref(obj);
    *out = cap;
    return 0;
}

/* Free a capability that is out of the tree (no parent, siblings or
 * children).  The slot is made free before the reference goes, so an
 * object's destroy function sees a consistent table. */
static void slot_release(struct cap *cap)
{
    struct handle_table *t = cap->table;
    struct kobject *obj = cap->obj;
    if (obj->cap_removed != NULL)
        obj->cap_removed(obj, cap);
    cap->obj = NULL;
    cap->rights = 0;
    cap->badge = 0;
    cap->generation++;  /* every handle naming this slot is stale now */
    cap->next_free = t->free_head;
    t->free_head = cap->slot + 1;
    t->used--;
    kobject_unref(obj);
}

static void tree_link(struct cap *child, struct cap *parent)
{
    child->parent = parent;
    child->prev_sibling = NULL;
    child->next_sibling = parent->first_child;
    if (parent->first_child != NULL)
        parent->first_child->prev_sibling = child;
    parent->first_child = child;
}

static void tree_unlink(struct cap *cap)
{
    if (cap->prev_sibling != NULL)
        cap->prev_sibling->next_sibling = cap->next_sibling;
    else if (cap->parent != NULL)
        cap->parent->first_child = cap->next_sibling;
    if (cap->next_sibling != NULL)
        cap->next_sibling->prev_sibling = cap->prev_sibling;
    cap->parent = NULL;
    cap->next_sibling = NULL;
    cap->prev_sibling = NULL;
}

/* Hand cap's children to its parent (or make them roots): what was
 * derived from a closed handle stays reachable by revoking an ancestor. */
static void tree_reparent_children(struct cap *cap)
{
    struct cap *parent = cap->parent;
    struct cap *child = cap->first_child;
    cap->first_child = NULL;
    while (child != NULL) {
        struct cap *next = child->next_sibling;
        if (parent != NULL) {
            tree_link(child, parent);
        } else {
            child->parent = NULL;
            child->next_sibling = NULL;
            child->prev_sibling = NULL;
        }
        child = next;
    }
}

/* Take cap out of the tree and free its slot (children first: unlinking
 * forgets the parent they move to). */
static void cap_close(struct cap *cap)
{
    tree_reparent_children(cap);
    tree_unlink(cap);
    slot_release(cap);
}

int handle_install(struct handle_table *t, struct kobject *obj, uint32_t rights,
                   uint64_t badge, int64_t *handle_out)
{
    struct cap *cap;
    int err = slot_take(t, obj, rights, badge, &cap);
    if (err < 0)
        return err;
    *handle_out = handle_value(cap);
    return 0;
}

int handle_derive(struct cap *from, struct handle_table *to, uint32_t rights, uint64_t badge,
                  int64_t *handle_out)
{
    if (from == NULL || from->obj == NULL)
        return -KS_ERR_BAD_HANDLE;
    if ((rights & ~from->rights) != 0)
        return -KS_ERR_INVALID_ARGUMENT;
    struct cap *child;
    int err = slot_take(to, from->obj, rights, badge, &child);
    if (err < 0)
        return err;
    tree_link(child, from);
    *handle_out = handle_value(child);
    return 0;
}

int handle_close(struct handle_table *t, int64_t handle)
{
    struct cap *cap;
    int err = handle_lookup(t, handle, KS_OBJECT_NONE, 0, &cap);
    if (err < 0)
        return err;
    cap_close(cap);
    return 0;
}

/*
 * Remove descendants leaf first: from the cursor, follow first_child down
 * to a leaf and free it, then continue from its parent.  The cursor never
 * leaves cap's subtree, so a call costs one descent plus O(1) per removal,
 * and the stack stays flat however deep the tree is.
 */
int handle_revoke(struct cap *cap, unsigned budget)
{
    if (cap == NULL || cap->obj == NULL)
        return -KS_ERR_BAD_HANDLE;
    struct cap *cursor = cap;
    while (cap->first_child != NULL) {
        if (budget == 0)
            return -KS_ERR_AGAIN;
        while (cursor->first_child != NULL)
            cursor = cursor->first_child;
        struct cap *parent = cursor->parent;
        tree_unlink(cursor);
        slot_release(cursor);
        budget--;
        cursor = parent;
    }
    return 0;
}

/* Point everything that named old (its parent or previous sibling, the
 * next sibling, the children) at moved, which took over its place. */
static void tree_replace(struct cap *old, struct cap *moved)
{
    moved->parent = old->parent;
    moved->first_child = old->first_child;
    moved->next_sibling = old->next_sibling;
    moved->prev_sibling = old->prev_sibling;
    if (moved->prev_sibling != NULL)
        moved->prev_sibling->next_sibling = moved;
    else if (moved->parent != NULL)
        moved->parent->first_child = moved;
    if (moved->next_sibling != NULL)
        moved->next_sibling->prev_sibling = moved;
    for (struct cap *c = moved->first_child; c != NULL; c = c->next_sibling)
        c->parent = moved;
    old->parent = NULL;
    old->first_child = NULL;
    old->next_sibling = NULL;
    old->prev_sibling = NULL;
}

int handle_move(struct cap *cap, struct handle_table *to, int64_t *handle_out)
{
    if (cap == NULL || cap->obj == NULL)
        return -KS_ERR_BAD_HANDLE;
    struct cap *moved;
    int err = slot_take(to, cap->obj, cap->rights, cap->badge, &moved);
    if (err < 0)
        return err;
    tree_replace(cap, moved);
    /* The new slot took its own reference; the old slot's goes with it. */
    slot_release(cap);
    *handle_out = handle_value(moved);
    return 0;
}

void handle_table_fini(struct handle_table *t)
{
    for (uint32_t c = 0; c < t->chunk_count; c++) {
        for (uint32_t i = 0; i < HANDLE_CHUNK_SLOTS; i++) {
            struct cap *cap = &t->chunks[c][i];
            if (cap->obj != NULL)
                cap_close(cap);
        }
    }
    for (uint32_t c = 0; c < t->chunk_count; c++)
        handle_chunk_free(t->chunks[c]);
    handle_table_init(t, t->limit);
}
