/* SPDX-License-Identifier: MIT */
/*
 * Quota wrappers of the user runtime (the ABI is struct ks_limits and
 * struct ks_process_usage in kestrel/syscall.h; the design is
 * docs/quotas.md).  A process's use counts what its descendants use as
 * well, except handles, which are its own table's.
 */
#ifndef KS_QUOTA_H
#define KS_QUOTA_H

#include <stdint.h>
#include "kestrel/syscall.h"
#include "ks_syscall.h"

/* The limits and use of a process (a handle with KS_RIGHT_READ), or of
 * the caller (0), into *out: 0 or -KS_ERR_*. */
static inline int64_t ks_sys_process_usage(ks_handle_t process, struct ks_process_usage *out)
{
    return ks_syscall3(KS_SYS_PROCESS_USAGE, (uint64_t)process, KS_ARG(out), 0);
}

#endif /* KS_QUOTA_H */
