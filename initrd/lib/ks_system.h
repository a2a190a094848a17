/* SPDX-License-Identifier: MIT */
/*
 * Wrappers of the machine-wide system calls (kestrel/syscall.h, "The
 * system as a whole"): resource_info, power, handle_list and
 * boot_milestone.  Each returns 0 (or a value) or -KS_ERR_*.
 */
#ifndef KS_SYSTEM_H
#define KS_SYSTEM_H

#include <stdint.h>
#include "kestrel/device.h"
#include "kestrel/handle.h"
#include "kestrel/syscall.h"
#include "ks_syscall.h"

/* The screen the boot left and the machine's facts; any resource handle. */
static inline int64_t ks_sys_resource_info(ks_handle_t resource, struct ks_resource_info *out)
{
    return ks_syscall3(KS_SYS_RESOURCE_INFO, (uint64_t)resource, (uint64_t)(uintptr_t)out, 0);
}

/* KS_POWER_OFF or KS_POWER_REBOOT; returns only on error.  Needs MANAGE. */
static inline int64_t ks_sys_power(ks_handle_t resource, uint32_t op)
{
    return ks_syscall3(KS_SYS_POWER, (uint64_t)resource, op, 0);
}

/* The index-th handle of process (0 = self); -KS_ERR_NOT_FOUND past the
 * last.  Needs READ on the process. */
static inline int64_t ks_sys_handle_list(ks_handle_t process, uint32_t index,
                                         struct ks_handle_entry *out)
{
    return ks_syscall3(KS_SYS_HANDLE_LIST, (uint64_t)process, index, (uint64_t)(uintptr_t)out);
}

/* Log "boot: WHAT after N ms from loader entry"; -> ns since then. */
static inline int64_t ks_sys_boot_milestone(const char *what)
{
    return ks_syscall3(KS_SYS_BOOT_MILESTONE, (uint64_t)(uintptr_t)what, 0, 0);
}

#endif /* KS_SYSTEM_H */
