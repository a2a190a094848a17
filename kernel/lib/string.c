/* SPDX-License-Identifier: MIT */
/*
 * Kestrel's freestanding string and memory routines; see string.h.
 * Word-at-a-time when both pointers allow it, because the framebuffer
 * console scrolls megabytes through memmove.  kernel.mk builds this file
 * with -fno-tree-loop-distribute-patterns so GCC cannot turn these loops
 * back into calls to themselves.
 */
#include <stdint.h>
#include "lib/string.h"

typedef uint64_t __attribute__((may_alias)) word_t;

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    return memmove(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    int aligned = (((uintptr_t)d | (uintptr_t)s) & 7) == 0;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n) {
        size_t i = 0;
        if (aligned) {
            for (; i + 8 <= n; i += 8)
                *(word_t *)(d + i) = *(const word_t *)(s + i);
        }
        for (; i < n; i++)
            d[i] = s[i];
    } else {
        /* Overlap with dst above src: copy from the end. */
        size_t i = n;
        while (i > 0 && (i & 7)) {
            i--;
            d[i] = s[i];
        }
        if (aligned) {
            for (; i >= 8; i -= 8)
                *(word_t *)(d + i - 8) = *(const word_t *)(s + i - 8);
        }
        while (i > 0) {
            i--;
            d[i] = s[i];
        }
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    size_t i = 0;
    if (((uintptr_t)d & 7) == 0) {
        word_t pattern = 0x0101010101010101ull * (uint8_t)c;
        for (; i + 8 <= n; i += 8)
            *(word_t *)(d + i) = pattern;
    }
    for (; i < n; i++)
        d[i] = (uint8_t)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}
