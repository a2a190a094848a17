/* SPDX-License-Identifier: MIT */
/*
 * Kestrel I/O APIC driver (x86_64); see ioapic.c.
 */
#ifndef KESTREL_ARCH_X86_64_IOAPIC_H
#define KESTREL_ARCH_X86_64_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_info;

/* Every I/O APIC of the MADT found, read and fully masked; the ISA
 * overrides remembered.  Returns how many I/O APICs are usable. */
unsigned ioapic_init(const struct acpi_info *acpi);
/* Whether some I/O APIC serves gsi. */
bool ioapic_has_gsi(uint32_t gsi);
/* Route gsi to vector on the CPU with APIC id dest, with the given
 * ARCH_IRQ_* flags, unmasked; or mask it.  -KS_ERR_NOT_FOUND when no
 * I/O APIC serves gsi. */
int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest, unsigned flags);
int ioapic_mask(uint32_t gsi);
/* The redirection entry of gsi (for tests); 0 when none serves it. */
uint64_t ioapic_entry(uint32_t gsi);
/* ISA IRQ -> GSI and ARCH_IRQ_* flags, after the MADT's overrides. */
int ioapic_isa_to_gsi(unsigned isa_irq, uint32_t *gsi, unsigned *flags);

#endif /* KESTREL_ARCH_X86_64_IOAPIC_H */
