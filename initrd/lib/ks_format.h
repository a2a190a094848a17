/* SPDX-License-Identifier: MIT */
/*
 * The printf engine (format.c, pure logic): formats into a sink that
 * receives the text in pieces, so output of any length streams out.
 * vsnprintf, printf and fprintf are built on it (stdio.h lists the
 * conversions).
 */
#ifndef KS_FORMAT_H
#define KS_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Called with consecutive pieces of the text (never empty). */
typedef void (*ks_format_sink)(void *ctx, const char *text, size_t len);

/* -> the length of the whole text. */
size_t ks_format(ks_format_sink sink, void *ctx, const char *fmt, va_list ap);
/* vsnprintf's semantics: the full length; buf ends with a NUL when
 * size > 0. */
int ks_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif /* KS_FORMAT_H */
