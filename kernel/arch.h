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
