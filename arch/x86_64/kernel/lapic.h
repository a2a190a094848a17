/* SPDX-License-Identifier: MIT */
/*
 * Kestrel local APIC (x86_64); see lapic.c.  Boot CPU, interrupts off.
 */
#ifndef KESTREL_ARCH_X86_64_LAPIC_H
#define KESTREL_ARCH_X86_64_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_info;

/* Fixed vectors of the kernel's own interrupt sources.  0xF0-0xFC stay
 * free for inter-processor interrupts. */
#define LAPIC_TIMER_VECTOR    0xFD
#define LAPIC_ERROR_VECTOR    0xFE
#define LAPIC_SPURIOUS_VECTOR 0xFF

/* Enable this CPU's local APIC (x2APIC when the CPU has it): spurious
 * vector, task priority 0, LVTs masked except the MADT's NMI lines and
 * the error vector.  0 or a negative error. */
int lapic_init(const struct acpi_info *acpi);
bool lapic_ready(void);
bool lapic_is_x2apic(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* Error status (written first, as SDM 10.5.3 asks, then read). */
uint32_t lapic_error_status(void);
/* This application processor's own APIC, in the boot CPU's mode, set up
 * as lapic_init does (no report).  -KS_ERR_NOT_FOUND before lapic_init. */
int lapic_init_ap(const struct acpi_info *acpi);
/* An interrupt command (SDM 10.6.1): icr_low is the ICR's low word
 * (vector, delivery mode, level, trigger, shorthand), apic_id the
 * destination (ignored with a shorthand).  Waits, bounded, until the
 * xAPIC has taken it: -KS_ERR_FAULT if it never does. */
#define LAPIC_ICR_FIXED       (0u << 8)
#define LAPIC_ICR_NMI         (4u << 8)
#define LAPIC_ICR_INIT        (5u << 8)
#define LAPIC_ICR_STARTUP     (6u << 8)
#define LAPIC_ICR_ASSERT      (1u << 14)
#define LAPIC_ICR_LEVEL       (1u << 15)
#define LAPIC_ICR_ALL_BUT_SELF (3u << 18)
int lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);
/* A fixed interrupt on vector to this CPU, through the ICR. */
void lapic_send_self(uint8_t vector);

/* The timer (SDM 10.5.4).  Divide by 1; counts at the rate that
 * calibration measures. */
void lapic_timer_set_oneshot(uint8_t vector, bool masked);
void lapic_timer_set_tsc_deadline(uint8_t vector);
void lapic_timer_start(uint32_t count);
uint32_t lapic_timer_current(void);
bool lapic_has_tsc_deadline(void);

#endif /* KESTREL_ARCH_X86_64_LAPIC_H */
