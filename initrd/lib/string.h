/* SPDX-License-Identifier: MIT */
/*
 * The C string and memory functions of Kestrel's user runtime, with
 * their usual C semantics (memmove handles overlap; strncpy pads with
 * NULs).  Pure functions, safe from any thread (strdup/strndup allocate
 * with malloc; strerror returns a constant string).  GCC may also call
 * memcpy, memmove, memset and memcmp on its own (struct copies).
 */
#ifndef KS_STRING_H
#define KS_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* ASCII case folded. */
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
char *strcat(char *restrict dst, const char *restrict src);
char *strncat(char *restrict dst, const char *restrict src, size_t n);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save);
char *strdup(const char *s);
char *strndup(const char *s, size_t max);
/* err may be positive (errno) or negative (-KS_ERR_*). */
char *strerror(int err);

#endif /* KS_STRING_H */
