/* SPDX-License-Identifier: MIT */
/*
 * Kestrel console multiplexer; see console.h.
 */
#include <stdbool.h>
#include "console/console.h"

static struct console *consoles;
static int screen_released;      /* atomic: the screen is userspace's */

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
    bool skip_screen = __atomic_load_n(&screen_released, __ATOMIC_ACQUIRE);
    for (struct console *c = consoles; c; c = c->next)
        if (!(c->screen && skip_screen))
            c->write(c, s, len);
}

void console_release_screen(void)
{
    __atomic_store_n(&screen_released, 1, __ATOMIC_RELEASE);
}
