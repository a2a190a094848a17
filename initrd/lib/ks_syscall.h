/* SPDX-License-Identifier: MIT */
/*
 * Kestrel system call wrappers for user programs: one inline function
 * per call of kestrel/syscall.h, named ks_sys_<call>, with the ABI's
 * register convention (number in RAX, arguments in RDI RSI RDX R10 R8
 * R9, result in RAX, RCX and R11 clobbered by the CPU).  Each returns
 * what the kernel returned: >= 0 success, -KS_ERR_* failure.
 * ks_syscall6 passes any number and raw arguments (the test suite uses
 * it to hand the kernel bad values).  Safe from any thread.
 */
#ifndef KS_SYSCALL_H
#define KS_SYSCALL_H

#include <stddef.h>
#include <stdint.h>
#include "kestrel/handle.h"
#include "kestrel/syscall.h"

static inline int64_t ks_syscall6(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2,
                                  uint64_t a3, uint64_t a4, uint64_t a5)
{
    /* R10, R8 and R9 have no constraint letter: bind them explicitly. */
    register uint64_t r10 __asm__("r10") = a3;
    register uint64_t r8 __asm__("r8") = a4;
    register uint64_t r9 __asm__("r9") = a5;
    int64_t result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
}

static inline int64_t ks_syscall3(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2)
{
    int64_t result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2)
                     : "rcx", "r11", "memory");
    return result;
}

static inline int64_t ks_syscall0(uint64_t number)
{
    int64_t result;
    __asm__ volatile("syscall" : "=a"(result) : "a"(number) : "rcx", "r11", "memory");
    return result;
}

#define KS_ARG(x) ((uint64_t)(uintptr_t)(x))

static inline int64_t ks_sys_null(void)
{
    return ks_syscall0(KS_SYS_NULL);
}

static inline int64_t ks_sys_log_write(const char *buf, size_t len)
{
    return ks_syscall3(KS_SYS_LOG_WRITE, KS_ARG(buf), len, 0);
}

__attribute__((noreturn)) static inline void ks_sys_exit(int status)
{
    ks_syscall3(KS_SYS_EXIT, (uint64_t)(int64_t)status, 0, 0);
    __builtin_unreachable();
}

static inline int64_t ks_sys_yield(void)
{
    return ks_syscall0(KS_SYS_YIELD);
}

static inline int64_t ks_sys_sleep(uint64_t ns)
{
    return ks_syscall3(KS_SYS_SLEEP, ns, 0, 0);
}

static inline int64_t ks_sys_clock(void)
{
    return ks_syscall0(KS_SYS_CLOCK);
}

/* entry(arg) on a new stack; see ks_thread.h for threads that return. */
static inline int64_t ks_sys_thread_create(void (*entry)(void *), void *arg, int priority,
                                           uint64_t cpu_mask)
{
    return ks_syscall6(KS_SYS_THREAD_CREATE, KS_ARG(entry), KS_ARG(arg),
                       (uint64_t)(int64_t)priority, cpu_mask, 0, 0);
}

__attribute__((noreturn)) static inline void ks_sys_thread_exit(int64_t value)
{
    ks_syscall3(KS_SYS_THREAD_EXIT, (uint64_t)value, 0, 0);
    __builtin_unreachable();
}

static inline int64_t ks_sys_thread_join(int64_t tid, int64_t *value, uint64_t timeout_ns)
{
    return ks_syscall3(KS_SYS_THREAD_JOIN, (uint64_t)tid, KS_ARG(value), timeout_ns);
}

static inline int64_t ks_sys_futex_wait(const uint32_t *addr, uint32_t expected,
                                        uint64_t timeout_ns)
{
    return ks_syscall3(KS_SYS_FUTEX_WAIT, KS_ARG(addr), expected, timeout_ns);
}

static inline int64_t ks_sys_futex_wake(const uint32_t *addr, uint32_t count)
{
    return ks_syscall3(KS_SYS_FUTEX_WAKE, KS_ARG(addr), count, 0);
}

/* process: a process handle (needs KS_RIGHT_READ), or 0 for the caller. */
static inline int64_t ks_sys_process_info(ks_handle_t process, struct ks_process_info *out)
{
    return ks_syscall3(KS_SYS_PROCESS_INFO, (uint64_t)process, KS_ARG(out), 0);
}

static inline int64_t ks_sys_thread_info(int64_t tid, struct ks_thread_info *out)
{
    return ks_syscall3(KS_SYS_THREAD_INFO, (uint64_t)tid, KS_ARG(out), 0);
}

static inline int64_t ks_sys_thread_set_priority(int64_t tid, int priority)
{
    return ks_syscall3(KS_SYS_THREAD_SET_PRIORITY, (uint64_t)tid, (uint64_t)(int64_t)priority,
                       0);
}

static inline int64_t ks_sys_thread_set_affinity(int64_t tid, uint64_t cpu_mask)
{
    return ks_syscall3(KS_SYS_THREAD_SET_AFFINITY, (uint64_t)tid, cpu_mask, 0);
}

static inline int64_t ks_sys_mem_info(struct ks_mem_info *out)
{
    return ks_syscall3(KS_SYS_MEM_INFO, KS_ARG(out), 0, 0);
}

/* A process handle (READ, WAIT, MANAGE, DUPLICATE, TRANSFER) to the new
 * process, or -KS_ERR_*.  The child starts with copies of the count
 * handles listed (each needs DUPLICATE and TRANSFER), found in its
 * ks_start_info.handles.  Close the process handle when done: an ended
 * process is freed with its last handle. */
static inline int64_t ks_sys_spawn(const char *path, const char *const *argv, uint32_t argc,
                                   const ks_handle_t *handles, uint32_t count)
{
    return ks_syscall6(KS_SYS_SPAWN, KS_ARG(path), KS_ARG(argv), argc, KS_ARG(handles), count,
                       0);
}

/* 0 and *out once the process has ended (any number of times; frees
 * nothing).  Needs KS_RIGHT_WAIT. */
static inline int64_t ks_sys_wait(ks_handle_t process, struct ks_exit_status *out,
                                  uint64_t timeout_ns)
{
    return ks_syscall3(KS_SYS_WAIT, (uint64_t)process, KS_ARG(out), timeout_ns);
}

/* End the process with KS_EXIT_KILLED; 0 also when it had ended.  Needs
 * KS_RIGHT_MANAGE. */
static inline int64_t ks_sys_process_kill(ks_handle_t process)
{
    return ks_syscall3(KS_SYS_PROCESS_KILL, (uint64_t)process, 0, 0);
}

/* Handles (kestrel/handle.h) and notifications. */
static inline int64_t ks_sys_handle_close(ks_handle_t handle)
{
    return ks_syscall3(KS_SYS_HANDLE_CLOSE, (uint64_t)handle, 0, 0);
}

/* A new handle to the same object with rights (a subset), or -KS_ERR_*. */
static inline int64_t ks_sys_handle_duplicate(ks_handle_t handle, uint32_t rights)
{
    return ks_syscall3(KS_SYS_HANDLE_DUPLICATE, (uint64_t)handle, rights, 0);
}

/* 0 when every derived handle is gone, -KS_ERR_AGAIN: call again. */
static inline int64_t ks_sys_handle_revoke(ks_handle_t handle)
{
    return ks_syscall3(KS_SYS_HANDLE_REVOKE, (uint64_t)handle, 0, 0);
}

static inline int64_t ks_sys_handle_info(ks_handle_t handle, struct ks_handle_info *out)
{
    return ks_syscall3(KS_SYS_HANDLE_INFO, (uint64_t)handle, KS_ARG(out), 0);
}

static inline int64_t ks_sys_notification_create(void)
{
    return ks_syscall0(KS_SYS_NOTIFICATION_CREATE);
}

static inline int64_t ks_sys_notification_signal(ks_handle_t handle, uint64_t bits)
{
    return ks_syscall3(KS_SYS_NOTIFICATION_SIGNAL, (uint64_t)handle, bits, 0);
}

/* 0 and *bits (taken and cleared); timeout_ns KS_TIMEOUT_POLL polls. */
static inline int64_t ks_sys_notification_wait(ks_handle_t handle, uint64_t timeout_ns,
                                               uint64_t *bits)
{
    return ks_syscall3(KS_SYS_NOTIFICATION_WAIT, (uint64_t)handle, timeout_ns, KS_ARG(bits));
}

#endif /* KS_SYSCALL_H */
