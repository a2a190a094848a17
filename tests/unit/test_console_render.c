/* SPDX-License-Identifier: MIT */
/*
 * Host tests for drivers-user/console/render.c: text drawn with the
 * kernel font into 32- and 24-bit framebuffers (channel positions
 * honoured) and into VGA text cells, scrolling, the cursor drawn as an
 * inverted cell and taken off when it moves, and only damage redrawn.
 */
#include <stdint.h>
#include "unit.h"
#include "lib/font.h"
#include "../../drivers-user/console/render.h"

static struct vt vt;
static struct vt_cell cells[VT_COLS_MAX * VT_ROWS_MAX];
static struct render rd;

static struct screen_geom rgb_geom(uint32_t w, uint32_t h, uint32_t bpp)
{
    struct screen_geom g = { .type = SCREEN_RGB, .width = w, .height = h,
                             .pitch = w * (bpp / 8) + 16, .bpp = bpp,
                             .red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
                             .blue_pos = 0, .blue_size = 8 };
    return g;
}

static uint32_t pixel(const uint8_t *fb, const struct screen_geom *g, int x, int y)
{
    const uint8_t *p = fb + (size_t)y * g->pitch + (size_t)x * (g->bpp / 8);
    uint32_t v = 0;
    for (uint32_t i = 0; i < g->bpp / 8; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

/* Which character does cell (cx, cy) show, reading the pixels back the
 * way the boot tests' screen-text does: foreground = not background? */
static int cell_char(const uint8_t *fb, const struct screen_geom *g, int cx, int cy,
                     uint32_t bg)
{
    for (int c = FONT_FIRST; c <= FONT_LAST; c++) {
        const uint8_t *glyph = font_glyph((unsigned char)c);
        int ok = 1;
        for (int y = 0; y < FONT_HEIGHT && ok; y++)
            for (int x = 0; x < FONT_WIDTH && ok; x++) {
                int on = pixel(fb, g, cx * 8 + x, cy * 16 + y) != bg;
                int want = (glyph[y] & (0x80 >> x)) != 0;
                ok = on == want;
            }
        if (ok)
            return c;
    }
    return -1;
}

static void put(const char *s)
{
    vt_write(&vt, s, strlen(s));
    render_update(&rd, &vt);
}

static uint8_t *setup(struct screen_geom *g)
{
    uint64_t bytes = 0;
    if (!screen_check(g, &bytes))
        return NULL;
    uint8_t *fb = malloc(bytes);
    memset(fb, 0x5a, bytes);
    int cols, rows;
    render_init(&rd, g, fb, &cols, &rows);
    vt_init(&vt, cells, cols, rows);
    render_clear(&rd);
    render_update(&rd, &vt);
    return fb;
}

UNIT_TEST(rgb32_text_and_colours)
{
    struct screen_geom g = rgb_geom(80, 48, 32);    /* 10x3 cells */
    uint8_t *fb = setup(&g);
    CHECK(fb);
    CHECK_EQ_U(rd.cols, 10);
    CHECK_EQ_U(rd.rows, 3);
    CHECK_EQ_U(pixel(fb, &g, 79, 47), 0);           /* cleared to black */
    put("\x1b[?25lHi\x1b[31;44m!");
    CHECK_EQ_U(cell_char(fb, &g, 0, 0, 0), 'H');
    CHECK_EQ_U(cell_char(fb, &g, 1, 0, 0), 'i');
    CHECK_EQ_U(cell_char(fb, &g, 2, 0, 0x0000AA), '!');
    /* '!' has a lit pixel in column 3 of row 5 of its glyph. */
    const uint8_t *glyph = font_glyph('!');
    int lit = -1;
    for (int x = 0; x < 8 && lit < 0; x++)
        if (glyph[5] & (0x80 >> x))
            lit = x;
    CHECK(lit >= 0);
    CHECK_EQ_U(pixel(fb, &g, 16 + lit, 5), 0xAA0000);
    free(fb);
}

UNIT_TEST(rgb24_channel_positions)
{
    struct screen_geom g = rgb_geom(64, 32, 24);
    g.red_pos = 0;                  /* BGR order */
    g.blue_pos = 16;
    uint8_t *fb = setup(&g);
    CHECK(fb);
    put("\x1b[?25l\x1b[44m \x1b[0m");
    CHECK_EQ_U(pixel(fb, &g, 0, 0), 0xAA0000);      /* blue, at bits 16.. */
    CHECK_EQ_U(pixel(fb, &g, 8, 0), 0);
    put("\x1b[H\x1b[97m#");
    CHECK_EQ_U(cell_char(fb, &g, 0, 0, 0), '#');
    free(fb);
}

UNIT_TEST(rgb_small_channels)
{
    struct screen_geom g = rgb_geom(16, 16, 16);    /* RGB565 */
    g.red_pos = 11; g.red_size = 5; g.green_pos = 5; g.green_size = 6;
    g.blue_pos = 0; g.blue_size = 5;
    uint8_t *fb = setup(&g);
    CHECK(fb);
    put("\x1b[?25l\x1b[107m ");
    CHECK_EQ_U(pixel(fb, &g, 0, 0), 0xFFFF);
    free(fb);
}

UNIT_TEST(cursor_inverse_and_moves)
{
    struct screen_geom g = rgb_geom(80, 48, 32);
    uint8_t *fb = setup(&g);
    CHECK(fb);
    /* The cursor at (0,0) is a light block over the blank cell. */
    CHECK_EQ_U(pixel(fb, &g, 0, 0), 0xAAAAAA);
    put("A");
    CHECK_EQ_U(pixel(fb, &g, 0, 0), 0);             /* old cursor gone */
    CHECK_EQ_U(pixel(fb, &g, 8, 0), 0xAAAAAA);      /* now at (1,0) */
    CHECK_EQ_U(cell_char(fb, &g, 0, 0, 0), 'A');
    put("\x1b[3;5H");
    CHECK_EQ_U(pixel(fb, &g, 8, 0), 0);
    CHECK_EQ_U(pixel(fb, &g, 32, 32), 0xAAAAAA);
    put("\x1b[?25l");
    CHECK_EQ_U(pixel(fb, &g, 32, 32), 0);
    free(fb);
}

UNIT_TEST(scroll_moves_pixels)
{
    struct screen_geom g = rgb_geom(80, 48, 32);
    uint8_t *fb = setup(&g);
    CHECK(fb);
    put("\x1b[?25lone\ntwo\nthree\nfour");
    CHECK_EQ_U(cell_char(fb, &g, 0, 0, 0), 't');
    CHECK_EQ_U(cell_char(fb, &g, 1, 0, 0), 'w');
    CHECK_EQ_U(cell_char(fb, &g, 2, 1, 0), 'r');
    CHECK_EQ_U(cell_char(fb, &g, 0, 2, 0), 'f');
    CHECK_EQ_U(cell_char(fb, &g, 4, 2, 0), ' ');
    /* Many lines in one write: the screen is simply redrawn. */
    put("\n1\n2\n3\n4\n5\nX");
    CHECK_EQ_U(cell_char(fb, &g, 0, 0, 0), '4');
    CHECK_EQ_U(cell_char(fb, &g, 0, 2, 0), 'X');
    free(fb);
}

/* After a scroll only cells whose content changed are drawn: a blank
 * cell that stays blank is left alone (marked here with a stray pixel). */
UNIT_TEST(scroll_draws_only_changes)
{
    struct screen_geom g = rgb_geom(80, 48, 32);
    uint8_t *fb = setup(&g);
    CHECK(fb);
    put("\x1b[?25la\nb\nc");
    uint32_t *mark = (uint32_t *)(fb + 20 * g.pitch + 70 * 4);  /* cell (8,1) */
    *mark = 0x123456;
    put("\nd");
    CHECK_EQ_U(*mark, 0x123456);
    CHECK_EQ_U(cell_char(fb, &g, 0, 0, 0), 'b');
    CHECK_EQ_U(cell_char(fb, &g, 0, 1, 0), 'c');
    CHECK_EQ_U(cell_char(fb, &g, 0, 2, 0), 'd');
    free(fb);
}

UNIT_TEST(vga_text_cells)
{
    struct screen_geom g = { .type = SCREEN_VGA_TEXT, .width = 80, .height = 25, .pitch = 160 };
    uint8_t *fb = setup(&g);
    CHECK(fb);
    CHECK_EQ_U(rd.cols, 80);
    CHECK_EQ_U(fb[0], ' ');
    CHECK_EQ_U(fb[1], 0x70);                        /* cursor: inverted */
    put("ok\x1b[31;44mR\x1b[0m");
    CHECK_EQ_U(fb[0], 'o');
    CHECK_EQ_U(fb[1], 0x07);
    CHECK_EQ_U(fb[4], 'R');
    CHECK_EQ_U(fb[5], 0x14);                        /* red on blue, VGA order */
    CHECK_EQ_U(fb[7], 0x70);                        /* cursor at (3,0) */
    put("\x1b[105m \x1b[0m");                       /* bright background: no blink */
    CHECK_EQ_U(fb[7] & 0x80, 0);
    for (int i = 0; i < 25; i++)
        put("\n");
    CHECK_EQ_U(fb[0], ' ');
    free(fb);
}

UNIT_TEST(big_screen_clamped)
{
    struct screen_geom g = rgb_geom(2560, 2048, 32);   /* 320x128 cells */
    int cols, rows;
    render_init(&rd, &g, NULL, &cols, &rows);
    CHECK_EQ_U(cols, VT_COLS_MAX);
    CHECK_EQ_U(rows, VT_ROWS_MAX);
}

UNIT_MAIN(UNIT_CASE(rgb32_text_and_colours), UNIT_CASE(rgb24_channel_positions),
          UNIT_CASE(rgb_small_channels), UNIT_CASE(cursor_inverse_and_moves),
          UNIT_CASE(scroll_moves_pixels), UNIT_CASE(scroll_draws_only_changes),
          UNIT_CASE(vga_text_cells),
          UNIT_CASE(big_screen_clamped))
