/* SPDX-License-Identifier: MIT */
/*
 * Kestrel's user runtime (initrd/lib, linked as libks.a): what a user
 * program includes.  Brings in the system call wrappers (ks_syscall.h),
 * the string functions (string.h), formatted output (stdio.h), the
 * futex mutex (ks_mutex.h) and threads (ks_thread.h), and declares what
 * crt0 sets up: ks_start_info, and exit().
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
#include "ks_memory.h"
#include "ks_mutex.h"
#include "ks_quota.h"
#include "ks_syscall.h"
#include "ks_thread.h"
#include "stdio.h"
#include "string.h"

/* The block the kernel left above the initial stack (NULL if its magic
 * did not match, which a correct kernel never does). */
extern const struct ks_start_info *ks_start_info;

/* Flush the log line buffer, then end the process with status. */
__attribute__((noreturn)) void exit(int status);

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
