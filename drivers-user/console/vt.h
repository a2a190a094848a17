/* SPDX-License-Identifier: MIT */
/*
 * The console's terminal model: a grid of text cells (a character and a
 * colour attribute each), a cursor, and the parser of the ANSI/VT100
 * subset docs/console.md lists.  Pure logic (standard headers only) so
 * the host unit tests drive it; the renderer (render.h) turns the grid
 * into pixels or VGA text cells.
 *
 * Damage: vt_write records what changed since the renderer last looked:
 * the rows scrolled off the top (scrolled) and, per row, the span of
 * columns rewritten (dirty_lo..dirty_hi; dirty_lo == VT_CLEAN: none).  Scrolling
 * shifts the spans with the text, so a renderer that first scrolls the
 * screen by `scrolled` rows and then redraws the spans is exact.
 *
 * Cell attribute: foreground colour in the low nibble, background in the
 * high nibble, both ANSI colour numbers (0 black, 1 red, 2 green,
 * 3 yellow, 4 blue, 5 magenta, 6 cyan, 7 white; +8 bright).  Inverse
 * video is applied when a cell is written, so the attribute is final.
 */
#ifndef CONSOLE_VT_H
#define CONSOLE_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VT_COLS_MAX   256
#define VT_ROWS_MAX   128
#define VT_PARAMS_MAX 16
/* A control sequence longer than this is dropped (the parser then skips
 * its parameter bytes up to its final byte, which is dropped too). */
#define VT_SEQ_MAX    64

#define VT_CLEAN      0xFFFFu

#define VT_FG_DEFAULT 7
#define VT_BG_DEFAULT 0
#define VT_ATTR(fg, bg) ((uint8_t)(((fg) & 0xF) | (((bg) & 0xF) << 4)))
#define VT_ATTR_FG(a)   ((a) & 0xF)
#define VT_ATTR_BG(a)   (((a) >> 4) & 0xF)

struct vt_cell {
    uint8_t ch;         /* printable ASCII or ' ' */
    uint8_t attr;
};

enum vt_state { VT_GROUND, VT_ESC, VT_CSI, VT_SKIP };

struct vt {
    int cols, rows;
    struct vt_cell *cells;          /* rows * cols, row-major */
    int cx, cy;                     /* cursor cell */
    int saved_x, saved_y;           /* ESC [ s / ESC 7 */
    bool wrap_pending;              /* the last column was written: wrap
                                       before the next character */
    bool cursor_visible;
    uint8_t fg, bg;                 /* current colours (ANSI numbers) */
    bool bold, inverse;
    uint8_t utf8_follow;            /* continuation bytes still expected */

    /* Parser. */
    enum vt_state state;
    unsigned params[VT_PARAMS_MAX];
    int nparams;                    /* parameters started so far */
    bool private_mode;              /* '?' after CSI */
    bool bad;                       /* sequence malformed: ignore at final */
    unsigned seq_len;

    /* Damage since vt_clear_damage. */
    int scrolled;                   /* rows scrolled up (<= rows) */
    uint16_t dirty_lo[VT_ROWS_MAX], dirty_hi[VT_ROWS_MAX];
};

/* cols and rows are clamped to 1..VT_*_MAX; cells holds cols * rows
 * (after the clamp).  Clears the grid and marks it all dirty. */
void vt_init(struct vt *vt, struct vt_cell *cells, int cols, int rows);
void vt_write(struct vt *vt, const void *buf, size_t len);
void vt_clear_damage(struct vt *vt);
void vt_mark_all(struct vt *vt);

static inline struct vt_cell *vt_cell_at(struct vt *vt, int x, int y)
{
    return &vt->cells[(size_t)y * (size_t)vt->cols + (size_t)x];
}

#endif /* CONSOLE_VT_H */
