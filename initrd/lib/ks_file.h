/* SPDX-License-Identifier: MIT */
/* Internal to the runtime: the FILE structure stdio.c and stdio_ops.c
 * share. */
#ifndef KS_FILE_H
#define KS_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include "ks_mutex.h"

enum { KS_FILE_READ = 1, KS_FILE_WRITE = 2 };
enum { KS_BUF_NONE, KS_BUF_LINE, KS_BUF_FULL };

struct ks_file {
    struct ks_mutex lock;
    int fd;
    int access;                 /* KS_FILE_READ | KS_FILE_WRITE */
    int buffering;              /* KS_BUF_* */
    bool eof, error;
    bool writing;               /* buf holds output not yet written */
    bool console_in;            /* reads edited lines from the console */
    bool is_static;             /* stdin, stdout, stderr */
    int unget;                  /* a byte pushed back, or -1 */
    unsigned char *buf;
    size_t size;
    size_t pos, len;            /* reading: [pos, len) unread; writing: len */
    struct ks_file *next;       /* the list of open streams */
};

/* With f->lock held. */
int ks_file_flush_locked(struct ks_file *f);
size_t ks_file_write_locked(struct ks_file *f, const void *p, size_t n);
int ks_file_getc_locked(struct ks_file *f);

#endif /* KS_FILE_H */
