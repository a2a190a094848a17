/* SPDX-License-Identifier: MIT */
/*
 * errno of Kestrel's user runtime.  The E-constants are the Kestrel error
 * codes themselves (kestrel/errors.h), so a service's -KS_ERR_* status
 * becomes errno unchanged: a POSIX-style call returns -1 and sets errno
 * to the code.  errno is one variable per process (not per thread).
 */
#ifndef KS_ERRNO_H
#define KS_ERRNO_H

#include "kestrel/errors.h"

extern int errno;

#define EINVAL    KS_ERR_INVALID_ARGUMENT
#define EFAULT    KS_ERR_FAULT
#define ENOENT    KS_ERR_NOT_FOUND
#define EIO       KS_ERR_CORRUPT
#define ENOMEM    KS_ERR_NO_MEMORY
#define EEXIST    KS_ERR_EXISTS
#define EPERM     KS_ERR_NOT_OWNER
#define ENOSYS    KS_ERR_NOT_SUPPORTED
#define ETIMEDOUT KS_ERR_TIMED_OUT
#define EAGAIN    KS_ERR_AGAIN
#define EBUSY     KS_ERR_BUSY
#define EACCES    KS_ERR_DENIED
#define EBADF     KS_ERR_BAD_HANDLE
#define ENOTSUP   KS_ERR_WRONG_TYPE
#define EPIPE     KS_ERR_PEER_GONE
#define ENOTDIR   KS_ERR_NOT_DIRECTORY
#define EISDIR    KS_ERR_IS_DIRECTORY
#define ENOTEMPTY KS_ERR_NOT_EMPTY
#define ENOSPC    KS_ERR_NO_SPACE
#define ENOEXEC   KS_ERR_NOT_EXECUTABLE
/* No Kestrel code of their own: the nearest one. */
#define ERANGE    KS_ERR_INVALID_ARGUMENT
#define ENAMETOOLONG KS_ERR_INVALID_ARGUMENT
#define EMFILE    KS_ERR_NO_SPACE

#endif /* KS_ERRNO_H */
