/* SPDX-License-Identifier: MIT */
/*
 * Shared declarations of the Kestrel loader stub's non-pure parts:
 * console and fatal path (console.c), CPU check (cpu.c), page tables
 * (paging.c), the hand-off record read by entry.asm, and the symbols the
 * linker script and entry.asm provide.  Single-threaded boot code with
 * interrupts off throughout; nothing here locks.
 */
#ifndef KESTREL_LOADER_LOADER_H
#define KESTREL_LOADER_LOADER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_load.h"
#include "mb2.h"
#include "palloc.h"

#define LOADER_PREFIX "kestrel-loader: "

/* console.c: serial always; the screen once console_use_screen() ran. */
void console_init_serial(void);
void console_use_screen(const struct mb2_info *info, bool bios);
void console_set_exit_on_fatal(bool exit);
void loader_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void loader_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cpu.c: NULL when the CPU can run Kestrel, else the reason it cannot. */
const char *cpu_check(bool *has_pge);

/* paging.c: builds the tables docs/boot.md describes; 0 on success, else
 * a message.  Every frame it takes is reported via loader_note_range. */
const char *paging_build(struct palloc *pa, const struct elf_kernel *kernel,
                         uint64_t direct_map_size, bool global, uint64_t *pml4_phys);

/* main.c: remember a range handed to the kernel (merged when adjacent). */
void loader_note_range(uint64_t base, uint64_t length, uint32_t type);

/* Read by entry.asm after the switch to 64-bit mode; field offsets are
 * fixed there, keep both in step. */
struct loader_handoff {
    uint64_t kernel_entry;       /* 0: virtual entry point */
    uint64_t boot_info_virt;     /* 8: RDI for the kernel */
    uint32_t pml4_phys;          /* 16: CR3 */
    uint32_t cr4_bits;           /* 20: PAE, plus PGE when the CPU has it */
    uint32_t stack_top;          /* 24: RSP (identity-mapped) */
    uint32_t entry_tsc_phys;     /* 28: where to store the last TSC read */
};

_Noreturn void loader_enter_kernel(const struct loader_handoff *handoff);

extern uint64_t loader_entry_tsc;       /* entry.asm: 0 when the CPU has no TSC */
extern uint8_t __loader_start[], __loader_end[], loader_stack_top[];

#endif /* KESTREL_LOADER_LOADER_H */
