; SPDX-License-Identifier: MIT
;
; Kestrel SYSCALL entry (x86_64); the ABI is kernel/abi/kestrel/syscall.h.
;
; user.c points MSR_LSTAR at syscall_entry and MSR_CSTAR at
; syscall_compat_entry, and SFMASK clears IF, DF, TF, AC and NT, so the
; kernel runs with interrupts off, string ops forward, no single-step and
; SMAP enforced from the first instruction (SDM Vol. 2B, SYSCALL).
;
; The SYSCALL instruction leaves RSP as the user had it, so the entry
; swaps to the kernel GS base first, parks the user RSP in the per-CPU
; block for the two instructions before the thread's kernel stack is
; loaded, and then keeps everything on that stack: a call may block and
; switch threads inside syscall_dispatch, and another thread's SYSCALL on
; this CPU reuses the per-CPU slot meanwhile.
;
; Frame on the kernel stack, from its top: user RSP, user RFLAGS (R11),
; user RIP (RCX), RDI, RSI, RDX, R8, R9, R10, then the number (RAX) as
; syscall_dispatch's seventh argument; ten slots keep RSP 16-byte aligned
; at the call.  On the way out RDI..R10 come back as the user had them,
; RBX, RBP and R12-R15 are preserved by syscall_dispatch itself (SysV
; callee-saved), RCX and R11 are what SYSRETQ needs, and RAX is the
; result: no register carries a kernel value back to user mode.
;
; SYSRETQ to a non-canonical RIP would fault in ring 0 on the user's
; stack (Intel, SDM Vol. 2B, SYSRET); it cannot happen here because the
; saved RCX is never changed and nothing executes in the last page of the
; user half (kernel/proc/user_layout.h), so RCX is always canonical.
;
; Between SWAPGS and the stack switch, and after the exit's SWAPGS, only
; NMI, #MC and #DF can arrive (IF is off, no instruction there faults);
; they run on IST stacks and decide by MSR_GS_BASE (isr.asm).

default rel
bits 64

; struct percpu offsets (smp.h checks them with _Static_assert).
PERCPU_KERNEL_STACK_TOP equ 8
PERCPU_USER_RSP_SCRATCH equ 16
KS_ERR_NOT_SUPPORTED    equ 8
; kestrel/syscall.h: the register IPC calls are the last two numbers
; (kernel/ipc/ipc_regs.c checks this with _Static_assert).
KS_SYS_IPC_CALL_REGS    equ 50
KS_SYS_IPC_REPLY_RECV_REGS equ 51

extern syscall_dispatch
extern ipc_regs_entry

section .text

global syscall_entry
syscall_entry:
    swapgs
    mov [gs:PERCPU_USER_RSP_SCRATCH], rsp
    mov rsp, [gs:PERCPU_KERNEL_STACK_TOP]
    push qword [gs:PERCPU_USER_RSP_SCRATCH]
    push r11
    push rcx
    cmp rax, KS_SYS_IPC_CALL_REGS
    jae .registers_or_unknown
.plain:
    push rdi
    push rsi
    push rdx
    push r8
    push r9
    push r10
    push rax
    mov rcx, r10                ; fourth argument: R10 in the syscall ABI, RCX in C
    call syscall_dispatch
    add rsp, 8
    pop r10
    pop r9
    pop r8
    pop rdx
    pop rsi
    pop rdi
    pop rcx
    pop r11
    pop rsp
    swapgs
    o64 sysret

; The register IPC calls (kestrel/ipc.h) keep every register a message
; can travel in: the frame is a struct ipc_regs (kernel/ipc/ipc_regs.h),
; from its lowest address: the number, the ten message words (RDX, R10,
; R8, R9, RBX, RBP, R12-R15: pushed last word first so they lie in
; order), the info word (RSI), the endpoint handle or badge (RDI), then
; the three slots above.  Sixteen slots: RSP stays 16-byte aligned.  The
; fast path writes another thread's frame while that thread is blocked
; in one of these calls; on the way out every slot is loaded back.
.registers_or_unknown:
    cmp rax, KS_SYS_IPC_REPLY_RECV_REGS
    ja .plain                   ; a later call, or an unknown number the table answers
    push rdi
    push rsi
    push r15
    push r14
    push r13
    push r12
    push rbp
    push rbx
    push r9
    push r8
    push r10
    push rdx
    push rax
    mov rdi, rsp
    xor ebp, ebp                ; a backtrace ends here, not in user memory
    call ipc_regs_entry
    add rsp, 8
    pop rdx
    pop r10
    pop r8
    pop r9
    pop rbx
    pop rbp
    pop r12
    pop r13
    pop r14
    pop r15
    pop rsi
    pop rdi
    pop rcx
    pop r11
    pop rsp
    swapgs
    o64 sysret

; SYSCALL from 32-bit compatibility mode (a program that far-jumped to
; the user code32 selector; only some CPUs deliver it here rather than
; raising #UD).  Kestrel has no 32-bit ABI: answer "not supported" and
; go straight back to compatibility mode without touching the stack or
; GS.  SYSRET with a 32-bit operand size loads CS from STAR[63:48], the
; code32 selector, and RIP from ECX.
global syscall_compat_entry
syscall_compat_entry:
    mov eax, -KS_ERR_NOT_SUPPORTED
    o32 sysret
