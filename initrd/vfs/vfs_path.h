/* SPDX-License-Identifier: MIT */
/*
 * Paths of the VFS (pure logic, host-tested by tests/unit/test_vfs_path.c).
 * A path comes from a client without a NUL: it must be absolute, shorter
 * than VFS_PATH_MAX, hold no NUL byte and no "." or ".." component (the
 * client normalises).  Repeated and trailing slashes are tolerated.
 */
#ifndef VFS_PATH_H
#define VFS_PATH_H

#include <stdbool.h>
#include <stddef.h>

#define VFS_PATH_MAX 256u      /* bytes with the NUL, as KS_PATH_MAX */
#define VFS_NAME_MAX 255u      /* bytes of one component */

/* 0 or -KS_ERR_INVALID_ARGUMENT. */
int vfs_path_check(const char *path, size_t len);
/* Whether name is a component the VFS stores: 1..VFS_NAME_MAX bytes,
 * no '/' or NUL, not "." or "..". */
bool vfs_name_valid(const char *name, size_t len);
/* The next component at or after *pos: true with *name and *name_len
 * and *pos moved past it; false at the end. */
bool vfs_path_next(const char *path, size_t len, size_t *pos, const char **name,
                   size_t *name_len);
/* Split into the parent's length (a prefix of path) and the last
 * component; false for the root (no last component). */
bool vfs_path_last(const char *path, size_t len, size_t *parent_len, const char **name,
                   size_t *name_len);

#endif /* VFS_PATH_H */
