/* SPDX-License-Identifier: MIT */
/* Paths of the VFS; see vfs_path.h. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "kestrel/errors.h"
#include "vfs_path.h"

bool vfs_name_valid(const char *name, size_t len)
{
    if (len == 0 || len > VFS_NAME_MAX)
        return false;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '/' || name[i] == '\0')
            return false;
    }
    return true;
}

bool vfs_path_next(const char *path, size_t len, size_t *pos, const char **name,
                   size_t *name_len)
{
    size_t i = *pos;
    while (i < len && path[i] == '/')
        i++;
    if (i >= len) {
        *pos = len;
        return false;
    }
    size_t start = i;
    while (i < len && path[i] != '/')
        i++;
    *name = path + start;
    *name_len = i - start;
    *pos = i;
    return true;
}

int vfs_path_check(const char *path, size_t len)
{
    if (!path || len == 0 || len >= VFS_PATH_MAX || path[0] != '/')
        return -KS_ERR_INVALID_ARGUMENT;
    if (memchr(path, '\0', len))
        return -KS_ERR_INVALID_ARGUMENT;
    size_t pos = 0;
    const char *name;
    size_t name_len;
    while (vfs_path_next(path, len, &pos, &name, &name_len)) {
        if (!vfs_name_valid(name, name_len))
            return -KS_ERR_INVALID_ARGUMENT;
    }
    return 0;
}

bool vfs_path_last(const char *path, size_t len, size_t *parent_len, const char **name,
                   size_t *name_len)
{
    while (len > 0 && path[len - 1] == '/')
        len--;
    if (len == 0)
        return false;
    size_t start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    *name = path + start;
    *name_len = len - start;
    *parent_len = start;
    return true;
}
