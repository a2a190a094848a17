/* SPDX-License-Identifier: MIT */
/*
 * The arch fence: everything portable Kestrel code may ask of the CPU
 * and platform.  Implemented in arch/x86_64/kernel/.  Boot CPU only for
 * now; unless noted, functions run with interrupts off and take no locks.
 */
#ifndef KESTREL_ARCH_H
#define KESTREL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kestrel/boot_info.h"

struct arch_regs;

/* Serial (COM1) and the Bochs 0xE9 port: usable before boot_info is
 * trusted.  Screen consoles come later, from the boot_info. */
void arch_early_console_init(void);
void arch_screen_console_init(const struct ks_boot_info *boot_info);

/* GDT + TSS with IST stacks, IDT for all vectors, 8259 PIC remapped
 * to 0x20-0x2F and masked. */
void arch_cpu_init(void);

/* Cycle counter and its rate (measured against the PIT once at boot;
 * 0 when it could not be measured). */
uint64_t arch_cycles(void);
/* The same, ordered against the instructions around it (for timing a
 * short sequence: nothing before it runs late, nothing after it early). */
uint64_t arch_cycles_fenced(void);
uint64_t arch_cycles_calibrate_khz(void);

/* Remove the loader's identity map of low memory. */
void arch_drop_identity_map(void);

/* Physical address a kernel virtual address maps to, by walking the
 * live page tables; -KS_ERR_NOT_FOUND when unmapped. */
int arch_virt_to_phys(uintptr_t virt, uint64_t *phys);

/* Accesses that return -KS_ERR_FAULT instead of crashing. */
int arch_probe_read_u8(const volatile void *addr, uint8_t *out);
int arch_probe_write_u8(volatile void *addr, uint8_t value);
int arch_probe_read(const void *addr, void *out, size_t len);

/* Address spaces (kernel/mm/vm.c is the caller): the page tables of a
 * struct vm_space in the arch's format, with the flags and errors of
 * mm/vm.h, including "a failed call changes nothing".  Map, unmap and
 * protect check alignment, canonical form, VM_USER exactly on user-half
 * addresses, VM_READ present, known flags and no write+exec.  They do
 * not touch the TLB: after an unmap or protect of a page the active
 * space (or any space, for the kernel half) may have cached, the caller
 * calls arch_mmu_invalidate_page; a map where nothing was mapped needs
 * no invalidation (the TLB caches no absent translation).  Unmap frees
 * the tables it empties; map and unmap take O(1) time unless they create
 * or free a table.  Tables come from the PMM (owner
 * PMM_OWNER_PAGE_TABLE).  Callers serialise. */
struct vm_space;
/* Turn on what the arch needs for vm.h's flags; 0 or a negative error. */
int arch_mmu_init(void);
/* A fresh, empty root; with kernel != NULL it shares the kernel half. */
int arch_mmu_space_create(struct vm_space *space, const struct vm_space *kernel);
/* Give the kernel space every top-level table of the kernel half now,
 * so later kernel mappings appear in every space. */
int arch_mmu_kernel_half_create(struct vm_space *space);
/* Free the user half's tables and the root (not the mapped frames). */
void arch_mmu_space_destroy(struct vm_space *space);
int arch_mmu_map(struct vm_space *space, uintptr_t va, uint64_t pa, unsigned flags);
int arch_mmu_unmap(struct vm_space *space, uintptr_t va, unsigned flags);
int arch_mmu_protect(struct vm_space *space, uintptr_t va, unsigned flags);
int arch_mmu_translate(const struct vm_space *space, uintptr_t va, uint64_t *pa,
                       unsigned *flags);
/* The root of the active space, and making another one active (drops
 * the TLB's user-half entries, keeps the kernel half's). */
uint64_t arch_mmu_active_root(void);
void arch_mmu_activate(uint64_t root);
/* Drop the TLB's translation of va's page, kernel or user half. */
void arch_mmu_invalidate_page(uintptr_t va);

/* Kernel stacks live in ARCH_KSTACK_SLOTS slots of ARCH_KSTACK_SLOT_SIZE
 * bytes from ARCH_KSTACK_REGION_BASE, a kernel-half region nothing else
 * maps; a stack takes the top of its slot and the rest is its guard,
 * which the arch's fault reports name as a kernel stack overflow. */
#define ARCH_KSTACK_REGION_BASE 0xFFFFFF0000000000ULL
#define ARCH_KSTACK_SLOT_SIZE   (32 * 1024ULL)
#define ARCH_KSTACK_SLOTS       8192u
/* Call fn(arg) with the stack pointer at stack_top; back on the
 * caller's stack after. */
void arch_call_on_stack(uintptr_t stack_top, void (*fn)(void *), void *arg);

/* Debugger breakpoint (Bochs magic break; harmless elsewhere). */
void arch_breakpoint(void);

/* Write code to the emulator exit ports, then halt. */
__attribute__((noreturn)) void arch_exit(unsigned code);
/* Disable interrupts and halt for good. */
__attribute__((noreturn)) void arch_halt(void);

/* Print registers: of the frame, or (frame NULL) control registers and
 * the caller's stack pointers. */
void arch_print_registers(const struct arch_regs *frame);

/* Program counter and frame pointer to start a backtrace of the frame. */
void arch_frame_origin(const struct arch_regs *frame, uintptr_t *pc, uintptr_t *fp);

/* Return addresses found by walking frame pointers from fp, each frame
 * checked to lie inside a kernel stack, aligned and rising; at most max. */
size_t arch_backtrace(uintptr_t fp, uintptr_t *pcs, size_t max);

#endif /* KESTREL_ARCH_H */
