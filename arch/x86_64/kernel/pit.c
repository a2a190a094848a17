/* SPDX-License-Identifier: MIT */
/*
 * Kestrel 8254 PIT helpers (x86_64 PC): the fallback reference clock
 * when there is no HPET, and a one-shot IRQ 0 source for self-tests.
 *
 * Channel 2 is the one channel that can be polled without interrupts:
 * its gate is bit 0 of port 0x61 and its output reads back in bit 5.  In
 * mode 0 the output rises at terminal count (8254 datasheet, mode 0),
 * so a window is "count N ticks, then OUT2 is high"; the counter keeps
 * counting down through zero, so latched reads measure the real span.  Channel 0 in
 * mode 0 raises its output, ISA IRQ 0, once at terminal count.
 * Boot CPU, interrupts off; callers do not overlap windows.
 */
#include "cpu.h"
#include "pit.h"

#define PIT_CHANNEL0   0x40
#define PIT_CHANNEL2   0x42
#define PIT_COMMAND    0x43
#define PIT_PORT_B     0x61
#define PORT_B_GATE2   0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2    0x20
/* Command words: channel, lobyte/hibyte access, mode 0, binary. */
#define COMMAND_CH0_MODE0 0x30
#define COMMAND_CH2_MODE0 0xB0
#define COMMAND_CH2_LATCH 0x80

static uint16_t count_for(uint32_t us)
{
    if (us > PIT_MAX_US)
        us = PIT_MAX_US;
    uint64_t count = (uint64_t)PIT_HZ * us / 1000000u;
    return count ? (uint16_t)count : 1;
}

uint16_t pit_window_start(uint32_t us)
{
    uint16_t count = count_for(us);
    uint8_t port_b = inb(PIT_PORT_B);
    /* Gate low and speaker off while programming; the count starts on
     * the gate's rising edge. */
    outb(PIT_PORT_B, port_b & ~(PORT_B_GATE2 | PORT_B_SPEAKER));
    outb(PIT_COMMAND, COMMAND_CH2_MODE0);
    outb(PIT_CHANNEL2, count & 0xFF);
    outb(PIT_CHANNEL2, count >> 8);
    outb(PIT_PORT_B, (port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    return count;
}

uint16_t pit_window_count(void)
{
    /* Counter latch command for channel 2, then low and high byte. */
    outb(PIT_COMMAND, COMMAND_CH2_LATCH);
    uint8_t low = inb(PIT_CHANNEL2);
    uint8_t high = inb(PIT_CHANNEL2);
    return (uint16_t)(high << 8 | low);
}

bool pit_window_done(void)
{
    return inb(PIT_PORT_B) & PORT_B_OUT2;
}

void pit_window_stop(void)
{
    outb(PIT_PORT_B, inb(PIT_PORT_B) & ~(PORT_B_GATE2 | PORT_B_SPEAKER));
}

void pit_channel0_oneshot(uint32_t us)
{
    uint16_t count = count_for(us);
    outb(PIT_COMMAND, COMMAND_CH0_MODE0);
    outb(PIT_CHANNEL0, count & 0xFF);
    outb(PIT_CHANNEL0, count >> 8);
}
