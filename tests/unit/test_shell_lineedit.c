/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/shell/lineedit.c.  Every echo byte is played on
 * a tiny one-line terminal model (printable bytes, CUB/CUF moves, EL,
 * backspace, CR LF), and after each key the model's line and cursor
 * must equal the editor's buffer and cursor: so the tests check the
 * redraws as well as the editing.
 */
#include <stdint.h>
#include "unit.h"
#include "../../initrd/shell/lineedit.h"

struct term {
    char line[600];
    size_t col;
    int bells;
    int newlines;
    int bad;                    /* a byte sequence the model does not know */
};

static void term_play(struct term *t, const char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c == 0x1b) {
            if (i + 1 >= n || out[i + 1] != '[') { t->bad = 1; return; }
            i += 2;
            size_t num = 0;
            int have = 0;
            while (i < n && out[i] >= '0' && out[i] <= '9') {
                num = num * 10 + (size_t)(out[i] - '0');
                have = 1;
                i++;
            }
            if (i >= n) { t->bad = 1; return; }
            if (!have)
                num = 1;
            if (out[i] == 'D') {
                if (num > t->col) { t->bad = 1; return; }
                t->col -= num;
            } else if (out[i] == 'C') {
                t->col += num;
            } else if (out[i] == 'K') {
                t->line[t->col] = '\0';
            } else {
                t->bad = 1;
                return;
            }
        } else if (c == 0x07) {
            t->bells++;
        } else if (c == '\b') {
            if (t->col == 0) { t->bad = 1; return; }
            t->col--;
        } else if (c == '\r') {
            t->col = 0;
        } else if (c == '\n') {
            t->newlines++;
            t->line[0] = '\0';
            t->col = 0;
        } else if (c >= 0x20 && c < 0x7f) {
            size_t len = strlen(t->line);
            while (len < t->col)
                t->line[len++] = ' ';
            if (t->col == len)
                t->line[len + 1] = '\0';
            t->line[t->col++] = (char)c;
        } else {
            t->bad = 1;
        }
    }
}

struct rig {
    struct le_history hist;
    struct le_state le;
    struct term term;
    enum le_result last;
    char done[LE_LINE_MAX + 1];  /* the last line handed out */
    int lines;
};

static void rig_init(struct rig *r)
{
    memset(r, 0, sizeof(*r));
    le_history_init(&r->hist);
    le_init(&r->le, &r->hist);
    le_begin(&r->le);
}

/* Feed bytes; returns 0 when the model matched the editor throughout. */
static int rig_type(struct rig *r, const char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        r->last = le_feed(&r->le, (unsigned char)bytes[i]);
        term_play(&r->term, r->le.out, r->le.out_len);
        if (r->term.bad)
            return -1;
        if (r->last == LE_LINE || r->last == LE_CANCEL) {
            if (r->last == LE_LINE) {
                strcpy(r->done, r->le.buf);
                r->lines++;
            }
            le_begin(&r->le);
            continue;
        }
        if (r->last == LE_EOF)
            continue;
        if (strcmp(r->term.line, r->le.buf) != 0 || r->term.col != r->le.cursor)
            return -2;
    }
    return 0;
}

#define TYPE(r, s) CHECK_EQ_U(rig_type((r), (s), sizeof(s) - 1), 0)

UNIT_TEST(lineedit_plain_text_and_enter)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "echo hi");
    CHECK_STR(r.le.buf, "echo hi");
    TYPE(&r, "\r");
    CHECK_EQ_U(r.last, LE_LINE);
    CHECK_STR(r.done, "echo hi");
    CHECK_EQ_U(r.term.newlines, 1);
}

UNIT_TEST(lineedit_crlf_counts_once)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "a\r\nb\r\n\nc\n");
    CHECK_EQ_U(r.lines, 4);     /* a, b, the empty line, c */
    CHECK_STR(r.done, "c");
    TYPE(&r, "\n\n");
    CHECK_EQ_U(r.lines, 6);
}

UNIT_TEST(lineedit_insert_in_middle)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "ac\x1b[Db");
    CHECK_STR(r.le.buf, "abc");
    CHECK_EQ_U(r.le.cursor, 2);
    TYPE(&r, "\x1bOHX\x1bOFY");
    CHECK_STR(r.le.buf, "XabcY");
}

UNIT_TEST(lineedit_backspace_both_codes)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "abcd\x7f\x08");
    CHECK_STR(r.le.buf, "ab");
    TYPE(&r, "\x1b[D\x7f");
    CHECK_STR(r.le.buf, "b");
    CHECK_EQ_U(r.le.cursor, 0);
    TYPE(&r, "\x7f");           /* at the start: a bell, nothing else */
    CHECK_STR(r.le.buf, "b");
    CHECK_EQ_U(r.term.bells, 1);
}

UNIT_TEST(lineedit_delete_key)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "hello\x1b[H\x1b[3~");
    CHECK_STR(r.le.buf, "ello");
    TYPE(&r, "\x1b[F\x1b[3~");  /* at the end: nothing */
    CHECK_STR(r.le.buf, "ello");
    TYPE(&r, "\x1b[D\x04");     /* Ctrl+D on a non-empty line deletes */
    CHECK_STR(r.le.buf, "ell");
}

UNIT_TEST(lineedit_home_end_variants)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "middle\x01");
    CHECK_EQ_U(r.le.cursor, 0);
    TYPE(&r, "\x05");
    CHECK_EQ_U(r.le.cursor, 6);
    TYPE(&r, "\x1b[1~");
    CHECK_EQ_U(r.le.cursor, 0);
    TYPE(&r, "\x1b[4~");
    CHECK_EQ_U(r.le.cursor, 6);
    TYPE(&r, "\x1b[7~");
    CHECK_EQ_U(r.le.cursor, 0);
    TYPE(&r, "\x1b[8~");
    CHECK_EQ_U(r.le.cursor, 6);
    TYPE(&r, "\x1b[H");
    CHECK_EQ_U(r.le.cursor, 0);
    TYPE(&r, "\x1bOF");
    CHECK_EQ_U(r.le.cursor, 6);
}

UNIT_TEST(lineedit_left_right_bounds)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "ab\x1b[C\x1b[C");
    CHECK_EQ_U(r.le.cursor, 2);
    TYPE(&r, "\x1b[D\x1b[D\x1b[D\x1b[D");
    CHECK_EQ_U(r.le.cursor, 0);
    TYPE(&r, "\x06\x06");
    CHECK_EQ_U(r.le.cursor, 2);
    TYPE(&r, "\x02");
    CHECK_EQ_U(r.le.cursor, 1);
    TYPE(&r, "\x1bOC");
    CHECK_EQ_U(r.le.cursor, 2);
    TYPE(&r, "\x1b[1;5D");      /* with a modifier: still Left */
    CHECK_EQ_U(r.le.cursor, 1);
}

UNIT_TEST(lineedit_kill_keys)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "one two three\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x0b");
    CHECK_STR(r.le.buf, "one two ");
    TYPE(&r, "\x17");
    CHECK_STR(r.le.buf, "one ");
    TYPE(&r, "x\x1b[D\x15");   /* Ctrl+U: start to cursor */
    CHECK_STR(r.le.buf, "x");
    CHECK_EQ_U(r.le.cursor, 0);
    TYPE(&r, "\x05\x15");
    CHECK_STR(r.le.buf, "");
}

UNIT_TEST(lineedit_ctrl_c_cancels)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "rm everything\x03");
    CHECK_EQ_U(r.last, LE_CANCEL);
    CHECK_EQ_U(r.lines, 0);
    CHECK_STR(r.le.buf, "");
    CHECK(le_history_get(&r.hist, 0) == NULL);
    TYPE(&r, "ok\r");
    CHECK_STR(r.done, "ok");
}

UNIT_TEST(lineedit_ctrl_d_on_empty_is_eof)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "\x04");
    CHECK_EQ_U(r.last, LE_EOF);
    CHECK_EQ_U(r.le.out_len, 0);
}

UNIT_TEST(lineedit_line_limit_beeps)
{
    static struct rig r;
    rig_init(&r);
    char big[LE_LINE_MAX + 10];
    memset(big, 'x', sizeof(big));
    CHECK_EQ_U(rig_type(&r, big, sizeof(big)), 0);
    CHECK_EQ_U(r.le.len, LE_LINE_MAX);
    CHECK_EQ_U(r.term.bells, 10);
    TYPE(&r, "\x1b[H");
    TYPE(&r, "y");              /* a full line: inserting in the middle beeps too */
    CHECK_EQ_U(r.term.bells, 11);
    TYPE(&r, "\x1b[3~y");       /* room again */
    CHECK_EQ_U(r.le.buf[0], 'y');
    TYPE(&r, "\r");
    CHECK_EQ_U(strlen(r.done), LE_LINE_MAX);
}

UNIT_TEST(lineedit_ignores_high_and_control_bytes)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "a\x80\xff\x09\x0c\x1b[Z\x1bxb");
    CHECK_STR(r.le.buf, "ab");
}

UNIT_TEST(lineedit_history_recall)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "first\rsecond\rthird\r");
    TYPE(&r, "draft\x1b[A");
    CHECK_STR(r.le.buf, "third");
    TYPE(&r, "\x1b[A\x1b[A");
    CHECK_STR(r.le.buf, "first");
    TYPE(&r, "\x1b[A");          /* no older entry: stays, beeps */
    CHECK_STR(r.le.buf, "first");
    CHECK_EQ_U(r.term.bells, 1);
    TYPE(&r, "\x1b[B");
    CHECK_STR(r.le.buf, "second");
    TYPE(&r, "\x1b[B\x1b[B");
    CHECK_STR(r.le.buf, "draft");   /* back to the line being written */
    TYPE(&r, "\x10");
    CHECK_STR(r.le.buf, "third");
    TYPE(&r, "\x0e");
    CHECK_STR(r.le.buf, "draft");
}

UNIT_TEST(lineedit_history_edit_keeps_entry)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "ls /bin\r\x1b[A\x7f\x7f\x7f\x7f\x7f\x7f\x7f" "cat x");
    CHECK_STR(r.le.buf, "cat x");
    CHECK_STR(le_history_get(&r.hist, 0), "ls /bin");
    TYPE(&r, "\r");
    CHECK_STR(le_history_get(&r.hist, 0), "cat x");
    CHECK_STR(le_history_get(&r.hist, 1), "ls /bin");
}

UNIT_TEST(lineedit_history_no_consecutive_duplicates)
{
    static struct rig r;
    rig_init(&r);
    TYPE(&r, "a\ra\r\x1b[A\rb\ra\r\r");
    CHECK_EQ_U(r.hist.count, 3);    /* a, b, a: empty lines are not kept */
    CHECK_STR(le_history_get(&r.hist, 0), "a");
    CHECK_STR(le_history_get(&r.hist, 1), "b");
    CHECK_STR(le_history_get(&r.hist, 2), "a");
}

UNIT_TEST(lineedit_history_ring_keeps_newest)
{
    static struct le_history h;
    le_history_init(&h);
    char line[16];
    for (int i = 0; i < 100; i++) {
        snprintf(line, sizeof(line), "cmd%d", i);
        le_history_add(&h, line);
    }
    CHECK_EQ_U(h.count, LE_HISTORY);
    CHECK(LE_HISTORY >= 32);
    CHECK_STR(le_history_get(&h, 0), "cmd99");
    snprintf(line, sizeof(line), "cmd%u", 100u - LE_HISTORY);
    CHECK_STR(le_history_get(&h, LE_HISTORY - 1), line);
    CHECK(le_history_get(&h, LE_HISTORY) == NULL);
    CHECK(le_history_get(NULL, 0) == NULL);
}

UNIT_TEST(lineedit_without_history)
{
    static struct le_state s;
    le_init(&s, NULL);
    le_begin(&s);
    le_feed(&s, 'x');
    le_feed(&s, 0x1b);
    le_feed(&s, '[');
    le_feed(&s, 'A');
    CHECK_STR(s.buf, "x");
    CHECK_EQ_U(le_feed(&s, '\r'), LE_LINE);
}

/* Random keys (whole sequences and loose bytes mixed): the model must
 * match after every byte and the line must stay within its limit. */
UNIT_TEST(lineedit_random_keys_stay_consistent)
{
    static const char *const keys[] = {
        "a", "b", " ", "\x7f", "\x08", "\x1b[3~", "\x1b[D", "\x1b[C", "\x1b[H", "\x1b[F",
        "\x1bOH", "\x1bOF", "\x01", "\x05", "\x15", "\x0b", "\x17", "\x1b[A", "\x1b[B",
        "\x04", "\x03", "\r", "\n", "\x1b", "[", "~", "\x1b[1;5C", "\x10", "\x0e",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    };
    static struct rig r;
    uint32_t seed = 12345;
    rig_init(&r);
    for (int i = 0; i < 200000; i++) {
        seed = seed * 1103515245u + 12345u;
        const char *k = keys[(seed >> 16) % (sizeof(keys) / sizeof(keys[0]))];
        CHECK_EQ_U(rig_type(&r, k, strlen(k)), 0);
        CHECK(r.le.len <= LE_LINE_MAX);
        CHECK(r.le.cursor <= r.le.len);
        CHECK_EQ_U(strlen(r.le.buf), r.le.len);
        CHECK(r.hist.count <= LE_HISTORY);
    }
    CHECK(r.lines > 100);
}

UNIT_MAIN(
    UNIT_CASE(lineedit_plain_text_and_enter),
    UNIT_CASE(lineedit_crlf_counts_once),
    UNIT_CASE(lineedit_insert_in_middle),
    UNIT_CASE(lineedit_backspace_both_codes),
    UNIT_CASE(lineedit_delete_key),
    UNIT_CASE(lineedit_home_end_variants),
    UNIT_CASE(lineedit_left_right_bounds),
    UNIT_CASE(lineedit_kill_keys),
    UNIT_CASE(lineedit_ctrl_c_cancels),
    UNIT_CASE(lineedit_ctrl_d_on_empty_is_eof),
    UNIT_CASE(lineedit_line_limit_beeps),
    UNIT_CASE(lineedit_ignores_high_and_control_bytes),
    UNIT_CASE(lineedit_history_recall),
    UNIT_CASE(lineedit_history_edit_keeps_entry),
    UNIT_CASE(lineedit_history_no_consecutive_duplicates),
    UNIT_CASE(lineedit_history_ring_keeps_newest),
    UNIT_CASE(lineedit_without_history),
    UNIT_CASE(lineedit_random_keys_stay_consistent)
)
