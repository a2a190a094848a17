/* SPDX-License-Identifier: MIT */
/*
 * Path normalisation; see ks_path.h.  Pure logic, built on the host by
 * the unit tests.  The result is built component by component in out:
 * ".." drops the last component written (none at the root).
 */
#include <stddef.h>
#include <string.h>
#include "ks_path.h"

/* Fold the components of src onto out[0..*len) (a normalised path,
 * "" standing for the root while building). */
static int path_append(char *out, size_t out_size, size_t *len, const char *src)
{
    while (*src) {
        while (*src == '/')
            src++;
        if (!*src)
            break;
        size_t n = 0;
        while (src[n] && src[n] != '/')
            n++;
        if (n == 1 && src[0] == '.') {
            /* nothing */
        } else if (n == 2 && src[0] == '.' && src[1] == '.') {
            while (*len > 0 && out[*len - 1] != '/')
                (*len)--;
            if (*len > 0)
                (*len)--;               /* the slash before it */
        } else {
            if (*len + 1 + n + 1 > out_size)
                return -1;
            out[(*len)++] = '/';
            memcpy(out + *len, src, n);
            *len += n;
        }
        src += n;
    }
    return 0;
}

long ks_path_normalize(const char *cwd, const char *path, char *out, size_t out_size)
{
    if (!path || !out || !path[0] || out_size < 2)
        return -1;
    size_t len = 0;
    if (path[0] != '/' && cwd && path_append(out, out_size, &len, cwd) != 0)
        return -1;
    if (path_append(out, out_size, &len, path) != 0)
        return -1;
    if (len == 0)
        out[len++] = '/';
    out[len] = '\0';
    return (long)len;
}

const char *ks_path_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}
