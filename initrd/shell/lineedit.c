/* SPDX-License-Identifier: MIT */
/*
 * The shell's line editor (lineedit.h).  The screen is redrawn relative
 * to the cursor (CUB/CUF moves, EL to clear the rest), so the editor
 * never needs to know the prompt or the terminal's width.  Lines longer
 * than the terminal's width would wrap and confuse those moves; 255
 * bytes plus a prompt fit on the usual 80-column console in four rows,
 * which is a known limitation of this simple scheme.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "lineedit.h"

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

#define KEY_BELL 0x07

void le_history_init(struct le_history *h)
{
    memset(h, 0, sizeof(*h));
}

const char *le_history_get(const struct le_history *h, unsigned back)
{
    if (!h || back >= h->count)
        return NULL;
    unsigned slot = (h->next + LE_HISTORY - 1u - back) % LE_HISTORY;
    return h->lines[slot];
}

void le_history_add(struct le_history *h, const char *line)
{
    if (!h || !line || !line[0])
        return;
    const char *newest = le_history_get(h, 0);
    if (newest && strcmp(newest, line) == 0)
        return;
    size_t n = strlen(line);
    if (n > LE_LINE_MAX)
        n = LE_LINE_MAX;
    memcpy(h->lines[h->next], line, n);
    h->lines[h->next][n] = '\0';
    h->next = (h->next + 1u) % LE_HISTORY;
    if (h->count < LE_HISTORY)
        h->count++;
}

void le_init(struct le_state *s, struct le_history *hist)
{
    memset(s, 0, sizeof(*s));
    s->hist = hist;
    s->hist_pos = -1;
}

void le_begin(struct le_state *s)
{
    /* after_cr survives: the '\n' of a "\r\n" may arrive after the line
     * it ended was handed out and a new one begun. */
    s->buf[0] = '\0';
    s->len = 0;
    s->cursor = 0;
    s->hist_pos = -1;
    s->esc = ESC_NONE;
    s->esc_param = 0;
    s->out_len = 0;
}

static void emit(struct le_state *s, const char *bytes, size_t n)
{
    if (n > sizeof(s->out) - s->out_len)
        n = sizeof(s->out) - s->out_len;
    memcpy(s->out + s->out_len, bytes, n);
    s->out_len += n;
}

static void emit_byte(struct le_state *s, char c)
{
    emit(s, &c, 1);
}

/* ESC [ n D (left) or C (right); nothing for n == 0. */
static void emit_move(struct le_state *s, size_t n, char dir)
{
    char seq[16];
    size_t k = 0;
    char digits[8];
    size_t d = 0;

    if (n == 0)
        return;
    seq[k++] = 0x1b;
    seq[k++] = '[';
    if (n > 1) {
        while (n > 0 && d < sizeof(digits)) {
            digits[d++] = (char)('0' + n % 10);
            n /= 10;
        }
        while (d > 0)
            seq[k++] = digits[--d];
    }
    seq[k++] = dir;
    emit(s, seq, k);
}

/* The display cursor is at column pos of the line: print the rest of
 * the line from there, clear what an older, longer line left, and put
 * the display cursor back at s->cursor. */
static void redraw_from(struct le_state *s, size_t pos)
{
    emit(s, s->buf + pos, s->len - pos);
    emit(s, "\x1b[K", 3);
    emit_move(s, s->len - s->cursor, 'D');
}

static void set_line(struct le_state *s, const char *text)
{
    size_t n = strlen(text);
    if (n > LE_LINE_MAX)
        n = LE_LINE_MAX;
    emit_move(s, s->cursor, 'D');
    memcpy(s->buf, text, n);
    s->buf[n] = '\0';
    s->len = n;
    s->cursor = n;
    redraw_from(s, 0);
}

static void insert(struct le_state *s, char c)
{
    if (s->len >= LE_LINE_MAX) {
        emit_byte(s, KEY_BELL);
        return;
    }
    memmove(s->buf + s->cursor + 1, s->buf + s->cursor, s->len - s->cursor + 1);
    s->buf[s->cursor] = c;
    s->len++;
    s->cursor++;
    if (s->cursor == s->len)
        emit_byte(s, c);
    else
        redraw_from(s, s->cursor - 1);
}

/* Remove [from, to) of the line; the display cursor is at from. */
static void cut(struct le_state *s, size_t from, size_t to)
{
    memmove(s->buf + from, s->buf + to, s->len - to + 1);
    s->len -= to - from;
    s->cursor = from;
    redraw_from(s, from);
}

static void backspace(struct le_state *s)
{
    if (s->cursor == 0) {
        emit_byte(s, KEY_BELL);
        return;
    }
    emit_move(s, 1, 'D');
    cut(s, s->cursor - 1, s->cursor);
}

static void delete_at_cursor(struct le_state *s)
{
    if (s->cursor < s->len)
        cut(s, s->cursor, s->cursor + 1);
}

static void move_to(struct le_state *s, size_t pos)
{
    if (pos < s->cursor)
        emit_move(s, s->cursor - pos, 'D');
    else
        emit_move(s, pos - s->cursor, 'C');
    s->cursor = pos;
}

static void kill_word(struct le_state *s)
{
    size_t p = s->cursor;
    while (p > 0 && s->buf[p - 1] == ' ')
        p--;
    while (p > 0 && s->buf[p - 1] != ' ')
        p--;
    if (p == s->cursor)
        return;
    emit_move(s, s->cursor - p, 'D');
    cut(s, p, s->cursor);
}

static void history_up(struct le_state *s)
{
    const char *entry = le_history_get(s->hist, (unsigned)(s->hist_pos + 1));
    if (!entry) {
        emit_byte(s, KEY_BELL);
        return;
    }
    if (s->hist_pos < 0)
        memcpy(s->saved, s->buf, s->len + 1);
    s->hist_pos++;
    /* A copy: editing a recalled line leaves the history as it was. */
    set_line(s, entry);
}

static void history_down(struct le_state *s)
{
    if (s->hist_pos < 0) {
        emit_byte(s, KEY_BELL);
        return;
    }
    s->hist_pos--;
    if (s->hist_pos < 0)
        set_line(s, s->saved);
    else
        set_line(s, le_history_get(s->hist, (unsigned)s->hist_pos));
}

static enum le_result finish_line(struct le_state *s)
{
    s->buf[s->len] = '\0';
    emit(s, "\r\n", 2);
    le_history_add(s->hist, s->buf);
    s->hist_pos = -1;
    return LE_LINE;
}

/* The final byte of an escape sequence (param: the CSI number, or 0). */
static void escape_key(struct le_state *s, unsigned char final, unsigned param)
{
    switch (final) {
    case 'A': history_up(s); break;
    case 'B': history_down(s); break;
    case 'C': move_to(s, s->cursor < s->len ? s->cursor + 1 : s->len); break;
    case 'D': move_to(s, s->cursor > 0 ? s->cursor - 1 : 0); break;
    case 'H': move_to(s, 0); break;
    case 'F': move_to(s, s->len); break;
    case '~':
        if (param == 1 || param == 7)
            move_to(s, 0);
        else if (param == 4 || param == 8)
            move_to(s, s->len);
        else if (param == 3)
            delete_at_cursor(s);
        break;
    default:
        break;                  /* a key the editor has no use for */
    }
}

/* Continue an escape sequence; true while the byte belonged to one. */
static bool feed_escape(struct le_state *s, unsigned char c)
{
    switch (s->esc) {
    case ESC_START:
        if (c == '[') {
            s->esc = ESC_CSI;
            s->esc_param = 0;
        } else if (c == 'O') {
            s->esc = ESC_SS3;
        } else {
            s->esc = ESC_NONE;  /* a lone ESC (or Alt+key): dropped */
        }
        return true;
    case ESC_CSI:
        if (c >= '0' && c <= '9') {
            if (s->esc_param < 1000)
                s->esc_param = s->esc_param * 10u + (unsigned)(c - '0');
            return true;
        }
        if (c == ';' || c == '?')
            return true;        /* modifiers: the key is what counts */
        s->esc = ESC_NONE;
        if (c >= 0x40 && c <= 0x7e)
            escape_key(s, c, s->esc_param);
        return true;
    case ESC_SS3:
        s->esc = ESC_NONE;
        escape_key(s, c, 0);
        return true;
    default:
        return false;
    }
}

enum le_result le_feed(struct le_state *s, unsigned char c)
{
    bool after_cr = s->after_cr;

    s->out_len = 0;
    s->after_cr = false;
    if (feed_escape(s, c))
        return LE_MORE;

    switch (c) {
    case '\r':
        s->after_cr = true;
        return finish_line(s);
    case '\n':
        if (after_cr)
            return LE_MORE;     /* the second half of "\r\n" */
        return finish_line(s);
    case 0x1b:
        s->esc = ESC_START;
        return LE_MORE;
    case 0x7f:
    case 0x08:
        backspace(s);
        return LE_MORE;
    case 0x01: move_to(s, 0); return LE_MORE;                 /* Ctrl+A */
    case 0x05: move_to(s, s->len); return LE_MORE;            /* Ctrl+E */
    case 0x02: escape_key(s, 'D', 0); return LE_MORE;         /* Ctrl+B */
    case 0x06: escape_key(s, 'C', 0); return LE_MORE;         /* Ctrl+F */
    case 0x10: history_up(s); return LE_MORE;                 /* Ctrl+P */
    case 0x0e: history_down(s); return LE_MORE;               /* Ctrl+N */
    case 0x0b:                                                /* Ctrl+K */
        s->len = s->cursor;
        s->buf[s->len] = '\0';
        emit(s, "\x1b[K", 3);
        return LE_MORE;
    case 0x15:                                                /* Ctrl+U */
        if (s->cursor > 0) {
            size_t to = s->cursor;
            emit_move(s, to, 'D');
            cut(s, 0, to);
        }
        return LE_MORE;
    case 0x17:                                                /* Ctrl+W */
        kill_word(s);
        return LE_MORE;
    case 0x03:                                                /* Ctrl+C */
        emit(s, "^C\r\n", 4);
        s->buf[0] = '\0';
        s->len = 0;
        s->cursor = 0;
        s->hist_pos = -1;
        return LE_CANCEL;
    case 0x04:                                                /* Ctrl+D */
        if (s->len == 0)
            return LE_EOF;
        delete_at_cursor(s);
        return LE_MORE;
    default:
        break;
    }
    if (c >= 0x20 && c < 0x7f)
        insert(s, (char)c);
    return LE_MORE;
}
