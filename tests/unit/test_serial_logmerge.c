/* SPDX-License-Identifier: MIT */
/*
 * Host tests for drivers-user/serial/logmerge.c: kernel lines go out
 * whole with "\r\n", a partial line waits (up to 512 bytes), an open
 * client line holds kernel lines back until it ends or idles 50 ms,
 * lost bytes are reported, done follows the ring's draining, a full
 * marker array stops reading; and, under random use against a fake
 * kernel log, no output line mixes kernel and client text and done
 * never runs ahead of what left the ring.
 */
#include <stdint.h>
#include "unit.h"
#include "../../drivers-user/serial/logmerge.h"

#define MS 1000000ull

static struct logmerge merge;
static struct ring tx;

static void setup(uint64_t start)
{
    ring_init(&tx);
    logmerge_init(&merge, start);
}

/* What the ring holds, as a string (not taken). */
static const char *ring_text(void)
{
    static char text[RING_SIZE + 1];
    size_t n = ring_peek(&tx, text, RING_SIZE);
    text[n] = '\0';
    return text;
}

/* One signalled read of text at now: the kernel's stream goes on from
 * plan.from (lost bytes before it when lost). -> false if no read was planned. */
static bool kernel_logs(const char *text, uint64_t lost, uint64_t now)
{
    struct logmerge_read plan;
    logmerge_log_signaled(&merge);
    if (!logmerge_read_plan(&merge, &tx, now, &plan))
        return false;
    size_t n = strlen(text);
    if (n > plan.len)
        n = plan.len;
    logmerge_read_result(&merge, &tx, &plan, text, n, plan.from + lost + n, lost);
    return true;
}

static void client(const char *text, uint64_t now)
{
    logmerge_client_write(&merge, &tx, text, strlen(text), now);
}

UNIT_TEST(whole_lines_go_out_with_crlf)
{
    setup(0);
    CHECK(kernel_logs("boot: one\nboot: two\n", 0, 0));
    CHECK_STR(ring_text(), "boot: one\r\nboot: two\r\n");
}

UNIT_TEST(partial_line_waits_for_its_newline)
{
    setup(0);
    CHECK(kernel_logs("half a ", 0, 0));
    CHECK_STR(ring_text(), "");
    CHECK(kernel_logs("line\nnext", 0, 0));
    CHECK_STR(ring_text(), "half a line\r\n");
    CHECK(kernel_logs("\n", 0, 0));
    CHECK_STR(ring_text(), "half a line\r\nnext\r\n");
}

UNIT_TEST(line_of_512_without_newline_goes_out)
{
    static char text[LOGMERGE_LINE_MAX + 100];
    setup(0);
    memset(text, 'k', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    CHECK(kernel_logs(text, 0, 0));
    CHECK_EQ_U(ring_used(&tx), LOGMERGE_LINE_MAX + 2);
    char out[LOGMERGE_LINE_MAX + 2];
    ring_get(&tx, out, sizeof(out));
    CHECK(out[0] == 'k' && out[LOGMERGE_LINE_MAX - 1] == 'k');
    CHECK(out[LOGMERGE_LINE_MAX] == '\r' && out[LOGMERGE_LINE_MAX + 1] == '\n');
    /* The other 99 wait for their '\n'. */
    CHECK(kernel_logs("\n", 0, 0));
    CHECK_EQ_U(ring_used(&tx), 99 + 2);
    /* Exactly 512 and its '\n': one line, no empty one after it. */
    setup(0);
    text[LOGMERGE_LINE_MAX] = '\0';
    CHECK(kernel_logs(text, 0, 0));
    CHECK(kernel_logs("\nnext\n", 0, 0));
    CHECK_EQ_U(ring_used(&tx), LOGMERGE_LINE_MAX + 2 + 6);
    ring_get(&tx, NULL, LOGMERGE_LINE_MAX);
    CHECK_STR(ring_text(), "\r\nnext\r\n");
    /* 511 bytes stay held. */
    setup(0);
    text[LOGMERGE_LINE_MAX - 1] = '\0';
    CHECK(kernel_logs(text, 0, 0));
    CHECK_EQ_U(ring_used(&tx), 0);
}

UNIT_TEST(open_client_line_holds_kernel_lines_back)
{
    setup(0);
    client("typing a comm", 100 * MS);
    CHECK(!kernel_logs("kernel line\n", 0, 110 * MS));
    CHECK_EQ_U(logmerge_wait_ns(&merge, &tx, 110 * MS), 40 * MS);
    client("and", 120 * MS);              /* still talking: the wait starts again */
    CHECK(!kernel_logs("kernel line\n", 0, 160 * MS));
    CHECK_EQ_U(logmerge_wait_ns(&merge, &tx, 160 * MS), 10 * MS);
    client("\n", 165 * MS);               /* the line ends: kernel lines may go */
    CHECK_EQ_U(logmerge_wait_ns(&merge, &tx, 165 * MS), 0);
    CHECK(kernel_logs("kernel line\n", 0, 165 * MS));
    CHECK_STR(ring_text(), "typing a command\nkernel line\r\n");
}

UNIT_TEST(idle_client_line_is_broken_after_50ms)
{
    setup(0);
    client("kestrel:/$ ", 1000 * MS);
    CHECK(!kernel_logs("late line\n", 0, 1049 * MS));
    /* A partial kernel line alone does not break the prompt. */
    setup(0);
    client("kestrel:/$ ", 1000 * MS);
    CHECK(kernel_logs("late ", 0, 1050 * MS));
    CHECK_STR(ring_text(), "kestrel:/$ ");
    CHECK(kernel_logs("line\nand more\n", 0, 1060 * MS));
    CHECK_STR(ring_text(), "kestrel:/$ \r\nlate line\r\nand more\r\n");
    /* One break only: the prompt's line has ended. */
    CHECK(kernel_logs("later\n", 0, 1065 * MS));
    CHECK_STR(ring_text(), "kestrel:/$ \r\nlate line\r\nand more\r\nlater\r\n");
    /* The client's next bytes start a fresh line, which holds the
     * kernel back again. */
    client("ls", 1070 * MS);
    CHECK(!kernel_logs("other\n", 0, 1080 * MS));
    CHECK_STR(ring_text(), "kestrel:/$ \r\nlate line\r\nand more\r\nlater\r\nls");
}

UNIT_TEST(lost_bytes_get_a_line)
{
    setup(0);
    CHECK(kernel_logs("x\n", 100, 0));
    CHECK_STR(ring_text(), "serial: 100 bytes of the kernel log were lost\r\nx\r\n");
    /* A held partial line goes out cut before the report. */
    setup(0);
    CHECK(kernel_logs("cut ", 0, 0));
    CHECK(kernel_logs("y\n", 7, 0));
    CHECK_STR(ring_text(), "cut \r\nserial: 7 bytes of the kernel log were lost\r\ny\r\n");
    /* Nothing copied at all: the report alone, and done passes the gap. */
    setup(50);
    CHECK(kernel_logs("", 30, 0));
    CHECK_STR(ring_text(), "serial: 30 bytes of the kernel log were lost\r\n");
    ring_get(&tx, NULL, RING_SIZE);
    CHECK_EQ_U(logmerge_done(&merge, &tx), 80);
}

UNIT_TEST(done_advances_only_as_the_ring_drains)
{
    setup(1000);
    CHECK(kernel_logs("abc\nde", 0, 0));      /* 1000..1005; "de" held */
    CHECK_EQ_U(logmerge_done(&merge, &tx), 1000);
    ring_get(&tx, NULL, 4);                   /* "abc\r" taken: not the whole chunk */
    CHECK_EQ_U(logmerge_done(&merge, &tx), 1000);
    ring_get(&tx, NULL, 1);
    CHECK_EQ_U(logmerge_done(&merge, &tx), 1004);   /* not past the held "de" */
    /* Two chunks: done steps to each as the head passes it. */
    CHECK(kernel_logs("f\n", 0, 0));          /* "def\r\n": up to 1008 */
    CHECK(kernel_logs("gh\n", 0, 0));         /* "gh\r\n": up to 1011 */
    ring_get(&tx, NULL, 5);
    CHECK_EQ_U(logmerge_done(&merge, &tx), 1008);
    ring_get(&tx, NULL, 3);
    CHECK_EQ_U(logmerge_done(&merge, &tx), 1008);
    ring_get(&tx, NULL, 1);
    CHECK_EQ_U(logmerge_done(&merge, &tx), 1011);
    /* The next read reports it. */
    struct logmerge_read plan;
    CHECK(logmerge_read_plan(&merge, &tx, 0, &plan));   /* done unreported */
    CHECK_EQ_U(plan.done, 1011);
    CHECK_EQ_U(plan.from, 1011);
    logmerge_read_result(&merge, &tx, &plan, "", 0, 1011, 0);
    CHECK(!logmerge_read_plan(&merge, &tx, 0, &plan));  /* nothing new, all told */
    CHECK_EQ_U(logmerge_wait_ns(&merge, &tx, 0), LOGMERGE_NEVER);
}

UNIT_TEST(client_bytes_do_not_move_done)
{
    setup(0);
    CHECK(kernel_logs("k\n", 0, 0));
    client("client text\n", 0);
    ring_get(&tx, NULL, 3);
    CHECK_EQ_U(logmerge_done(&merge, &tx), 2);
    ring_get(&tx, NULL, RING_SIZE);
    CHECK_EQ_U(logmerge_done(&merge, &tx), 2);
}

UNIT_TEST(full_marker_array_stops_reading)
{
    setup(0);
    for (unsigned i = 0; i < LOGMERGE_MARKERS; i++)
        CHECK(kernel_logs("m\n", 0, 0));
    CHECK(!kernel_logs("m\n", 0, 0));
    CHECK_EQ_U(logmerge_wait_ns(&merge, &tx, 0), LOGMERGE_NEVER);  /* the ring's interrupts wake */
    ring_get(&tx, NULL, 3);                   /* the oldest chunk leaves */
    CHECK(kernel_logs("m\n", 0, 0));
    CHECK(!kernel_logs("m\n", 0, 0));
    CHECK_EQ_U(logmerge_done(&merge, &tx), 2);
    ring_get(&tx, NULL, RING_SIZE);
    CHECK_EQ_U(logmerge_done(&merge, &tx), 2 * (LOGMERGE_MARKERS + 1));
}

UNIT_TEST(reads_fit_the_ring)
{
    static char fill[RING_SIZE];
    static char lines[LOGMERGE_READ_MAX + 1];
    struct logmerge_read plan;
    setup(0);
    memset(fill, 'c', sizeof(fill));
    fill[sizeof(fill) - 1] = '\n';
    CHECK_EQ_U(logmerge_client_write(&merge, &tx, fill, RING_SIZE - 50, 0), RING_SIZE - 50);
    client("\n", 0);
    logmerge_log_signaled(&merge);
    CHECK(!logmerge_read_plan(&merge, &tx, 0, &plan));
    CHECK_EQ_U(logmerge_wait_ns(&merge, &tx, 0), LOGMERGE_NEVER);
    /* Room for 1000 bytes: a read of all newlines still fits. */
    ring_get(&tx, NULL, 1000);
    CHECK(logmerge_read_plan(&merge, &tx, 0, &plan));
    CHECK(plan.len > 0 && plan.len <= LOGMERGE_READ_MAX);
    memset(lines, '\n', plan.len);
    size_t before = ring_used(&tx);
    logmerge_read_result(&merge, &tx, &plan, lines, plan.len, plan.len, 0);
    CHECK_EQ_U(ring_used(&tx) - before, 2 * plan.len);
}

UNIT_TEST(read_dry_waits_for_the_next_signal)
{
    struct logmerge_read plan;
    setup(0);
    CHECK(!logmerge_read_plan(&merge, &tx, 0, &plan));   /* no news */
    logmerge_log_signaled(&merge);
    CHECK(logmerge_read_plan(&merge, &tx, 0, &plan));
    /* A read that copied anything may have left more behind (a full
     * one, or one the kernel cut at an overrun): read again. */
    static char full[LOGMERGE_READ_MAX];
    memset(full, 'a', sizeof(full));
    logmerge_read_result(&merge, &tx, &plan, full, plan.len, plan.len, 0);
    CHECK(logmerge_read_plan(&merge, &tx, 0, &plan));
    logmerge_read_result(&merge, &tx, &plan, "\n", 1, plan.from + 1, 0);
    CHECK(logmerge_read_plan(&merge, &tx, 0, &plan));
    logmerge_read_result(&merge, &tx, &plan, "", 0, plan.from, 0);
    CHECK(!logmerge_read_plan(&merge, &tx, 0, &plan));   /* dry, done told */
    ring_get(&tx, NULL, RING_SIZE);
    CHECK(logmerge_read_plan(&merge, &tx, 0, &plan));   /* done to report */
    logmerge_read_result(&merge, &tx, &plan, "", 0, plan.from, 0);
    CHECK(!logmerge_read_plan(&merge, &tx, 0, &plan));
    /* A failed read gives up until the next signal. */
    logmerge_log_signaled(&merge);
    CHECK(logmerge_read_plan(&merge, &tx, 0, &plan));
    logmerge_read_failed(&merge, &plan);
    CHECK(!logmerge_read_plan(&merge, &tx, 0, &plan));
}

/* Random use: kernel text is upper case, client text lower case; every
 * output line must be one or the other, and kernel text must come out
 * in order and whole, with done behind what left the ring. */
UNIT_TEST(random_use_keeps_lines_apart)
{
    static char klog[1 << 18];              /* the fake kernel's whole log */
    static char out[1 << 20];
    size_t klog_len = 0, out_len = 0, out_scanned = 0, kernel_drained = 0;
    uint64_t now = 0, last_done = 0;
    uint32_t seed = 777;
    setup(0);
    while (klog_len < sizeof(klog) - 200) {
        seed = seed * 1103515245u + 12345u;
        unsigned action = (seed >> 16) % 4;
        now += ((seed >> 8) % 30) * MS;
        if (action == 0) {
            unsigned len = 1 + (seed >> 20) % 90;
            for (unsigned i = 0; i < len; i++)
                klog[klog_len + i] = (char)('A' + (klog_len + i) % 26);
            klog_len += len;
            klog[klog_len++] = '\n';
            logmerge_log_signaled(&merge);
        } else if (action == 1) {
            char text[40];
            unsigned len = (seed >> 20) % 30;
            for (unsigned i = 0; i < len; i++)
                text[i] = (char)('a' + i % 26);
            text[len] = (seed & 0x100) ? '\n' : 'z';
            logmerge_client_write(&merge, &tx, text, len + 1, now);
        } else if (action == 2) {
            unsigned len = (seed >> 18) % 700;
            char chunk[700];
            size_t n = ring_get(&tx, chunk, len);
            memcpy(out + out_len, chunk, n);
            out_len += n;
        }
        struct logmerge_read plan;
        for (int i = 0; i < 4 && logmerge_read_plan(&merge, &tx, now, &plan); i++) {
            CHECK(plan.done >= last_done && plan.done <= plan.from);
            last_done = plan.done;
            size_t n = klog_len - plan.from < plan.len ? klog_len - plan.from : plan.len;
            logmerge_read_result(&merge, &tx, &plan, klog + plan.from, n, plan.from + n, 0);
        }
        CHECK(out_len < sizeof(out) - RING_SIZE);
        /* Kernel bytes that left: its letters, and its '\n's (a "\r\n"
         * after one; client lines end in '\n' alone, breaks follow
         * client letters). */
        for (; out_scanned < out_len; out_scanned++) {
            char c = out[out_scanned];
            kernel_drained += c >= 'A' && c <= 'Z';
            kernel_drained += c == '\r' && out_scanned && out[out_scanned - 1] >= 'A' &&
                              out[out_scanned - 1] <= 'Z';
        }
        uint64_t done = logmerge_done(&merge, &tx);
        CHECK(done >= last_done && done <= kernel_drained);
    }
    /* Every line pure; kernel lines in order and whole. */
    size_t kpos = 0, start = 0;
    for (size_t i = 0; i < out_len; i++) {
        if (out[i] != '\n')
            continue;
        size_t end = i > start && out[i - 1] == '\r' ? i - 1 : i;
        bool upper = false, lower = false;
        for (size_t j = start; j < end; j++) {
            upper |= out[j] >= 'A' && out[j] <= 'Z';
            lower |= out[j] >= 'a' && out[j] <= 'z';
        }
        CHECK(!(upper && lower));
        if (upper) {
            CHECK(memcmp(out + start, klog + kpos, end - start) == 0);
            kpos += end - start;
            CHECK(klog[kpos] == '\n');
            kpos++;
        }
        start = i + 1;
    }
    CHECK(kpos > 10000);
    /* Drained and read dry, done reaches the log's end. */
    struct logmerge_read plan;
    for (int i = 0; i < 1000 && ring_used(&tx); i++) {
        ring_get(&tx, NULL, RING_SIZE);
        client("\n", now);
        ring_get(&tx, NULL, RING_SIZE);
        logmerge_log_signaled(&merge);
        for (int j = 0; j < 100 && logmerge_read_plan(&merge, &tx, now, &plan); j++) {
            size_t n = klog_len - plan.from < plan.len ? klog_len - plan.from : plan.len;
            logmerge_read_result(&merge, &tx, &plan, klog + plan.from, n, plan.from + n, 0);
        }
    }
    CHECK_EQ_U(logmerge_done(&merge, &tx), klog_len);
}

UNIT_MAIN(UNIT_CASE(whole_lines_go_out_with_crlf), UNIT_CASE(partial_line_waits_for_its_newline),
          UNIT_CASE(line_of_512_without_newline_goes_out),
          UNIT_CASE(open_client_line_holds_kernel_lines_back),
          UNIT_CASE(idle_client_line_is_broken_after_50ms), UNIT_CASE(lost_bytes_get_a_line),
          UNIT_CASE(done_advances_only_as_the_ring_drains),
          UNIT_CASE(client_bytes_do_not_move_done), UNIT_CASE(full_marker_array_stops_reading),
          UNIT_CASE(reads_fit_the_ring), UNIT_CASE(read_dry_waits_for_the_next_signal),
          UNIT_CASE(random_use_keeps_lines_apart))
