/* SPDX-License-Identifier: MIT */
/*
 * Kestrel VGA text-mode console (x86_64 PC, BIOS boots): 16-bit cells
 * (character, attribute) at physical 0xB8000, reached through the direct
 * map.  Light grey on black, wraps, scrolls.  The hardware cursor is
 * left alone.  vga_console_init() once; writes: boot CPU, interrupts off.
 */
#include <stdint.h>
#include "console/console.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "vga.h"

#define VGA_ATTRIBUTE 0x07

static volatile uint16_t *cells;
static uint32_t columns, rows, stride; /* stride: cells per row */
static uint32_t cursor_x, cursor_y;

static void clear_row(uint32_t row)
{
    for (uint32_t x = 0; x < columns; x++)
        cells[row * stride + x] = (uint16_t)(VGA_ATTRIBUTE << 8 | ' ');
}

static void newline(void)
{
    cursor_x = 0;
    if (++cursor_y < rows)
        return;
    for (uint32_t y = 1; y < rows; y++) {
        for (uint32_t x = 0; x < columns; x++)
            cells[(y - 1) * stride + x] = cells[y * stride + x];
    }
    clear_row(rows - 1);
    cursor_y = rows - 1;
}

static void vga_write(struct console *console, const char *s, size_t len)
{
    (void)console;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            newline();
            continue;
        }
        if (c == '\r') {
            cursor_x = 0;
            continue;
        }
        if (c < 32 || c > 126)
            c = '?';
        cells[cursor_y * stride + cursor_x] = (uint16_t)(VGA_ATTRIBUTE << 8 | c);
        if (++cursor_x == columns)
            newline();
    }
}

static struct console vga_console = { .name = "vga", .write = vga_write, .screen = 1 };

int vga_console_init(uintptr_t virt, uint32_t width, uint32_t height, uint32_t pitch)
{
    if (!virt || width == 0 || height == 0 || width > 256 || height > 128 || pitch < width * 2)
        return -KS_ERR_INVALID_ARGUMENT;
    cells = (volatile uint16_t *)virt;
    columns = width;
    rows = height;
    stride = pitch / 2;
    cursor_x = cursor_y = 0;
    for (uint32_t y = 0; y < rows; y++)
        clear_row(y);
    console_register(&vga_console);
    return 0;
}
