/* SPDX-License-Identifier: MIT */
/*
 * Kestrel console multiplexer; see console.h.
 */
#include <stdbool.h>
#include "console/console.h"

static struct console *consoles;
static int screen_released;      /* atomic: the screen is userspace's */
static int panicking;            /* atomic: handed-over consoles print too */

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
    bool all = __atomic_load_n(&panicking, __ATOMIC_ACQUIRE);
    for (struct console *c = consoles; c; c = c->next) {
        if (c->screen && skip_screen)
            continue;
        if (!all && __atomic_load_n(&c->handed_over, __ATOMIC_ACQUIRE))
            continue;
        c->write(c, s, len);
    }
}

void console_release_screen(void)
{
    __atomic_store_n(&screen_released, 1, __ATOMIC_RELEASE);
}

struct console *console_on_ports(uint32_t base, uint32_t count)
{
    for (struct console *c = consoles; c; c = c->next)
        if (c->io_count && c->io_base >= base &&
            (uint64_t)c->io_base + c->io_count <= (uint64_t)base + count)
            return c;
    return NULL;
}

void console_panic(void)
{
    __atomic_store_n(&panicking, 1, __ATOMIC_RELEASE);
}
