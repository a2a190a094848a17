/* SPDX-License-Identifier: MIT */
/*
 * Kestrel console multiplexer; see console.h.
 */
#include "console/console.h"

static struct console *consoles;

void console_register(struct console *console)
{
    struct console **link = &consoles;
    while (*link) {
        if (*link == console)
            return;
        link = &(*link)->next;
    }
    console->next = NULL;
    *link = console;
}

void console_write(const char *s, size_t len)
{
    for (struct console *c = consoles; c; c = c->next)
        c->write(c, s, len);
}
