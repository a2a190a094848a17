/* SPDX-License-Identifier: MIT */
/*
 * Register messages (kestrel/ipc.h, "Register messages"): the two IPC
 * calls whose message travels in registers, and the frame their entry
 * (arch syscall.asm) builds at the top of the calling thread's kernel
 * stack.  A thread blocked in one of them has thread.ipc_xfer->regs
 * pointing at its frame, so the thread that meets it (ipc/fastpath.c)
 * can write the message straight into the registers it will return
 * with.
 *
 * Interface:
 *   ipc_regs_entry           the entry's C half (fastpath.c, or ipc_regs.c
 *                            when built without the fast path): lock, the
 *                            fast path when it applies, else ipc_regs_slow;
 *                            the result goes to RAX
 *   ipc_regs_slow            the slow path, kernel lock held; leaves it
 *   ipc_regs_call            the slow path of KS_SYS_IPC_CALL_REGS
 *   ipc_regs_reply_recv      the slow path of KS_SYS_IPC_REPLY_RECV_REGS
 *   ipc_regs_arrived         a message delivered into x (slow path) into
 *                            the frame
 *
 * Locking: the kernel lock, taken by ipc_regs_entry.
 */
#ifndef KESTREL_IPC_IPC_REGS_H
#define KESTREL_IPC_IPC_REGS_H

#include <stdbool.h>
#include <stdint.h>
#include "ipc/message.h"
#include "kestrel/ipc.h"

struct ipc_regs {
    uint64_t number;               /* RAX on entry */
    uint64_t words[KS_MSG_WORDS];  /* RDX, R10, R8, R9, RBX, RBP, R12-R15 */
    uint64_t info;                 /* RSI: KS_MSGINFO(label, words) */
    uint64_t handle;               /* RDI: in the endpoint, out the badge */
    uint64_t rip;                  /* RCX */
    uint64_t rflags;               /* R11 */
    uint64_t rsp;
};

_Static_assert(sizeof(struct ipc_regs) == 16 * 8, "syscall.asm builds sixteen slots");
_Static_assert(__builtin_offsetof(struct ipc_regs, words) == 8 &&
               __builtin_offsetof(struct ipc_regs, info) == 88 &&
               __builtin_offsetof(struct ipc_regs, handle) == 96, "syscall.asm's push order");

int64_t ipc_regs_entry(struct ipc_regs *r);
int64_t ipc_regs_slow(struct ipc_regs *r);
int64_t ipc_regs_call(struct ipc_regs *r);
int64_t ipc_regs_reply_recv(struct ipc_regs *r);
void ipc_regs_arrived(const struct ipc_transfer *x, struct ipc_regs *r);

/* Is the fast path on (built with KCONFIG_IPC_FASTPATH and not turned
 * off with ipc=slow)? */
extern bool ipc_fastpath_enabled;

#endif /* KESTREL_IPC_IPC_REGS_H */
