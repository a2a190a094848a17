/* SPDX-License-Identifier: MIT */
/*
 * Kestrel console multiplexer: every registered console receives every
 * byte the kernel logs.  Drivers (COM1, Bochs port 0xE9, VGA text, the
 * framebuffer) register a struct console they own; registration is
 * permanent, but the screen consoles go quiet once userspace takes the
 * screen (console_release_screen).  No locking yet: boot CPU only, interrupts off; write paths
 * must be safe to call from exception context (panic).
 */
#ifndef KESTREL_CONSOLE_CONSOLE_H
#define KESTREL_CONSOLE_CONSOLE_H

#include <stddef.h>

struct console {
    const char *name;
    void (*write)(struct console *console, const char *s, size_t len);
    struct console *next;
    int screen;               /* draws on the screen (VGA text, framebuffer) */
};

void console_register(struct console *console);
void console_write(const char *s, size_t len);
/* The screen now belongs to a user console driver: the screen consoles
 * stop drawing (for good; serial and port 0xE9 go on).  Any context. */
void console_release_screen(void);

#endif /* KESTREL_CONSOLE_CONSOLE_H */
