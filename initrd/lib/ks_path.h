/* SPDX-License-Identifier: MIT */
/*
 * Path normalisation for the clients of the VFS (path.c, pure logic):
 * the VFS takes absolute paths with no "." or ".." in them, so the
 * client folds them.
 */
#ifndef KS_PATH_H
#define KS_PATH_H

#include <stddef.h>

/* Resolve path against cwd (an absolute, normalised directory; used only
 * when path is relative) into out: an absolute path with no empty, "."
 * or ".." component and no trailing slash ("/" for the root; ".." of the
 * root is the root).  -> its length, or -1 when out (out_size bytes,
 * NUL included) is too small or an argument is NULL or path is empty. */
long ks_path_normalize(const char *cwd, const char *path, char *out, size_t out_size);

/* The last component of a normalised path ("" for "/"). */
const char *ks_path_basename(const char *path);

#endif /* KS_PATH_H */
