/* SPDX-License-Identifier: MIT */
/*
 * The kernel log's UART handed to its user driver; see log_handover.h.
 * One handover at a time: Kestrel logs to one UART.
 */
#include <stdbool.h>
#include "cap/notification.h"
#include "console/console.h"
#include "console/log_handover.h"
#include "debug/kprintf.h"
#include "kestrel/errors.h"
#include "sched/sched.h"

static struct {
    struct console *console;    /* handed over, or NULL */
    const struct cap *cap;      /* the I/O-port handle that took it */
    struct notification *notification;  /* one reference held */
    uint64_t bits;
    uint64_t done;              /* the UART has sent the log before this */
} taken;

static int active;              /* atomic: taken.console != NULL */
static int signal_pending;      /* atomic: lines logged since the last signal */

int64_t log_handover_take(struct cap *cap, uint32_t base, uint32_t count,
                          struct notification *n, uint64_t bits)
{
    if (bits == 0)
        return -KS_ERR_INVALID_ARGUMENT;
    struct console *c = console_on_ports(base, count);
    if (!c)
        return -KS_ERR_NOT_FOUND;
    if (taken.console)
        return -KS_ERR_EXISTS;
    kobject_ref(&n->obj);
    /* The head first, then the switch: a line another CPU logs in
     * between is printed twice rather than not at all. */
    uint64_t start = klog_head();
    taken.console = c;
    taken.cap = cap;
    taken.notification = n;
    taken.bits = bits;
    taken.done = start;
    __atomic_store_n(&c->handed_over, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&active, 1, __ATOMIC_RELEASE);
    return (int64_t)start;
}

int log_handover_set_done(const struct cap *cap, uint64_t done)
{
    if (!taken.console || cap != taken.cap)
        return 0;
    if (done < taken.done || done > klog_head())
        return -KS_ERR_INVALID_ARGUMENT;
    taken.done = done;
    return 0;
}

void log_handover_cap_removed(const struct cap *cap)
{
    if (!taken.console || cap != taken.cap)
        return;
    struct console *c = taken.console;
    /* Print here again first, then what the driver had not sent: a line
     * logged meanwhile may come twice, none is lost. */
    __atomic_store_n(&active, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&c->handed_over, 0, __ATOMIC_RELEASE);
    uint64_t from = taken.done, head = klog_head(), next, lost;
    char chunk[256];
    while (from < head) {
        uint64_t want = head - from < sizeof(chunk) ? head - from : sizeof(chunk);
        int64_t n = klog_read(from, chunk, (size_t)want, &next, &lost);
        if (n <= 0)
            break;
        c->write(c, chunk, (size_t)n);
        from = next;
    }
    kobject_unref(&taken.notification->obj);
    taken.console = NULL;
    taken.cap = NULL;
    taken.notification = NULL;
}

void log_handover_note_output(void)
{
    if (__builtin_expect(!__atomic_load_n(&active, __ATOMIC_ACQUIRE), 1))
        return;
    __atomic_store_n(&signal_pending, 1, __ATOMIC_RELEASE);
    sched_note_interrupt();
}

void log_handover_deliver(void)
{
    if (!__atomic_exchange_n(&signal_pending, 0, __ATOMIC_ACQ_REL))
        return;
    if (taken.notification)
        notification_signal(taken.notification, taken.bits);
}
