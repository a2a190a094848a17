; SPDX-License-Identifier: MIT
;
; Kestrel fault-tolerant memory probes and exception self-test triggers
; (x86_64).  Each routine marks the one instruction that may fault with
; an entry in the exception-fixup table (.ks_fixup: fault RIP, resume
; RIP; see fixup.c).  When it faults, the exception handler resumes at
; the resume label with RAX = FIXUP_FAULTED | vector, so every routine
; returns 0 when the access worked and that value when it faulted.
; Callable from any context; they touch no state except *out.
;
;   probe_read_u8_raw(addr, out)   read one byte at addr into *out
;   probe_write_u8_raw(addr, val)  write one byte to addr
;   selftest_trigger_ud()          execute UD2              (#UD, fault)
;   selftest_trigger_bp()          execute INT3             (#BP, trap)
;   selftest_trigger_de()          divide by zero           (#DE, fault)
;   selftest_trigger_exec_data()   jump into a .data byte   (#PF, NX)

default rel
bits 64

%macro FIXUP 2
section .ks_fixup progbits alloc noexec nowrite align=8
    dq %1, %2
section .text
%endmacro

section .text

global probe_read_u8_raw
probe_read_u8_raw:
    xor eax, eax
.access:
    movzx ecx, byte [rdi]
    mov [rsi], cl
.resume:
    ret
    FIXUP .access, .resume

global probe_write_u8_raw
probe_write_u8_raw:
    xor eax, eax
.access:
    mov [rdi], sil
.resume:
    ret
    FIXUP .access, .resume

global selftest_trigger_ud
selftest_trigger_ud:
    xor eax, eax
.access:
    ud2
.resume:
    ret
    FIXUP .access, .resume

; INT3 is a trap: the saved RIP is the instruction after it (SDM 6.5),
; so the fixup entry names that address.
global selftest_trigger_bp
selftest_trigger_bp:
    xor eax, eax
    int3
.after:
    ret
    FIXUP .after, .after

global selftest_trigger_de
selftest_trigger_de:
    xor eax, eax
    xor edx, edx
    xor ecx, ecx
.access:
    div rcx
.resume:
    ret
    FIXUP .access, .resume

; With NX working the jump faults at the data byte itself (instruction
; fetch #PF); without it the byte (RET) runs and we return 0.
global selftest_trigger_exec_data
selftest_trigger_exec_data:
    xor eax, eax
    jmp selftest_data_ret
.resume:
    ret
    FIXUP selftest_data_ret, .resume

section .data
selftest_data_ret:
    db 0xC3
