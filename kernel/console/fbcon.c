/* SPDX-License-Identifier: MIT */
/*
 * Kestrel framebuffer text console; see fbcon.h.
 *
 * Scrolling moves the pixel rows up with 64-bit copies.  That reads the
 * framebuffer back, which is slow on real video memory but keeps the
 * console stateless beyond the cursor; it is an early-boot console.
 */
#include <stdbool.h>
#include "console/console.h"
#include "console/fbcon.h"
#include "kestrel/errors.h"
#include "lib/font.h"
#include "lib/string.h"

struct fbcon {
    struct console console;
    uint8_t *pixels;
    uint32_t width, height, pitch;
    uint32_t bytes_per_pixel;
    uint32_t columns, rows;
    uint32_t cursor_x, cursor_y;
    uint32_t foreground, background;
};

static struct fbcon fbcon;

/* Scale an 8-bit channel into a field of `size` bits at `pos`. */
static uint32_t channel(uint8_t value, uint8_t pos, uint8_t size)
{
    if (size == 0)
        return 0;
    if (size > 8)
        size = 8;
    return ((uint32_t)value >> (8 - size)) << pos;
}

static uint32_t make_colour(const struct ks_framebuffer *fb, uint8_t r, uint8_t g, uint8_t b)
{
    return channel(r, fb->red_pos, fb->red_size) | channel(g, fb->green_pos, fb->green_size) |
           channel(b, fb->blue_pos, fb->blue_size);
}

static void put_pixel(uint8_t *p, uint32_t colour)
{
    switch (fbcon.bytes_per_pixel) {
    case 4:
        *(volatile uint32_t *)p = colour;
        break;
    case 3:
        p[0] = colour & 0xFF;
        p[1] = (colour >> 8) & 0xFF;
        p[2] = (colour >> 16) & 0xFF;
        break;
    default:
        *(volatile uint16_t *)p = (uint16_t)colour;
        break;
    }
}

static void draw_glyph(uint32_t column, uint32_t row, unsigned char c)
{
    const uint8_t *glyph = font_glyph(c);
    uint8_t *line = fbcon.pixels + (size_t)row * FONT_HEIGHT * fbcon.pitch +
                    (size_t)column * FONT_WIDTH * fbcon.bytes_per_pixel;
    for (uint32_t y = 0; y < FONT_HEIGHT; y++, line += fbcon.pitch) {
        for (uint32_t x = 0; x < FONT_WIDTH; x++) {
            bool on = glyph[y] & (0x80u >> x);
            put_pixel(line + x * fbcon.bytes_per_pixel, on ? fbcon.foreground : fbcon.background);
        }
    }
}

static void clear_pixel_rows(uint32_t first, uint32_t end)
{
    for (uint32_t y = first; y < end; y++) {
        uint8_t *line = fbcon.pixels + (size_t)y * fbcon.pitch;
        for (uint32_t x = 0; x < fbcon.width; x++)
            put_pixel(line + x * fbcon.bytes_per_pixel, fbcon.background);
    }
}

static void scroll_one_row(void)
{
    size_t row_bytes = (size_t)FONT_HEIGHT * fbcon.pitch;
    memmove(fbcon.pixels, fbcon.pixels + row_bytes, row_bytes * (fbcon.rows - 1));
    clear_pixel_rows((fbcon.rows - 1) * FONT_HEIGHT, fbcon.rows * FONT_HEIGHT);
}

static void newline(void)
{
    fbcon.cursor_x = 0;
    if (++fbcon.cursor_y == fbcon.rows) {
        scroll_one_row();
        fbcon.cursor_y = fbcon.rows - 1;
    }
}

static void fbcon_write(struct console *console, const char *s, size_t len)
{
    (void)console;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\n') {
            newline();
        } else if (c == '\r') {
            fbcon.cursor_x = 0;
        } else if (c == '\t') {
            do {
                draw_glyph(fbcon.cursor_x, fbcon.cursor_y, ' ');
                fbcon.cursor_x++;
            } while (fbcon.cursor_x % 8 && fbcon.cursor_x < fbcon.columns);
            if (fbcon.cursor_x >= fbcon.columns)
                newline();
        } else {
            draw_glyph(fbcon.cursor_x, fbcon.cursor_y, (unsigned char)c);
            if (++fbcon.cursor_x == fbcon.columns)
                newline();
        }
    }
}

int fbcon_init(const struct ks_framebuffer *fb, uintptr_t virt)
{
    uint32_t bytes = (fb->bpp + 7u) / 8u;
    if (fb->type != KS_FB_RGB || !virt || bytes < 2 || bytes > 4 || fb->bpp < 15)
        return -KS_ERR_INVALID_ARGUMENT;
    if (fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT ||
        fb->pitch < (uint64_t)fb->width * bytes)
        return -KS_ERR_INVALID_ARGUMENT;

    fbcon = (struct fbcon){
        .console = { .name = "fb", .write = fbcon_write, .screen = 1 },
        .pixels = (uint8_t *)virt,
        .width = fb->width, .height = fb->height, .pitch = fb->pitch,
        .bytes_per_pixel = bytes,
        .columns = fb->width / FONT_WIDTH, .rows = fb->height / FONT_HEIGHT,
    };
    fbcon.foreground = make_colour(fb, 0xD8, 0xD8, 0xD8);
    fbcon.background = make_colour(fb, 0x10, 0x10, 0x28);
    clear_pixel_rows(0, fbcon.height);
    console_register(&fbcon.console);
    return 0;
}
