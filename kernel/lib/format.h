/* SPDX-License-Identifier: MIT */
/*
 * Kestrel's printf-style formatting engine (pure, host-tested).
 *
 * Interface: format_emit() walks a format string and hands every output
 * character to a caller-supplied put function; format_vsnprintf() and
 * format_snprintf() build on it with C99 snprintf semantics (the result
 * is always NUL-terminated when size > 0, and the return value is the
 * length the full output would have had).
 *
 * Supported: %d %i %u %o %x %X %p %s %c %%, the hh/h/l/ll/z length
 * modifiers, '-' (left align), '0' (zero pad), field width and precision
 * (also as '*'); precision limits %s and sets the minimum digits of
 * integers.  %p prints 0x and 16 hex digits.  An unknown conversion is
 * copied through verbatim.  No state: callable from any context.
 */
#ifndef KESTREL_LIB_FORMAT_H
#define KESTREL_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_put_fn)(void *ctx, char c);

size_t format_emit(format_put_fn put, void *ctx, const char *fmt, va_list ap);
int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int format_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* KESTREL_LIB_FORMAT_H */
