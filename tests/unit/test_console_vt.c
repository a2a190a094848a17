/* SPDX-License-Identifier: MIT */
/*
 * Host tests for drivers-user/console/vt.c: text, wrapping and
 * scrolling, the C0 controls, the CSI subset (cursor motion, erase,
 * SGR, save/restore, cursor visibility), UTF-8 as '?', the damage
 * record, and malformed, overlong and hostile sequences.
 */
#include <stdint.h>
#include "unit.h"
#include "../../drivers-user/console/vt.h"

#define COLS 20
#define ROWS 5

static struct vt vt;
static struct vt_cell cells[VT_COLS_MAX * VT_ROWS_MAX];

static void setup(int cols, int rows)
{
    vt_init(&vt, cells, cols, rows);
    vt_clear_damage(&vt);
}

static void put(const char *s)
{
    vt_write(&vt, s, strlen(s));
}

/* Row y as text, trailing blanks removed. */
static const char *row(int y)
{
    static char buf[VT_COLS_MAX + 1];
    int n = 0;
    for (int x = 0; x < vt.cols; x++)
        buf[n++] = (char)vt_cell_at(&vt, x, y)->ch;
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = 0;
    return buf;
}

static uint8_t attr(int x, int y)
{
    return vt_cell_at(&vt, x, y)->attr;
}

UNIT_TEST(text_and_newline)
{
    setup(COLS, ROWS);
    put("hello\nworld");
    CHECK_STR(row(0), "hello");
    CHECK_STR(row(1), "world");
    CHECK_EQ_U(vt.cx, 5);
    CHECK_EQ_U(vt.cy, 1);
    CHECK_EQ_U(attr(0, 0), VT_ATTR(7, 0));
}

UNIT_TEST(cr_bs_tab_bel)
{
    setup(COLS, ROWS);
    put("abcdef\rXY");
    CHECK_STR(row(0), "XYcdef");
    put("\b\bZ");
    CHECK_STR(row(0), "ZYcdef");
    put("\r\b\b");                  /* BS stops at column 0 */
    CHECK_EQ_U(vt.cx, 0);
    put("\tT");
    CHECK_EQ_U(vt_cell_at(&vt, 8, 0)->ch, 'T');
    put("\t\t\tE");                 /* TAB stops at the last column */
    CHECK_EQ_U(vt_cell_at(&vt, COLS - 1, 0)->ch, 'E');
    put("\a");
    CHECK_STR(row(1), "");
}

UNIT_TEST(wrap_at_last_column)
{
    setup(COLS, ROWS);
    put("0123456789abcdefghij");    /* exactly one row */
    CHECK_EQ_U(vt.cy, 0);
    CHECK_EQ_U(vt.cx, COLS - 1);
    CHECK(vt.wrap_pending);
    put("k");
    CHECK_STR(row(1), "k");
    setup(COLS, ROWS);
    put("0123456789abcdefghij\n!");  /* no blank line after a full row */
    CHECK_STR(row(1), "!");
}

UNIT_TEST(scrolling)
{
    setup(COLS, ROWS);
    put("1\n2\n3\n4\n5\n6\n7");
    CHECK_STR(row(0), "3");
    CHECK_STR(row(4), "7");
    CHECK_EQ_U(vt.scrolled, 2);
    /* The damage moved with the text: row 4 holds "7" and is dirty. */
    CHECK(vt.dirty_lo[4] != VT_CLEAN);
    vt_clear_damage(&vt);
    for (int i = 0; i < 50; i++)
        put("\n");
    CHECK_EQ_U(vt.scrolled, ROWS);  /* capped */
}

UNIT_TEST(cursor_motion)
{
    setup(COLS, ROWS);
    put("\x1b[3;5H");
    CHECK_EQ_U(vt.cy, 2);
    CHECK_EQ_U(vt.cx, 4);
    put("\x1b[A\x1b[2C");
    CHECK_EQ_U(vt.cy, 1);
    CHECK_EQ_U(vt.cx, 6);
    put("\x1b[B\x1b[3D");
    CHECK_EQ_U(vt.cy, 2);
    CHECK_EQ_U(vt.cx, 3);
    put("\x1b[H");
    CHECK_EQ_U(vt.cy, 0);
    CHECK_EQ_U(vt.cx, 0);
    put("\x1b[99;99f");             /* clamped */
    CHECK_EQ_U(vt.cy, ROWS - 1);
    CHECK_EQ_U(vt.cx, COLS - 1);
    put("\x1b[999999999999A");      /* huge: clamped, no overflow */
    CHECK_EQ_U(vt.cy, 0);
    put("\x1b[;3H");                /* empty row parameter: 1 */
    CHECK_EQ_U(vt.cy, 0);
    CHECK_EQ_U(vt.cx, 2);
    put("\x1b[0C");                 /* 0 counts as 1 */
    CHECK_EQ_U(vt.cx, 3);
}

UNIT_TEST(erase_display_and_line)
{
    setup(COLS, ROWS);
    put("aaaa\nbbbb\ncccc");
    put("\x1b[2;3H\x1b[K");
    CHECK_STR(row(1), "bb");
    put("\x1b[1K");
    CHECK_STR(row(1), "");
    put("\x1b[1;2H\x1b[2K");
    CHECK_STR(row(0), "");
    CHECK_STR(row(2), "cccc");
    put("\x1b[3;2H\x1b[1J");
    CHECK_STR(row(2), "  cc");
    put("xyz\x1b[1;1H\x1b[J");
    CHECK_STR(row(2), "");
    put("q\x1b[2J");
    CHECK_STR(row(0), "");
    CHECK_EQ_U(vt.cx, 1);           /* ED does not move the cursor */
}

UNIT_TEST(sgr_colours)
{
    setup(COLS, ROWS);
    put("\x1b[31;44ma\x1b[1mb\x1b[22mc\x1b[7md\x1b[27;39;49me");
    CHECK_EQ_U(attr(0, 0), VT_ATTR(1, 4));
    CHECK_EQ_U(attr(1, 0), VT_ATTR(9, 4));
    CHECK_EQ_U(attr(2, 0), VT_ATTR(1, 4));
    CHECK_EQ_U(attr(3, 0), VT_ATTR(4, 1));
    CHECK_EQ_U(attr(4, 0), VT_ATTR(7, 0));
    put("\x1b[92;103mf\x1b[mg\x1b[35m\x1b[0mh");
    CHECK_EQ_U(attr(5, 0), VT_ATTR(10, 11));
    CHECK_EQ_U(attr(6, 0), VT_ATTR(7, 0));
    CHECK_EQ_U(attr(7, 0), VT_ATTR(7, 0));
    put("\x1b[38;5;1;32mi\x1b[48;2;1;2;3;41mj\x1b[0m");
    CHECK_EQ_U(attr(8, 0), VT_ATTR(2, 0));
    CHECK_EQ_U(attr(9, 0), VT_ATTR(2, 1));
    put("\x1b[44m\x1b[K\x1b[0m");     /* erase takes the background */
    CHECK_EQ_U(attr(COLS - 1, 0), VT_ATTR(7, 4));
}

UNIT_TEST(save_restore_and_cursor_visibility)
{
    setup(COLS, ROWS);
    put("\x1b[2;4H\x1b[s\x1b[5;1Hx\x1b[u");
    CHECK_EQ_U(vt.cy, 1);
    CHECK_EQ_U(vt.cx, 3);
    put("\x1b[3;3H\x1b" "7\x1b[H\x1b" "8");
    CHECK_EQ_U(vt.cy, 2);
    CHECK_EQ_U(vt.cx, 2);
    put("\x1b[?25l");
    CHECK(!vt.cursor_visible);
    put("\x1b[?25h");
    CHECK(vt.cursor_visible);
    put("\x1b[?1049h\x1b[?7l");     /* other private modes: ignored */
    CHECK(vt.cursor_visible);
}

UNIT_TEST(utf8_one_cell_per_code_point)
{
    setup(COLS, ROWS);
    put("a\xc3\xa9" "b\xe2\x82\xac" "c\xf0\x9f\x98\x80" "d");
    CHECK_STR(row(0), "a?b?c?d");
    setup(COLS, ROWS);
    put("\x80\xbf" "x\xc3" "y");     /* stray continuations; cut sequence */
    CHECK_STR(row(0), "??x?y");
}

UNIT_TEST(malformed_sequences_dropped)
{
    setup(COLS, ROWS);
    put("\x1b[12;34$zA");           /* intermediate: ignored to the final */
    CHECK_STR(row(0), "A");
    CHECK_EQ_U(vt.cy, 0);
    put("\x1b(B\x1bZ");             /* other escapes: dropped */
    put("B");
    CHECK_STR(row(0), "AB");
    put("\x1b[1;2");                /* cut by ESC: the new one wins */
    put("\x1b[mC");
    CHECK_STR(row(0), "ABC");
    put("\x1b[5\x18" "D");          /* CAN abandons */
    CHECK_STR(row(0), "ABCD");
    /* Too many parameters: the sequence is ignored. */
    put("\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;31mE");
    CHECK_EQ_U(attr(4, 0), VT_ATTR(7, 0));
    /* Overlong: skipped to its final byte. */
    char longseq[300] = "\x1b[";
    for (int i = 2; i < 290; i++)
        longseq[i] = '9';
    strcat(longseq, "HF");
    put(longseq);
    CHECK_STR(row(0), "ABCDEF");
    /* However long, a sequence ends at the first byte that cannot be
     * part of it. */
    char junk[400] = "\x1b[";
    for (int i = 2; i < 399; i++)
        junk[i] = (char)(i % 2 ? '1' : ';');
    put(junk);
    put("GHI");
    CHECK(vt.state == VT_GROUND);
    CHECK_STR(row(0), "ABCDEFHI");
}

UNIT_TEST(controls_inside_sequence)
{
    setup(COLS, ROWS);
    put("ab\x1b[\r2CX");            /* CR acts, the sequence goes on */
    CHECK_STR(row(0), "abX");
}

UNIT_TEST(damage_spans)
{
    setup(COLS, ROWS);
    put("\x1b[2;5Hxy");
    CHECK_EQ_U(vt.dirty_lo[1], 4);
    CHECK_EQ_U(vt.dirty_hi[1], 5);
    CHECK_EQ_U(vt.dirty_lo[0], VT_CLEAN);
    vt_clear_damage(&vt);
    put("\x1b[2J");
    for (int y = 0; y < ROWS; y++) {
        CHECK_EQ_U(vt.dirty_lo[y], 0);
        CHECK_EQ_U(vt.dirty_hi[y], COLS - 1);
    }
}

UNIT_TEST(reset_and_limits)
{
    setup(COLS, ROWS);
    put("\x1b[31mzz\x1b" "c");
    CHECK_STR(row(0), "");
    CHECK_EQ_U(vt.fg, 7);
    setup(100000, -5);              /* clamped to the limits */
    CHECK_EQ_U(vt.cols, VT_COLS_MAX);
    CHECK_EQ_U(vt.rows, 1);
    put("line\nnext\n");
    CHECK_STR(row(0), "");
}

/* Random bytes never move the cursor out of the grid. */
UNIT_TEST(fuzz_stays_in_grid)
{
    setup(COLS, ROWS);
    uint32_t seed = 12345;
    uint8_t buf[256];
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < sizeof(buf); i++) {
            seed = seed * 1103515245u + 12345u;
            uint8_t b = (uint8_t)(seed >> 16);
            /* Bias toward the interesting bytes. */
            static const uint8_t pick[] = { 0x1b, '[', ';', '?', '1', '9', 'H', 'J', 'K',
                                            'm', '\n', '\b', '\t', 0xc3, 0x80 };
            if (b & 1)
                b = pick[(b >> 1) % sizeof(pick)];
            buf[i] = b;
        }
        vt_write(&vt, buf, sizeof(buf));
        CHECK(vt.cx >= 0 && vt.cx < COLS);
        CHECK(vt.cy >= 0 && vt.cy < ROWS);
        CHECK(vt.scrolled <= ROWS);
        for (int y = 0; y < ROWS; y++)
            CHECK(vt.dirty_lo[y] == VT_CLEAN || vt.dirty_hi[y] < COLS);
        vt_clear_damage(&vt);
    }
}

UNIT_MAIN(UNIT_CASE(text_and_newline), UNIT_CASE(cr_bs_tab_bel), UNIT_CASE(wrap_at_last_column),
          UNIT_CASE(scrolling), UNIT_CASE(cursor_motion), UNIT_CASE(erase_display_and_line),
          UNIT_CASE(sgr_colours), UNIT_CASE(save_restore_and_cursor_visibility),
          UNIT_CASE(utf8_one_cell_per_code_point), UNIT_CASE(malformed_sequences_dropped),
          UNIT_CASE(controls_inside_sequence), UNIT_CASE(damage_spans),
          UNIT_CASE(reset_and_limits), UNIT_CASE(fuzz_stays_in_grid))
