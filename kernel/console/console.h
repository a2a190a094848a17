/* SPDX-License-Identifier: MIT */
/*
 * Kestrel console multiplexer: every registered console receives every
 * byte the kernel logs.  Drivers (COM1, Bochs port 0xE9, VGA text, the
 * framebuffer) register a struct console they own; registration is
 * permanent, but the screen consoles go quiet once userspace takes the
 * screen (console_release_screen).  A console on I/O ports (COM1) may be
 * handed to the user driver of those ports (console/log_handover.h):
 * it is skipped then, until the handover ends or the kernel panics.
 * No locking yet: boot CPU only, interrupts off; write paths must be
 * safe to call from exception context (panic).
 */
#ifndef KESTREL_CONSOLE_CONSOLE_H
#define KESTREL_CONSOLE_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct console {
    const char *name;
    void (*write)(struct console *console, const char *s, size_t len);
    struct console *next;
    int screen;               /* draws on the screen (VGA text, framebuffer) */
    uint32_t io_base;         /* the I/O ports it drives (io_count 0: none) */
    uint32_t io_count;
    int handed_over;          /* atomic: a user driver prints the log here */
};

void console_register(struct console *console);
void console_write(const char *s, size_t len);
/* The screen now belongs to a user console driver: the screen consoles
 * stop drawing (for good; serial and port 0xE9 go on).  Any context. */
void console_release_screen(void);
/* The console driving ports within [base, base + count), or NULL. */
struct console *console_on_ports(uint32_t base, uint32_t count);
/* Panic: every console prints again, handed over or not. */
void console_panic(void);

#endif /* KESTREL_CONSOLE_CONSOLE_H */
