/* SPDX-License-Identifier: MIT */
/*
 * Kestrel kernel log.
 *
 * Interface: klog(level, fmt, ...) formats with lib/format.h and writes
 * to every console when level is at or above the threshold set by
 * klog_set_level() (`log=LEVEL`).  kerror/kwarn/kinfo/kdebug are
 * shorthands; kprintf is kinfo.  Each line starts with a
 * `[seconds.micros]` stamp: cycles since the loader's first RDTSC,
 * scaled by the rate klog_set_clock() was given (0.000000 until then).
 * Lines are pieced together across calls: a stamp is written whenever
 * output starts a new line.
 *
 * Every line also goes into the log ring (kestrel/log.h): klog_read
 * copies from a sequence number on (log_ring_read's contract),
 * klog_head is the number of the next byte.
 *
 * No locking of the line state: boot CPU, interrupts off.  Safe from
 * exception context.
 */
#ifndef KESTREL_DEBUG_KPRINTF_H
#define KESTREL_DEBUG_KPRINTF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/cmdline.h"

void klog_set_level(enum log_level level);
void klog_set_clock(uint64_t boot_cycles, uint64_t cycles_khz);
/* Microseconds since boot (0 before klog_set_clock). */
uint64_t klog_uptime_us(void);

int64_t klog_read(uint64_t from, char *out, size_t len, uint64_t *next, uint64_t *lost);
uint64_t klog_head(void);

void vklog(enum log_level level, const char *fmt, va_list ap);
void klog(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define kerror(...) klog(LOG_ERROR, __VA_ARGS__)
#define kwarn(...)  klog(LOG_WARN, __VA_ARGS__)
#define kinfo(...)  klog(LOG_INFO, __VA_ARGS__)
#define kdebug(...) klog(LOG_DEBUG, __VA_ARGS__)
#define kprintf(...) klog(LOG_INFO, __VA_ARGS__)

#endif /* KESTREL_DEBUG_KPRINTF_H */
