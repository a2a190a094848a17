/* SPDX-License-Identifier: MIT */
/*
 * Number parsing and sorting of the C library; see ks_strconv.h.  Pure
 * logic, built on the host by the unit tests.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ks_strconv.h"

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

uint64_t ks_parse_unsigned(const char *s, char **end, int base, uint64_t max, bool *neg,
                           bool *overflow)
{
    const char *p = s;
    *neg = false;
    *overflow = false;
    if (end)
        *end = (char *)s;
    if (base < 0 || base == 1 || base > 36)
        return 0;
    while (is_space(*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    /* "0x" counts as a prefix only when a hex digit follows; else the
     * "0" is the number. */
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    uint64_t value = 0;
    const char *digits = p;
    for (int d; (d = digit_value(*p)) < base; p++) {
        if (*overflow)
            continue;
        if (value > (max - (uint64_t)d) / (uint64_t)base) {
            *overflow = true;
            value = max;
        } else {
            value = value * (uint64_t)base + (uint64_t)d;
        }
    }
    if (p == digits) {
        *neg = false;
        return 0;
    }
    if (end)
        *end = (char *)p;
    return value;
}

int64_t ks_strto_signed(const char *s, char **end, int base, int64_t min, int64_t max,
                        bool *range)
{
    bool neg, overflow;
    /* The magnitude of min is max + 1. */
    uint64_t limit = (uint64_t)max + 1;
    uint64_t v = ks_parse_unsigned(s, end, base, UINT64_MAX, &neg, &overflow);
    *range = false;
    if (neg) {
        if (overflow || v > limit) {
            *range = true;
            return min;
        }
        return v == limit ? min : -(int64_t)v;
    }
    if (overflow || v > (uint64_t)max) {
        *range = true;
        return max;
    }
    return (int64_t)v;
}

uint64_t ks_strto_unsigned(const char *s, char **end, int base, uint64_t max, bool *range)
{
    bool neg, overflow;
    uint64_t v = ks_parse_unsigned(s, end, base, UINT64_MAX, &neg, &overflow);
    *range = false;
    if (overflow || v > max) {
        *range = true;
        return max;
    }
    /* Negation happens in the result type (unsigned long is 64 bits
     * here, and max tells which type). */
    return neg ? (0 - v) & max : v;
}

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        unsigned char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

static void sift_down(unsigned char *base, size_t root, size_t count, size_t size,
                      int (*cmp)(const void *, const void *))
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= count)
            return;
        if (child + 1 < count && cmp(base + child * size, base + (child + 1) * size) < 0)
            child++;
        if (cmp(base + root * size, base + child * size) >= 0)
            return;
        swap_bytes(base + root * size, base + child * size, size);
        root = child;
    }
}

void ks_sort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *))
{
    unsigned char *b = base;
    if (count < 2 || size == 0)
        return;
    for (size_t i = count / 2; i-- > 0;)
        sift_down(b, i, count, size, cmp);
    for (size_t n = count - 1; n > 0; n--) {
        swap_bytes(b, b + n * size, size);
        sift_down(b, 0, n, size, cmp);
    }
}
