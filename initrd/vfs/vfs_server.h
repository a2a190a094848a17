/* SPDX-License-Identifier: MIT */
/*
 * The VFS server's shared state (vfs.c: start and path operations;
 * vfs_files.c: the open-file table and the operations on an open file).
 * One thread does everything, so nothing here is locked.
 */
#ifndef VFS_SERVER_H
#define VFS_SERVER_H

#include <stdint.h>
#include "ks.h"
#include "ks_ipc.h"
#include "ks_proto.h"
#include "vfs_tree.h"

#define VFS_OPEN_MAX 512u

extern struct vfs_fs vfs;
extern ks_handle_t vfs_serve;       /* the endpoint served (unbadged) */
extern ks_handle_t vfs_initrd;      /* the initramfs memory object */
extern uint8_t vfs_buffer[KS_MSG_DATA_MAX];

/* The reply being built: status in words[0], then what the call adds. */
struct vfs_reply {
    int64_t status;
    uint64_t words[3];          /* the reply's words[1..3] */
    uint32_t data_len;          /* bytes of vfs_buffer to send */
    ks_handle_t handle;         /* 0: none */
    bool copy;                  /* send a copy (the server keeps it) */
};

/* Set up the open-file table (seed: something that differs per start). */
void vfs_files_init(uint64_t seed);
/* Whether badge names an open file (not a path-operation badge). */
bool vfs_badge_is_file(uint64_t badge);
/* OPEN: a new open file for node (already counted as open by
 * vfs_open); on failure the node is put back. */
void vfs_file_open(int32_t node, uint32_t flags, struct vfs_reply *r);
/* A request on an open file's handle. */
void vfs_file_request(struct ks_msg *m, struct vfs_reply *r);
void vfs_stat_fill(const struct vfs_node *n, struct ks_vfs_stat *st);

#endif /* VFS_SERVER_H */
