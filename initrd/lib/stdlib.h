/* SPDX-License-Identifier: MIT */
/*
 * The C standard library's general utilities in Kestrel's user runtime.
 *
 * malloc and friends: a thread-safe allocator over anonymous memory
 * objects (malloc_core.c: size classes for small blocks, a mapping of
 * its own for a large one).  Every block is 16-byte aligned.  Freeing a
 * pointer that malloc did not return, or freeing one twice, prints a
 * message and aborts the process.
 *
 * The environment (environ) is NAME=VALUE strings; crt0 fills it from
 * the part of argv after KS_ENV_MARK (ks_services.h), and ks_spawn
 * passes it on to children.
 */
#ifndef KS_STDLIB_H
#define KS_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff

void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);

/* Run the atexit handlers (last registered first), flush stdio, end
 * the process with status. */
__attribute__((noreturn)) void exit(int status);
/* End at once, without handlers (status 127 after a message). */
__attribute__((noreturn)) void _exit(int status);
__attribute__((noreturn)) void abort(void);
/* Up to 32 handlers; -1 when full. */
int atexit(void (*fn)(void));

extern char **environ;
char *getenv(const char *name);
/* 0, or -1 with errno (EINVAL: empty name or one with '='; ENOMEM). */
int setenv(const char *name, const char *value, int overwrite);
int unsetenv(const char *name);

int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
/* On overflow: the limit of the type and errno = ERANGE. */
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);

int abs(int x);
long labs(long x);
long long llabs(long long x);

void qsort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *));
/* A small pseudo-random generator (not for secrets). */
int rand(void);
void srand(unsigned seed);

#endif /* KS_STDLIB_H */
