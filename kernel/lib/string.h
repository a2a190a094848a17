/* SPDX-License-Identifier: MIT */
/*
 * Kestrel's freestanding string and memory routines.  GCC may emit calls
 * to memcpy/memmove/memset/memcmp on its own, so they keep their C names
 * and semantics.  Pure, reentrant.
 */
#ifndef KESTREL_LIB_STRING_H
#define KESTREL_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif /* KESTREL_LIB_STRING_H */
