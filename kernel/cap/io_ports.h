/* SPDX-License-Identifier: MIT */
/*
 * I/O-port objects (kestrel/device.h): a KS_OBJECT_IO_PORTS kobject
 * naming the ports [base, base + count) within 0..0xFFFF.  Holding a
 * handle gives nothing by itself: io_ports_enable with that handle lets
 * the calling process execute IN/OUT on the range directly, through its
 * I/O permission bitmap (process.io_bitmap; the arch functions below,
 * arch/x86_64/kernel/ioport.c).
 *
 * An enable is a grant tied to the handle it was made with: it ends with
 * io_ports_disable on that handle, or when the handle leaves the
 * process's table (closed, revoked, moved away, or the table dropped at
 * process end: the object's cap_removed hook), whichever comes first.
 * A handle copied to another process carries no grant: that process
 * must enable it itself.  When a grant ends, every CPU running the
 * process has lost the ports before the call returns (ioport.h says
 * how).  The bitmap is the union of the process's grants; with none
 * left it is freed, and the context switch costs nothing again.
 *
 * Interface:
 *   io_ports_create       a new object (one reference, the caller's);
 *                         -INVALID_ARGUMENT for count 0 or a range past
 *                         0xFFFF, -NO_MEMORY
 *   io_ports_enable       grant cap's range to its process; 0 (also when
 *                         already granted), -NO_MEMORY
 *   io_ports_disable      end cap's grant; 0 (also when there was none)
 *   io_ports_process_end  drop whatever is left (process end)
 *
 * Locking: the kernel lock for everything, grants and bitmaps included.
 */
#ifndef KESTREL_CAP_IO_PORTS_H
#define KESTREL_CAP_IO_PORTS_H

#include <stdint.h>
#include "cap/handle.h"

struct process;

/* The rights io_ports_create's handle carries. */
#define IO_PORTS_RIGHTS (KS_RIGHT_READ | KS_RIGHT_WRITE | KS_RIGHT_DUPLICATE | \
                         KS_RIGHT_TRANSFER | KS_RIGHT_MANAGE)

struct io_ports {
    struct kobject obj;          /* first: handles name the object through it */
    uint32_t base;               /* fixed at creation */
    uint32_t count;
};

static inline struct io_ports *io_ports_of(struct kobject *obj)
{
    return (struct io_ports *)((char *)obj - __builtin_offsetof(struct io_ports, obj));
}

/* Provided by the arch (arch/x86_64/kernel/ioport.c): a process's I/O
 * permission bitmap, enforced by the CPU.  Kernel lock, interrupts off.
 *   arch_io_bitmap_create    all ports denied; NULL when out of memory
 *   arch_io_bitmap_allow     allow [base, base + count) (within 0..0xFFFF)
 *   arch_io_bitmap_deny_all  back to all denied
 *   arch_io_bitmap_publish   after changes: every CPU holding the bitmap
 *                            has the new contents before this returns
 *   arch_io_bitmap_attach    switched on now on the CPUs of cpu_mask
 *                            (those running the process that just got it)
 *   arch_io_bitmap_destroy   switched off on every CPU holding it, freed
 *   arch_io_bitmap_switch    the context switch's hook, whenever a CPU
 *                            changes process (next NULL: a kernel or idle
 *                            thread); the IPC fast path calls it too */
struct arch_io_bitmap;
struct arch_io_bitmap *arch_io_bitmap_create(void);
void arch_io_bitmap_allow(struct arch_io_bitmap *b, uint32_t base, uint32_t count);
void arch_io_bitmap_deny_all(struct arch_io_bitmap *b);
void arch_io_bitmap_publish(struct arch_io_bitmap *b);
void arch_io_bitmap_attach(struct arch_io_bitmap *b, uint64_t cpu_mask);
void arch_io_bitmap_destroy(struct arch_io_bitmap *b);
/* Bitmaps in existence: while there are none, every CPU's TSS bitmap
 * is off and a switch has nothing to do (kernel lock). */
extern uint32_t arch_io_bitmaps_live;
void arch_io_bitmap_switch_slow(const struct process *next);

/* Hot (every switch between processes): with no bitmap anywhere, one
 * compare and branch. */
static inline void arch_io_bitmap_switch(const struct process *next)
{
    if (__builtin_expect(arch_io_bitmaps_live != 0, 0))
        arch_io_bitmap_switch_slow(next);
}

int io_ports_create(uint64_t base, uint64_t count, struct io_ports **out);
int io_ports_enable(struct cap *cap);
int io_ports_disable(struct cap *cap);
void io_ports_process_end(struct process *p);

#endif /* KESTREL_CAP_IO_PORTS_H */
