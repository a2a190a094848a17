/* SPDX-License-Identifier: MIT */
/*
 * The VFS's tree of nodes (pure logic, host-tested by
 * tests/unit/test_vfs_tree.c).  One tree holds both file systems: the
 * initramfs entries (read-only; their data points into the mapped
 * archive) and the RAM file system under /tmp (read-write; data in
 * buffers from the allocator the caller supplies, all of them together
 * at most ram_limit bytes).  Nodes live in a fixed table; a directory
 * lists its children in creation order.  A node that is open (opens >
 * 0) when it is unlinked or replaced leaves the tree at once and is
 * freed at its last vfs_node_put.
 */
#ifndef VFS_TREE_H
#define VFS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vfs_path.h"

#define VFS_NODES_MAX 2048u

/* Same values as KS_VFS_FILE/KS_VFS_DIR and KS_VFS_O_* of ks_proto.h. */
enum { VFS_FILE = 1, VFS_DIR = 2 };
#define VFS_O_READ      0x1u
#define VFS_O_WRITE     0x2u
#define VFS_O_CREATE    0x4u
#define VFS_O_TRUNCATE  0x8u
#define VFS_O_APPEND    0x10u
#define VFS_O_EXCL      0x20u
#define VFS_O_DIRECTORY 0x40u
#define VFS_O_ALL       0x7Fu

struct vfs_alloc {
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
};

struct vfs_node {
    bool used;
    bool ram;                   /* in /tmp: writable, data is ours */
    bool detached;              /* unlinked while open */
    uint8_t type;               /* VFS_FILE or VFS_DIR */
    uint16_t name_len;
    char name[VFS_NAME_MAX + 1];
    int32_t parent, first, last, next, prev;    /* -1: none */
    uint32_t children;
    uint32_t opens;
    uint32_t mode;
    uint64_t mtime;
    uint64_t inode;
    uint64_t size;
    uint64_t cap;               /* ram files: bytes allocated at data */
    uint8_t *data;
    uint64_t image_offset;      /* initramfs files: data's place in the archive */
};

struct vfs_fs {
    struct vfs_node nodes[VFS_NODES_MAX];
    struct vfs_alloc alloc;
    uint64_t ram_bytes;         /* allocated for /tmp files */
    uint64_t ram_limit;
    uint64_t next_inode;
    uint32_t high;              /* nodes[high..] have never been used */
    int32_t root, tmp;
};

/* Results: 0 (or a count) or a negative KS_ERR_* code.  vfs_fs_init
 * wants a zeroed fs the first time (static storage), then resets it. */
void vfs_fs_init(struct vfs_fs *fs, const struct vfs_alloc *alloc, uint64_t ram_limit);
struct vfs_node *vfs_node(struct vfs_fs *fs, int32_t index);
int vfs_lookup(struct vfs_fs *fs, const char *path, size_t len, int32_t *out);
/* An initramfs entry at path (relative, "bin/x"): its directories are
 * made as needed.  -EXISTS for a duplicate, -NOT_DIRECTORY when a file
 * stands where a directory is needed, -DENIED under /tmp. */
int vfs_add_image(struct vfs_fs *fs, const char *path, size_t len, uint8_t type,
                  const uint8_t *data, uint64_t image_offset, uint64_t size, uint32_t mode,
                  uint64_t mtime);
/* Open path with VFS_O_* flags: *out is the node with opens raised. */
int vfs_open(struct vfs_fs *fs, const char *path, size_t len, uint32_t flags, int32_t *out);
void vfs_node_get(struct vfs_fs *fs, int32_t node);
void vfs_node_put(struct vfs_fs *fs, int32_t node);
int vfs_mkdir(struct vfs_fs *fs, const char *path, size_t len);
int vfs_unlink(struct vfs_fs *fs, const char *path, size_t len);
int vfs_rename(struct vfs_fs *fs, const char *from, size_t from_len, const char *to,
               size_t to_len);
/* Bytes read (0 at or past the end). */
int64_t vfs_read(struct vfs_fs *fs, int32_t node, uint64_t offset, void *buf, size_t len);
/* Bytes written (all of them) or -NO_SPACE / -DENIED / -IS_DIRECTORY. */
int64_t vfs_write(struct vfs_fs *fs, int32_t node, uint64_t offset, const void *buf,
                  size_t len);
int vfs_truncate(struct vfs_fs *fs, int32_t node, uint64_t size);
/* The index-th entry of directory dir: *child, or -NOT_FOUND past the end. */
int vfs_readdir(struct vfs_fs *fs, int32_t dir, uint64_t index, int32_t *child);

#endif /* VFS_TREE_H */
