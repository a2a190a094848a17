/* SPDX-License-Identifier: MIT */
/*
 * Wrappers of the machine-wide system calls (kestrel/syscall.h, "The
 * system as a whole"): resource_info, power, handle_list and
 * boot_milestone; and of the kernel log's (kestrel/log.h): log_read and
 * log_take.  Each returns 0 (or a value) or -KS_ERR_*.
 */
#ifndef KS_SYSTEM_H
#define KS_SYSTEM_H

#include <stdint.h>
#include "kestrel/device.h"
#include "kestrel/handle.h"
#include "kestrel/log.h"
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

/* Copy the kernel log from args->from on -> bytes copied (args->next,
 * args->lost filled in).  handle: the boot resource (MANAGE) or I/O ports
 * covering the kernel's log UART; through log_take's handle, args->done
 * says how far the UART has sent. */
static inline int64_t ks_sys_log_read(ks_handle_t handle, struct ks_log_read *args)
{
    return ks_syscall3(KS_SYS_LOG_READ, (uint64_t)handle, (uint64_t)(uintptr_t)args, 0);
}

/* Take the kernel's log UART (ports: WRITE, covering it): the kernel
 * stops writing there and signals bits on notification at each line
 * until the ports handle leaves the table -> the sequence number the
 * handover starts at. */
static inline int64_t ks_sys_log_take(ks_handle_t ports, ks_handle_t notification,
                                      uint64_t bits)
{
    return ks_syscall3(KS_SYS_LOG_TAKE, (uint64_t)ports, (uint64_t)notification, bits);
}

#endif /* KS_SYSTEM_H */
