/* SPDX-License-Identifier: MIT */
/*
 * Kestrel's user runtime (initrd/lib, linked as libks.a): what a user
 * program includes.  Brings in the system call wrappers (ks_syscall.h),
 * the small C library (stdlib.h, string.h, stdio.h, unistd.h, fcntl.h,
 * sys/stat.h, dirent.h, time.h, ctype.h, errno.h), the service clients
 * (ks_services.h, ks_client.h), the futex mutex (ks_mutex.h) and threads
 * (ks_thread.h), and declares what crt0 sets up: ks_start_info.
 *
 * A program defines int main(int argc, char **argv); crt0's _start
 * calls it and passes its result to exit().  Everything here may be
 * called from any thread.
 */
#ifndef KS_H
#define KS_H

#include <stddef.h>
#include <stdint.h>
#include "kestrel/syscall.h"
#include "ks_device.h"
#include "ks_ipc.h"
#include "ks_memory.h"
#include "ks_mutex.h"
#include "ks_quota.h"
#include "ks_syscall.h"
#include "ks_system.h"
#include "ks_thread.h"
#include "assert.h"
#include "ctype.h"
#include "dirent.h"
#include "errno.h"
#include "fcntl.h"
#include "ks_client.h"
#include "ks_path.h"
#include "ks_services.h"
#include "stdio.h"
#include "stdlib.h"
#include "string.h"
#include "sys/stat.h"
#include "sys/types.h"
#include "time.h"
#include "unistd.h"

/* The block the kernel left above the initial stack (NULL if its magic
 * did not match, which a correct kernel never does). */
extern const struct ks_start_info *ks_start_info;

/* Start handle index (0: none there, or no such index). */
static inline ks_handle_t ks_start_handle(unsigned index)
{
    const struct ks_start_info *si = ks_start_info;
    if (!si || index >= si->handle_count || index >= KS_START_HANDLES_MAX ||
        si->handles[index] <= 0)
        return 0;
    return (ks_handle_t)si->handles[index];
}

/* The type of object a handle names: KS_OBJECT_NONE for 0 or a handle
 * that names nothing here.  Drivers check their start handles with it. */
static inline uint32_t ks_handle_type(ks_handle_t handle)
{
    struct ks_handle_info info;
    if (!handle || ks_sys_handle_info(handle, &info) < 0)
        return KS_OBJECT_NONE;
    return info.type;
}

static inline void ks_yield(void)
{
    ks_sys_yield();
}

/* Sleep at least ns nanoseconds. */
static inline void ks_sleep_ns(uint64_t ns)
{
    ks_sys_sleep(ns);
}

/* Monotonic nanoseconds since boot. */
static inline uint64_t ks_clock_ns(void)
{
    return (uint64_t)ks_sys_clock();
}

/* Inside a spin-wait loop: lets the sibling hyperthread (or the
 * emulator) breathe. */
static inline void ks_cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

/* CPUs online (from the memory info call, which is current). */
unsigned ks_cpu_count(void);

#endif /* KS_H */
