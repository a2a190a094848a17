; SPDX-License-Identifier: MIT
;
; Kestrel thread switch (x86_64): arch_context_switch(save_sp, new_sp)
; and the first-run trampoline of a user thread (see kernel/arch.h).
;
; A thread's saved kernel context is its stack pointer alone: the SysV
; callee-saved registers (RBP, RBX, R12-R15) and a return address sit
; below it, pushed in this order.  Everything else the thread needs
; (caller-saved registers, its user context) is already on its own stack
; by the time it calls in here, so the switch stays a handful of
; instructions.  user.c's arch_thread_prepare_user builds the same seven
; slots on a fresh stack with the return address pointing at
; user_thread_trampoline.  Interrupts off, kernel lock held (the
; scheduler's rule); touches no per-CPU state.

default rel
bits 64

extern sched_thread_start
extern isr_exit_to_user

section .text

global arch_context_switch
arch_context_switch:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rax, rdi            ; the resumed thread learns who switched to it
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; Reached by the first switch to a new user thread, with RSP at the user
; context (a struct arch_regs at the top of its kernel stack, 16-byte
; aligned) and RBP zero, so a backtrace from sched_thread_start ends here.
global user_thread_trampoline
user_thread_trampoline:
    call sched_thread_start
    jmp isr_exit_to_user
