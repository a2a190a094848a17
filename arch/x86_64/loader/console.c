/* SPDX-License-Identifier: MIT */
/*
 * Output of the Kestrel loader stub: COM1 (16550, 115200 8N1) for every
 * line, and the screen for the fatal message only: VGA text when GRUB
 * reported an EGA text framebuffer (or none at all on BIOS), the RGB
 * framebuffer drawn with the shared 8x16 font (kernel/lib/font.h).
 *
 * loader_fatal() is the single refusal path: message on serial and
 * screen, then with `exit`/`ktest` on the command line QEMU's
 * isa-debug-exit and Bochs' shutdown port, then cli/hlt forever.  It
 * never returns and never faults, so a refusal cannot become a reset.
 * Paging is off, so the framebuffer is written through its physical
 * address and must lie below 4 GiB to be used.
 */
#include <kestrel/qemu_exit.h>
#include <lib/font.h>

#include "io.h"
#include "loader.h"
#include "lib/format.h"

#define COM1            0x3f8
#define COM1_SPIN_LIMIT 100000
#define VGA_ATTR_FATAL  0x4f /* white on red */

enum screen_kind { SCREEN_NONE, SCREEN_VGA, SCREEN_RGB };

static struct {
    bool serial_ok;
    bool exit_on_fatal;
    enum screen_kind kind;
    uint8_t *base;
    uint32_t width, height, pitch, bpp;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} console;

void console_init_serial(void)
{
    io_out8(COM1 + 1, 0x00); /* no interrupts */
    io_out8(COM1 + 3, 0x80); /* DLAB on: divisor 1 = 115200 baud */
    io_out8(COM1 + 0, 0x01);
    io_out8(COM1 + 1, 0x00);
    io_out8(COM1 + 3, 0x03); /* 8N1, DLAB off */
    io_out8(COM1 + 2, 0xc7); /* FIFOs on and cleared */
    io_out8(COM1 + 4, 0x03); /* DTR, RTS */
    /* Without a UART the bus floats: the scratch register does not keep
     * what is written, and waiting for "transmitter empty" would hang. */
    io_out8(COM1 + 7, 0x5a);
    console.serial_ok = io_in8(COM1 + 7) == 0x5a;
}

static void serial_put(char c)
{
    if (!console.serial_ok)
        return;
    for (int spin = 0; spin < COM1_SPIN_LIMIT && !(io_in8(COM1 + 5) & 0x20); spin++)
        ;
    io_out8(COM1, (uint8_t)c);
}

static void serial_write(const char *s)
{
    for (; *s != 0; s++) {
        if (*s == '\n')
            serial_put('\r');
        serial_put(*s);
    }
}

void console_use_screen(const struct mb2_info *info, bool bios)
{
    console.kind = SCREEN_NONE;
    if (!info->has_fb) {
        if (bios) {
            console = (typeof(console)){ .serial_ok = console.serial_ok,
                .exit_on_fatal = console.exit_on_fatal, .kind = SCREEN_VGA,
                .base = (uint8_t *)0xb8000, .width = 80, .height = 25, .pitch = 160 };
        }
        return;
    }
    uint64_t bytes = (uint64_t)info->fb_pitch * info->fb_height;
    if (info->fb_addr >= 0x100000000ULL || bytes > 0x100000000ULL - info->fb_addr ||
        info->fb_width == 0 || info->fb_height == 0)
        return;
    console.base = (uint8_t *)(uintptr_t)info->fb_addr;
    console.width = info->fb_width;
    console.height = info->fb_height;
    console.pitch = info->fb_pitch;
    console.bpp = info->fb_bpp;
    if (info->fb_type == MB2_FB_EGA_TEXT) {
        console.kind = SCREEN_VGA;
    } else if (info->fb_type == MB2_FB_RGB && (console.bpp == 16 || console.bpp == 24 ||
                                               console.bpp == 32) &&
               (uint64_t)console.width * (console.bpp / 8) <= console.pitch) {
        console.kind = SCREEN_RGB;
        console.red_pos = info->fb_red_pos;
        console.red_size = info->fb_red_size;
        console.green_pos = info->fb_green_pos;
        console.green_size = info->fb_green_size;
        console.blue_pos = info->fb_blue_pos;
        console.blue_size = info->fb_blue_size;
    }
}

void console_set_exit_on_fatal(bool exit)
{
    console.exit_on_fatal = exit;
}

static uint32_t rgb_channel(uint8_t value, uint8_t size, uint8_t pos)
{
    if (size == 0 || size > 8 || pos > 31)
        return 0;
    return (uint32_t)(value >> (8 - size)) << pos;
}

static void rgb_pixel(uint32_t x, uint32_t y, uint8_t r, uint8_t g, uint8_t b)
{
    uint32_t v = rgb_channel(r, console.red_size, console.red_pos) |
                 rgb_channel(g, console.green_size, console.green_pos) |
                 rgb_channel(b, console.blue_size, console.blue_pos);
    uint8_t *p = console.base + y * console.pitch + x * (console.bpp / 8);
    for (uint32_t i = 0; i < console.bpp / 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Draws one text cell; the fatal screen is white on dark red. */
static void screen_cell(uint32_t col, uint32_t row, char c)
{
    if (console.kind == SCREEN_VGA) {
        uint8_t *cell = console.base + row * console.pitch + col * 2;
        cell[0] = (uint8_t)c;
        cell[1] = VGA_ATTR_FATAL;
        return;
    }
    const uint8_t *glyph = font_glyph((unsigned char)c);
    for (uint32_t y = 0; y < FONT_HEIGHT; y++)
        for (uint32_t x = 0; x < FONT_WIDTH; x++) {
            bool on = c != ' ' && (glyph[y] & (0x80 >> x));
            rgb_pixel(col * FONT_WIDTH + x, row * FONT_HEIGHT + y,
                      on ? 0xff : 0x80, on ? 0xff : 0, on ? 0xff : 0);
        }
}

/* Writes the text from the top left, wrapping at the screen width, and
 * blanks the rest of each row it uses so the message stands out. */
static void screen_write(const char *text)
{
    if (console.kind == SCREEN_NONE)
        return;
    uint32_t cols = console.kind == SCREEN_VGA ? console.width : console.width / FONT_WIDTH;
    uint32_t rows = console.kind == SCREEN_VGA ? console.height : console.height / FONT_HEIGHT;
    uint32_t col = 0, row = 0;
    if (cols == 0 || rows == 0)
        return;
    for (const char *p = text; *p != 0 && row < rows; p++) {
        if (*p == '\n' || col == cols) {
            while (col < cols)
                screen_cell(col++, row, ' ');
            col = 0;
            row++;
            if (*p == '\n' || row == rows)
                continue;
        }
        screen_cell(col++, row, *p);
    }
    while (row < rows && col < cols)
        screen_cell(col++, row, ' ');
}

void loader_log(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    format_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    serial_write(LOADER_PREFIX);
    serial_write(line);
    serial_write("\n");
}

_Noreturn void loader_fatal(const char *fmt, ...)
{
    static const char fatal[] = LOADER_PREFIX "fatal: ";
    char text[384];
    size_t n = 0;
    for (; fatal[n] != 0; n++)
        text[n] = fatal[n];
    va_list ap;
    va_start(ap, fmt);
    format_vsnprintf(text + n, sizeof(text) - n, fmt, ap);
    va_end(ap);
    serial_write(text);
    serial_write("\n");
    screen_write(text);
    if (console.exit_on_fatal) {
        io_out8(KS_QEMU_EXIT_PORT, KS_EXIT_LOADER);
        for (const char *s = "Shutdown"; *s != 0; s++)
            io_out8(KS_BOCHS_SHUTDOWN_PORT & 0xffff, (uint8_t)*s);
    }
    for (;;)
        __asm__ volatile("cli; hlt");
}
