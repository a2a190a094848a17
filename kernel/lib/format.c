/* SPDX-License-Identifier: MIT */
/*
 * Kestrel's printf-style formatting engine; see format.h for the
 * interface.  Pure code: no kernel headers, no globals, so the host unit
 * tests (tests/unit/test_format.c) compile it unchanged.
 */
#include <stdint.h>
#include <stdbool.h>
#include "lib/format.h"

struct format_spec {
    bool left;          /* '-' flag */
    bool zero;          /* '0' flag */
    int width;          /* minimum field width, 0 = none */
    int precision;      /* -1 = none */
    int length;         /* -2 hh, -1 h, 0 int, 1 long, 2 long long / size_t */
};

struct format_out {
    format_put_fn put;
    void *ctx;
    size_t count;
};

static void out_char(struct format_out *out, char c)
{
    out->put(out->ctx, c);
    out->count++;
}

static void out_repeat(struct format_out *out, char c, int n)
{
    while (n-- > 0)
        out_char(out, c);
}

/* Emit body (len bytes) inside the field, with an optional sign/prefix
 * and a number of leading zeros already decided by the caller. */
static void out_field(struct format_out *out, const struct format_spec *spec,
                      const char *prefix, int zeros, const char *body, int len)
{
    int prefix_len = 0;
    while (prefix[prefix_len])
        prefix_len++;
    int pad = spec->width - prefix_len - zeros - len;

    if (!spec->left)
        out_repeat(out, ' ', pad);
    for (int i = 0; i < prefix_len; i++)
        out_char(out, prefix[i]);
    out_repeat(out, '0', zeros);
    for (int i = 0; i < len; i++)
        out_char(out, body[i]);
    if (spec->left)
        out_repeat(out, ' ', pad);
}

static void format_unsigned(struct format_out *out, const struct format_spec *spec,
                            uint64_t value, unsigned base, bool upper,
                            const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int len = 0;

    /* printf rule: precision 0 with value 0 prints no digits. */
    if (value != 0 || spec->precision != 0) {
        do {
            buf[sizeof(buf) - 1 - len++] = digits[value % base];
            value /= base;
        } while (value != 0);
    }

    int prefix_len = 0;
    while (prefix[prefix_len])
        prefix_len++;
    int zeros = 0;
    if (spec->precision >= 0) {
        zeros = spec->precision > len ? spec->precision - len : 0;
    } else if (spec->zero && !spec->left) {
        int room = spec->width - prefix_len - len;
        zeros = room > 0 ? room : 0;
    }
    out_field(out, spec, prefix, zeros, buf + sizeof(buf) - len, len);
}

static void format_signed(struct format_out *out, const struct format_spec *spec,
                          int64_t value)
{
    /* Negate in unsigned arithmetic so INT64_MIN does not overflow. */
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    format_unsigned(out, spec, magnitude, 10, false, value < 0 ? "-" : "");
}

static void format_string(struct format_out *out, const struct format_spec *spec,
                          const char *s)
{
    if (!s)
        s = "(null)";
    int len = 0;
    while (s[len] && (spec->precision < 0 || len < spec->precision))
        len++;
    out_field(out, spec, "", 0, s, len);
}

static uint64_t fetch_unsigned(const struct format_spec *spec, va_list *ap)
{
    switch (spec->length) {
    case -2: return (unsigned char)va_arg(*ap, unsigned int);
    case -1: return (unsigned short)va_arg(*ap, unsigned int);
    case 0:  return va_arg(*ap, unsigned int);
    case 1:  return va_arg(*ap, unsigned long);
    default: return va_arg(*ap, unsigned long long);
    }
}

static int64_t fetch_signed(const struct format_spec *spec, va_list *ap)
{
    switch (spec->length) {
    case -2: return (signed char)va_arg(*ap, int);
    case -1: return (short)va_arg(*ap, int);
    case 0:  return va_arg(*ap, int);
    case 1:  return va_arg(*ap, long);
    default: return va_arg(*ap, long long);
    }
}

/* Parse flags, width, precision and length after a '%'; returns the
 * pointer to the conversion character. */
static const char *parse_spec(const char *p, struct format_spec *spec, va_list *ap)
{
    *spec = (struct format_spec){ .precision = -1 };
    for (;; p++) {
        if (*p == '-')
            spec->left = true;
        else if (*p == '0')
            spec->zero = true;
        else
            break;
    }
    if (*p == '*') {
        spec->width = va_arg(*ap, int);
        if (spec->width < 0) {
            spec->left = true;
            spec->width = -spec->width;
        }
        p++;
    } else {
        while (*p >= '0' && *p <= '9')
            spec->width = spec->width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        spec->precision = 0;
        if (*p == '*') {
            spec->precision = va_arg(*ap, int);
            if (spec->precision < 0)
                spec->precision = -1;
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                spec->precision = spec->precision * 10 + (*p++ - '0');
        }
    }
    if (*p == 'h') {
        spec->length = p[1] == 'h' ? -2 : -1;
        p += p[1] == 'h' ? 2 : 1;
    } else if (*p == 'l') {
        spec->length = p[1] == 'l' ? 2 : 1;
        p += p[1] == 'l' ? 2 : 1;
    } else if (*p == 'z') {
        spec->length = sizeof(size_t) == sizeof(long) ? 1 : 2;
        p++;
    }
    return p;
}

size_t format_emit(format_put_fn put, void *ctx, const char *fmt, va_list ap_in)
{
    struct format_out out = { .put = put, .ctx = ctx, .count = 0 };
    struct format_spec spec;
    va_list ap;
    va_copy(ap, ap_in);

    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            out_char(&out, *p);
            continue;
        }
        const char *start = p;
        p = parse_spec(p + 1, &spec, &ap);
        switch (*p) {
        case 'd':
        case 'i':
            format_signed(&out, &spec, fetch_signed(&spec, &ap));
            break;
        case 'u':
            format_unsigned(&out, &spec, fetch_unsigned(&spec, &ap), 10, false, "");
            break;
        case 'o':
            format_unsigned(&out, &spec, fetch_unsigned(&spec, &ap), 8, false, "");
            break;
        case 'x':
        case 'X':
            format_unsigned(&out, &spec, fetch_unsigned(&spec, &ap), 16, *p == 'X', "");
            break;
        case 'p':
            spec.precision = 16;
            format_unsigned(&out, &spec, (uintptr_t)va_arg(ap, void *), 16, false, "0x");
            break;
        case 's':
            format_string(&out, &spec, va_arg(ap, const char *));
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            spec.precision = -1;
            out_field(&out, &spec, "", 0, &c, 1);
            break;
        }
        case '%':
            out_char(&out, '%');
            break;
        default:
            /* Unknown or truncated directive: show it as written. */
            for (const char *q = start; q <= p && *q; q++)
                out_char(&out, *q);
            if (!*p)
                p--;
            break;
        }
    }
    va_end(ap);
    return out.count;
}

struct snprintf_ctx {
    char *buf;
    size_t size;
    size_t used;
};

static void snprintf_put(void *ctx, char c)
{
    struct snprintf_ctx *s = ctx;
    /* Keep the last byte for the terminating NUL. */
    if (s->used + 1 < s->size)
        s->buf[s->used] = c;
    s->used++;
}

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct snprintf_ctx ctx = { .buf = buf, .size = size, .used = 0 };
    size_t total = format_emit(snprintf_put, &ctx, fmt, ap);
    if (size > 0)
        buf[total < size ? total : size - 1] = '\0';
    return total > INT32_MAX ? INT32_MAX : (int)total;
}

int format_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = format_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
