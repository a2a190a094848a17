/* SPDX-License-Identifier: MIT */
/*
 * Kestrel kernel log; see kprintf.h.  Output is gathered in a small
 * buffer and handed to the log ring and the consoles per line (or when
 * full), so a serial line is not interleaved byte by byte with the
 * stamp logic.
 */
#include <stdbool.h>
#include "arch.h"
#include "console/console.h"
#include "console/log_handover.h"
#include "debug/kprintf.h"
#include "debug/log_ring.h"
#include "kestrel/log.h"
#include "lib/format.h"

static enum log_level threshold = LOG_INFO;
static uint64_t clock_base;
static uint64_t clock_khz;
static bool at_line_start = true;

struct line_buffer {
    char text[160];
    size_t used;
};

void klog_set_level(enum log_level level)
{
    threshold = level;
}

void klog_set_clock(uint64_t boot_cycles, uint64_t cycles_per_khz)
{
    clock_base = boot_cycles;
    clock_khz = cycles_per_khz;
}

uint64_t klog_uptime_us(void)
{
    uint64_t now = arch_cycles();
    if (!clock_khz || now < clock_base)
        return 0;
    uint64_t delta = now - clock_base;
    /* Split to keep delta * 1000 from overflowing on long uptimes. */
    return delta / clock_khz * 1000 + delta % clock_khz * 1000 / clock_khz;
}

/* The log stream (kestrel/log.h).  The ring lock only orders appends
 * and reads; any context may log, so a CPU that cannot get it in a
 * bounded spin goes on without it (the ring's indices stay in bounds
 * either way: the worst is a garbled line, never a hang). */
static char ring_storage[KS_LOG_RING_SIZE];
static struct log_ring ring = { .buf = ring_storage, .size = KS_LOG_RING_SIZE };
static int ring_lock;

#define RING_SPIN_LIMIT 1000000

static bool ring_acquire(void)
{
    for (unsigned spin = 0; spin < RING_SPIN_LIMIT; spin++) {
        if (!__atomic_load_n(&ring_lock, __ATOMIC_RELAXED) &&
            !__atomic_exchange_n(&ring_lock, 1, __ATOMIC_ACQUIRE))
            return true;
    }
    return false;
}

static void ring_release(bool held)
{
    if (held)
        __atomic_store_n(&ring_lock, 0, __ATOMIC_RELEASE);
}

int64_t klog_read(uint64_t from, char *out, size_t len, uint64_t *next, uint64_t *lost)
{
    bool held = ring_acquire();
    int64_t n = log_ring_read(&ring, from, out, len, next, lost);
    ring_release(held);
    return n;
}

uint64_t klog_head(void)
{
    return __atomic_load_n(&ring.head, __ATOMIC_ACQUIRE);
}

static void flush(struct line_buffer *line)
{
    bool held = ring_acquire();
    log_ring_append(&ring, line->text, line->used);
    ring_release(held);
    console_write(line->text, line->used);
    log_handover_note_output();
    line->used = 0;
}

static void put_raw(struct line_buffer *line, char c)
{
    if (line->used == sizeof(line->text))
        flush(line);
    line->text[line->used++] = c;
}

static void put_stamped(void *ctx, char c)
{
    struct line_buffer *line = ctx;
    if (at_line_start) {
        char stamp[32];
        uint64_t us = klog_uptime_us();
        int n = format_snprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ",
                                (unsigned long long)(us / 1000000),
                                (unsigned long long)(us % 1000000));
        for (int i = 0; i < n && i < (int)sizeof(stamp) - 1; i++)
            put_raw(line, stamp[i]);
        at_line_start = false;
    }
    put_raw(line, c);
    if (c == '\n') {
        at_line_start = true;
        flush(line);
    }
}

void vklog(enum log_level level, const char *fmt, va_list ap)
{
    if (level > threshold)
        return;
    struct line_buffer line = { .used = 0 };
    format_emit(put_stamped, &line, fmt, ap);
    if (line.used)
        flush(&line);
}

void klog(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vklog(level, fmt, ap);
    va_end(ap);
}
