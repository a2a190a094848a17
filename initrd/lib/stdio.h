/* SPDX-License-Identifier: MIT */
/*
 * Standard I/O of Kestrel's user runtime.
 *
 * stdout is line-buffered and stderr unbuffered, both to the console
 * service (ks_console_write, which falls back to the kernel log when
 * there is no console); stdin reads the console.  Other streams are VFS
 * files (fopen: modes r w a r+ w+ a+, "b" ignored), fully buffered.
 * printf writes to stdout, with no limit on the length of its output.
 * Every FILE has a mutex, so streams may be shared by threads.
 *
 * vsnprintf/snprintf are pure.  Conversions: %d %i %u %x %X %o %p %s %c
 * %%, length modifiers hh h l ll z j t, flags '-' '0' '#' '+' ' ', a
 * width (number or *), a precision (for %s; for integers, minimum
 * digits).
 */
#ifndef KS_STDIO_H
#define KS_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)
#define BUFSIZ 1024
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

typedef struct ks_file FILE;

extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Write what stdout holds of an unfinished line. */
void ks_log_flush(void);

/* NULL and errno on failure. */
FILE *fopen(const char *path, const char *mode);
int fclose(FILE *f);
size_t fread(void *buf, size_t size, size_t count, FILE *f);
size_t fwrite(const void *buf, size_t size, size_t count, FILE *f);
char *fgets(char *buf, int size, FILE *f);
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
int ungetc(int c, FILE *f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *s, FILE *f);
int puts(const char *s);
/* NULL: every stream. */
int fflush(FILE *f);
int fseek(FILE *f, long offset, int whence);
long ftell(FILE *f);
void rewind(FILE *f);
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
int fileno(FILE *f);
/* Before any I/O on f: mode _IOFBF, _IOLBF or _IONBF; buf (size bytes)
 * replaces the stream's buffer when given, and must outlive it. */
int setvbuf(FILE *f, char *buf, int mode, size_t size);
int rename(const char *from, const char *to);
int remove(const char *path);
/* "s: message of errno" on stderr. */
void perror(const char *s);

#endif /* KS_STDIO_H */
