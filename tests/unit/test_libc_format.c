/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/lib/format.c, the user runtime's printf engine:
 * each directive against the host's snprintf, truncation, and output
 * longer than the engine's internal buffer streaming to a sink.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include "unit.h"
#include "../../initrd/lib/ks_format.h"

static int mine(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = ks_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

#define SAME(...) do { \
    char mine_[512], host_[512]; \
    int n_mine_ = mine(mine_, sizeof(mine_), __VA_ARGS__); \
    int n_host_ = snprintf(host_, sizeof(host_), __VA_ARGS__); \
    CHECK_STR(mine_, host_); \
    CHECK_EQ_U(n_mine_, n_host_); \
} while (0)

UNIT_TEST(format_integers_match_libc)
{
    SAME("%d|%i|%u", 0, -42, 17u);
    SAME("%d %ld %lld", INT_MIN, LONG_MIN, LLONG_MAX);
    SAME("%hd %hhd %hu %hhu", (short)-3, (signed char)-128, (unsigned short)65535,
         (unsigned char)255);
    SAME("[%5d][%-5d][%05d][%+d][% d][%+05d]", -12, -12, -12, 7, 7, 7);
    SAME("%x %X %#x %#X %#x %o %#o %#o", 255u, 255u, 255u, 255u, 0u, 8u, 8u, 0u);
    SAME("%zu %zd %jd %td", (size_t)123, (ssize_t)-5, (intmax_t)9, (ptrdiff_t)-3);
    SAME("[%.3d][%.0d][%5.3d][%-6.2x]", 7, 0, -7, 10u);
    SAME("%*d|%-*d|%*d", 6, 1, 6, 2, -6, 3);
    SAME("%llu %llx", ULLONG_MAX, ULLONG_MAX);
}

UNIT_TEST(format_strings_and_chars_match_libc)
{
    SAME("%s|%10s|%-10s|%.2s|%*.*s", "abc", "abc", "abc", "abc", 5, 1, "xyz");
    SAME("%c%c%5c%-3c|", 'a', 'b', 'c', 'd');
    SAME("100%% sure %%d");
    SAME("%s", "");
    SAME("%.*s", -1, "all");
}

UNIT_TEST(format_pointer_and_unknown)
{
    char buf[64];
    mine(buf, sizeof(buf), "%p", (void *)0x1234);
    CHECK_STR(buf, "0x1234");
    mine(buf, sizeof(buf), "%s", (char *)NULL);
    CHECK_STR(buf, "(null)");
    mine(buf, sizeof(buf), "a%qb");
    CHECK_STR(buf, "aqb");
    mine(buf, sizeof(buf), "end%");
    CHECK_STR(buf, "end");
}

UNIT_TEST(format_truncates_and_counts)
{
    char buf[8];
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ_U(mine(buf, 4, "%d", 123456), 6);
    CHECK_STR(buf, "123");
    CHECK_EQ_U(buf[4], 'x');
    CHECK_EQ_U(mine(buf, 0, "hello"), 5);
    CHECK_EQ_U(buf[0], '1');
    CHECK_EQ_U(mine(buf, 1, "hello"), 5);
    CHECK_STR(buf, "");
}

struct collect {
    char text[4096];
    size_t len;
    int pieces;
};

static void collect_put(void *ctx, const char *text, size_t len)
{
    struct collect *c = ctx;
    if (len == 0)
        c->pieces = -1000;          /* never called empty */
    memcpy(c->text + c->len, text, len);
    c->len += len;
    c->pieces++;
}

static size_t stream(struct collect *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = ks_format(collect_put, c, fmt, ap);
    va_end(ap);
    return n;
}

UNIT_TEST(format_streams_long_output)
{
    static struct collect c;
    char long_arg[2000];
    memset(long_arg, 'q', sizeof(long_arg) - 1);
    long_arg[sizeof(long_arg) - 1] = '\0';
    size_t n = stream(&c, "<%s|%1000d>", long_arg, 5);
    CHECK_EQ_U(n, 1 + 1999 + 1 + 1000 + 1);
    CHECK_EQ_U(c.len, n);
    CHECK(c.pieces > 1);
    CHECK_EQ_U(c.text[0], '<');
    CHECK_EQ_U(c.text[1999], 'q');
    CHECK_EQ_U(c.text[2000], '|');
    CHECK_EQ_U(c.text[n - 2], '5');
    CHECK_EQ_U(c.text[n - 1], '>');
    struct collect empty = { .len = 0 };
    CHECK_EQ_U(stream(&empty, "%s", ""), 0);
    CHECK_EQ_U(empty.pieces, 0);
}

UNIT_MAIN(UNIT_CASE(format_integers_match_libc),
          UNIT_CASE(format_strings_and_chars_match_libc),
          UNIT_CASE(format_pointer_and_unknown),
          UNIT_CASE(format_truncates_and_counts),
          UNIT_CASE(format_streams_long_output))
