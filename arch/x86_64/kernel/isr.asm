; SPDX-License-Identifier: MIT
;
; Kestrel interrupt and exception entry stubs (x86_64).
;
; One stub per vector (0..255).  Vectors whose exception pushes an error
; code (SDM Vol. 3A, 6.3.1 / Table 6-1: 8, 10-14, 17, 21, 29, 30) use it;
; every other stub pushes 0 so all frames look alike.  The stub pushes
; the vector and jumps to isr_common, which saves the general registers
; in the order of struct arch_regs (arch/x86_64/kernel/regs.h) and calls
; arch_interrupt_dispatch(struct arch_regs *).  The handler may change
; the frame (the exception-fixup path rewrites RIP and RAX); on return
; the registers are restored from it and IRETQ resumes.
;
; The CPU aligns RSP to 16 before pushing the interrupt frame (SDM 6.14.2);
; 7 qwords of frame + 15 saved registers keep it 16-aligned for the call.
; isr_stub_table[v] is the address of stub v, for the IDT builder.

default rel
bits 64

extern arch_interrupt_dispatch

section .text

%macro ISR_STUB 1
align 16
isr_stub_%1:
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
%else
    push qword 0
%endif
    push qword %1
    jmp isr_common
%endmacro

%assign vector 0
%rep 256
    ISR_STUB vector
%assign vector vector + 1
%endrep

align 16
isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    cld
    mov rdi, rsp
    call arch_interrupt_dispatch
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16             ; vector and error code
    iretq

section .rodata
align 8
global isr_stub_table
isr_stub_table:
%assign vector 0
%rep 256
    dq isr_stub_ %+ vector
%assign vector vector + 1
%endrep
