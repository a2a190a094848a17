/* SPDX-License-Identifier: MIT */
/*
 * System call dispatch.  The arch's SYSCALL entry (arch/x86_64/kernel/
 * syscall.asm) calls syscall_dispatch on the thread's kernel stack with
 * interrupts off and the kernel lock not held; the number and arguments
 * are those of kestrel/syscall.h.  Calls marked lockless in the table
 * (null, clock) run without the kernel lock; every other one takes it,
 * and before returning does this CPU's recorded work (a reschedule, the
 * thread's death) so the return to user mode is plain.
 */
#ifndef KESTREL_SYSCALL_SYSCALL_H
#define KESTREL_SYSCALL_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

int64_t syscall_dispatch(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5, uint64_t number);

/* User memory: the range must lie inside the user half (no wrap, no
 * crossing into the kernel half), then arch_copy_*_user copies it with
 * fault recovery.  0 or -KS_ERR_FAULT.  NULL with len 0 is fine. */
int copy_from_user(void *dst, uint64_t user_src, size_t len);
int copy_to_user(uint64_t user_dst, const void *src, size_t len);
/* A NUL-terminated string of at most max bytes (NUL included) into dst:
 * its length, -KS_ERR_FAULT, or -KS_ERR_INVALID_ARGUMENT when no NUL
 * comes within max bytes. */
int64_t copy_string_from_user(char *dst, uint64_t user_src, size_t max);
/* argc strings through the user array of pointers at user_argv: their
 * bytes (NULs included) packed into bytes (size bytes), argv[i] pointing
 * at each.  0, -KS_ERR_FAULT, or -KS_ERR_INVALID_ARGUMENT when they do
 * not fit. */
int copy_argv_from_user(uint64_t user_argv, uint32_t argc, char *bytes, size_t size,
                        const char **argv);

#endif /* KESTREL_SYSCALL_SYSCALL_H */
