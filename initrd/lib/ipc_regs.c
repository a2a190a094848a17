/* SPDX-License-Identifier: MIT */
/*
 * The register IPC calls (kestrel/ipc.h, "Register messages"):
 * ks_ipc_call_regs and ks_ipc_reply_recv_regs load a struct ks_regs_msg
 * into the registers the calls read, make the call, and store the
 * registers the kernel returned into the same struct.  They are written
 * in assembly because a message uses every callee-saved register, RBP
 * included, which C code cannot hand over; the six callee-saved
 * registers are kept on the stack around the call.
 */
#include "ks_ipc.h"

_Static_assert(__builtin_offsetof(struct ks_regs_msg, info) == 0 &&
               __builtin_offsetof(struct ks_regs_msg, words) == 8 &&
               __builtin_offsetof(struct ks_regs_msg, badge) == 88, "the offsets below");
_Static_assert(KS_SYS_IPC_CALL_REGS == 50 && KS_SYS_IPC_REPLY_RECV_REGS == 51,
               "the numbers below");

__asm__(
    ".text\n"
    ".globl ks_ipc_call_regs\n"
    ".type ks_ipc_call_regs, @function\n"
    "ks_ipc_call_regs:\n"
    "    movl $50, %eax\n"
    "    jmp ks_ipc_regs_common\n"
    ".size ks_ipc_call_regs, .-ks_ipc_call_regs\n"
    ".globl ks_ipc_reply_recv_regs\n"
    ".type ks_ipc_reply_recv_regs, @function\n"
    "ks_ipc_reply_recv_regs:\n"
    "    movl $51, %eax\n"
    "ks_ipc_regs_common:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    pushq %rsi\n"
    "    movq 8(%rsi), %rdx\n"
    "    movq 16(%rsi), %r10\n"
    "    movq 24(%rsi), %r8\n"
    "    movq 32(%rsi), %r9\n"
    "    movq 40(%rsi), %rbx\n"
    "    movq 48(%rsi), %rbp\n"
    "    movq 56(%rsi), %r12\n"
    "    movq 64(%rsi), %r13\n"
    "    movq 72(%rsi), %r14\n"
    "    movq 80(%rsi), %r15\n"
    "    movq 0(%rsi), %rsi\n"
    "    syscall\n"
    "    popq %rcx\n"
    "    movq %rsi, 0(%rcx)\n"
    "    movq %rdx, 8(%rcx)\n"
    "    movq %r10, 16(%rcx)\n"
    "    movq %r8, 24(%rcx)\n"
    "    movq %r9, 32(%rcx)\n"
    "    movq %rbx, 40(%rcx)\n"
    "    movq %rbp, 48(%rcx)\n"
    "    movq %r12, 56(%rcx)\n"
    "    movq %r13, 64(%rcx)\n"
    "    movq %r14, 72(%rcx)\n"
    "    movq %r15, 80(%rcx)\n"
    "    movq %rdi, 88(%rcx)\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n"
    ".size ks_ipc_reply_recv_regs, .-ks_ipc_reply_recv_regs\n");
