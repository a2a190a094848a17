/* SPDX-License-Identifier: MIT */
/* The POSIX scalar types of Kestrel's user runtime. */
#ifndef KS_SYS_TYPES_H
#define KS_SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;
typedef int64_t off_t;
typedef int64_t pid_t;
typedef uint32_t mode_t;
typedef uint64_t ino_t;
typedef int64_t time_t;

#endif /* KS_SYS_TYPES_H */
