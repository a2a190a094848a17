/* SPDX-License-Identifier: MIT */
/*
 * Kestrel 8254 PIT helpers (x86_64 PC); see pit.c.
 */
#ifndef KESTREL_ARCH_X86_64_PIT_H
#define KESTREL_ARCH_X86_64_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ        1193182u
/* The longest span one 16-bit count covers, in microseconds. */
#define PIT_MAX_US    54000u

/* Channel 2 counts down us microseconds (at most PIT_MAX_US) from now;
 * returns the count (PIT ticks).  pit_window_done() tells when it
 * reached zero.  The counter goes on counting down (wrapping) after
 * that, so two pit_window_count() readings less than 65536 ticks
 * (55 ms) apart give the exact span between them, however late the
 * poll saw the window end. */
uint16_t pit_window_start(uint32_t us);
bool pit_window_done(void);
uint16_t pit_window_count(void);
void pit_window_stop(void);
static inline uint64_t pit_ticks_between(uint16_t first, uint16_t second)
{
    return (uint16_t)(first - second);
}
static inline uint64_t pit_ticks_to_ns(uint64_t ticks)
{
    return ticks * 1000000000ull / PIT_HZ;
}
/* Channel 0 raises ISA IRQ 0 once, us microseconds (at most
 * PIT_MAX_US) from now (mode 0, interrupt on terminal count). */
void pit_channel0_oneshot(uint32_t us);

#endif /* KESTREL_ARCH_X86_64_PIT_H */
