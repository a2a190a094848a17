; SPDX-License-Identifier: MIT
;
; arch_call_on_stack(stack_top, fn, arg): call fn(arg) on another stack
; and come back (see kernel/arch.h).  Used to run code on a freshly allocated
; kernel stack, e.g. the self-test that overflows one into its guard.
; The caller's RSP is kept in RBX (callee-saved, so fn preserves it);
; the new stack is aligned to 16 bytes as the SysV ABI wants at a call.

default rel
bits 64

section .text

global arch_call_on_stack
arch_call_on_stack:
    push rbp
    mov rbp, rsp
    push rbx
    sub rsp, 8              ; keep the old stack 16-byte aligned too
    mov rbx, rsp
    mov rsp, rdi
    and rsp, -16
    mov rdi, rdx
    call rsi
    mov rsp, rbx
    add rsp, 8
    pop rbx
    pop rbp
    ret
