/* SPDX-License-Identifier: MIT */
/*
 * The printf family (stdio.h) on the format engine (format.c): the text
 * streams into the FILE's buffer piece by piece, under the stream's
 * lock, so its length is unlimited and a line of one thread is not cut
 * by another's.
 */
#include "ks.h"
#include "ks_file.h"
#include "ks_format.h"

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return ks_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = ks_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

struct file_sink {
    struct ks_file *f;
    bool failed;
};

static void file_put(void *ctx, const char *text, size_t len)
{
    struct file_sink *s = ctx;
    if (ks_file_write_locked(s->f, text, len) != len)
        s->failed = true;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    struct file_sink s = { f, false };
    ks_mutex_lock(&f->lock);
    if (f->buffering == KS_BUF_NONE && f->len == 0) {
        /* An unbuffered stream (stderr) still gets each message in one
         * write, not in the engine's pieces: buffer it for this call. */
        unsigned char local[512];
        unsigned char *buf = f->buf;
        size_t size = f->size;
        f->buf = local;
        f->size = sizeof(local);
        f->buffering = KS_BUF_FULL;
        size_t n = ks_format(file_put, &s, fmt, ap);
        if (ks_file_flush_locked(f) != 0)
            s.failed = true;
        f->buf = buf;
        f->size = size;
        f->buffering = KS_BUF_NONE;
        ks_mutex_unlock(&f->lock);
        if (s.failed)
            return -1;
        return n > INT32_MAX ? INT32_MAX : (int)n;
    }
    size_t n = ks_format(file_put, &s, fmt, ap);
    ks_mutex_unlock(&f->lock);
    if (s.failed)
        return -1;
    return n > INT32_MAX ? INT32_MAX : (int)n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}
