/* SPDX-License-Identifier: MIT */
/*
 * POSIX I/O of Kestrel's user runtime.  Descriptors 0, 1 and 2 are the
 * console; others are VFS files (fcntl.h open).  read and write loop
 * until the whole count moved (a read is short only at the end of a
 * file; on the console it returns what is there once something is).
 * Relative paths are resolved against a per-process current directory
 * (chdir, getcwd), in the client; "." and ".." are folded (path.h).
 * Every call returns -1 and sets errno on failure.
 */
#ifndef KS_UNISTD_H
#define KS_UNISTD_H

#include <stddef.h>
#include "sys/types.h"

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
int unlink(const char *path);
int rmdir(const char *path);
char *getcwd(char *buf, size_t size);
int chdir(const char *path);
unsigned sleep(unsigned seconds);
int usleep(unsigned long usec);
pid_t getpid(void);
int isatty(int fd);

#endif /* KS_UNISTD_H */
