/* SPDX-License-Identifier: MIT */
/*
 * The C string and memory functions of Kestrel's user runtime, with
 * their usual C semantics (memmove handles overlap; strncpy pads with
 * NULs).  Pure functions, safe from any thread.  GCC may also call
 * memcpy, memmove, memset and memcmp on its own (struct copies).
 */
#ifndef KS_STRING_H
#define KS_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);

#endif /* KS_STRING_H */
