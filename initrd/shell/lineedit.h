/* SPDX-License-Identifier: MIT */
/*
 * The shell's line editor: a pure state machine.  Bytes typed (as a
 * terminal sends them) go in one at a time; out come the bytes to echo
 * (with ANSI cursor sequences for redraws) and, at the end of a line,
 * a result.  It knows nothing of the console, so it is unit-tested on
 * the host (tests/unit/test_shell_lineedit.c).
 *
 * Keys: printable insert at the cursor; Backspace (0x7f, 0x08); Delete
 * (ESC [ 3 ~, and Ctrl+D on a non-empty line); Left/Right (ESC [ D / C,
 * ESC O D / C, Ctrl+B / Ctrl+F); Home/End (ESC [ H / F, ESC O H / F,
 * ESC [ 1 ~ / 4 ~, ESC [ 7 ~ / 8 ~, Ctrl+A / Ctrl+E); Ctrl+U kills from
 * the start to the cursor; Ctrl+K kills from the cursor to the end;
 * Ctrl+W kills the word before the cursor; Up/Down (ESC [ A / B,
 * Ctrl+P / Ctrl+N) walk the history; Ctrl+C cancels the line; Ctrl+D on
 * an empty line reports LE_EOF; Enter is '\r' or '\n' ("\r\n" counts
 * once).  A line holds at most LE_LINE_MAX bytes: more input beeps.
 * Bytes >= 0x80 and other control bytes are ignored.
 */
#ifndef SHELL_LINEEDIT_H
#define SHELL_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#define LE_LINE_MAX  255u
#define LE_HISTORY   32u
#define LE_OUT_MAX   1024u      /* echo bytes one input byte can cause */

/* The history: a ring of the last LE_HISTORY lines entered. */
struct le_history {
    char lines[LE_HISTORY][LE_LINE_MAX + 1];
    unsigned count;             /* entries held (<= LE_HISTORY) */
    unsigned next;              /* ring slot the next entry goes to */
};

enum le_result {
    LE_MORE = 0,                /* keep feeding */
    LE_LINE,                    /* Enter: the line is in buf */
    LE_CANCEL,                  /* Ctrl+C: line dropped */
    LE_EOF                      /* Ctrl+D on an empty line */
};

struct le_state {
    char buf[LE_LINE_MAX + 1];  /* NUL-terminated */
    size_t len, cursor;
    struct le_history *hist;    /* may be NULL: no history */
    int hist_pos;               /* -1: the new line; else entries back */
    char saved[LE_LINE_MAX + 1];   /* the new line while browsing */
    unsigned esc;               /* escape-sequence parser state */
    unsigned esc_param;         /* numeric parameter of a CSI sequence */
    bool after_cr;              /* the last byte was '\r' */
    char out[LE_OUT_MAX];       /* echo bytes of the last feed */
    size_t out_len;
};

void le_history_init(struct le_history *h);
/* Add a line (not an empty one, not the same as the newest entry). */
void le_history_add(struct le_history *h, const char *line);
/* The entry back entries before the newest (0: newest), NULL if none. */
const char *le_history_get(const struct le_history *h, unsigned back);

void le_init(struct le_state *s, struct le_history *hist);
/* Start a new, empty line (after a prompt was printed). */
void le_begin(struct le_state *s);
/* Feed one byte: s->out/out_len hold what to echo (replaced per call).
 * On LE_LINE the line is in s->buf and was added to the history. */
enum le_result le_feed(struct le_state *s, unsigned char c);

#endif /* SHELL_LINEEDIT_H */
