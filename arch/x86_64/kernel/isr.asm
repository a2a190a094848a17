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
; From user mode (the saved CS has RPL 3) the entry runs SWAPGS first, so
; the kernel always finds its per-CPU block through the GS base, and the
; exit runs it again just before IRETQ (isr_exit_to_user, also the first
; way out of a new thread, switch.asm).  The CPU has loaded RSP from
; TSS.RSP0, the running thread's kernel stack top, so the frame is the
; thread's saved user context, at the top of its stack.
;
; NMI, #DF and #MC ("paranoid" vectors, on IST stacks) can arrive in the
; few instructions of the SYSCALL entry and exit where CS is the kernel's
; but the GS base is still the user's (syscall.asm), so for them the CS
; says nothing: isr_paranoid reads MSR_GS_BASE instead (a kernel-half
; address means the kernel's block is loaded) and swaps back on exit
; only if it swapped on entry.
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
%if %1 == 2 || %1 == 8 || %1 == 18
    jmp isr_paranoid
%else
    jmp isr_common
%endif
%endmacro

%assign vector 0
%rep 256
    ISR_STUB vector
%assign vector vector + 1
%endrep

%macro SAVE_REGS 0
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
%endmacro

%macro RESTORE_REGS 0
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
%endmacro

FRAME_CS_AT_STUB equ 3 * 8          ; vector, error code, RIP, then CS
FRAME_CS_SAVED   equ (15 + 3) * 8   ; the same once the registers are pushed
MSR_GS_BASE      equ 0xC0000101

align 16
isr_common:
    test byte [rsp + FRAME_CS_AT_STUB], 3
    jz .from_kernel
    swapgs
.from_kernel:
    SAVE_REGS
    cld
    mov rdi, rsp
    call arch_interrupt_dispatch
    test byte [rsp + FRAME_CS_SAVED], 3
    jnz isr_exit_to_user
    RESTORE_REGS
    add rsp, 16             ; vector and error code
    iretq

; RSP at a struct arch_regs whose CS is a user selector.
global isr_exit_to_user
isr_exit_to_user:
    RESTORE_REGS
    add rsp, 16
    swapgs
    iretq

align 16
isr_paranoid:
    SAVE_REGS
    cld
    xor ebx, ebx            ; RBX (callee-saved): 1 when we swapped
    mov ecx, MSR_GS_BASE
    rdmsr
    test edx, edx           ; bit 63 of the base: a kernel-half address
    js .kernel_gs
    swapgs
    mov ebx, 1
.kernel_gs:
    mov rdi, rsp
    call arch_interrupt_dispatch
    test ebx, ebx
    jz .done
    swapgs
.done:
    RESTORE_REGS
    add rsp, 16
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
