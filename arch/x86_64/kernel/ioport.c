/* SPDX-License-Identifier: MIT */
/*
 * Per-process I/O permission bitmaps; see ioport.h and the interface in
 * kernel/cap/io_ports.h.
 *
 * Each CPU remembers the bitmap switched on in its TSS (active) and the
 * one whose contents sit there (loaded).  Switching between a process
 * with ports and kernel or idle threads only flips the TSS's I/O map
 * base; the 8 KiB are copied when another bitmap is loaded, and then
 * only the bytes that may hold an allowed port (the rest of a TSS
 * bitmap stays all ones).  A destroyed bitmap is forgotten by every CPU,
 * so a new one at the same address is never taken for it.  While no
 * bitmap exists, every TSS bitmap is off and the switch hook stops at
 * its one test of arch_io_bitmaps_live.
 *
 * Locking: the kernel lock, interrupts off.
 */
#include "arch.h"
#include "cap/io_ports.h"
#include "ioport.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "proc/process.h"
#include "smp.h"

uint32_t arch_io_bitmaps_live;

static struct {
    struct arch_io_bitmap *active;   /* switched on in the TSS; NULL: off */
    struct arch_io_bitmap *loaded;   /* whose contents the TSS holds */
    uint32_t bytes;                  /* TSS bitmap bytes that may not be all ones */
} io_cpu[SMP_MAX_CPUS];

struct arch_io_bitmap *arch_io_bitmap_create(void)
{
    struct arch_io_bitmap *b = kmalloc(sizeof(*b));
    if (!b)
        return NULL;
    memset(b->bits, 0xFF, sizeof(b->bits));
    b->bytes = 0;
    arch_io_bitmaps_live++;
    return b;
}

void arch_io_bitmap_allow(struct arch_io_bitmap *b, uint32_t base, uint32_t count)
{
    for (uint32_t port = base; port < base + count && port < GDT_IO_BITMAP_BYTES * 8; port++)
        b->bits[port / 8] &= (uint8_t)~(1u << (port % 8));
    uint32_t end = (base + count + 7) / 8;
    if (end > GDT_IO_BITMAP_BYTES)
        end = GDT_IO_BITMAP_BYTES;
    if (end > b->bytes)
        b->bytes = end;
}

void arch_io_bitmap_deny_all(struct arch_io_bitmap *b)
{
    memset(b->bits, 0xFF, b->bytes);
    b->bytes = 0;
}

/* Copy b into cpu's TSS bitmap (any CPU's, see ioport.h). */
static void load(unsigned cpu, struct arch_io_bitmap *b)
{
    uint8_t *tss_bits = gdt_tss_io_bitmap(smp_cpus[cpu].tss_rsp0);
    memcpy(tss_bits, b->bits, b->bytes);
    if (io_cpu[cpu].bytes > b->bytes)
        memset(tss_bits + b->bytes, 0xFF, io_cpu[cpu].bytes - b->bytes);
    io_cpu[cpu].bytes = b->bytes;
    io_cpu[cpu].loaded = b;
}

static void switch_on(unsigned cpu, struct arch_io_bitmap *b)
{
    if (io_cpu[cpu].active == b)
        return;
    if (b && io_cpu[cpu].loaded != b)
        load(cpu, b);
    gdt_tss_io_enable(smp_cpus[cpu].tss_rsp0, b != NULL);
    io_cpu[cpu].active = b;
}

void arch_io_bitmap_switch_slow(const struct process *next)
{
    switch_on(arch_cpu_id(), next ? next->io_bitmap : NULL);
}

void arch_io_bitmap_publish(struct arch_io_bitmap *b)
{
    for (unsigned cpu = 0; cpu < SMP_MAX_CPUS; cpu++)
        if (io_cpu[cpu].loaded == b)
            load(cpu, b);
    /* Every store above is visible before the caller returns to user
     * mode (and so before any IN/OUT that follows the withdrawal). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void arch_io_bitmap_attach(struct arch_io_bitmap *b, uint64_t cpu_mask)
{
    for (unsigned cpu = 0; cpu < SMP_MAX_CPUS; cpu++)
        if (cpu_mask >> cpu & 1)
            switch_on(cpu, b);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void arch_io_bitmap_destroy(struct arch_io_bitmap *b)
{
    for (unsigned cpu = 0; cpu < SMP_MAX_CPUS; cpu++) {
        if (io_cpu[cpu].active == b)
            switch_on(cpu, NULL);
        if (io_cpu[cpu].loaded == b)
            io_cpu[cpu].loaded = NULL;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    arch_io_bitmaps_live--;
    kfree(b);
}
