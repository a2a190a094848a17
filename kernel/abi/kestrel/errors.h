/* SPDX-License-Identifier: MIT */
/*
 * Kestrel error codes (ABI).  Kernel functions that can fail return the
 * negative of one of these (e.g. -KS_ERR_FAULT); 0 or a positive count
 * means success.  Userspace will see the same values from system calls.
 */
#ifndef KESTREL_ABI_ERRORS_H
#define KESTREL_ABI_ERRORS_H

#define KS_OK                    0
#define KS_ERR_INVALID_ARGUMENT  1 /* a parameter is out of range or malformed */
#define KS_ERR_FAULT             2 /* an address could not be accessed */
#define KS_ERR_NOT_FOUND         3 /* the named thing does not exist */
#define KS_ERR_CORRUPT           4 /* input data failed validation */
#define KS_ERR_NO_MEMORY         5 /* no frame, page or object could be allocated */
#define KS_ERR_EXISTS            6 /* the slot is taken (an address already mapped) */
#define KS_ERR_NOT_OWNER         7 /* the caller does not own what it tried to release */
#define KS_ERR_NOT_SUPPORTED     8 /* no such call or operation */
#define KS_ERR_TIMED_OUT         9 /* a wait ran out of time */
#define KS_ERR_AGAIN            10 /* the state changed: look again (futex value) */
#define KS_ERR_BUSY             11 /* someone else is already doing it */
#define KS_ERR_DENIED           12 /* not allowed (a limit or a missing right) */
#define KS_ERR_BAD_HANDLE       13 /* no such handle: never made, closed, or revoked */
#define KS_ERR_WRONG_TYPE       14 /* the handle names another kind of object */
#define KS_ERR_PEER_GONE        15 /* the other side of an IPC ended or closed */
/* Codes of the user services (the kernel does not return these). */
#define KS_ERR_NOT_DIRECTORY    16 /* a path component is not a directory */
#define KS_ERR_IS_DIRECTORY     17 /* a file operation on a directory */
#define KS_ERR_NOT_EMPTY        18 /* removing a directory that has entries */
#define KS_ERR_NO_SPACE         19 /* a file system or a table is full */
#define KS_ERR_NOT_EXECUTABLE   20 /* a program that is not an ELF Kestrel runs */
#define KS_ERR_COUNT            21

#endif /* KESTREL_ABI_ERRORS_H */
