/* SPDX-License-Identifier: MIT */
/*
 * vsnprintf and snprintf; see stdio.h.  C semantics: the result is the
 * length the whole text would have, the buffer always ends with a NUL
 * when size > 0.
 */
#include <stdint.h>
#include "stdio.h"
#include "string.h"

struct format_out {
    char *buf;
    size_t size;
    size_t len;         /* the full length, even past size */
};

struct format_spec {
    int left;           /* '-' */
    int zero;           /* '0' */
    int alternate;      /* '#': 0x before a non-zero %x */
    int width;
    int precision;      /* -1: none */
    int length;         /* 0 int, 1 long, 2 long long, -1 short, -2 char */
};

static void out_char(struct format_out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_pad(struct format_out *o, char c, int count)
{
    for (; count > 0; count--)
        out_char(o, c);
}

/* body[0..len) padded to the width; a sign or 0x prefix stays in front
 * of zero padding. */
static void out_field(struct format_out *o, const struct format_spec *s, const char *prefix,
                      const char *body, int len)
{
    int prefix_len = (int)strlen(prefix);
    int pad = s->width - len - prefix_len;
    if (!s->left && !s->zero)
        out_pad(o, ' ', pad);
    for (int i = 0; i < prefix_len; i++)
        out_char(o, prefix[i]);
    if (!s->left && s->zero)
        out_pad(o, '0', pad);
    for (int i = 0; i < len; i++)
        out_char(o, body[i]);
    if (s->left)
        out_pad(o, ' ', pad);
}

static void out_number(struct format_out *o, const struct format_spec *s, uint64_t value,
                       unsigned base, int upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = sizeof(tmp);
    do {
        tmp[--n] = digits[value % base];
        value /= base;
    } while (value);
    out_field(o, s, prefix, tmp + n, (int)sizeof(tmp) - n);
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
        else
            break;
    }
    if (*fmt == '*') {
        s->width = va_arg(*ap, int);
        if (s->width < 0) {
            s->left = 1;
            s->width = -s->width;
        }
        fmt++;
    }
    for (; *fmt >= '0' && *fmt <= '9'; fmt++)
        s->width = s->width * 10 + (*fmt - '0');
    if (*fmt == '.') {
        s->precision = 0;
        for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
            s->precision = s->precision * 10 + (*fmt - '0');
    }
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
        out_number(o, s, magnitude, 10, 0, v < 0 ? "-" : "");
        break;
    }
    case 'u':
        out_number(o, s, take_unsigned(s, ap), 10, 0, "");
        break;
    case 'x':
    case 'X': {
        uint64_t v = take_unsigned(s, ap);
        const char *prefix = !s->alternate || !v ? "" : conv == 'X' ? "0X" : "0x";
        out_number(o, s, v, 16, conv == 'X', prefix);
        break;
    }
    case 'p':
        out_number(o, s, (uintptr_t)va_arg(*ap, void *), 16, 0, "0x");
        break;
    case 'c': {
        char c = (char)va_arg(*ap, int);
        s->zero = 0;
        out_field(o, s, "", &c, 1);
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
        out_field(o, s, "", str, len);
        break;
    }
    default:            /* '%' and anything unknown: print it as it is */
        out_char(o, conv);
        break;
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct format_out o = { buf, size, 0 };
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
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
