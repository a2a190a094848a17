; SPDX-License-Identifier: MIT
;
; Kestrel copies between the kernel and user memory (x86_64):
; arch_copy_from_user(dst, user_src, len) and arch_copy_to_user(user_dst,
; src, len), see kernel/arch.h.  Both are a REP MOVSQ and a REP MOVSB for
; the tail, from RSI to RDI, so they share a body.  Each copy instruction
; is listed in the exception-fixup table (fixup.h): a fault on a user
; page that is not mapped, or
; not writable, resumes at the recovery label and the call returns
; -KS_ERR_FAULT; any byte before the fault may have been copied.  The
; caller has checked that the user range lies in the user half, so the
; kernel half is never the target of a user-supplied address.
;
; With SMAP on (CR4.SMAP, set by user.c when the CPU has it) a supervisor
; access to a user page faults unless RFLAGS.AC is set: STAC/CLAC open
; exactly this window (SDM Vol. 3A 4.6.1).  STAC is #UD on a CPU without
; SMAP, so the routine branches on user.c's usercopy_smap_enabled.  Any
; context where the active address space holds the user range;
; interrupts may be on or off.

default rel
bits 64

KS_ERR_FAULT equ 2

extern usercopy_smap_enabled

%macro FIXUP 2
section .ks_fixup progbits alloc noexec nowrite align=8
    dq %1, %2
section .text
%endmacro

section .text

global arch_copy_from_user
global arch_copy_to_user
arch_copy_from_user:
arch_copy_to_user:
    ; Eight bytes a step, then the tail byte by byte: messages and info
    ; blocks are copied whole on every IPC and info call.
    mov rcx, rdx
    shr rcx, 3
    and edx, 7
    cmp byte [usercopy_smap_enabled], 0
    je .copy_plain
    stac
.smap_quads:
    rep movsq
    mov rcx, rdx
.smap_bytes:
    rep movsb
    clac
    xor eax, eax
    ret
.copy_plain:
    rep movsq
    mov rcx, rdx
.plain_bytes:
    rep movsb
    xor eax, eax
    ret
.fault_smap:
    clac
.fault:
    mov eax, -KS_ERR_FAULT
    ret
    FIXUP .smap_quads, .fault_smap
    FIXUP .smap_bytes, .fault_smap
    FIXUP .copy_plain, .fault
    FIXUP .plain_bytes, .fault
