/* SPDX-License-Identifier: MIT */
/*
 * open() of Kestrel's user runtime: a file of the VFS service.  The
 * flags map onto the VFS's KS_VFS_O_* (ks_proto.h).
 */
#ifndef KS_FCNTL_H
#define KS_FCNTL_H

#define O_RDONLY    0x0
#define O_WRONLY    0x1
#define O_RDWR      0x2
#define O_ACCMODE   0x3
#define O_CREAT     0x40
#define O_EXCL      0x80
#define O_TRUNC     0x200
#define O_APPEND    0x400
#define O_DIRECTORY 0x10000

/* A file descriptor (>= 3), or -1 and errno.  A mode argument after
 * flags is accepted and ignored (the VFS keeps no permissions). */
int open(const char *path, int flags, ...);

#endif /* KS_FCNTL_H */
