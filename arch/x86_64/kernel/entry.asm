; SPDX-License-Identifier: MIT
;
; Kestrel kernel entry (x86_64).  The loader stub jumps here in 64-bit
; mode, interrupts off, RDI = direct-map address of struct ks_boot_info,
; still on the loader's stack.  We move to the kernel boot stack at once
; (the loader's stack is memory the kernel will reclaim), clear RBP so
; the backtrace walker finds the end of the frame chain, and call
; kernel_main(boot_info), which never returns.
;
; The boot stack's bounds are exported for the backtrace walker.

default rel
bits 64

extern kernel_main

section .text.entry progbits alloc exec nowrite align=16
global kernel_entry
kernel_entry:
    cli
    cld
    lea rsp, [kernel_boot_stack_top]
    xor ebp, ebp
    ; RDI still holds the boot_info pointer: it is kernel_main's argument.
    call kernel_main
.halt:
    cli
    hlt
    jmp .halt

KERNEL_BOOT_STACK_SIZE equ 16384

section .bss nobits alloc noexec write align=16
global kernel_boot_stack_bottom, kernel_boot_stack_top
kernel_boot_stack_bottom:
    resb KERNEL_BOOT_STACK_SIZE
kernel_boot_stack_top:
