/* SPDX-License-Identifier: MIT */
/*
 * Streams (stdio.h): the standard three, fopen and fclose, and the
 * buffering every stream operation goes through.  Streams are kept on a
 * list for fflush(NULL) and exit.  A stream's own mutex guards its
 * buffer; the list has one of its own.
 *
 * stdin reads the console a line at a time with a little editing, as a
 * terminal in canonical mode would: typed bytes are echoed, Backspace
 * erases, Enter ends the line (as '\n'), Ctrl-D on an empty line is the
 * end of input, and escape sequences (arrows) are dropped.  read(0)
 * itself stays raw (the shell edits its own lines).
 */
#include "ks.h"
#include "ks_file.h"

static unsigned char stdin_buf[256];
static unsigned char stdout_buf[1024];

static struct ks_file std_files[3] = {
    { .fd = 0, .access = KS_FILE_READ, .buffering = KS_BUF_LINE, .console_in = true,
      .is_static = true, .unget = -1, .buf = stdin_buf, .size = sizeof(stdin_buf) },
    { .fd = 1, .access = KS_FILE_WRITE, .buffering = KS_BUF_LINE, .is_static = true,
      .unget = -1, .buf = stdout_buf, .size = sizeof(stdout_buf) },
    { .fd = 2, .access = KS_FILE_WRITE, .buffering = KS_BUF_NONE, .is_static = true,
      .unget = -1 },
};

FILE *stdin = &std_files[0];
FILE *stdout = &std_files[1];
FILE *stderr = &std_files[2];

static struct ks_mutex list_lock;
static struct ks_file *open_files;      /* fopen'ed streams */

static int write_all(struct ks_file *f, const unsigned char *p, size_t n)
{
    if (n && write(f->fd, p, n) != (ssize_t)n) {
        f->error = true;
        return EOF;
    }
    return 0;
}

int ks_file_flush_locked(struct ks_file *f)
{
    int r = 0;
    if (f->writing) {
        r = write_all(f, f->buf, f->len);
        f->len = 0;
        f->writing = false;
    } else if (f->len > f->pos || f->unget >= 0) {
        /* Input read ahead: give it back to the file's position. */
        off_t back = (off_t)(f->len - f->pos) + (f->unget >= 0);
        if (f->fd > 2)
            lseek(f->fd, -back, SEEK_CUR);
    }
    f->pos = f->len = 0;
    f->unget = -1;
    return r;
}

size_t ks_file_write_locked(struct ks_file *f, const void *data, size_t n)
{
    const unsigned char *p = data;
    if (!(f->access & KS_FILE_WRITE)) {
        f->error = true;
        return 0;
    }
    if (!f->writing) {
        ks_file_flush_locked(f);
        f->writing = true;
    }
    if (f->buffering == KS_BUF_NONE || !f->buf)
        return write_all(f, p, n) == 0 ? n : 0;
    size_t done = 0;
    while (done < n) {
        /* Large writes skip the buffer once it is empty. */
        if (f->len == 0 && n - done >= f->size && f->buffering == KS_BUF_FULL) {
            if (write_all(f, p + done, n - done) != 0)
                return done;
            return n;
        }
        size_t room = f->size - f->len;
        size_t chunk = n - done < room ? n - done : room;
        bool newline = false;
        if (f->buffering == KS_BUF_LINE) {
            const unsigned char *nl = memchr(p + done, '\n', chunk);
            if (nl) {
                chunk = (size_t)(nl - (p + done)) + 1;
                newline = true;
            }
        }
        memcpy(f->buf + f->len, p + done, chunk);
        f->len += chunk;
        done += chunk;
        if (newline || f->len == f->size) {
            if (write_all(f, f->buf, f->len) != 0) {
                f->len = 0;
                return done - chunk;
            }
            f->len = 0;
        }
    }
    return n;
}

/* Typed ahead of the end of a line: read by the next line. */
static unsigned char pending[64];
static size_t pending_pos, pending_len;

static void echo(const char *s, size_t n)
{
    ks_console_write(s, n);
}

/* One edited line of the console into buf: its length ('\n' included),
 * 0 at the end of input, or -1. */
static ssize_t console_line(unsigned char *buf, size_t size)
{
    size_t n = 0;
    int esc = 0;                        /* 1 after ESC, 2 inside ESC [ */
    static bool last_cr;                /* skip the '\n' of a "\r\n" */
    for (;;) {
        if (pending_pos == pending_len) {
            ssize_t r = read(0, pending, sizeof(pending));
            if (r <= 0)
                return n ? (ssize_t)n : r;
            pending_pos = 0;
            pending_len = (size_t)r;
        }
        unsigned char c = pending[pending_pos++];
        bool after_cr = last_cr;
        last_cr = false;
        if (esc == 1) {
            esc = c == '[' || c == 'O' ? 2 : 0;
        } else if (esc == 2) {
            if (c >= 0x40 && c <= 0x7e)
                esc = 0;
        } else if (c == 0x1b) {
            esc = 1;
        } else if (c == '\r' || c == '\n') {
            if (c == '\n' && after_cr)
                continue;
            last_cr = c == '\r';
            echo("\n", 1);
            buf[n++] = '\n';
            return (ssize_t)n;
        } else if (c == 0x7f || c == '\b') {
            if (n) {
                n--;
                echo("\b \b", 3);
            }
        } else if (c == 0x04) {
            if (n == 0)
                return 0;
        } else if ((c >= 0x20 || c == '\t') && n + 1 < size) {
            buf[n++] = c;
            echo((const char *)&c, 1);
        }
    }
}

int ks_file_getc_locked(struct ks_file *f)
{
    if (!(f->access & KS_FILE_READ)) {
        f->error = true;
        return EOF;
    }
    if (f->writing)
        ks_file_flush_locked(f);
    if (f->unget >= 0) {
        int c = f->unget;
        f->unget = -1;
        return c;
    }
    if (f->pos == f->len) {
        if (f == stdin) {
            /* A prompt shows before the program waits for input. */
            ks_mutex_lock(&stdout->lock);
            ks_file_flush_locked(stdout);
            ks_mutex_unlock(&stdout->lock);
        }
        unsigned char one;
        unsigned char *dst = f->buf ? f->buf : &one;
        size_t room = f->buf ? f->size : 1;
        bool edited = f->console_in && f->buf && !ks_stdio_handle(f->fd);
        ssize_t r = edited ? console_line(dst, room) : read(f->fd, dst, room);
        if (r <= 0) {
            if (r == 0)
                f->eof = true;
            else
                f->error = true;
            return EOF;
        }
        if (!f->buf)
            return one;
        f->pos = 0;
        f->len = (size_t)r;
    }
    return f->buf[f->pos++];
}

FILE *fopen(const char *path, const char *mode)
{
    int flags, access;
    bool plus = mode && strchr(mode, '+');
    switch (mode ? mode[0] : 0) {
    case 'r': flags = plus ? O_RDWR : O_RDONLY; break;
    case 'w': flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
    case 'a': flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
    default:
        errno = EINVAL;
        return NULL;
    }
    access = plus ? KS_FILE_READ | KS_FILE_WRITE
                  : mode[0] == 'r' ? KS_FILE_READ : KS_FILE_WRITE;
    struct ks_file *f = calloc(1, sizeof(*f) + BUFSIZ);
    if (!f)
        return NULL;
    f->fd = open(path, flags);
    if (f->fd < 0) {
        free(f);
        return NULL;
    }
    f->access = access;
    f->buffering = KS_BUF_FULL;
    f->unget = -1;
    f->buf = (unsigned char *)(f + 1);
    f->size = BUFSIZ;
    ks_mutex_lock(&list_lock);
    f->next = open_files;
    open_files = f;
    ks_mutex_unlock(&list_lock);
    return f;
}

int fclose(FILE *f)
{
    if (!f)
        return EOF;
    ks_mutex_lock(&f->lock);
    int r = ks_file_flush_locked(f);
    ks_mutex_unlock(&f->lock);
    if (f->is_static) {
        close(f->fd);
        return r;
    }
    ks_mutex_lock(&list_lock);
    for (struct ks_file **pp = &open_files; *pp; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    }
    ks_mutex_unlock(&list_lock);
    if (close(f->fd) < 0)
        r = EOF;
    free(f);
    return r;
}

int fflush(FILE *f)
{
    if (f) {
        ks_mutex_lock(&f->lock);
        int r = f->writing ? ks_file_flush_locked(f) : 0;
        ks_mutex_unlock(&f->lock);
        return r;
    }
    int r = 0;
    ks_mutex_lock(&list_lock);
    for (struct ks_file *o = open_files; o; o = o->next)
        if (fflush(o) != 0)
            r = EOF;
    ks_mutex_unlock(&list_lock);
    if (fflush(stdout) != 0 || fflush(stderr) != 0)
        r = EOF;
    return r;
}

void ks_log_flush(void)
{
    fflush(stdout);
}
