/* SPDX-License-Identifier: MIT */
/* File status of Kestrel's user runtime, from the VFS (ks_vfs_stat). */
#ifndef KS_SYS_STAT_H
#define KS_SYS_STAT_H

#include "sys/types.h"

#define S_IFMT  0170000u
#define S_IFDIR 0040000u
#define S_IFREG 0100000u
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)

struct stat {
    off_t st_size;
    mode_t st_mode;             /* S_IFDIR or S_IFREG | permission bits */
    ino_t st_ino;
    time_t st_mtime;            /* seconds since 1970 (0 in /tmp) */
};

int stat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
/* mode is ignored (the VFS keeps none). */
int mkdir(const char *path, mode_t mode);

#endif /* KS_SYS_STAT_H */
