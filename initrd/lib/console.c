/* SPDX-License-Identifier: MIT */
/*
 * The console's client (ks_services.h): writes go to the console
 * service in pieces of at most KS_MSG_DATA_MAX bytes, or to the kernel
 * log when there is no console or it fails; reads poll KS_CONSOLE_READ
 * and sleep on a notification registered once with KS_CONSOLE_NOTIFY.
 *
 * When a write to the console fails, output goes to the kernel log for
 * a while (CONSOLE_RETRY_NS) before the console is tried again, so a
 * hung or restarting console costs one timeout, not one per line.
 */
#include "ks.h"

#define CONSOLE_RETRY_NS (1000ull * 1000 * 1000)
/* How long a write waits for the console to take it (shorter than the
 * service timeout: output has the kernel log to fall back on). */
#define CONSOLE_WRITE_WAIT_NS (2000ull * 1000 * 1000)
/* A reader re-polls at least this often: a restarted console has lost
 * its list of notifications. */
#define READ_SLICE_NS (1000ull * 1000 * 1000)

static struct ks_mutex console_lock;
static uint64_t console_down_until;     /* guarded by console_lock */
static int64_t input_note;              /* notification for input, 0: none yet */
static bool input_registered;

static bool is_gone(int64_t r)
{
    return r == -KS_ERR_PEER_GONE || r == -KS_ERR_BAD_HANDLE;
}

static int64_t console_send(ks_handle_t h, const char *p, size_t n)
{
    struct ks_msg m = { 0 };
    m.label = KS_CONSOLE_WRITE;
    m.data = (uint64_t)(uintptr_t)p;
    m.data_len = (uint32_t)n;
    int64_t r = ks_sys_ipc_call(h, &m, CONSOLE_WRITE_WAIT_NS);
    return r < 0 ? r : (int64_t)m.words[0];
}

int64_t ks_console_write(const void *buf, size_t len)
{
    const char *p = buf;
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < KS_MSG_DATA_MAX ? len - done : KS_MSG_DATA_MAX;
        uint64_t now = (uint64_t)ks_sys_clock();
        ks_mutex_lock(&console_lock);
        bool down = now < console_down_until;
        ks_mutex_unlock(&console_lock);
        ks_handle_t h = down ? 0 : ks_service("console");
        int64_t r = -KS_ERR_NOT_FOUND;
        if (h) {
            r = console_send(h, p + done, n);
            if (is_gone(r)) {
                /* The handle may be stale (a restart): look it up once more. */
                ks_service_forget("console");
                h = ks_service("console");
                if (h)
                    r = console_send(h, p + done, n);
            }
            if (r < 0) {
                ks_mutex_lock(&console_lock);
                console_down_until = (uint64_t)ks_sys_clock() + CONSOLE_RETRY_NS;
                ks_mutex_unlock(&console_lock);
            }
        }
        if (r < 0)
            ks_sys_log_write(p + done, n);
        done += n;
    }
    return (int64_t)len;
}

/* Register a notification for input with the console (once; again
 * after a failure). */
static void input_register(ks_handle_t h)
{
    ks_mutex_lock(&console_lock);
    if (!input_note) {
        int64_t n = ks_sys_notification_create();
        if (n > 0)
            input_note = n;
    }
    if (input_note && !input_registered) {
        struct ks_msg m = { 0 };
        m.label = KS_CONSOLE_NOTIFY;
        m.words[1] = 1;
        m.handle_count = 1;
        m.copy_mask = 1;
        m.handles[0] = (ks_handle_t)input_note;
        if (ks_service_call(h, &m) == 0)
            input_registered = true;
    }
    ks_mutex_unlock(&console_lock);
}

int64_t ks_console_read(void *buf, size_t len, uint64_t timeout_ns)
{
    if (len == 0)
        return 0;
    uint64_t start = (uint64_t)ks_sys_clock();
    bool retried = false;
    for (;;) {
        ks_handle_t h = ks_service("console");
        if (!h)
            return -KS_ERR_NOT_FOUND;
        struct ks_msg m = { 0 };
        m.label = KS_CONSOLE_READ;
        m.words[1] = len < KS_MSG_DATA_MAX ? len : KS_MSG_DATA_MAX;
        m.data = (uint64_t)(uintptr_t)buf;
        m.data_cap = (uint32_t)m.words[1];
        int64_t r = ks_service_call(h, &m);
        if (is_gone(r) && !retried) {
            ks_service_forget("console");
            retried = true;
            ks_mutex_lock(&console_lock);
            input_registered = false;
            ks_mutex_unlock(&console_lock);
            continue;
        }
        if (r < 0)
            return r;
        if (m.data_len > 0)
            return m.data_len;
        input_register(h);
        uint64_t now = (uint64_t)ks_sys_clock();
        uint64_t slice = READ_SLICE_NS;
        if (timeout_ns != KS_TIMEOUT_INFINITE) {
            if (now - start >= timeout_ns)
                return -KS_ERR_TIMED_OUT;
            if (timeout_ns - (now - start) < slice)
                slice = timeout_ns - (now - start);
        }
        uint64_t bits;
        if (input_note)
            ks_sys_notification_wait((ks_handle_t)input_note, slice, &bits);
        else
            ks_sys_sleep(10ull * 1000 * 1000);
    }
}

int64_t ks_console_interrupt(ks_handle_t notification, uint64_t bits)
{
    ks_handle_t h = ks_service("console");
    if (!h)
        return -KS_ERR_NOT_FOUND;
    struct ks_msg m = { 0 };
    m.label = KS_CONSOLE_INTERRUPT;
    m.words[1] = bits;
    if (notification) {
        m.handle_count = 1;
        m.copy_mask = 1;
        m.handles[0] = notification;
    }
    int64_t r = ks_service_call(h, &m);
    if (is_gone(r)) {
        ks_service_forget("console");
        return -KS_ERR_PEER_GONE;
    }
    return r;
}
