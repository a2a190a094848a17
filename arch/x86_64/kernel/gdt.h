/* SPDX-License-Identifier: MIT */
/*
 * Kestrel GDT/TSS interface (x86_64); see gdt.c for the layout.
 */
#ifndef KESTREL_ARCH_X86_64_GDT_H
#define KESTREL_ARCH_X86_64_GDT_H

#include <stdbool.h>
#include <stdint.h>

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE32 0x18
#define GDT_USER_DATA   0x20
#define GDT_USER_CODE64 0x28
#define GDT_TSS         0x30

/* IST slots (1-based, as the IDT gate encodes them). */
#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3
#define GDT_IST_COUNT     3

#define GDT_ENTRIES       8

/* A TSS is followed by its I/O permission bitmap (one bit per port, set
 * = denied) and the all-ones byte the CPU may read past its end (SDM
 * Vol. 1 19.5.2); the segment limit covers all three.  The bitmap is in
 * force only while the TSS's I/O map base points at it (ioport.c turns
 * it on and off); otherwise every port is denied in ring 3. */
#define GDT_TSS_BYTES       104u
#define GDT_IO_BITMAP_BYTES 8192u
#define GDT_TSS_AREA_BYTES  (GDT_TSS_BYTES + GDT_IO_BITMAP_BYTES + 8u)

/* One CPU's own GDT and TSS (an AP's; the boot CPU's are static). */
struct gdt_cpu_tables {
    uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
    uint8_t tss[GDT_TSS_AREA_BYTES] __attribute__((aligned(16)));
};

void gdt_init(void);
/* Build and load this CPU's GDT and TSS (ist_top: the IST stack tops,
 * slot 1 first); reloads CS/DS/ES/SS and zeroes FS/GS (and so the GS
 * base: set it after). */
void gdt_init_cpu(struct gdt_cpu_tables *tables, const uint64_t ist_top[GDT_IST_COUNT]);
bool gdt_ist_stack_bounds(uintptr_t addr, uintptr_t *low, uintptr_t *high);
uint16_t gdt_read_task_register(void);
/* A CPU's I/O permission bitmap, found from its TSS.RSP0 slot (struct
 * percpu.tss_rsp0); and turning it on (the I/O map base points at it)
 * or off (past the limit: every port denied).  Any CPU may call these
 * for any other: the CPU reads both on every IN/OUT in ring 3. */
uint8_t *gdt_tss_io_bitmap(void *rsp0_slot);
void gdt_tss_io_enable(void *rsp0_slot, bool on);
/* This CPU's TSS.RSP0 field (8 bytes, not 8-aligned: the TSS is packed). */
void *gdt_tss_rsp0_slot(void);

#endif /* KESTREL_ARCH_X86_64_GDT_H */
