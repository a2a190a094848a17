/* SPDX-License-Identifier: MIT */
/*
 * Kestrel clocks (x86_64): calibration of the TSC and the local APIC
 * timer, the nanosecond clock and the one-shot timer; see clock.c.
 */
#ifndef KESTREL_ARCH_X86_64_CLOCK_H
#define KESTREL_ARCH_X86_64_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct acpi_info;

enum clock_reference {
    CLOCK_REF_NONE,
    CLOCK_REF_HPET,
    CLOCK_REF_PIT,
};

/* One window timed by a reference clock: how long it lasted by the
 * reference and how far the TSC and the LAPIC timer moved meanwhile. */
struct clock_window {
    uint64_t reference_ns;
    uint64_t tsc_ticks;
    uint64_t lapic_ticks;
};

/* Calibrate against the HPET (else the PIT), start the nanosecond clock
 * and the one-shot timer, print the `time:` line.  0 or a negative error. */
int clock_init(const struct acpi_info *acpi);
/* Time a window of about us microseconds (at most 50000) against ref.
 * Borrows the LAPIC timer and gives it back as it was.  0, or
 * -KS_ERR_NOT_FOUND (no such reference) / -KS_ERR_FAULT (it never ended). */
int clock_measure(enum clock_reference ref, uint32_t us, struct clock_window *out);
enum clock_reference clock_reference(void);
const char *clock_reference_name(enum clock_reference ref);
uint64_t clock_tsc_hz(void);
uint64_t clock_lapic_hz(void);
bool clock_uses_tsc_deadline(void);
/* The scaling arch_time_ns() applies to the TSC. */
uint64_t clock_tsc_to_ns(uint64_t tsc);
/* Nanoseconds of the reference clock now (the HPET's counter; 0 when
 * the reference is not the HPET, which cannot be read this way). */
uint64_t clock_reference_ns(void);

#endif /* KESTREL_ARCH_X86_64_CLOCK_H */
