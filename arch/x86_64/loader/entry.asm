; SPDX-License-Identifier: MIT
;
; Kestrel loader stub entry (NASM, 32-bit then 64-bit).
;
; Holds the Multiboot2 header (own section, placed first by loader.ld),
; loader_start (GRUB jumps here in 32-bit protected mode, paging off,
; EAX = magic, EBX = information address, no usable stack, GDTR maybe
; stale), and loader_enter_kernel, which switches to long mode and jumps
; to the kernel.  Interface: loader_main(magic, info) in main.c; the
; struct loader_handoff layout in loader.h.  Interrupts stay off.

MB2_MAGIC        equ 0xe85250d6
MB2_ARCH_I386    equ 0
MB2_TAG_OPTIONAL equ 1

CR0_WP           equ 1 << 16
CR0_PG           equ 1 << 31
MSR_EFER         equ 0xc0000080
EFER_LME         equ 1 << 8
EFER_NXE         equ 1 << 11

SEL_CODE32       equ 0x08
SEL_DATA         equ 0x10
SEL_CODE64       equ 0x18

STACK_SIZE       equ 16384

; struct loader_handoff offsets (loader.h)
HO_ENTRY         equ 0
HO_BOOT_INFO     equ 8
HO_PML4          equ 16
HO_CR4           equ 20
HO_STACK         equ 24
HO_TSC           equ 28

extern loader_main
extern loader_entry_tsc
extern __bss_start
extern __bss_end

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

    ; Information request (spec 3.1.4): optional, so a GRUB lacking one
    ; of these still boots us; the loader copes with each one missing.
    align 8
.info_request:
    dw 1, MB2_TAG_OPTIONAL
    dd .info_request_end - .info_request
    dd 1, 2, 3, 4, 6, 8, 11, 12, 14, 15, 17
.info_request_end:

    ; Framebuffer (spec 3.1.10): no preference, optional.  On UEFI there
    ; is no text mode, so this is what gives the loader a screen.
    align 8
    dw 5, MB2_TAG_OPTIONAL
    dd 20
    dd 0, 0, 0

    ; Page-aligned modules (spec 3.1.11): the kernel ELF is then aligned.
    align 8
    dw 6, 0
    dd 8

    align 8
    dw 0, 0
    dd 8
mb2_header_end:

section .text
bits 32
global loader_start
loader_start:
    cli
    cld
    mov esi, eax                ; keep magic and info across the bss clear
    mov ebp, ebx
    mov edi, __bss_start        ; GRUB zeroes bss too, but do not rely on it
    mov ecx, __bss_end
    sub ecx, edi
    xor eax, eax
    rep stosb
    mov esp, loader_stack_top
    lgdt [gdt_pointer]
    jmp SEL_CODE32:.reload
.reload:
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    call read_entry_tsc
    push ebp                    ; info
    push esi                    ; magic
    call loader_main
.halt:
    cli
    hlt
    jmp .halt

; loader_entry_tsc = RDTSC, only once CPUID says the TSC exists
; (CPUID itself only when EFLAGS.ID toggles, SDM Vol. 1, 3.4.3.3).
read_entry_tsc:
    pushfd
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    xor eax, ecx
    test eax, 1 << 21
    jz .done
    xor eax, eax
    cpuid
    test eax, eax
    jz .done
    mov eax, 1
    cpuid
    test edx, 1 << 4
    jz .done
    rdtsc
    mov [loader_entry_tsc], eax
    mov [loader_entry_tsc + 4], edx
.done:
    ret

; _Noreturn void loader_enter_kernel(const struct loader_handoff *h)
; Long-mode activation in the order of SDM Vol. 3A, 10.8.5: PAE, CR3,
; EFER.LME (and NXE, needed before any NX bit is live), then CR0.PG.
global loader_enter_kernel
loader_enter_kernel:
    mov ebx, [esp + 4]
    mov eax, cr4
    or eax, [ebx + HO_CR4]
    mov cr4, eax
    mov eax, [ebx + HO_PML4]
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME | EFER_NXE
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_WP
    mov cr0, eax
    jmp SEL_CODE64:long_mode

bits 64
long_mode:
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    ; Upper register halves are undefined after the mode switch (SDM
    ; Vol. 1, 3.4.1.1): writing the 32-bit register zero-extends it.
    mov ebx, ebx
    mov esp, [rbx + HO_STACK]
    and rsp, -16
    mov rdi, [rbx + HO_BOOT_INFO]
    mov r8, [rbx + HO_ENTRY]
    mov ecx, [rbx + HO_TSC]
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov [rcx], rax
    xor ebp, ebp
    jmp r8

section .data
align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff       ; 0x08: 32-bit code, base 0, 4 GiB
    dq 0x00cf92000000ffff       ; 0x10: data, base 0, 4 GiB
    dq 0x00af9a000000ffff       ; 0x18: 64-bit code (L=1, D=0)
gdt_end:
gdt_pointer:
    dw gdt_end - gdt - 1
    dd gdt

section .bss
align 16
global loader_stack_top
loader_stack:
    resb STACK_SIZE
loader_stack_top:
