/* SPDX-License-Identifier: MIT */
/* Internal to the runtime: the descriptor table and the VFS calls that
 * fd.c and vfs_client.c share. */
#ifndef KS_FD_H
#define KS_FD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kestrel/ipc.h"

#define KS_FD_MAX 64

/* A call on the VFS's own handle, looked up again once if the cached
 * one went stale; the status or -KS_ERR_*. */
int64_t ks_vfs_call(struct ks_msg *m);
/* Resolve path against the current directory; -KS_ERR_* or the length. */
int64_t ks_path_resolve(const char *path, char *out, size_t out_size);
/* Open path (already resolved) with KS_VFS_O_* flags: a descriptor or
 * -KS_ERR_*. */
int ks_fd_open_resolved(const char *path, uint32_t vfs_flags, bool is_dir);
/* A call on fd's open-file handle; -KS_ERR_BAD_HANDLE if fd is not a
 * VFS file. */
int64_t ks_fd_call(int fd, struct ks_msg *m);
/* Set errno from a -KS_ERR_* and return -1. */
int ks_fail(int64_t err);

#endif /* KS_FD_H */
