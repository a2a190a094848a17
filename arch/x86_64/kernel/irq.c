/* SPDX-License-Identifier: MIT */
/*
 * Kestrel interrupt handler table and dispatch (x86_64).
 *
 * One slot per vector holds a handler and its context.  irq_dispatch()
 * runs the handler of the vector that arrived and then signals EOI to
 * the local APIC, except for the APIC's spurious vector (which sets no
 * in-service bit and must not be acknowledged, SDM Vol. 3A 10.9) and
 * the 8259's range (masked; its spurious IRQ 7/15 need no EOI at the
 * local APIC).  Vectors nobody registered are counted and reported.
 *
 * GSIs get a vector from the registrable range (a bounded scan at
 * registration, not on the interrupt path) and are routed through the
 * I/O APIC to this CPU.  arch_platform_init() brings up the local APIC,
 * the I/O APICs and the clocks in that order.
 * Boot CPU; the table is changed only with interrupts off.
 */
#include "acpi/acpi.h"
#include "clock.h"
#include "debug/kprintf.h"
#include "ioapic.h"
#include "irq.h"
#include "kestrel/errors.h"
#include "lapic.h"
#include "pic.h"

#define VECTORS   256
#define MAX_GSI   256
#define NO_VECTOR 0

struct irq_slot {
    arch_irq_handler_t handler;
    void *ctx;
    uint64_t count;
};

static struct irq_slot slots[VECTORS];
static uint8_t gsi_vector[MAX_GSI];
static uint64_t spurious_count;
static uint64_t unexpected_count;

void irq_dispatch(struct arch_regs *frame)
{
    unsigned vector = (unsigned)frame->vector & 0xFF;
    if (vector == LAPIC_SPURIOUS_VECTOR ||
        (vector >= PIC_VECTOR_BASE && vector < PIC_VECTOR_BASE + 16)) {
        spurious_count++;
        return;
    }
    struct irq_slot *slot = &slots[vector];
    slot->count++;
    if (slot->handler) {
        slot->handler(vector, slot->ctx);
    } else {
        unexpected_count++;
        kwarn("irq: unexpected interrupt vector %u ignored\n", vector);
    }
    if (lapic_ready())
        lapic_eoi();
}

void irq_set_kernel_handler(unsigned vector, arch_irq_handler_t handler, void *ctx)
{
    slots[vector & 0xFF].ctx = ctx;
    slots[vector & 0xFF].handler = handler;
}

uint64_t irq_spurious_count(void)
{
    return spurious_count;
}

uint64_t irq_unexpected_count(void)
{
    return unexpected_count;
}

uint64_t irq_count(unsigned vector)
{
    return slots[vector & 0xFF].count;
}

static bool registrable(unsigned vector)
{
    return vector >= ARCH_IRQ_VECTOR_FIRST && vector <= ARCH_IRQ_VECTOR_LAST;
}

int arch_irq_register_vector(unsigned vector, arch_irq_handler_t handler, void *ctx)
{
    if (!registrable(vector) || !handler)
        return -KS_ERR_INVALID_ARGUMENT;
    if (slots[vector].handler)
        return -KS_ERR_EXISTS;
    irq_set_kernel_handler(vector, handler, ctx);
    return 0;
}

int arch_irq_unregister_vector(unsigned vector)
{
    if (!registrable(vector))
        return -KS_ERR_INVALID_ARGUMENT;
    if (!slots[vector].handler)
        return -KS_ERR_NOT_FOUND;
    /* A GSI's vector goes with its GSI. */
    for (unsigned gsi = 0; gsi < MAX_GSI; gsi++)
        if (gsi_vector[gsi] == vector)
            return -KS_ERR_NOT_OWNER;
    irq_set_kernel_handler(vector, NULL, NULL);
    return 0;
}

/* Highest free vector first: the APIC's priority class is vector / 16. */
static unsigned free_vector(void)
{
    for (unsigned v = ARCH_IRQ_VECTOR_LAST; v >= ARCH_IRQ_VECTOR_FIRST; v--)
        if (!slots[v].handler)
            return v;
    return NO_VECTOR;
}

int arch_irq_register_gsi(uint32_t gsi, unsigned flags, arch_irq_handler_t handler,
                          void *ctx, unsigned *vector)
{
    if (!handler || gsi >= MAX_GSI || (flags & ~(ARCH_IRQ_LEVEL | ARCH_IRQ_ACTIVE_LOW)))
        return -KS_ERR_INVALID_ARGUMENT;
    if (!lapic_ready() || !ioapic_has_gsi(gsi))
        return -KS_ERR_NOT_FOUND;
    if (gsi_vector[gsi] != NO_VECTOR)
        return -KS_ERR_EXISTS;
    unsigned v = free_vector();
    if (v == NO_VECTOR)
        return -KS_ERR_NO_MEMORY;
    irq_set_kernel_handler(v, handler, ctx);
    gsi_vector[gsi] = (uint8_t)v;
    int err = ioapic_route(gsi, (uint8_t)v, lapic_id(), flags);
    if (err < 0) {
        gsi_vector[gsi] = NO_VECTOR;
        irq_set_kernel_handler(v, NULL, NULL);
        return err;
    }
    if (vector)
        *vector = v;
    return 0;
}

int arch_irq_unregister_gsi(uint32_t gsi)
{
    if (gsi >= MAX_GSI)
        return -KS_ERR_INVALID_ARGUMENT;
    unsigned v = gsi_vector[gsi];
    if (v == NO_VECTOR)
        return -KS_ERR_NOT_FOUND;
    ioapic_mask(gsi);
    gsi_vector[gsi] = NO_VECTOR;
    irq_set_kernel_handler(v, NULL, NULL);
    return 0;
}

/* For user drivers' lines (cap/interrupt.c): mask a registered GSI, or
 * unmask it routed to this CPU.  Any CPU, interrupt handlers included. */
int arch_irq_gsi_set_masked(uint32_t gsi, unsigned flags, bool masked)
{
    if (gsi >= MAX_GSI || gsi_vector[gsi] == NO_VECTOR)
        return -KS_ERR_NOT_FOUND;
    if (masked)
        return ioapic_mask(gsi);
    return ioapic_route(gsi, gsi_vector[gsi], lapic_id(), flags);
}

int arch_irq_isa_to_gsi(unsigned isa_irq, uint32_t *gsi, unsigned *flags)
{
    if (!gsi || !flags)
        return -KS_ERR_INVALID_ARGUMENT;
    return ioapic_isa_to_gsi(isa_irq, gsi, flags);
}

int arch_irq_register_isa(unsigned isa_irq, arch_irq_handler_t handler, void *ctx,
                          unsigned *vector)
{
    uint32_t gsi;
    unsigned flags;
    int err = ioapic_isa_to_gsi(isa_irq, &gsi, &flags);
    if (err < 0)
        return err;
    return arch_irq_register_gsi(gsi, flags, handler, ctx, vector);
}

int arch_irq_raise_self(unsigned vector)
{
    if (vector < 32 || vector > 0xFF || !lapic_ready())
        return -KS_ERR_INVALID_ARGUMENT;
    lapic_send_self((uint8_t)vector);
    return 0;
}

void arch_wait_for_interrupt(void)
{
    /* STI's one-instruction shadow makes "sti; hlt" atomic: an interrupt
     * pending already wakes the HLT rather than slipping in before it. */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

static void lapic_error_interrupt(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
    kwarn("apic: error interrupt, status 0x%x\n", lapic_error_status());
}

int arch_platform_init(const struct acpi_info *acpi)
{
    static const struct acpi_info no_tables;
    if (!acpi)
        acpi = &no_tables;
    int err = lapic_init(acpi);
    if (err < 0)
        return err;
    irq_set_kernel_handler(LAPIC_ERROR_VECTOR, lapic_error_interrupt, NULL);
    ioapic_init(acpi);
    return clock_init(acpi);
}
