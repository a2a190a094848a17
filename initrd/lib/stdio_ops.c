/* SPDX-License-Identifier: MIT */
/*
 * The byte, line and block operations of streams (stdio.h), each under
 * the stream's lock, on the buffering of stdio.c.
 */
#include "ks.h"
#include "ks_file.h"

size_t fwrite(const void *buf, size_t size, size_t count, FILE *f)
{
    if (size == 0 || count == 0)
        return 0;
    if (count > SIZE_MAX / size) {
        f->error = true;
        return 0;
    }
    ks_mutex_lock(&f->lock);
    size_t n = ks_file_write_locked(f, buf, size * count);
    ks_mutex_unlock(&f->lock);
    return n / size;
}

size_t fread(void *buf, size_t size, size_t count, FILE *f)
{
    if (size == 0 || count == 0)
        return 0;
    if (count > SIZE_MAX / size) {
        f->error = true;
        return 0;
    }
    size_t total = size * count, done = 0;
    unsigned char *p = buf;
    ks_mutex_lock(&f->lock);
    /* What is buffered first; then a large remainder straight from the
     * file (not the console, which needs the byte translation). */
    while (done < total) {
        if (f->unget < 0 && f->pos == f->len && !f->writing && !f->console_in &&
            total - done >= f->size && (f->access & KS_FILE_READ)) {
            ssize_t r = read(f->fd, p + done, total - done);
            if (r < 0)
                f->error = true;
            else if (r == 0)
                f->eof = true;
            else
                done += (size_t)r;
            if (r <= 0)
                break;
            continue;
        }
        int c = ks_file_getc_locked(f);
        if (c == EOF)
            break;
        p[done++] = (unsigned char)c;
    }
    ks_mutex_unlock(&f->lock);
    return done / size;
}

int fgetc(FILE *f)
{
    ks_mutex_lock(&f->lock);
    int c = ks_file_getc_locked(f);
    ks_mutex_unlock(&f->lock);
    return c;
}

int getc(FILE *f)
{
    return fgetc(f);
}

int getchar(void)
{
    return fgetc(stdin);
}

int ungetc(int c, FILE *f)
{
    if (c == EOF)
        return EOF;
    ks_mutex_lock(&f->lock);
    int r = EOF;
    if (f->unget < 0) {
        f->unget = (unsigned char)c;
        f->eof = false;
        r = (unsigned char)c;
    }
    ks_mutex_unlock(&f->lock);
    return r;
}

char *fgets(char *buf, int size, FILE *f)
{
    if (size <= 0)
        return NULL;
    int n = 0;
    ks_mutex_lock(&f->lock);
    while (n < size - 1) {
        int c = ks_file_getc_locked(f);
        if (c == EOF)
            break;
        buf[n++] = (char)c;
        if (c == '\n')
            break;
    }
    ks_mutex_unlock(&f->lock);
    if (n == 0)
        return NULL;
    buf[n] = '\0';
    return buf;
}

int fputc(int c, FILE *f)
{
    unsigned char b = (unsigned char)c;
    ks_mutex_lock(&f->lock);
    size_t n = ks_file_write_locked(f, &b, 1);
    ks_mutex_unlock(&f->lock);
    return n == 1 ? b : EOF;
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fputs(const char *s, FILE *f)
{
    size_t len = strlen(s);
    ks_mutex_lock(&f->lock);
    size_t n = ks_file_write_locked(f, s, len);
    ks_mutex_unlock(&f->lock);
    return n == len ? 0 : EOF;
}

int puts(const char *s)
{
    size_t len = strlen(s);
    ks_mutex_lock(&stdout->lock);
    size_t n = ks_file_write_locked(stdout, s, len);
    bool ok = n == len && ks_file_write_locked(stdout, "\n", 1) == 1;
    ks_mutex_unlock(&stdout->lock);
    return ok ? 0 : EOF;
}

int fseek(FILE *f, long offset, int whence)
{
    ks_mutex_lock(&f->lock);
    int r = ks_file_flush_locked(f);
    if (r == 0 && lseek(f->fd, offset, whence) < 0)
        r = -1;
    if (r == 0)
        f->eof = false;
    ks_mutex_unlock(&f->lock);
    return r == 0 ? 0 : -1;
}

long ftell(FILE *f)
{
    ks_mutex_lock(&f->lock);
    off_t pos = lseek(f->fd, 0, SEEK_CUR);
    if (pos >= 0) {
        if (f->writing)
            pos += (off_t)f->len;
        else
            pos -= (off_t)(f->len - f->pos) + (f->unget >= 0);
    }
    ks_mutex_unlock(&f->lock);
    return pos;
}

void rewind(FILE *f)
{
    fseek(f, 0, SEEK_SET);
    clearerr(f);
}

int feof(FILE *f)
{
    return f->eof;
}

int ferror(FILE *f)
{
    return f->error;
}

void clearerr(FILE *f)
{
    ks_mutex_lock(&f->lock);
    f->eof = false;
    f->error = false;
    ks_mutex_unlock(&f->lock);
}

int fileno(FILE *f)
{
    return f->fd;
}

void perror(const char *s)
{
    int err = errno;
    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, strerror(err));
    else
        fprintf(stderr, "%s\n", strerror(err));
}

int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
    if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF)
        return -1;
    ks_mutex_lock(&f->lock);
    ks_file_flush_locked(f);
    if (buf && size && mode != _IONBF) {
        f->buf = (unsigned char *)buf;
        f->size = size;
    }
    /* Without a buffer, a stream can only be unbuffered. */
    if (!f->buf)
        mode = _IONBF;
    f->buffering = mode == _IONBF ? KS_BUF_NONE : mode == _IOLBF ? KS_BUF_LINE : KS_BUF_FULL;
    ks_mutex_unlock(&f->lock);
    return 0;
}

void ks_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
