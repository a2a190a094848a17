/* SPDX-License-Identifier: MIT */
/*
 * Kestrel early serial consoles (x86_64 PC): COM1 (16550 UART at 0x3F8,
 * 115200 8N1, polled) and Bochs' port 0xE9 debug output.
 *
 * A machine may have no UART at 0x3F8: a port with nothing behind it
 * reads 0xFF, so the scratch register must keep two patterns before COM1
 * is used, and every wait for the transmitter is
 * bounded, so a missing or stuck UART never hangs the kernel.  Port 0xE9
 * is used only when it reads back 0xE9 (Bochs' port_e9_hack).
 * serial_init() once at boot; writes: boot CPU, interrupts off.
 */
#include <stdbool.h>
#include "arch.h"
#include "console/console.h"
#include "cpu.h"

#define COM1 0x3F8
#define UART_DATA      0
#define UART_IER       1
#define UART_FCR       2
#define UART_LCR       3
#define UART_MCR       4
#define UART_LSR       5
#define UART_SCRATCH   7
#define LCR_DLAB       0x80
#define LCR_8N1        0x03
#define LSR_THR_EMPTY  0x20
#define MCR_NORMAL     0x0B /* DTR, RTS, OUT2 */
#define BOCHS_E9_PORT  0xE9
#define TX_SPIN_LIMIT  100000

/*
 * A UART is there when its scratch register keeps what was written: an
 * empty port reads back 0xFF.  A loopback echo is not used as the test:
 * the looped byte only arrives one character time later, on real 16550s
 * and in Bochs alike, so an immediate read races the transmitter.
 */
static bool uart_present(void)
{
    static const uint8_t patterns[] = { 0x5A, 0xA5 };
    for (unsigned i = 0; i < sizeof(patterns); i++) {
        outb(COM1 + UART_SCRATCH, patterns[i]);
        if (inb(COM1 + UART_SCRATCH) != patterns[i])
            return false;
    }
    return true;
}

static void uart_setup(void)
{
    outb(COM1 + UART_IER, 0);            /* polled: no UART interrupts */
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, 1);           /* divisor 1: 115200 baud */
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0xC7);         /* enable + clear FIFOs, 14-byte threshold */
    outb(COM1 + UART_MCR, MCR_NORMAL);
}

static void uart_put(char c)
{
    for (int spin = 0; spin < TX_SPIN_LIMIT; spin++) {
        if (inb(COM1 + UART_LSR) & LSR_THR_EMPTY)
            break;
    }
    outb(COM1 + UART_DATA, (uint8_t)c);
}

static void com1_write(struct console *console, const char *s, size_t len)
{
    (void)console;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            uart_put('\r');
        uart_put(s[i]);
    }
}

static void bochs_e9_write(struct console *console, const char *s, size_t len)
{
    (void)console;
    for (size_t i = 0; i < len; i++)
        outb(BOCHS_E9_PORT, (uint8_t)s[i]);
}

static struct console com1_console = { .name = "com1", .write = com1_write,
                                        .io_base = COM1, .io_count = 8 };
static struct console e9_console = { .name = "e9", .write = bochs_e9_write };

void arch_early_console_init(void)
{
    if (uart_present()) {
        uart_setup();
        console_register(&com1_console);
    }
    if (inb(BOCHS_E9_PORT) == BOCHS_E9_PORT)
        console_register(&e9_console);
}
