/* SPDX-License-Identifier: MIT */
/*
 * Kestrel interrupt dispatch (x86_64); see irq.c.  The portable
 * registration API is in kernel/arch.h.
 */
#ifndef KESTREL_ARCH_X86_64_IRQ_H
#define KESTREL_ARCH_X86_64_IRQ_H

#include <stdint.h>
#include "arch.h"
#include "regs.h"

/* Called by arch_interrupt_dispatch for every vector >= 32. */
void irq_dispatch(struct arch_regs *frame);
/* The kernel's own vectors (timer, APIC error), outside the range
 * arch_irq_register_vector hands out. */
void irq_set_kernel_handler(unsigned vector, arch_irq_handler_t handler, void *ctx);
/* Counts since boot, for tests and reports. */
uint64_t irq_spurious_count(void);
uint64_t irq_unexpected_count(void);
uint64_t irq_count(unsigned vector);

#endif /* KESTREL_ARCH_X86_64_IRQ_H */
