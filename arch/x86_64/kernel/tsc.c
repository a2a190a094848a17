/* SPDX-License-Identifier: MIT */
/*
 * Kestrel TSC rate measurement (x86_64 PC).
 *
 * An early estimate for the log's timestamps, before ACPI and the
 * HPET: a 2 ms PIT channel 2 countdown (pit.c) timed with RDTSC.  The
 * poll is bounded: without a PIT the rate is reported as 0 (timestamps
 * then read 0).  clock.c calibrates precisely later.  Interrupts off.
 */
#include "arch.h"
#include "clock.h"
#include "cpu.h"
#include "pit.h"

#define CALIBRATE_MS      2u
#define POLL_LIMIT        50000000u

uint64_t arch_cycles(void)
{
    return rdtsc();
}

uint64_t arch_cycles_fenced(void)
{
    /* LFENCE waits for earlier instructions to complete and keeps later
     * ones from starting before RDTSC (SDM Vol. 2B, RDTSC). */
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

static uint64_t early_khz;

uint64_t arch_cycles_khz(void)
{
    uint64_t hz = clock_tsc_hz();
    return hz ? hz / 1000 : early_khz;
}

uint64_t arch_cycles_calibrate_khz(void)
{
    pit_window_start(CALIBRATE_MS * 1000);
    uint64_t start = rdtsc();
    uint32_t polls = 0;
    while (!pit_window_done()) {
        if (++polls == POLL_LIMIT)
            break;
    }
    uint64_t end = rdtsc();
    pit_window_stop();
    if (polls == POLL_LIMIT || end <= start)
        return 0;
    early_khz = (end - start) / CALIBRATE_MS;
    return early_khz;
}
