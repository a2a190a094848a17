/* SPDX-License-Identifier: MIT */
/*
 * The printf engine; see ks_format.h.  Pure logic, built on the host by
 * the unit tests, which compare it with the host's snprintf.  Text
 * collects in a small buffer and goes to the sink when it fills and at
 * the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "ks_format.h"

struct format_out {
    ks_format_sink sink;
    void *ctx;
    size_t len;                 /* the full length so far */
    size_t used;                /* bytes in tmp */
    char tmp[128];
};

struct format_spec {
    int left;           /* '-' */
    int zero;           /* '0' */
    int alternate;      /* '#': 0x before a non-zero %x, 0 before %o */
    int plus;           /* '+' */
    int space;          /* ' ' */
    int width;
    int precision;      /* -1: none */
    int length;         /* 0 int, 1 long, 2 long long, -1 short, -2 char */
};

static void out_flush(struct format_out *o)
{
    if (o->used)
        o->sink(o->ctx, o->tmp, o->used);
    o->used = 0;
}

static void out_char(struct format_out *o, char c)
{
    if (o->used == sizeof(o->tmp))
        out_flush(o);
    o->tmp[o->used++] = c;
    o->len++;
}

static void out_pad(struct format_out *o, char c, int count)
{
    for (; count > 0; count--)
        out_char(o, c);
}

/* body[0..len) after zeros to reach digits, padded to the width; a
 * sign or 0x prefix stays in front of zero padding. */
static void out_field(struct format_out *o, const struct format_spec *s, const char *prefix,
                      const char *body, int len, int digits)
{
    int prefix_len = (int)strlen(prefix);
    int zeros = digits > len ? digits - len : 0;
    int pad = s->width - len - zeros - prefix_len;
    if (!s->left && !s->zero)
        out_pad(o, ' ', pad);
    for (int i = 0; i < prefix_len; i++)
        out_char(o, prefix[i]);
    if (!s->left && s->zero)
        out_pad(o, '0', pad);
    out_pad(o, '0', zeros);
    for (int i = 0; i < len; i++)
        out_char(o, body[i]);
    if (s->left)
        out_pad(o, ' ', pad);
}

static void out_number(struct format_out *o, struct format_spec *s, uint64_t value,
                       unsigned base, int upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = sizeof(tmp);
    /* A precision turns zero padding off, and ".0" prints no 0. */
    if (s->precision >= 0)
        s->zero = 0;
    if (!(value == 0 && s->precision == 0)) {
        do {
            tmp[--n] = digits[value % base];
            value /= base;
        } while (value);
    }
    int len = (int)sizeof(tmp) - n;
    int min_digits = s->precision;
    /* "%#o" shows a leading 0 (once). */
    if (base == 8 && s->alternate && (len == 0 || tmp[n] != '0') && min_digits <= len)
        min_digits = len + 1;
    out_field(o, s, prefix, tmp + n, len, min_digits);
}

static int64_t take_signed(const struct format_spec *s, va_list *ap)
{
    if (s->length >= 2)
        return va_arg(*ap, long long);
    if (s->length == 1)
        return va_arg(*ap, long);
    int v = va_arg(*ap, int);
    return s->length == -1 ? (short)v : s->length == -2 ? (signed char)v : v;
}

static uint64_t take_unsigned(const struct format_spec *s, va_list *ap)
{
    if (s->length >= 2)
        return va_arg(*ap, unsigned long long);
    if (s->length == 1)
        return va_arg(*ap, unsigned long);
    unsigned v = va_arg(*ap, unsigned);
    return s->length == -1 ? (unsigned short)v : s->length == -2 ? (unsigned char)v : v;
}

static int parse_int(const char **fmt)
{
    int v = 0;
    for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++)
        if (v < 100000)
            v = v * 10 + (**fmt - '0');
    return v;
}

/* Flags, width, precision and length of the spec at *fmt (past '%'). */
static const char *parse_spec(const char *fmt, struct format_spec *s, va_list *ap)
{
    memset(s, 0, sizeof(*s));
    s->precision = -1;
    for (;; fmt++) {
        if (*fmt == '-')
            s->left = 1;
        else if (*fmt == '0')
            s->zero = 1;
        else if (*fmt == '#')
            s->alternate = 1;
        else if (*fmt == '+')
            s->plus = 1;
        else if (*fmt == ' ')
            s->space = 1;
        else
            break;
    }
    if (*fmt == '*') {
        int w = va_arg(*ap, int);
        if (w < 0) {
            s->left = 1;
            w = w == INT32_MIN ? 0 : -w;
        }
        s->width = w;
        fmt++;
    } else {
        s->width = parse_int(&fmt);
    }
    if (*fmt == '.') {
        fmt++;
        if (*fmt == '*') {
            int p = va_arg(*ap, int);
            s->precision = p < 0 ? -1 : p;
            fmt++;
        } else {
            s->precision = parse_int(&fmt);
        }
    }
    if (s->left)
        s->zero = 0;
    for (;; fmt++) {
        if (*fmt == 'l')
            s->length = s->length < 1 ? 1 : 2;
        else if (*fmt == 'h')
            s->length = s->length == 0 ? -1 : -2;
        else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't')
            s->length = 1;
        else
            break;
    }
    return fmt;
}

static void format_one(struct format_out *o, char conv, struct format_spec *s, va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = take_signed(s, ap);
        uint64_t magnitude = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        const char *sign = v < 0 ? "-" : s->plus ? "+" : s->space ? " " : "";
        out_number(o, s, magnitude, 10, 0, sign);
        break;
    }
    case 'u':
        out_number(o, s, take_unsigned(s, ap), 10, 0, "");
        break;
    case 'o':
        out_number(o, s, take_unsigned(s, ap), 8, 0, "");
        break;
    case 'x':
    case 'X': {
        uint64_t v = take_unsigned(s, ap);
        const char *prefix = !s->alternate || !v ? "" : conv == 'X' ? "0X" : "0x";
        out_number(o, s, v, 16, conv == 'X', prefix);
        break;
    }
    case 'p':
        s->length = 1;
        out_number(o, s, (uintptr_t)va_arg(*ap, void *), 16, 0, "0x");
        break;
    case 'c': {
        char c = (char)va_arg(*ap, int);
        s->zero = 0;
        out_field(o, s, "", &c, 1, 0);
        break;
    }
    case 's': {
        const char *str = va_arg(*ap, const char *);
        if (!str)
            str = "(null)";
        int len = 0;
        while (str[len] && (s->precision < 0 || len < s->precision))
            len++;
        s->zero = 0;
        out_field(o, s, "", str, len, 0);
        break;
    }
    default:            /* '%' and anything unknown: print it as it is */
        out_char(o, conv);
        break;
    }
}

size_t ks_format(ks_format_sink sink, void *ctx, const char *fmt, va_list ap)
{
    struct format_out o;
    o.sink = sink;
    o.ctx = ctx;
    o.len = 0;
    o.used = 0;
    va_list args;
    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            out_char(&o, *fmt++);
            continue;
        }
        struct format_spec spec;
        fmt = parse_spec(fmt + 1, &spec, &args);
        if (!*fmt)
            break;
        format_one(&o, *fmt++, &spec, &args);
    }
    va_end(args);
    out_flush(&o);
    return o.len;
}

struct buf_sink {
    char *buf;
    size_t size;                /* room, NUL included */
    size_t pos;
};

static void buf_put(void *ctx, const char *text, size_t len)
{
    struct buf_sink *b = ctx;
    if (b->pos + 1 < b->size) {
        size_t room = b->size - 1 - b->pos;
        size_t n = len < room ? len : room;
        memcpy(b->buf + b->pos, text, n);
        b->pos += n;
    }
}

int ks_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buf_sink b = { buf, size, 0 };
    size_t len = ks_format(buf_put, &b, fmt, ap);
    if (size)
        buf[b.pos] = '\0';
    return len > INT32_MAX ? INT32_MAX : (int)len;
}
