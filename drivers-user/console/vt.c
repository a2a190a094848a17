/* SPDX-License-Identifier: MIT */
/*
 * The console's terminal model and ANSI parser (vt.h).  Every input byte
 * moves a small state machine: ground (text and C0 controls), after ESC,
 * inside a CSI sequence, or skipping a sequence that is too long.  No
 * input can move the cursor or a write outside the grid: every position
 * is clamped where it is computed.
 */
#include "vt.h"

#include <string.h>

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void mark(struct vt *vt, int y, int x0, int x1)
{
    if (x0 < vt->dirty_lo[y])
        vt->dirty_lo[y] = (uint16_t)x0;
    if (x1 > vt->dirty_hi[y] || vt->dirty_hi[y] == VT_CLEAN)
        vt->dirty_hi[y] = (uint16_t)x1;
}

static void clear_row_damage(struct vt *vt, int y)
{
    vt->dirty_lo[y] = VT_CLEAN;
    vt->dirty_hi[y] = VT_CLEAN;
}

void vt_clear_damage(struct vt *vt)
{
    vt->scrolled = 0;
    for (int y = 0; y < vt->rows; y++)
        clear_row_damage(vt, y);
}

void vt_mark_all(struct vt *vt)
{
    for (int y = 0; y < vt->rows; y++) {
        vt->dirty_lo[y] = 0;
        vt->dirty_hi[y] = (uint16_t)(vt->cols - 1);
    }
}

/* The attribute of a cell written now (bold brightens, inverse swaps). */
static uint8_t text_attr(const struct vt *vt)
{
    uint8_t fg = vt->fg, bg = vt->bg;
    if (vt->bold && fg < 8)
        fg |= 8;
    if (vt->inverse) {
        uint8_t t = fg;
        fg = bg;
        bg = t;
    }
    return VT_ATTR(fg, bg);
}

/* Erased cells take the current background, as terminals do. */
static uint8_t erase_attr(const struct vt *vt)
{
    return VT_ATTR(vt->fg, vt->bg);
}

static void erase(struct vt *vt, int y, int x0, int x1)
{
    uint8_t a = erase_attr(vt);
    for (int x = x0; x <= x1; x++) {
        struct vt_cell *c = vt_cell_at(vt, x, y);
        c->ch = ' ';
        c->attr = a;
    }
    mark(vt, y, x0, x1);
}

static void scroll_up(struct vt *vt)
{
    size_t row = (size_t)vt->cols * sizeof(struct vt_cell);
    memmove(vt->cells, vt->cells + vt->cols, row * (size_t)(vt->rows - 1));
    memmove(vt->dirty_lo, vt->dirty_lo + 1, sizeof(vt->dirty_lo[0]) * (size_t)(vt->rows - 1));
    memmove(vt->dirty_hi, vt->dirty_hi + 1, sizeof(vt->dirty_hi[0]) * (size_t)(vt->rows - 1));
    clear_row_damage(vt, vt->rows - 1);
    erase(vt, vt->rows - 1, 0, vt->cols - 1);
    if (vt->scrolled < vt->rows)
        vt->scrolled++;
}

static void line_feed(struct vt *vt)
{
    vt->cx = 0;                     /* LF implies CR (onlcr) */
    vt->wrap_pending = false;
    if (vt->cy == vt->rows - 1)
        scroll_up(vt);
    else
        vt->cy++;
}

static void put_char(struct vt *vt, uint8_t ch)
{
    if (vt->wrap_pending)
        line_feed(vt);
    struct vt_cell *c = vt_cell_at(vt, vt->cx, vt->cy);
    c->ch = ch;
    c->attr = text_attr(vt);
    mark(vt, vt->cy, vt->cx, vt->cx);
    if (vt->cx == vt->cols - 1)
        vt->wrap_pending = true;
    else
        vt->cx++;
}

void vt_init(struct vt *vt, struct vt_cell *cells, int cols, int rows)
{
    memset(vt, 0, sizeof(*vt));
    vt->cols = clamp(cols, 1, VT_COLS_MAX);
    vt->rows = clamp(rows, 1, VT_ROWS_MAX);
    vt->cells = cells;
    vt->fg = VT_FG_DEFAULT;
    vt->bg = VT_BG_DEFAULT;
    vt->cursor_visible = true;
    vt->state = VT_GROUND;
    vt_clear_damage(vt);
    for (int y = 0; y < vt->rows; y++)
        erase(vt, y, 0, vt->cols - 1);
}

static unsigned param(const struct vt *vt, int i, unsigned def)
{
    if (i >= vt->nparams || vt->params[i] == 0)
        return def;
    return vt->params[i];
}

static void move_to(struct vt *vt, int x, int y)
{
    vt->cx = clamp(x, 0, vt->cols - 1);
    vt->cy = clamp(y, 0, vt->rows - 1);
    vt->wrap_pending = false;
}

static void sgr(struct vt *vt)
{
    if (vt->nparams == 0) {
        vt->params[0] = 0;
        vt->nparams = 1;
    }
    for (int i = 0; i < vt->nparams; i++) {
        unsigned p = vt->params[i];
        if (p == 0) {
            vt->fg = VT_FG_DEFAULT;
            vt->bg = VT_BG_DEFAULT;
            vt->bold = vt->inverse = false;
        } else if (p == 1) {
            vt->bold = true;
        } else if (p == 22) {
            vt->bold = false;
        } else if (p == 7) {
            vt->inverse = true;
        } else if (p == 27) {
            vt->inverse = false;
        } else if (p >= 30 && p <= 37) {
            vt->fg = (uint8_t)(p - 30);
        } else if (p == 39) {
            vt->fg = VT_FG_DEFAULT;
        } else if (p >= 40 && p <= 47) {
            vt->bg = (uint8_t)(p - 40);
        } else if (p == 49) {
            vt->bg = VT_BG_DEFAULT;
        } else if (p >= 90 && p <= 97) {
            vt->fg = (uint8_t)(p - 90 + 8);
        } else if (p >= 100 && p <= 107) {
            vt->bg = (uint8_t)(p - 100 + 8);
        } else if (p == 38 || p == 48) {
            /* 256-colour and RGB forms are not shown: skip their
             * arguments so they are not read as attributes. */
            if (i + 1 < vt->nparams && vt->params[i + 1] == 5)
                i += 2;
            else if (i + 1 < vt->nparams && vt->params[i + 1] == 2)
                i += 4;
        }
    }
}

static void erase_display(struct vt *vt, unsigned mode)
{
    if (mode == 0) {
        erase(vt, vt->cy, vt->cx, vt->cols - 1);
        for (int y = vt->cy + 1; y < vt->rows; y++)
            erase(vt, y, 0, vt->cols - 1);
    } else if (mode == 1) {
        for (int y = 0; y < vt->cy; y++)
            erase(vt, y, 0, vt->cols - 1);
        erase(vt, vt->cy, 0, vt->cx);
    } else if (mode == 2) {
        for (int y = 0; y < vt->rows; y++)
            erase(vt, y, 0, vt->cols - 1);
    }
}

static void erase_line(struct vt *vt, unsigned mode)
{
    if (mode == 0)
        erase(vt, vt->cy, vt->cx, vt->cols - 1);
    else if (mode == 1)
        erase(vt, vt->cy, 0, vt->cx);
    else if (mode == 2)
        erase(vt, vt->cy, 0, vt->cols - 1);
}

static void csi_dispatch(struct vt *vt, uint8_t final)
{
    if (vt->bad)
        return;
    if (vt->private_mode) {
        if (param(vt, 0, 0) == 25 && (final == 'h' || final == 'l'))
            vt->cursor_visible = final == 'h';
        return;
    }
    /* Counts and coordinates are clamped to the grid before use, so a
     * huge parameter cannot overflow the arithmetic below. */
    int n = (int)(param(vt, 0, 1) > VT_COLS_MAX ? VT_COLS_MAX : param(vt, 0, 1));
    switch (final) {
    case 'A': move_to(vt, vt->cx, vt->cy - n); break;
    case 'B': move_to(vt, vt->cx, vt->cy + n); break;
    case 'C': move_to(vt, vt->cx + n, vt->cy); break;
    case 'D': move_to(vt, vt->cx - n, vt->cy); break;
    case 'H':
    case 'f': {
        int row = (int)(param(vt, 0, 1) > VT_ROWS_MAX ? VT_ROWS_MAX : param(vt, 0, 1));
        int col = (int)(param(vt, 1, 1) > VT_COLS_MAX ? VT_COLS_MAX : param(vt, 1, 1));
        move_to(vt, col - 1, row - 1);
        break;
    }
    case 'J': erase_display(vt, vt->nparams ? vt->params[0] : 0); break;
    case 'K': erase_line(vt, vt->nparams ? vt->params[0] : 0); break;
    case 'm': sgr(vt); break;
    case 's':
        vt->saved_x = vt->cx;
        vt->saved_y = vt->cy;
        break;
    case 'u': move_to(vt, vt->saved_x, vt->saved_y); break;
    default: break;                 /* not in the subset: ignored */
    }
}

/* C0 controls act in the ground state and inside a sequence alike. */
static void control(struct vt *vt, uint8_t b)
{
    switch (b) {
    case '\r':
        vt->cx = 0;
        vt->wrap_pending = false;
        return;
    case '\n':
    case '\v':
    case '\f':
        line_feed(vt);
        return;
    case '\b':
        if (vt->wrap_pending)
            vt->wrap_pending = false;
        else if (vt->cx > 0)
            vt->cx--;
        return;
    case '\t':
        vt->cx = clamp((vt->cx / 8 + 1) * 8, 0, vt->cols - 1);
        vt->wrap_pending = false;
        return;
    default:
        return;                     /* BEL and the rest: ignored */
    }
}

/* One '?' cell per code point: at a lead byte (or a stray continuation
 * byte); the continuation bytes a lead announces are swallowed. */
static void utf8_byte(struct vt *vt, uint8_t b)
{
    if (b >= 0xC0) {
        put_char(vt, '?');
        vt->utf8_follow = b >= 0xF8 ? 0 : b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
    } else if (vt->utf8_follow > 0) {
        vt->utf8_follow--;
    } else {
        put_char(vt, '?');
    }
}

static void begin_seq(struct vt *vt, enum vt_state s)
{
    vt->state = s;
    vt->nparams = 0;
    vt->private_mode = false;
    vt->bad = false;
    vt->seq_len = 0;
    memset(vt->params, 0, sizeof(vt->params));
}

static void csi_byte(struct vt *vt, uint8_t b)
{
    if (++vt->seq_len > VT_SEQ_MAX) {
        begin_seq(vt, VT_SKIP);
        return;
    }
    if (b >= '0' && b <= '9') {
        if (vt->nparams == 0)
            vt->nparams = 1;
        unsigned *p = &vt->params[vt->nparams - 1];
        if (*p < 100000)
            *p = *p * 10 + (unsigned)(b - '0');
    } else if (b == ';') {
        if (vt->nparams == 0)
            vt->nparams = 1;        /* an empty first parameter */
        if (vt->nparams < VT_PARAMS_MAX)
            vt->nparams++;
        else
            vt->bad = true;
    } else if (b == '?' && vt->seq_len == 1) {
        vt->private_mode = true;
    } else if (b >= 0x40 && b <= 0x7E) {
        csi_dispatch(vt, b);
        vt->state = VT_GROUND;
    } else {
        vt->bad = true;             /* intermediates, ':' and the like */
    }
}

static void byte(struct vt *vt, uint8_t b)
{
    if (b == 0x1B) {                /* ESC always starts over */
        begin_seq(vt, VT_ESC);
        return;
    }
    if (b == 0x18 || b == 0x1A) {   /* CAN, SUB: abandon a sequence */
        vt->state = VT_GROUND;
        return;
    }
    if (b < 0x20 || b == 0x7F) {
        control(vt, b);
        return;
    }
    switch (vt->state) {
    case VT_GROUND:
        if (b < 0x80)
            put_char(vt, b);
        else
            utf8_byte(vt, b);
        return;
    case VT_ESC:
        if (b >= 0x20 && b <= 0x2F) {
            /* An intermediate (ESC ( B and the like): the sequence ends
             * at the next byte that is not one. */
            vt->bad = true;
            if (++vt->seq_len > VT_SEQ_MAX)
                vt->state = VT_GROUND;
        } else if (vt->bad) {
            vt->state = VT_GROUND;
        } else if (b == '[') {
            begin_seq(vt, VT_CSI);
        } else {
            vt->state = VT_GROUND;
            if (b == '7') {
                vt->saved_x = vt->cx;
                vt->saved_y = vt->cy;
            } else if (b == '8') {
                move_to(vt, vt->saved_x, vt->saved_y);
            } else if (b == 'c') {  /* full reset */
                vt_init(vt, vt->cells, vt->cols, vt->rows);
                vt_mark_all(vt);
            }
            /* other escapes are dropped */
        }
        return;
    case VT_CSI:
        csi_byte(vt, b);
        return;
    case VT_SKIP:
        /* Parameter and intermediate bytes go on; anything else ends
         * the sequence (and is taken as its final byte). */
        if (b < 0x20 || b > 0x3F)
            vt->state = VT_GROUND;
        return;
    }
}

void vt_write(struct vt *vt, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < 0x80)
            vt->utf8_follow = 0;    /* an ASCII byte ends any code point */
        byte(vt, p[i]);
    }
}
