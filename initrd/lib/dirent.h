/* SPDX-License-Identifier: MIT */
/* Directory listing of Kestrel's user runtime (VFS KS_VFS_READDIR). */
#ifndef KS_DIRENT_H
#define KS_DIRENT_H

#include "sys/types.h"

#define DT_UNKNOWN 0
#define DT_DIR     4
#define DT_REG     8

struct dirent {
    ino_t d_ino;
    unsigned char d_type;       /* DT_DIR or DT_REG */
    char d_name[256];
};

typedef struct ks_dir DIR;

DIR *opendir(const char *path);
/* The next entry (valid until the next call), NULL at the end. */
struct dirent *readdir(DIR *dir);
int closedir(DIR *dir);

#endif /* KS_DIRENT_H */
