/* SPDX-License-Identifier: MIT */
/*
 * crasher's I/O-port kinds (tests/user/test_devices.c runs them).  The
 * child's start handle 0 is an I/O-port object covering port 0x80 (the
 * POST port: reading it does nothing).  A kind that should end in #GP
 * returns 3 when the fault did not happen; 4 and up name a failed step.
 *
 *   io-inb             IN without any enable: #GP
 *   io-enable          enables its handle, IN works: exits 0
 *   io-disable         enable, IN, disable, IN: #GP
 *   io-close           enable, IN, close the handle, IN: #GP
 *   io-revoke          enables a duplicate, revokes the start handle
 *                      (which removes the duplicate), IN: #GP
 *   io-thread-disable  a second thread (on another CPU when there is
 *                      one) loops on IN; the main thread disables: the
 *                      loop must fault at once (#GP in that thread)
 *   io-thread-enable   a second thread already running elsewhere waits
 *                      for the main thread's enable, then does IN:
 *                      exits 0
 * With start handle 1 a second object (port 0xED, nothing there), both
 * enabled, then handle 1 disabled, so the bitmap is rebuilt, not freed:
 *   io-partial-keep    IN on 0x80 still works: exits 0
 *   io-partial-drop    IN on 0xED: #GP
 *   io-thread-partial  a second thread on another CPU loops on 0xED: it
 *                      faults once the main thread disables handle 1
 */
#include "ks.h"

#define PORT       0x80
#define OTHER_PORT 0xED

int crasher_io(const char *kind);

static int64_t ports(void)
{
    const struct ks_start_info *info = ks_start_info;
    return info && info->handle_count > 0 ? info->handles[0] : 0;
}

static int64_t second_ports(void)
{
    const struct ks_start_info *info = ks_start_info;
    return info && info->handle_count > 1 ? info->handles[1] : 0;
}

static volatile uint32_t reads;
static volatile uint32_t go;
static volatile uint32_t done;

static int64_t read_loop(void *arg)
{
    (void)arg;
    for (;;) {
        (void)ks_inb(PORT);
        reads++;
        if (reads == 0)             /* never: 2^32 reads take too long */
            return 0;
    }
}

static int64_t read_other_loop(void *arg)
{
    (void)arg;
    for (;;) {
        (void)ks_inb(OTHER_PORT);
        reads++;
        if (reads == 0)
            return 0;
    }
}

static int64_t read_when_told(void *arg)
{
    (void)arg;
    while (!go)
        ks_cpu_relax();
    (void)ks_inb(PORT);
    done = 1;
    return 0;
}

/* The main thread on CPU 0, a helper on CPU 1 when there are two. */
static int start_helper(struct ks_thread *t, int64_t (*fn)(void *))
{
    uint64_t helper_mask = 0;
    if (ks_cpu_count() > 1) {
        if (ks_sys_thread_set_affinity(0, 1) < 0)
            return -1;
        helper_mask = 2;
    }
    return ks_thread_create(t, fn, NULL, KS_PRIORITY_INHERIT, helper_mask) < 0 ? -1 : 0;
}

/* Wait up to 5 s (yielding) for *flag. */
static bool wait_flag(volatile uint32_t *flag)
{
    uint64_t end = ks_clock_ns() + 5000ull * 1000 * 1000;
    while (!*flag && ks_clock_ns() < end)
        ks_yield();
    return *flag != 0;
}

static int thread_disable(int64_t h)
{
    struct ks_thread t;
    if (ks_sys_io_ports_enable(h) != 0)
        return 4;
    if (start_helper(&t, read_loop) < 0)
        return 5;
    if (!wait_flag(&reads))
        return 6;
    ks_sys_io_ports_disable(h);
    /* The helper's next IN faults and ends the process during this. */
    ks_sleep_ns(2000ull * 1000 * 1000);
    return 3;
}

static int thread_enable(int64_t h)
{
    struct ks_thread t;
    if (start_helper(&t, read_when_told) < 0)
        return 5;
    ks_sleep_ns(20ull * 1000 * 1000);   /* the helper is spinning by now */
    if (ks_sys_io_ports_enable(h) != 0)
        return 4;
    go = 1;
    return wait_flag(&done) ? 0 : 6;
}

static int partial(const char *kind, int64_t h)
{
    int64_t other = second_ports();
    struct ks_thread t;
    if (other <= 0 || ks_sys_io_ports_enable(h) != 0 || ks_sys_io_ports_enable(other) != 0)
        return 4;
    (void)ks_inb(PORT);
    (void)ks_inb(OTHER_PORT);
    if (!strcmp(kind, "io-thread-partial")) {
        if (start_helper(&t, read_other_loop) < 0)
            return 5;
        if (!wait_flag(&reads))
            return 6;
    }
    if (ks_sys_io_ports_disable(other) != 0)
        return 7;
    (void)ks_inb(PORT);
    if (!strcmp(kind, "io-partial-keep"))
        return 0;
    if (!strcmp(kind, "io-partial-drop"))
        (void)ks_inb(OTHER_PORT);
    else
        ks_sleep_ns(2000ull * 1000 * 1000);
    return 3;
}

int crasher_io(const char *kind)
{
    int64_t h = ports();
    if (h <= 0 && strcmp(kind, "io-inb"))
        return 4;
    if (!strcmp(kind, "io-thread-disable"))
        return thread_disable(h);
    if (!strcmp(kind, "io-thread-enable"))
        return thread_enable(h);
    if (!strncmp(kind, "io-partial-", 11) || !strcmp(kind, "io-thread-partial"))
        return partial(kind, h);
    if (strcmp(kind, "io-inb")) {
        if (strcmp(kind, "io-revoke") && ks_sys_io_ports_enable(h) != 0)
            return 4;
        if (!strcmp(kind, "io-revoke")) {
            int64_t dup = ks_sys_handle_duplicate(h, KS_RIGHT_READ | KS_RIGHT_WRITE);
            if (dup <= 0 || ks_sys_io_ports_enable(dup) != 0)
                return 5;
        }
        (void)ks_inb(PORT);
        if (!strcmp(kind, "io-enable"))
            return 0;
        else if (!strcmp(kind, "io-disable"))
            ks_sys_io_ports_disable(h);
        else if (!strcmp(kind, "io-close"))
            ks_sys_handle_close(h);
        else if (!strcmp(kind, "io-revoke"))
            while (ks_sys_handle_revoke(h) == -KS_ERR_AGAIN)
                ;
        else
            return 2;
    }
    (void)ks_inb(PORT);
    return 3;
}
