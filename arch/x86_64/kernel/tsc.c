/* SPDX-License-Identifier: MIT */
/*
 * Kestrel TSC rate measurement (x86_64 PC).
 *
 * PIT channel 2 is the one timer whose rate is fixed (1.193182 MHz) and
 * that can be polled without interrupts: its gate is bit 0 of port 0x61
 * and its output is readable in bit 5.  In mode 0 the output goes high
 * at terminal count, so we time a 10 ms countdown with RDTSC.  The poll
 * is bounded: without a PIT the rate is reported as 0 (timestamps then
 * read 0).  Once, at boot, interrupts off.
 */
#include "arch.h"
#include "cpu.h"

#define PIT_HZ            1193182u
#define PIT_CHANNEL2      0x42
#define PIT_COMMAND       0x43
#define PIT_PORT_B        0x61
#define PORT_B_GATE2      0x01
#define PORT_B_SPEAKER    0x02
#define PORT_B_OUT2       0x20
#define CALIBRATE_MS      10u
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

uint64_t arch_cycles_calibrate_khz(void)
{
    uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
    uint8_t port_b = inb(PIT_PORT_B);

    /* Gate low, speaker off while programming. */
    outb(PIT_PORT_B, port_b & ~(PORT_B_GATE2 | PORT_B_SPEAKER));
    outb(PIT_COMMAND, 0xB0);   /* channel 2, lobyte/hibyte, mode 0, binary */
    outb(PIT_CHANNEL2, count & 0xFF);
    outb(PIT_CHANNEL2, count >> 8);

    uint64_t start = rdtsc();
    outb(PIT_PORT_B, (port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    uint32_t polls = 0;
    while (!(inb(PIT_PORT_B) & PORT_B_OUT2)) {
        if (++polls == POLL_LIMIT)
            break;
    }
    uint64_t end = rdtsc();
    outb(PIT_PORT_B, port_b);

    if (polls == POLL_LIMIT || end <= start)
        return 0;
    return (end - start) / CALIBRATE_MS;
}
