/* SPDX-License-Identifier: MIT */
/*
 * bin/rtc: the PC's CMOS real-time clock (index port 0x70, data 0x71),
 * served as "rtc" (KS_RTC_TIME, PING).  The clock is read whole while
 * no update is in progress (status A bit 7), twice until two readings
 * agree, so a second ticking over mid-read is never seen; cmos.c turns
 * the registers into UTC seconds.  The clock only counts whole seconds:
 * after start the driver watches for the next tick (a 1 ms poll between
 * requests, for at most 1.1 s) and from then answers with that edge and
 * the monotonic clock at it, right to about a millisecond; a request
 * before the tick gets a plain reading (right to a second).  The
 * runtime asks once per process (time.c) and carries the time on with
 * the monotonic clock.
 *
 * Start handles (init's manifest): [0] names, [1] the "rtc" endpoint,
 * [2] ports 0x70..0x71.  Writing 0x70 also sets the NMI mask (bit 7):
 * the driver always writes it clear, as the firmware leaves it.
 */
#include "ks.h"
#include "ks_ipc.h"
#include "kestrel/errors.h"
#include "cmos.h"

enum { H_ENDPOINT = 1, H_PORTS };

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define STATUS_A_UPDATING 0x80
#define READ_TRIES 8
#define UPDATE_SPINS 100000

static uint8_t cmos_read(uint8_t reg)
{
    ks_outb(CMOS_INDEX, reg);
    return ks_inb(CMOS_DATA);
}

static bool read_once(struct cmos_time *t)
{
    for (unsigned spin = 0; cmos_read(CMOS_STATUS_A) & STATUS_A_UPDATING; spin++)
        if (spin >= UPDATE_SPINS)
            return false;       /* a clock stuck updating: no reading */
    t->seconds = cmos_read(CMOS_SECONDS);
    t->minutes = cmos_read(CMOS_MINUTES);
    t->hours = cmos_read(CMOS_HOURS);
    t->day = cmos_read(CMOS_DAY);
    t->month = cmos_read(CMOS_MONTH);
    t->year = cmos_read(CMOS_YEAR);
    t->century = cmos_read(CMOS_CENTURY);
    t->status_b = cmos_read(CMOS_STATUS_B);
    return true;
}

/* -> seconds since 1970 and *clock_ns when read, or -KS_ERR_CORRUPT. */
static int64_t rtc_now(uint64_t *clock_ns)
{
    struct cmos_time a, b;
    if (!read_once(&a))
        return -KS_ERR_CORRUPT;
    for (unsigned i = 0; i < READ_TRIES; i++) {
        *clock_ns = (uint64_t)ks_sys_clock();
        if (!read_once(&b))
            return -KS_ERR_CORRUPT;
        if (!memcmp(&a, &b, sizeof(a))) {
            int64_t t = cmos_to_unix(&b);
            return t < 0 ? -KS_ERR_CORRUPT : t;
        }
        a = b;
    }
    return -KS_ERR_CORRUPT;
}

#define ANCHOR_POLLS 1100
#define ANCHOR_POLL_NS (1000 * 1000)

static int64_t anchor_secs = -1;      /* a second's start, and the clock then */
static uint64_t anchor_clock;
static int64_t anchor_first = -1;     /* the first reading, to see the tick */
static unsigned anchor_polls_left = ANCHOR_POLLS;

/* One poll for the tick: the reading that differs from the first
 * becomes the anchor.  Gives up on a bad reading or after 1.1 s. */
static void anchor_poll(void)
{
    uint64_t clock_ns;
    int64_t t = rtc_now(&clock_ns);
    if (t < 0 || --anchor_polls_left == 0) {
        anchor_polls_left = 0;
        return;
    }
    if (anchor_first < 0) {
        anchor_first = t;
    } else if (t != anchor_first) {
        anchor_secs = t;
        anchor_clock = clock_ns;
        anchor_polls_left = 0;
    }
}

static int64_t rtc_request(const struct ks_msg *req, struct ks_msg *rep)
{
    if (req->label != KS_RTC_TIME)
        return -KS_ERR_NOT_SUPPORTED;
    uint64_t clock_ns = anchor_clock;
    int64_t t = anchor_secs >= 0 ? anchor_secs : rtc_now(&clock_ns);
    if (t < 0)
        return t;
    rep->words[1] = (uint64_t)t;
    rep->words[2] = clock_ns;
    return 0;
}

/* Until the tick is seen, a 1 ms wait between requests polls for it. */
__attribute__((noreturn)) static void serve(ks_handle_t endpoint)
{
    for (;;) {
        uint64_t timeout = anchor_polls_left ? ANCHOR_POLL_NS : KS_TIMEOUT_INFINITE;
        if (ks_serve_one(endpoint, NULL, 0, timeout, rtc_request) == -KS_ERR_TIMED_OUT)
            anchor_poll();
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    ks_handle_t endpoint = ks_start_handle(H_ENDPOINT), ports = ks_start_handle(H_PORTS);
    if (ks_handle_type(endpoint) != KS_OBJECT_ENDPOINT ||
        ks_handle_type(ports) != KS_OBJECT_IO_PORTS) {
        static const char msg[] = "rtc: start handles are not endpoint, ports 0x70..0x71\n";
        ks_sys_log_write(msg, sizeof(msg) - 1);
        return 1;
    }
    int64_t r = ks_sys_io_ports_enable(ports);
    if (r < 0) {
        char line[80];
        snprintf(line, sizeof(line), "rtc: cannot enable ports 0x70..0x71: %s\n", ks_strerror(r));
        ks_sys_log_write(line, strlen(line));
        return 1;
    }
    /* To the kernel log, not the console: a line of ours must not land
     * in the middle of the shell's prompt. */
    char line[80];
    uint64_t clock_ns;
    int64_t t = rtc_now(&clock_ns);
    if (t < 0) {
        snprintf(line, sizeof(line), "rtc: the CMOS clock holds no valid date; serving errors\n");
    } else {
        time_t now = (time_t)t;
        struct tm tm;
        gmtime_r(&now, &tm);
        snprintf(line, sizeof(line), "rtc: %04d-%02d-%02d %02d:%02d:%02d UTC\n",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    ks_sys_log_write(line, strlen(line));
    serve(endpoint);
}
