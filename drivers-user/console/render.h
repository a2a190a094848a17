/* SPDX-License-Identifier: MIT */
/*
 * The console's renderer: brings a screen (an RGB framebuffer or VGA
 * text memory, already mapped at base) up to date with the terminal
 * model (vt.h), using the model's damage record, and draws the cursor as
 * an inverted cell.  Pure logic over a plain memory buffer, so the host
 * tests render into malloc'd memory.
 *
 * The renderer remembers what every cell shows and draws a cell only when
 * the model's differs, so scrolling costs the cells that really change
 * and never reads screen memory (slow on real framebuffers).
 *
 * Framebuffer text uses the kernel's 8x16 font (kernel/lib/font.h); the
 * grid is width/8 x height/16 cells from the top left.  VGA text cells
 * are character + attribute byte pairs; the attribute's background is
 * kept to the eight dark colours, since its top bit means blink there.
 */
#ifndef CONSOLE_RENDER_H
#define CONSOLE_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "screen.h"
#include "vt.h"

struct render {
    struct screen_geom g;
    uint8_t *base;
    uint32_t pixel[16];             /* RGB: the pixel of each ANSI colour */
    int cols, rows;
    int cur_x, cur_y;               /* where the cursor was drawn */
    bool cur_drawn;
    /* What each cell of the screen shows now (ch 0: unknown, e.g. under
     * the cursor), row-major with VT_COLS_MAX cells a row. */
    struct vt_cell shown[VT_COLS_MAX * VT_ROWS_MAX];
};

/* Set up for g at base: the grid size in *cols and *rows (each at least
 * 1, at most VT_COLS_MAX / VT_ROWS_MAX). */
void render_init(struct render *r, const struct screen_geom *g, void *base, int *cols,
                 int *rows);
/* Fill the whole screen with the background colour (the kernel's boot
 * text goes away). */
void render_clear(struct render *r);
/* Draw what changed in vt since the last call, then clear its damage. */
void render_update(struct render *r, struct vt *vt);

/* The 24-bit RGB value of an ANSI colour (0..15). */
uint32_t render_rgb(unsigned colour);

#endif /* CONSOLE_RENDER_H */
