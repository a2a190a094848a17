/* SPDX-License-Identifier: MIT */
/*
 * The console's renderer (render.h).  After a scroll every cell is
 * compared with what the screen shows; otherwise only the damaged spans.
 */
#include "render.h"

#include <string.h>

#include "../../kernel/lib/font.h"

/* ANSI colours 0..15 (the VGA palette's values, in ANSI order). */
static const uint32_t rgb[16] = {
    0x000000, 0xAA0000, 0x00AA00, 0xAA5500, 0x0000AA, 0xAA00AA, 0x00AAAA, 0xAAAAAA,
    0x555555, 0xFF5555, 0x55FF55, 0xFFFF55, 0x5555FF, 0xFF55FF, 0x55FFFF, 0xFFFFFF,
};

/* ANSI colour number -> VGA attribute colour number. */
static const uint8_t ansi_to_vga[16] = { 0, 4, 2, 6, 1, 5, 3, 7, 8, 12, 10, 14, 9, 13, 11, 15 };

uint32_t render_rgb(unsigned colour)
{
    return rgb[colour & 15];
}

static uint32_t channel(uint32_t v8, uint32_t pos, uint32_t size)
{
    return (v8 >> (8 - size)) << pos;
}

void render_init(struct render *r, const struct screen_geom *g, void *base, int *cols,
                 int *rows)
{
    memset(r, 0, sizeof(*r));
    r->g = *g;
    r->base = base;
    if (g->type == SCREEN_VGA_TEXT) {
        r->cols = (int)g->width;
        r->rows = (int)g->height;
    } else {
        r->cols = (int)(g->width / FONT_WIDTH);
        r->rows = (int)(g->height / FONT_HEIGHT);
        for (int i = 0; i < 16; i++) {
            uint32_t c = rgb[i];
            r->pixel[i] = channel((c >> 16) & 0xFF, g->red_pos, g->red_size) |
                          channel((c >> 8) & 0xFF, g->green_pos, g->green_size) |
                          channel(c & 0xFF, g->blue_pos, g->blue_size);
        }
    }
    if (r->cols > VT_COLS_MAX)
        r->cols = VT_COLS_MAX;
    if (r->rows > VT_ROWS_MAX)
        r->rows = VT_ROWS_MAX;
    if (r->cols < 1)
        r->cols = 1;
    if (r->rows < 1)
        r->rows = 1;
    *cols = r->cols;
    *rows = r->rows;
}

static void put_pixel(uint8_t *p, uint32_t bytes, uint32_t v)
{
    if (bytes == 4) {
        *(volatile uint32_t *)p = v;
    } else {
        for (uint32_t i = 0; i < bytes; i++)
            p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void draw_cell(struct render *r, int x, int y, struct vt_cell c, bool invert)
{
    unsigned fg = VT_ATTR_FG(c.attr), bg = VT_ATTR_BG(c.attr);
    if (invert) {
        unsigned t = fg;
        fg = bg;
        bg = t;
    }
    if (r->g.type == SCREEN_VGA_TEXT) {
        uint8_t a = (uint8_t)(ansi_to_vga[fg] | (ansi_to_vga[bg & 7] << 4));
        if (invert && (fg & 7) == (bg & 7))
            a = 0x70;               /* keep a cursor on same-colour cells seen */
        volatile uint8_t *p = r->base + (size_t)y * r->g.pitch + (size_t)x * 2;
        p[0] = c.ch;
        p[1] = a;
        return;
    }
    uint32_t bytes = r->g.bpp / 8;
    uint32_t pf = r->pixel[fg], pb = r->pixel[bg];
    const uint8_t *glyph = font_glyph(c.ch);
    uint8_t *row = r->base + (size_t)y * FONT_HEIGHT * r->g.pitch + (size_t)x * FONT_WIDTH * bytes;
    for (int gy = 0; gy < FONT_HEIGHT; gy++, row += r->g.pitch) {
        uint8_t bits = glyph[gy];
        for (int gx = 0; gx < FONT_WIDTH; gx++)
            put_pixel(row + (size_t)gx * bytes, bytes, (bits & (0x80 >> gx)) ? pf : pb);
    }
}

void render_clear(struct render *r)
{
    if (r->g.type == SCREEN_VGA_TEXT) {
        for (uint32_t y = 0; y < r->g.height; y++)
            for (uint32_t x = 0; x < r->g.width; x++) {
                volatile uint8_t *p = r->base + (size_t)y * r->g.pitch + (size_t)x * 2;
                p[0] = ' ';
                p[1] = 0x07;
            }
    } else {
        uint32_t bytes = r->g.bpp / 8;
        for (uint32_t y = 0; y < r->g.height; y++)
            for (uint32_t x = 0; x < r->g.width; x++)
                put_pixel(r->base + (size_t)y * r->g.pitch + (size_t)x * bytes, bytes,
                          r->pixel[VT_BG_DEFAULT]);
    }
    for (size_t i = 0; i < sizeof(r->shown) / sizeof(r->shown[0]); i++) {
        r->shown[i].ch = ' ';
        r->shown[i].attr = VT_ATTR(VT_FG_DEFAULT, VT_BG_DEFAULT);
    }
    r->cur_drawn = false;
}

static struct vt_cell *shown(struct render *r, int x, int y)
{
    return &r->shown[(size_t)y * VT_COLS_MAX + (size_t)x];
}

/* Draw the model's cell at (x, y) if the screen shows something else. */
static void sync_cell(struct render *r, struct vt *vt, int x, int y)
{
    struct vt_cell c = *vt_cell_at(vt, x, y);
    struct vt_cell *s = shown(r, x, y);
    if (s->ch == c.ch && s->attr == c.attr)
        return;
    draw_cell(r, x, y, c, false);
    *s = c;
}

void render_update(struct render *r, struct vt *vt)
{
    int rows = vt->rows < r->rows ? vt->rows : r->rows;
    int cols = vt->cols < r->cols ? vt->cols : r->cols;
    bool all = vt->scrolled > 0;
    for (int y = 0; y < rows; y++) {
        int lo = 0, hi = cols - 1;
        if (!all) {
            if (vt->dirty_lo[y] == VT_CLEAN)
                continue;
            lo = vt->dirty_lo[y];
            if (vt->dirty_hi[y] < hi)
                hi = vt->dirty_hi[y];
        }
        for (int x = lo; x <= hi; x++)
            sync_cell(r, vt, x, y);
    }
    /* Take the old cursor off (its shown cell is unknown: redrawn). */
    if (r->cur_drawn && r->cur_x < cols && r->cur_y < rows)
        sync_cell(r, vt, r->cur_x, r->cur_y);
    r->cur_drawn = false;
    vt_clear_damage(vt);
    if (vt->cursor_visible && vt->cx < cols && vt->cy < rows) {
        draw_cell(r, vt->cx, vt->cy, *vt_cell_at(vt, vt->cx, vt->cy), true);
        shown(r, vt->cx, vt->cy)->ch = 0;
        r->cur_x = vt->cx;
        r->cur_y = vt->cy;
        r->cur_drawn = true;
    }
}
