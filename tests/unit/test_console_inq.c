/* SPDX-License-Identifier: MIT */
/*
 * Host tests for the console's input queue and reader table
 * (drivers-user/console/inq.c) and its --screen parsing and checks
 * (drivers-user/console/screen.c).
 */
#include <stdint.h>
#include "unit.h"
#include "../../drivers-user/console/inq.h"
#include "../../drivers-user/console/screen.h"

static struct inq q;

UNIT_TEST(queue_fifo_and_wrap)
{
    inq_init(&q);
    uint8_t out[16];
    CHECK_EQ_U(inq_pop(&q, out, sizeof(out)), 0);
    CHECK_EQ_U(inq_push(&q, "abc", 3), 3);
    CHECK_EQ_U(inq_pop(&q, out, 2), 2);
    CHECK(memcmp(out, "ab", 2) == 0);
    /* Walk the head round the end of the buffer. */
    static uint8_t big[INQ_SIZE];
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < sizeof(big); i++)
            big[i] = (uint8_t)(i * 7 + (size_t)round);
        CHECK_EQ_U(inq_push(&q, big, INQ_SIZE - 1), INQ_SIZE - 1);
        CHECK_EQ_U(inq_pop(&q, out, 1), 1);
        CHECK_EQ_U(out[0], round == 0 ? 'c' : (uint8_t)(((INQ_SIZE - 2) * 7) + round - 1));
        static uint8_t back[INQ_SIZE];
        CHECK_EQ_U(inq_pop(&q, back, INQ_SIZE - 2), INQ_SIZE - 2);
        CHECK(memcmp(back, big, INQ_SIZE - 2) == 0);
    }
}

UNIT_TEST(queue_full_keeps_oldest)
{
    inq_init(&q);
    static uint8_t big[INQ_SIZE + 100];
    memset(big, 'x', sizeof(big));
    CHECK_EQ_U(inq_push(&q, big, sizeof(big)), INQ_SIZE);
    CHECK_EQ_U(inq_push(&q, "y", 1), 0);
    uint8_t out[4];
    CHECK_EQ_U(inq_pop(&q, out, 1), 1);
    CHECK_EQ_U(inq_push(&q, "yz", 2), 1);
}

UNIT_TEST(readers_replace_oldest)
{
    struct inq_readers t;
    memset(&t, 0, sizeof(t));
    for (int i = 0; i < INQ_READERS; i++)
        CHECK_EQ_U(inq_reader_add(&t, 100 + i, 1), 0);
    CHECK_EQ_U(inq_reader_add(&t, 200, 2), 100);
    CHECK_EQ_U(inq_reader_add(&t, 201, 2), 101);
    inq_reader_drop(&t, 105);
    CHECK_EQ_U(inq_reader_add(&t, 202, 4), 0);    /* the freed slot */
    CHECK_EQ_U(inq_reader_add(&t, 203, 4), 102);
    int found = 0;
    for (int i = 0; i < INQ_READERS; i++)
        if (t.r[i].handle == 202 && t.r[i].bits == 4)
            found = 1;
    CHECK(found);
}

static int parse(const char *s, struct screen_geom *g)
{
    return screen_parse(s, strlen(s), g);
}

UNIT_TEST(screen_parse_good)
{
    struct screen_geom g;
    CHECK_EQ_U(parse("1,1024,768,4096,32,16,8,8,8,0,8", &g), 0);
    CHECK_EQ_U(g.type, SCREEN_RGB);
    CHECK_EQ_U(g.width, 1024);
    CHECK_EQ_U(g.pitch, 4096);
    CHECK_EQ_U(g.red_pos, 16);
    CHECK_EQ_U(g.blue_size, 8);
    CHECK_EQ_U(parse("2,80,25,160,16,0,0,0,0,0,0", &g), 0);
    CHECK_EQ_U(g.type, SCREEN_VGA_TEXT);
    uint64_t bytes = 0;
    CHECK(screen_check(&g, &bytes));
    CHECK_EQ_U(bytes, 4000);
    CHECK_EQ_U(parse("1,800,600,2400,24,16,8,8,8,0,8", &g), 0);
    CHECK_EQ_U(g.offset, 0);
    CHECK_EQ_U(parse("1,800,600,2400,24,16,8,8,8,0,8,256", &g), 0);
    CHECK_EQ_U(g.offset, 256);
}

UNIT_TEST(screen_parse_bad)
{
    struct screen_geom g = { .type = 77 };
    static const char *bad[] = {
        "", "1", "1,1024,768,4096,32,16,8,8,8,0", "1,1024,768,4096,32,16,8,8,8,0,8,",
        "1,1024,768,4096,32,16,8,8,8,0,8,9,1", "1,1024,768,4096,32,16,8,8,8,0,x",
        "1,1024,768,4096,32,16,8,8,8,0,8,99999999",      /* offset out of reason */
        "1,1024,768,1000,32,16,8,8,8,0,8",      /* pitch too small */
        "1,1024,768,4096,8,16,8,8,8,0,8",       /* 8 bpp */
        "1,1024,768,4096,32,30,8,8,8,0,8",      /* channel past the pixel */
        "1,1024,768,4096,32,16,9,8,8,0,8",      /* channel too wide */
        "1,1024,768,4096,32,16,0,8,8,0,8",      /* empty channel */
        "1,4,768,4096,32,16,8,8,8,0,8",         /* narrower than a cell */
        "3,80,25,160,16,0,0,0,0,0,0",           /* unknown type */
        "2,80,25,100,16,0,0,0,0,0,0",           /* VGA pitch too small */
        "1,99999999999,768,4096,32,16,8,8,8,0,8",
        "1,-1024,768,4096,32,16,8,8,8,0,8", " 1,1024,768,4096,32,16,8,8,8,0,8",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(parse(bad[i], &g) != 0);
    CHECK_EQ_U(g.type, 77);                         /* untouched */
}

UNIT_TEST(screen_arg_forms)
{
    char *a1[] = { "console", "--screen", "2,80,25,160,16,0,0,0,0,0,0", NULL };
    CHECK_STR(screen_arg(3, a1), "2,80,25,160,16,0,0,0,0,0,0");
    char *a2[] = { "console", "-v", "--screen=1,2", NULL };
    CHECK_STR(screen_arg(3, a2), "1,2");
    char *a3[] = { "console", "--screen", NULL };
    CHECK(screen_arg(2, a3) == NULL);
    char *a4[] = { "console", "--screenx", "5", NULL };
    CHECK(screen_arg(3, a4) == NULL);
    CHECK(screen_arg(1, a1) == NULL);
}

UNIT_TEST(strip_takes_out_every_ctrl_c)
{
    uint8_t buf[] = { 'a', 3, 'b', 3, 3, 'c', 3 };
    size_t removed = 99;
    size_t n = inq_strip(buf, sizeof(buf), 3, &removed);
    CHECK_EQ_U(n, 3);
    CHECK_EQ_U(removed, 4);
    CHECK(memcmp(buf, "abc", 3) == 0);
    uint8_t none[] = { 'x', 'y' };
    CHECK_EQ_U(inq_strip(none, sizeof(none), 3, &removed), 2);
    CHECK_EQ_U(removed, 0);
    CHECK(memcmp(none, "xy", 2) == 0);
    CHECK_EQ_U(inq_strip(none, 0, 3, &removed), 0);
    CHECK_EQ_U(removed, 0);
    uint8_t all[] = { 3, 3, 3 };
    CHECK_EQ_U(inq_strip(all, sizeof(all), 3, &removed), 0);
    CHECK_EQ_U(removed, 3);
}

UNIT_MAIN(UNIT_CASE(queue_fifo_and_wrap), UNIT_CASE(strip_takes_out_every_ctrl_c), UNIT_CASE(queue_full_keeps_oldest),
          UNIT_CASE(readers_replace_oldest), UNIT_CASE(screen_parse_good),
          UNIT_CASE(screen_parse_bad), UNIT_CASE(screen_arg_forms))
