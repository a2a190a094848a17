; SPDX-License-Identifier: MIT
;
; Kestrel application-processor trampoline (x86_64).
;
; smp.c copies the bytes from smp_trampoline_start to smp_trampoline_end
; to a page below 1 MiB and fills the data block at its end (offsets are
; taken from the smp_tr_* symbols) before each INIT-SIPI-SIPI.  A started
; AP runs it in real mode at CS = page >> 4, IP = 0 (SDM Vol. 3A 8.4.4):
;   16-bit: load the trampoline's own GDT, set CR0.PE, far jump to 32-bit;
;   32-bit: CR4.PAE, CR3 = the start-up page tables (an identity map of the
;           low 2 MiB plus the kernel half), EFER.LME|NXE, CR0.PG, far jump
;           to 64-bit code (SDM 9.8.5);
;   64-bit: the AP's own kernel stack, then call the kernel's entry with
;           its per-CPU pointer; the entry never returns.
; The code is position independent: EBX holds the page's linear address
; from the 16-bit part on.  Runs on one AP at a time; interrupts off.

bits 16
section .rodata

global smp_trampoline_start
global smp_trampoline_end
global smp_tr_gdtr_base
global smp_tr_far32
global smp_tr_far64
global smp_tr_cr3
global smp_tr_stack
global smp_tr_entry
global smp_tr_arg
global smp_tr_protected
global smp_tr_long
global smp_tr_gdt

TR_CODE32 equ 0x08
TR_DATA   equ 0x10
TR_CODE64 equ 0x18
CR0_PE    equ 1 << 0
CR0_PG    equ 1 << 31
CR4_PAE   equ 1 << 5
MSR_EFER  equ 0xC0000080
EFER_LME  equ 1 << 8
EFER_NXE  equ 1 << 11

%define OFF(label) (label - smp_trampoline_start)

align 16
smp_trampoline_start:
    cli
    cld
    mov ax, cs
    mov ds, ax
    xor ebx, ebx
    mov bx, ax
    shl ebx, 4                      ; linear address of this page
    lgdt [OFF(tr_gdtr)]
    mov eax, cr0
    or eax, CR0_PE
    mov cr0, eax
    o32 jmp far [OFF(smp_tr_far32)]

bits 32
smp_tr_protected:
    mov ax, TR_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, [ebx + OFF(smp_tr_cr3)]
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME | EFER_NXE
    wrmsr
    mov eax, cr0
    or eax, CR0_PG
    mov cr0, eax
    jmp far [ebx + OFF(smp_tr_far64)]

bits 64
smp_tr_long:
    mov ax, TR_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov rsp, [rbx + OFF(smp_tr_stack)]
    mov rdi, [rbx + OFF(smp_tr_arg)]
    mov rax, [rbx + OFF(smp_tr_entry)]
    and rsp, -16
    call rax
.stuck:
    cli
    hlt
    jmp .stuck

align 16
smp_tr_gdt:
    dq 0
    dq 0x00CF9A000000FFFF           ; 0x08 flat 32-bit code
    dq 0x00CF92000000FFFF           ; 0x10 flat data
    dq 0x00AF9A000000FFFF           ; 0x18 64-bit code
tr_gdt_end:

; The data block smp.c fills in.
align 8
tr_gdtr:
    dw tr_gdt_end - smp_tr_gdt - 1
smp_tr_gdtr_base:
    dd 0                            ; linear address of smp_tr_gdt
align 8
smp_tr_far32:
    dd 0                            ; linear address of smp_tr_protected
    dw TR_CODE32
align 8
smp_tr_far64:
    dd 0                            ; linear address of smp_tr_long
    dw TR_CODE64
align 8
smp_tr_cr3:
    dq 0                            ; start-up PML4, below 4 GiB
smp_tr_stack:
    dq 0                            ; top of the AP's kernel stack
smp_tr_entry:
    dq 0                            ; void entry(void *arg), never returns
smp_tr_arg:
    dq 0
smp_trampoline_end:

