/* SPDX-License-Identifier: MIT */
/*
 * The kernel log's calls (kestrel/log.h): log_read and log_take.  The
 * second test plays the COM1 driver: it takes the log, prints what the
 * kernel logs itself (each line prefixed "driver> "), floods the ring
 * past its size (read back as lost bytes), and hands the UART back with
 * one line unsent, which the kernel must then print.  The boot case
 * (tests/boot/cases-user.sh) checks the serial log: the prefixed line,
 * the re-sent line printed once by the kernel, and no flood.
 */
#include "usertest.h"
#include "ks_device.h"
#include "ks_system.h"

#define COM1 0x3F8
#define LOG_BIT 4u

static int64_t resource(void)
{
    const struct ks_start_info *info = ks_start_info;
    return info ? info->handles[KS_START_RESOURCE] : 0;
}

/* Read from *seq to the head into buf (at most cap bytes kept) ->
 * bytes kept; *seq moves to the head.  done: what the UART has sent
 * (through the taking handle; ignored otherwise). */
static size_t read_to_head(int64_t h, uint64_t *seq, uint64_t done, char *buf, size_t cap,
                           uint64_t *lost)
{
    static char chunk[1024];
    size_t kept = 0;
    for (unsigned rounds = 0; rounds < 1000; rounds++) {
        struct ks_log_read a = { .from = *seq, .done = done, .buf = (uint64_t)(uintptr_t)chunk,
                                 .len = sizeof(chunk) };
        int64_t n = ks_sys_log_read(h, &a);
        if (n < 0) {
            CHECK_EQ(n, 0);
            break;
        }
        if (lost)
            *lost += a.lost;
        *seq = a.next;
        if (n == 0)
            break;
        for (int64_t i = 0; i < n && kept + 1 < cap; i++)
            buf[kept++] = chunk[i];
    }
    if (cap)
        buf[kept] = '\0';
    return kept;
}

TEST(log_read_returns_what_the_kernel_logged)
{
    static char text[8192];
    uint64_t seq = 0, lost = 0;
    (void)read_to_head(resource(), &seq, 0, text, 0, &lost);
    CHECK(seq > 0);
    static const char marker[] = "usertest: log_read marker 7f3a\n";
    CHECK_EQ(ks_sys_log_write(marker, sizeof(marker) - 1), (int64_t)(sizeof(marker) - 1));
    uint64_t from = seq;
    size_t n = read_to_head(resource(), &seq, 0, text, sizeof(text), NULL);
    CHECK(n > 0 && strstr(text, "usertest: log_read marker 7f3a\n") != NULL);
    CHECK(seq >= from + sizeof(marker) - 1);
    /* A stamped line, '\n' only. */
    CHECK(text[0] == '[' && strchr(text, '\r') == NULL);

    /* Refusals: past the head, bad pointers, other objects and rights. */
    struct ks_log_read a = { .from = seq + 1000000, .buf = (uint64_t)(uintptr_t)text,
                             .len = sizeof(text) };
    CHECK_EQ(ks_sys_log_read(resource(), &a), -KS_ERR_INVALID_ARGUMENT);
    for (unsigned i = 0; i < BAD_POINTER_COUNT; i++) {
        check_fault("log_read args", bad_pointers[i],
                    ks_syscall3(KS_SYS_LOG_READ, (uint64_t)resource(), bad_pointers[i], 0));
        struct ks_log_read b = { .from = 0, .buf = bad_pointers[i], .len = 64 };
        check_fault("log_read buf", bad_pointers[i], ks_sys_log_read(resource(), &b));
    }
    a.from = 0;
    int64_t weak = ks_sys_handle_duplicate(resource(), KS_RIGHT_DUPLICATE);
    CHECK(weak > 0);
    CHECK_EQ(ks_sys_log_read(weak, &a), -KS_ERR_DENIED);
    int64_t n2 = ks_sys_notification_create();
    CHECK_EQ(ks_sys_log_read(n2, &a), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_log_read(0x7777, &a), -KS_ERR_BAD_HANDLE);
    int64_t post = ks_sys_io_ports_create(resource(), 0x80, 1);
    CHECK(post > 0);
    CHECK_EQ(ks_sys_log_read(post, &a), -KS_ERR_NOT_FOUND);
    /* Taking needs the log's UART, a notification that may be
     * signalled, and some bits. */
    CHECK_EQ(ks_sys_log_take(post, n2, LOG_BIT), -KS_ERR_NOT_FOUND);
    CHECK_EQ(ks_sys_log_take(n2, n2, LOG_BIT), -KS_ERR_WRONG_TYPE);
    int64_t com1 = ks_sys_io_ports_create(resource(), COM1, 8);
    CHECK(com1 > 0);
    CHECK_EQ(ks_sys_log_take(com1, post, LOG_BIT), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_log_take(com1, n2, 0), -KS_ERR_INVALID_ARGUMENT);
    int64_t wait_only = ks_sys_handle_duplicate(n2, KS_RIGHT_WAIT);
    CHECK(wait_only > 0);
    CHECK_EQ(ks_sys_log_take(com1, wait_only, LOG_BIT), -KS_ERR_DENIED);
    int64_t read_only = ks_sys_handle_duplicate(com1, KS_RIGHT_READ);
    CHECK(read_only > 0);
    CHECK_EQ(ks_sys_log_take(read_only, n2, LOG_BIT), -KS_ERR_DENIED);
    /* ... but READ on the UART's ports reads the log. */
    CHECK(ks_sys_log_read(read_only, &a) > 0);
    int64_t handles[] = { weak, n2, post, com1, wait_only, read_only };
    for (unsigned i = 0; i < sizeof(handles) / sizeof(handles[0]); i++)
        CHECK_EQ(ks_sys_handle_close(handles[i]), 0);
}

/* Polled, as the kernel does: wait (boundedly) for THR to empty. */
static void uart_put(char c)
{
    for (unsigned spin = 0; spin < 100000 && !(ks_inb(COM1 + 5) & 0x20); spin++)
        ;
    ks_outb(COM1, (uint8_t)c);
}

/* Print [*seq, head) on COM1 as the driver would, "driver> " before
 * each line; *seq moves on (everything before it was sent). */
static void print_as_driver(int64_t ports, uint64_t *seq)
{
    static char text[4096];
    read_to_head(ports, seq, *seq, text, sizeof(text), NULL);
    bool line_start = true;
    for (const char *p = text; *p; p++) {
        if (line_start)
            for (const char *q = "driver> "; *q; q++)
                uart_put(*q);
        if (*p == '\n')
            uart_put('\r');
        uart_put(*p);
        line_start = *p == '\n';
    }
}

static void log_line(const char *s)
{
    CHECK_EQ(ks_sys_log_write(s, strlen(s)), (int64_t)strlen(s));
}

TEST(log_take_hands_the_uart_over_and_back)
{
    int64_t com1 = ks_sys_io_ports_create(resource(), COM1, 8);
    int64_t note = ks_sys_notification_create();
    CHECK(com1 > 0 && note > 0);
    CHECK_EQ(ks_sys_io_ports_enable(com1), 0);
    int64_t start = ks_sys_log_take(com1, note, LOG_BIT);
    CHECK(start >= 0);
    if (start < 0)
        return;
    /* One driver at a time, whichever handle asks. */
    int64_t other = ks_sys_io_ports_create(resource(), COM1, 8);
    CHECK_EQ(ks_sys_log_take(other, note, LOG_BIT), -KS_ERR_EXISTS);
    CHECK_EQ(ks_sys_handle_close(other), 0);

    /* A line logged now signals the driver and is its to print. */
    uint64_t seq = (uint64_t)start, bits = 0;
    log_line("log-test: line one, printed by the driver\n");
    CHECK_EQ(ks_sys_notification_wait(note, 1000 * NS_PER_MS, &bits), 0);
    CHECK((bits & LOG_BIT) != 0);
    print_as_driver(com1, &seq);

    /* done: never backwards, never past the head. */
    struct ks_log_read a = { .from = seq, .done = seq, .buf = 0, .len = 0 };
    CHECK_EQ(ks_sys_log_read(com1, &a), 0);
    a.done = seq - 1;
    CHECK_EQ(ks_sys_log_read(com1, &a), -KS_ERR_INVALID_ARGUMENT);
    a.done = seq + 1000000;
    CHECK_EQ(ks_sys_log_read(com1, &a), -KS_ERR_INVALID_ARGUMENT);

    /* A flood longer than the ring: a reader left behind is told how
     * much it lost; the driver "sends" it (done) without printing. */
    static char flood[256];
    memset(flood, 'x', sizeof(flood));
    memcpy(flood, "log-test: flood ", 16);
    flood[sizeof(flood) - 1] = '\n';
    for (unsigned i = 0; i < 2 * KS_LOG_RING_SIZE / sizeof(flood); i++)
        CHECK_EQ(ks_sys_log_write(flood, sizeof(flood)), (int64_t)sizeof(flood));
    uint64_t lost = 0, behind = seq;
    static char tail[512];
    read_to_head(com1, &behind, seq, tail, sizeof(tail), &lost);
    CHECK(lost >= KS_LOG_RING_SIZE / 2);
    CHECK(behind - seq >= 2 * KS_LOG_RING_SIZE - 512);
    a.from = behind;
    a.done = behind;
    CHECK_EQ(ks_sys_log_read(com1, &a), 0);

    /* Logged and never sent: the kernel prints it when the handle goes. */
    log_line("log-test: line two, re-sent by the kernel\n");
    CHECK_EQ(ks_sys_handle_close(com1), 0);
    log_line("log-test: line three, the kernel's own again\n");
    /* The handover ended with the handle: another may take it now. */
    int64_t again = ks_sys_io_ports_create(resource(), COM1, 8);
    int64_t s2 = ks_sys_log_take(again, note, LOG_BIT);
    CHECK(s2 >= (int64_t)behind);
    struct ks_log_read b = { .from = (uint64_t)s2, .done = (uint64_t)s2 };
    CHECK_EQ(ks_sys_log_read(again, &b), 0);
    CHECK_EQ(ks_sys_handle_close(again), 0);
    CHECK_EQ(ks_sys_handle_close(note), 0);
}
