/* SPDX-License-Identifier: MIT */
/*
 * Kestrel GDT and TSS (x86_64).
 *
 * Layout (selectors are part of the SYSCALL/SYSRET contract later, SDM
 * Vol. 3A 3.4.5 and the SYSRET description: user code32, user data and
 * user code64 must sit in that order):
 *   0x00 null   0x08 kernel code64   0x10 kernel data   0x18 user code32
 *   0x20 user data   0x28 user code64   0x30 TSS (16-byte system descriptor)
 * The TSS provides IST stacks so #DF, NMI and #MC run on known-good
 * stacks even if the current one is broken (SDM 6.14.5).
 * gdt_init() runs once on the boot CPU, gdt_init_cpu() once on each
 * application processor with that CPU's own tables and IST stacks (SMP:
 * a TSS is busy once loaded, so no two CPUs can share one);
 * gdt_ist_stack_bounds() serves the backtrace walker (boot CPU's IST
 * stacks; an AP's live in the kernel-stack region).  gdt_tss_rsp0_slot()
 * finds this CPU's TSS.RSP0, the stack the CPU loads on an interrupt from
 * ring 3 (SDM 6.14.2), which user.c points at the running thread's.
 * Each TSS carries a full I/O permission bitmap (all ports denied at
 * start, and switched off by the I/O map base); ioport.c fills it for a
 * process allowed some ports.
 */
#include <stddef.h>
#include <stdint.h>
#include "gdt.h"
#include "lib/string.h"

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss64) == 104, "TSS layout (SDM Figure 8-11)");
_Static_assert(sizeof(struct tss64) == GDT_TSS_BYTES, "GDT_TSS_BYTES");
_Static_assert(GDT_TSS_AREA_BYTES <= sizeof(((struct gdt_cpu_tables *)0)->tss),
               "gdt_cpu_tables holds a TSS and its I/O bitmap");

/* The I/O map base when the bitmap is off: past the limit. */
#define IOMAP_OFF 0xFFFFu

struct descriptor_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define IST_STACK_SIZE 8192

static uint8_t ist_stacks[GDT_IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t boot_tss[GDT_TSS_AREA_BYTES] __attribute__((aligned(16)));
static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));

/* Flat code/data descriptors: base 0, limit 4 GiB; in 64-bit mode only
 * the access byte and the L/D bits matter (SDM 3.4.5). */
#define SEG_KERNEL_CODE64 0x00AF9A000000FFFFull
#define SEG_KERNEL_DATA   0x00CF92000000FFFFull
#define SEG_USER_CODE32   0x00CFFA000000FFFFull
#define SEG_USER_DATA     0x00CFF2000000FFFFull
#define SEG_USER_CODE64   0x00AFFA000000FFFFull

static void set_tss_descriptor(uint64_t *table, uint64_t base, uint32_t limit)
{
    /* Available 64-bit TSS (type 9), present, DPL 0 (SDM Figure 8-4). */
    table[GDT_TSS / 8] = (limit & 0xFFFFull) | ((base & 0xFFFFFFull) << 16) |
                       (0x89ull << 40) | ((uint64_t)(limit >> 16 & 0xF) << 48) |
                       ((base >> 24 & 0xFF) << 56);
    table[GDT_TSS / 8 + 1] = base >> 32;
}

static void load_gdt_and_segments(const uint64_t *table)
{
    struct descriptor_pointer gdtr = { GDT_ENTRIES * 8 - 1, (uint64_t)(uintptr_t)table };
    /* A far return is the way to reload CS in 64-bit mode. */
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs\n\t"
                     : : "m"(gdtr), "i"(GDT_KERNEL_CODE), "i"(GDT_KERNEL_DATA)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)GDT_TSS) : "memory");
}

static void fill_tables(uint64_t *table, struct tss64 *tss, const uint64_t ist_top[GDT_IST_COUNT])
{
    table[0] = 0;
    table[GDT_KERNEL_CODE / 8] = SEG_KERNEL_CODE64;
    table[GDT_KERNEL_DATA / 8] = SEG_KERNEL_DATA;
    table[GDT_USER_CODE32 / 8] = SEG_USER_CODE32;
    table[GDT_USER_DATA / 8] = SEG_USER_DATA;
    table[GDT_USER_CODE64 / 8] = SEG_USER_CODE64;
    for (int i = 0; i < GDT_IST_COUNT; i++)
        tss->ist[i] = ist_top[i];
    /* The bitmap denies every port and starts switched off; the limit
     * takes in the all-ones byte after it. */
    memset((uint8_t *)tss + GDT_TSS_BYTES, 0xFF, GDT_IO_BITMAP_BYTES + 1);
    tss->iomap_base = IOMAP_OFF;
    set_tss_descriptor(table, (uint64_t)(uintptr_t)tss, GDT_TSS_BYTES + GDT_IO_BITMAP_BYTES);
    load_gdt_and_segments(table);
}

void gdt_init(void)
{
    uint64_t ist_top[GDT_IST_COUNT];
    for (int i = 0; i < GDT_IST_COUNT; i++)
        ist_top[i] = (uint64_t)(uintptr_t)(ist_stacks[i] + IST_STACK_SIZE);
    fill_tables(gdt, (struct tss64 *)(void *)boot_tss, ist_top);
}

void gdt_init_cpu(struct gdt_cpu_tables *tables, const uint64_t ist_top[GDT_IST_COUNT])
{
    fill_tables(tables->gdt, (struct tss64 *)(void *)tables->tss, ist_top);
}

bool gdt_ist_stack_bounds(uintptr_t addr, uintptr_t *low, uintptr_t *high)
{
    for (int i = 0; i < GDT_IST_COUNT; i++) {
        uintptr_t lo = (uintptr_t)ist_stacks[i], hi = lo + IST_STACK_SIZE;
        if (addr >= lo && addr < hi) {
            *low = lo;
            *high = hi;
            return true;
        }
    }
    return false;
}

void *gdt_tss_rsp0_slot(void)
{
    struct descriptor_pointer gdtr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    const uint64_t *table = (const uint64_t *)(uintptr_t)gdtr.base;
    uint64_t low = table[GDT_TSS / 8], high = table[GDT_TSS / 8 + 1];
    uint64_t base = (low >> 16 & 0xFFFFFFull) | (low >> 56 & 0xFF) << 24 | high << 32;
    return (uint8_t *)(uintptr_t)base + offsetof(struct tss64, rsp);
}

static struct tss64 *tss_of_rsp0_slot(void *rsp0_slot)
{
    return (struct tss64 *)(void *)((uint8_t *)rsp0_slot - offsetof(struct tss64, rsp));
}

uint8_t *gdt_tss_io_bitmap(void *rsp0_slot)
{
    return (uint8_t *)tss_of_rsp0_slot(rsp0_slot) + GDT_TSS_BYTES;
}

void gdt_tss_io_enable(void *rsp0_slot, bool on)
{
    /* Offset 102 of a 16-byte aligned TSS: the field itself is aligned,
     * though the packed struct does not say so. */
    uint16_t *base = (uint16_t *)(void *)((uint8_t *)tss_of_rsp0_slot(rsp0_slot) +
                                          offsetof(struct tss64, iomap_base));
    __atomic_store_n(base, (uint16_t)(on ? GDT_TSS_BYTES : IOMAP_OFF), __ATOMIC_RELEASE);
}

uint16_t gdt_read_task_register(void)
{
    uint16_t tr;
    __asm__ volatile("str %0" : "=r"(tr));
    return tr;
}
