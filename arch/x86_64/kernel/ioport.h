/* SPDX-License-Identifier: MIT */
/*
 * Per-process I/O permission bitmaps (x86_64): the arch half of I/O-port
 * objects.  The interface kernel code calls (arch_io_bitmap_*, and the
 * context switch's inline hook arch_io_bitmap_switch) is declared in
 * kernel/cap/io_ports.h; this header holds what only ioport.c needs.
 *
 * The CPU enforces the bitmap through each CPU's TSS (gdt.h): a process
 * allowed some ports has a struct arch_io_bitmap (process.io_bitmap); a
 * CPU running one of its threads has that bitmap copied into its TSS and
 * switched on, every other CPU has its TSS bitmap switched off (every
 * port denied in ring 3).
 *
 * Withdrawal without IPIs: the CPU reads the TSS's I/O map base and
 * bitmap from memory on every IN/OUT in ring 3 (SDM Vol. 1 19.5.2;
 * nothing of it is cached like a TLB entry), so a change written into
 * another CPU's TSS, followed by a full fence, is in force there for its
 * next I/O instruction.  Which CPU holds which bitmap changes only in
 * the context switch, under the kernel lock, so the writer (holding it
 * too) sees a stable picture.
 *
 * Locking: the kernel lock, interrupts off, for everything.
 */
#ifndef KESTREL_ARCH_X86_64_IOPORT_H
#define KESTREL_ARCH_X86_64_IOPORT_H

#include <stdint.h>
#include "gdt.h"

struct arch_io_bitmap {
    uint8_t bits[GDT_IO_BITMAP_BYTES];  /* bit set: port denied */
    uint32_t bytes;                     /* bits[bytes..] are all ones */
};

#endif /* KESTREL_ARCH_X86_64_IOPORT_H */
