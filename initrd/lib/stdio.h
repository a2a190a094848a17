/* SPDX-License-Identifier: MIT */
/*
 * Formatted output of Kestrel's user runtime.  vsnprintf/snprintf
 * format into a buffer; printf sends its text to the kernel log
 * (KS_SYS_LOG_WRITE) one whole line at a time, so lines of different
 * threads do not interleave mid-line.  Conversions: %d %i %u %x %X %p
 * %s %c %%, length modifiers hh h l ll z j t, flags '-' '0' '#', a width
 * (number or *), a precision for %s.  printf and ks_log_flush take the
 * log mutex; vsnprintf/snprintf are pure.
 */
#ifndef KS_STDIO_H
#define KS_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Bytes formatted (output beyond a few hundred bytes per call is cut). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Write what is buffered of an unfinished line. */
void ks_log_flush(void);

#endif /* KS_STDIO_H */
