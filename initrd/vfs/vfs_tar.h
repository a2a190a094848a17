/* SPDX-License-Identifier: MIT */
/*
 * Indexing the initramfs (pure logic, host-tested by
 * tests/unit/test_vfs_tar.c): walks the ustar archive mapped at image
 * and adds every regular file and directory to the tree (vfs_add_image).
 * Every header is checked (magic, checksum, octal fields, data within
 * the archive); a bad one is reported through warn and skipped, never
 * trusted.
 */
#ifndef VFS_TAR_H
#define VFS_TAR_H

#include <stddef.h>
#include <stdint.h>
#include "vfs_tree.h"

typedef void (*vfs_tar_warn_fn)(void *ctx, uint64_t offset, const char *name,
                                const char *reason);

/* Entries added (files and directories). */
int vfs_tar_index(struct vfs_fs *fs, const uint8_t *image, uint64_t size, vfs_tar_warn_fn warn,
                  void *ctx);

#endif /* VFS_TAR_H */
