/* SPDX-License-Identifier: MIT */
/*
 * printf to the kernel log; see stdio.h.  Text collects in one line
 * buffer (guarded by a mutex, shared by the process's threads) and goes
 * to KS_SYS_LOG_WRITE at each newline or when the buffer is full, so
 * the kernel sees whole lines.
 */
#include <stdint.h>
#include "ks.h"

#define PRINTF_CHUNK 512
#define LOG_LINE_MAX 256

static struct ks_mutex log_lock;
static char log_line[LOG_LINE_MAX];
static size_t log_used;                 /* guarded by log_lock */

static void log_line_flush(void)
{
    if (log_used)
        ks_sys_log_write(log_line, log_used);
    log_used = 0;
}

void ks_log_flush(void)
{
    ks_mutex_lock(&log_lock);
    log_line_flush();
    ks_mutex_unlock(&log_lock);
}

int vprintf(const char *fmt, va_list ap)
{
    char chunk[PRINTF_CHUNK];
    int n = vsnprintf(chunk, sizeof(chunk), fmt, ap);
    size_t len = n < (int)sizeof(chunk) ? (size_t)n : sizeof(chunk) - 1;
    ks_mutex_lock(&log_lock);
    for (size_t i = 0; i < len; i++) {
        log_line[log_used++] = chunk[i];
        if (chunk[i] == '\n' || log_used == LOG_LINE_MAX)
            log_line_flush();
    }
    ks_mutex_unlock(&log_lock);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
