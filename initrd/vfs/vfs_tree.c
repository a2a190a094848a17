/* SPDX-License-Identifier: MIT */
/*
 * The VFS's tree of nodes; see vfs_tree.h.  Everything here is bounded
 * by the node table and checked against the caller's lengths: the
 * server passes what clients sent straight in.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "kestrel/errors.h"
#include "vfs_tree.h"

#define NONE (-1)
/* Largest file: far above the RAM limit, low enough that no offset
 * arithmetic overflows. */
#define VFS_FILE_MAX (1ull << 40)

struct vfs_node *vfs_node(struct vfs_fs *fs, int32_t index)
{
    if (index < 0 || (uint32_t)index >= VFS_NODES_MAX || !fs->nodes[index].used)
        return NULL;
    return &fs->nodes[index];
}

static int32_t node_new(struct vfs_fs *fs, int32_t parent, const char *name, size_t len,
                        uint8_t type, bool ram)
{
    for (uint32_t i = 0; i < VFS_NODES_MAX; i++) {
        struct vfs_node *n = &fs->nodes[i];
        if (n->used)
            continue;
        if (i >= fs->high)
            fs->high = i + 1;
        memset(n, 0, sizeof(*n));
        n->used = true;
        n->ram = ram;
        n->type = type;
        n->name_len = (uint16_t)len;
        memcpy(n->name, name, len);
        n->name[len] = '\0';
        n->parent = parent;
        n->first = n->last = n->next = n->prev = NONE;
        n->mode = type == VFS_DIR ? 0755 : 0644;
        n->inode = ++fs->next_inode;
        if (parent != NONE) {
            struct vfs_node *p = &fs->nodes[parent];
            n->prev = p->last;
            if (p->last != NONE)
                fs->nodes[p->last].next = (int32_t)i;
            else
                p->first = (int32_t)i;
            p->last = (int32_t)i;
            p->children++;
        }
        return (int32_t)i;
    }
    return -KS_ERR_NO_SPACE;
}

static void link_out(struct vfs_fs *fs, int32_t index)
{
    struct vfs_node *n = &fs->nodes[index];
    if (n->parent == NONE)
        return;
    struct vfs_node *p = &fs->nodes[n->parent];
    if (n->prev != NONE)
        fs->nodes[n->prev].next = n->next;
    else
        p->first = n->next;
    if (n->next != NONE)
        fs->nodes[n->next].prev = n->prev;
    else
        p->last = n->prev;
    p->children--;
    n->parent = n->prev = n->next = NONE;
}

static void link_in(struct vfs_fs *fs, int32_t index, int32_t parent)
{
    struct vfs_node *n = &fs->nodes[index], *p = &fs->nodes[parent];
    n->parent = parent;
    n->next = NONE;
    n->prev = p->last;
    if (p->last != NONE)
        fs->nodes[p->last].next = index;
    else
        p->first = index;
    p->last = index;
    p->children++;
}

static void node_release(struct vfs_fs *fs, int32_t index)
{
    struct vfs_node *n = &fs->nodes[index];
    if (n->ram && n->data) {
        fs->alloc.free(fs->alloc.ctx, n->data);
        fs->ram_bytes -= n->cap;
    }
    memset(n, 0, sizeof(*n));
}

/* Take a node out of the tree: freed now, or at its last close. */
static void node_remove(struct vfs_fs *fs, int32_t index)
{
    link_out(fs, index);
    if (fs->nodes[index].opens > 0)
        fs->nodes[index].detached = true;
    else
        node_release(fs, index);
}

void vfs_fs_init(struct vfs_fs *fs, const struct vfs_alloc *alloc, uint64_t ram_limit)
{
    /* Only the nodes ever used are cleared: the table is large, and a
     * fresh one (static storage) is zero already, its pages untouched. */
    uint32_t high = fs->high < VFS_NODES_MAX ? fs->high : VFS_NODES_MAX;
    memset(fs->nodes, 0, high * sizeof(fs->nodes[0]));
    fs->high = 0;
    fs->ram_bytes = 0;
    fs->next_inode = 0;
    fs->alloc = *alloc;
    fs->ram_limit = ram_limit;
    fs->root = node_new(fs, NONE, "", 0, VFS_DIR, false);
    fs->tmp = node_new(fs, fs->root, "tmp", 3, VFS_DIR, true);
    fs->nodes[fs->tmp].mode = 01777;
}

static int32_t find_child(struct vfs_fs *fs, int32_t dir, const char *name, size_t len)
{
    for (int32_t c = fs->nodes[dir].first; c != NONE; c = fs->nodes[c].next) {
        const struct vfs_node *n = &fs->nodes[c];
        if (n->name_len == len && memcmp(n->name, name, len) == 0)
            return c;
    }
    return NONE;
}

/* Walk an already checked path (or a prefix of one). */
static int walk(struct vfs_fs *fs, const char *path, size_t len, int32_t *out)
{
    int32_t cur = fs->root;
    size_t pos = 0;
    const char *name;
    size_t name_len;
    while (vfs_path_next(path, len, &pos, &name, &name_len)) {
        if (fs->nodes[cur].type != VFS_DIR)
            return -KS_ERR_NOT_DIRECTORY;
        cur = find_child(fs, cur, name, name_len);
        if (cur == NONE)
            return -KS_ERR_NOT_FOUND;
    }
    *out = cur;
    return 0;
}

int vfs_lookup(struct vfs_fs *fs, const char *path, size_t len, int32_t *out)
{
    int err = vfs_path_check(path, len);
    return err < 0 ? err : walk(fs, path, len, out);
}

/* The directory that holds path's last component. */
static int lookup_parent(struct vfs_fs *fs, const char *path, size_t len, int32_t *parent,
                         const char **name, size_t *name_len)
{
    int err = vfs_path_check(path, len);
    if (err < 0)
        return err;
    size_t parent_len;
    if (!vfs_path_last(path, len, &parent_len, name, name_len))
        return -KS_ERR_INVALID_ARGUMENT;       /* the root itself */
    err = walk(fs, path, parent_len, parent);
    if (err < 0)
        return err;
    return fs->nodes[*parent].type == VFS_DIR ? 0 : -KS_ERR_NOT_DIRECTORY;
}

int vfs_add_image(struct vfs_fs *fs, const char *path, size_t len, uint8_t type,
                  const uint8_t *data, uint64_t image_offset, uint64_t size, uint32_t mode,
                  uint64_t mtime)
{
    int32_t cur = fs->root;
    size_t pos = 0, name_len;
    const char *name;
    bool any = false;
    if (type != VFS_FILE && type != VFS_DIR)
        return -KS_ERR_INVALID_ARGUMENT;
    while (vfs_path_next(path, len, &pos, &name, &name_len)) {
        if (!vfs_name_valid(name, name_len))
            return -KS_ERR_INVALID_ARGUMENT;
        any = true;
        if (cur == fs->tmp)
            return -KS_ERR_DENIED;
        size_t rest = pos;
        const char *more;
        size_t more_len;
        bool last = !vfs_path_next(path, len, &rest, &more, &more_len);
        int32_t child = find_child(fs, cur, name, name_len);
        if (!last) {
            if (child == NONE) {
                child = node_new(fs, cur, name, name_len, VFS_DIR, false);
                if (child < 0)
                    return child;
            } else if (fs->nodes[child].type != VFS_DIR) {
                return -KS_ERR_NOT_DIRECTORY;
            }
            cur = child;
            continue;
        }
        if (child != NONE) {
            struct vfs_node *n = &fs->nodes[child];
            if (type == VFS_DIR && n->type == VFS_DIR && child != fs->tmp) {
                n->mode = mode;         /* an implied directory's own entry */
                n->mtime = mtime;
                return 0;
            }
            return child == fs->tmp ? -KS_ERR_DENIED : -KS_ERR_EXISTS;
        }
        child = node_new(fs, cur, name, name_len, type, false);
        if (child < 0)
            return child;
        struct vfs_node *n = &fs->nodes[child];
        n->mode = mode;
        n->mtime = mtime;
        if (type == VFS_FILE) {
            n->data = (uint8_t *)(uintptr_t)data;
            n->size = size;
            n->image_offset = image_offset;
        }
        return 0;
    }
    return any ? 0 : -KS_ERR_INVALID_ARGUMENT;
}

/* Room for end bytes in a ram file, within the RAM limit. */
static int reserve(struct vfs_fs *fs, struct vfs_node *n, uint64_t end)
{
    if (end <= n->cap)
        return 0;
    if (end > VFS_FILE_MAX)
        return -KS_ERR_NO_SPACE;
    uint64_t want = n->cap * 2 > end ? n->cap * 2 : end;
    want = (want + 63) & ~63ull;
    if (fs->ram_bytes - n->cap + want > fs->ram_limit)
        want = end;
    if (fs->ram_bytes - n->cap + want > fs->ram_limit)
        return -KS_ERR_NO_SPACE;
    uint8_t *data = fs->alloc.alloc(fs->alloc.ctx, (size_t)want);
    if (!data)
        return -KS_ERR_NO_SPACE;
    if (n->data) {
        memcpy(data, n->data, (size_t)n->size);
        fs->alloc.free(fs->alloc.ctx, n->data);
    }
    fs->ram_bytes = fs->ram_bytes - n->cap + want;
    n->data = data;
    n->cap = want;
    return 0;
}

int vfs_truncate(struct vfs_fs *fs, int32_t index, uint64_t size)
{
    struct vfs_node *n = vfs_node(fs, index);
    if (!n)
        return -KS_ERR_INVALID_ARGUMENT;
    if (n->type != VFS_FILE)
        return -KS_ERR_IS_DIRECTORY;
    if (!n->ram)
        return -KS_ERR_DENIED;
    if (size == 0 && n->data) {
        fs->alloc.free(fs->alloc.ctx, n->data);
        fs->ram_bytes -= n->cap;
        n->data = NULL;
        n->cap = 0;
    } else if (size > n->size) {
        int err = reserve(fs, n, size);
        if (err < 0)
            return err;
        memset(n->data + n->size, 0, (size_t)(size - n->size));
    }
    n->size = size;
    return 0;
}

int vfs_open(struct vfs_fs *fs, const char *path, size_t len, uint32_t flags, int32_t *out)
{
    if (flags & ~VFS_O_ALL)
        return -KS_ERR_INVALID_ARGUMENT;
    bool writing = (flags & (VFS_O_WRITE | VFS_O_APPEND)) != 0;
    int32_t node;
    int err = vfs_lookup(fs, path, len, &node);
    if (err == 0) {
        struct vfs_node *n = &fs->nodes[node];
        if ((flags & VFS_O_CREATE) && (flags & VFS_O_EXCL))
            return -KS_ERR_EXISTS;
        if (n->type == VFS_DIR && (writing || (flags & VFS_O_TRUNCATE)))
            return -KS_ERR_IS_DIRECTORY;
        if (n->type != VFS_DIR && (flags & VFS_O_DIRECTORY))
            return -KS_ERR_NOT_DIRECTORY;
        if ((writing || (flags & VFS_O_TRUNCATE)) && !n->ram)
            return -KS_ERR_DENIED;
        if (flags & VFS_O_TRUNCATE) {
            err = vfs_truncate(fs, node, 0);
            if (err < 0)
                return err;
        }
    } else if (err == -KS_ERR_NOT_FOUND && (flags & VFS_O_CREATE)) {
        int32_t parent;
        const char *name;
        size_t name_len;
        err = lookup_parent(fs, path, len, &parent, &name, &name_len);
        if (err < 0)
            return err;
        if (flags & VFS_O_DIRECTORY)
            return -KS_ERR_INVALID_ARGUMENT;
        if (!fs->nodes[parent].ram)
            return -KS_ERR_DENIED;
        node = node_new(fs, parent, name, name_len, VFS_FILE, true);
        if (node < 0)
            return node;
    } else {
        return err;
    }
    fs->nodes[node].opens++;
    *out = node;
    return 0;
}

void vfs_node_get(struct vfs_fs *fs, int32_t index)
{
    struct vfs_node *n = vfs_node(fs, index);
    if (n)
        n->opens++;
}

void vfs_node_put(struct vfs_fs *fs, int32_t index)
{
    struct vfs_node *n = vfs_node(fs, index);
    if (!n || n->opens == 0)
        return;
    if (--n->opens == 0 && n->detached)
        node_release(fs, index);
}

int vfs_mkdir(struct vfs_fs *fs, const char *path, size_t len)
{
    int32_t parent;
    const char *name;
    size_t name_len;
    int err = lookup_parent(fs, path, len, &parent, &name, &name_len);
    if (err < 0)
        return err;
    if (find_child(fs, parent, name, name_len) != NONE)
        return -KS_ERR_EXISTS;
    if (!fs->nodes[parent].ram)
        return -KS_ERR_DENIED;
    int32_t node = node_new(fs, parent, name, name_len, VFS_DIR, true);
    return node < 0 ? node : 0;
}

int vfs_unlink(struct vfs_fs *fs, const char *path, size_t len)
{
    int32_t node;
    int err = vfs_lookup(fs, path, len, &node);
    if (err < 0)
        return err;
    struct vfs_node *n = &fs->nodes[node];
    if (node == fs->root || !fs->nodes[n->parent].ram)
        return -KS_ERR_DENIED;
    if (n->type == VFS_DIR && n->children)
        return -KS_ERR_NOT_EMPTY;
    node_remove(fs, node);
    return 0;
}

int vfs_rename(struct vfs_fs *fs, const char *from, size_t from_len, const char *to,
               size_t to_len)
{
    int32_t src, parent;
    const char *name;
    size_t name_len;
    int err = vfs_lookup(fs, from, from_len, &src);
    if (err < 0)
        return err;
    err = lookup_parent(fs, to, to_len, &parent, &name, &name_len);
    if (err < 0)
        return err;
    struct vfs_node *s = &fs->nodes[src];
    if (src == fs->root || !fs->nodes[s->parent].ram || !fs->nodes[parent].ram)
        return -KS_ERR_DENIED;
    if (s->type == VFS_DIR) {
        for (int32_t up = parent; up != NONE; up = fs->nodes[up].parent) {
            if (up == src)
                return -KS_ERR_INVALID_ARGUMENT;   /* into itself */
        }
    }
    int32_t old = find_child(fs, parent, name, name_len);
    if (old == src)
        return 0;
    if (old != NONE) {
        struct vfs_node *o = &fs->nodes[old];
        if (s->type == VFS_DIR && o->type != VFS_DIR)
            return -KS_ERR_NOT_DIRECTORY;
        if (s->type != VFS_DIR && o->type == VFS_DIR)
            return -KS_ERR_IS_DIRECTORY;
        if (o->type == VFS_DIR && o->children)
            return -KS_ERR_NOT_EMPTY;
        node_remove(fs, old);
    }
    link_out(fs, src);
    s->name_len = (uint16_t)name_len;
    memcpy(s->name, name, name_len);
    s->name[name_len] = '\0';
    link_in(fs, src, parent);
    return 0;
}

int64_t vfs_read(struct vfs_fs *fs, int32_t index, uint64_t offset, void *buf, size_t len)
{
    struct vfs_node *n = vfs_node(fs, index);
    if (!n)
        return -KS_ERR_INVALID_ARGUMENT;
    if (n->type != VFS_FILE)
        return -KS_ERR_IS_DIRECTORY;
    if (offset >= n->size)
        return 0;
    uint64_t avail = n->size - offset;
    size_t count = avail < len ? (size_t)avail : len;
    memcpy(buf, n->data + offset, count);
    return (int64_t)count;
}

int64_t vfs_write(struct vfs_fs *fs, int32_t index, uint64_t offset, const void *buf,
                  size_t len)
{
    struct vfs_node *n = vfs_node(fs, index);
    if (!n)
        return -KS_ERR_INVALID_ARGUMENT;
    if (n->type != VFS_FILE)
        return -KS_ERR_IS_DIRECTORY;
    if (!n->ram)
        return -KS_ERR_DENIED;
    if (len == 0)
        return 0;
    if (offset > VFS_FILE_MAX || len > VFS_FILE_MAX - offset)
        return -KS_ERR_NO_SPACE;
    uint64_t end = offset + len;
    int err = reserve(fs, n, end);
    if (err < 0)
        return err;
    if (offset > n->size)
        memset(n->data + n->size, 0, (size_t)(offset - n->size));
    memcpy(n->data + offset, buf, len);
    if (end > n->size)
        n->size = end;
    return (int64_t)len;
}

int vfs_readdir(struct vfs_fs *fs, int32_t dir, uint64_t index, int32_t *child)
{
    struct vfs_node *d = vfs_node(fs, dir);
    if (!d)
        return -KS_ERR_INVALID_ARGUMENT;
    if (d->type != VFS_DIR)
        return -KS_ERR_NOT_DIRECTORY;
    int32_t c = d->first;
    for (uint64_t i = 0; c != NONE && i < index; i++)
        c = fs->nodes[c].next;
    if (c == NONE)
        return -KS_ERR_NOT_FOUND;
    *child = c;
    return 0;
}
