/* SPDX-License-Identifier: MIT */
/*
 * Interrupt objects (kestrel/device.h): a KS_OBJECT_INTERRUPT kobject
 * binding one interrupt line to a notification and the bits to signal
 * on it.  Lines 0..15 are the ISA IRQs, routed through the I/O APIC as
 * the firmware wired them (MADT overrides); 16..KS_IRQ_LINES-1 are the
 * GSIs of those numbers, level-triggered and active low (PCI's wiring).
 * The kernel keeps lines 0 (the PIT), 2 (the 8259 cascade, where ISA 0
 * usually lands) and 4 (its COM1 console), and any GSI it registered
 * itself: those, and lines already bound, are -KS_ERR_BUSY.
 *
 * Delivery: the line's handler runs in interrupt context and may not
 * take the kernel lock, so it only masks the line, counts, marks the
 * line pending and notes work for this CPU (sched_note_interrupt); the
 * CPU's next kernel exit (sched_run_interrupt_work) calls
 * interrupt_deliver_pending under the lock, which signals the
 * notification of each pending line.  The line stays masked until
 * interrupt_ack.  The object holds a reference on its notification, so
 * a notification closed first is never signalled after it is freed.
 * The last handle going destroys the object: the line is masked and
 * unbound, and may be bound again.  A line keeps the vector it got the
 * first time it was bound, so the handler and its context never change
 * under an interrupt running on another CPU.
 *
 * Interface:
 *   interrupt_create   bind line to n with bits (n gets a reference of
 *                      the object's); -INVALID_ARGUMENT (line out of
 *                      range, bits 0), -BUSY, -NOT_SUPPORTED (no I/O
 *                      APIC serves the line), -NO_MEMORY
 *   interrupt_ack      unmask the line, routed to this CPU
 *   interrupt_info     line, masked, deliveries since it was bound
 *   interrupt_deliver_pending  see above (kernel exit only)
 *
 * Locking: the kernel lock, except the handler, which touches only the
 * per-line atomics and the pending mask.
 */
#ifndef KESTREL_CAP_INTERRUPT_H
#define KESTREL_CAP_INTERRUPT_H

#include <stdbool.h>
#include <stdint.h>
#include "cap/handle.h"
#include "kestrel/device.h"

struct notification;

/* The rights interrupt_create's handle carries. */
#define INTERRUPT_RIGHTS (KS_RIGHT_READ | KS_RIGHT_WAIT | KS_RIGHT_MANAGE | \
                          KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER)

struct interrupt {
    struct kobject obj;              /* first: handles name the object through it */
    uint32_t line;                   /* fixed */
    uint64_t bits;                   /* fixed */
    struct notification *notification; /* one reference, the object's */
};

static inline struct interrupt *interrupt_of(struct kobject *obj)
{
    return (struct interrupt *)((char *)obj - __builtin_offsetof(struct interrupt, obj));
}

int interrupt_create(uint64_t line, struct notification *n, uint64_t bits,
                     struct interrupt **out);
void interrupt_ack(struct interrupt *irq);
void interrupt_info(const struct interrupt *irq, struct ks_interrupt_info *out);
void interrupt_deliver_pending(void);

/* Provided by the arch (arch/x86_64/kernel/irq.c): mask a GSI that has a
 * vector, or unmask it routed to this CPU with its ARCH_IRQ_* flags;
 * -KS_ERR_NOT_FOUND when it has none.  Any CPU, any context. */
int arch_irq_gsi_set_masked(uint32_t gsi, unsigned flags, bool masked);

#endif /* KESTREL_CAP_INTERRUPT_H */
