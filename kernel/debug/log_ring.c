/* SPDX-License-Identifier: MIT */
/*
 * The kernel log's ring; see log_ring.h.
 */
#include "debug/log_ring.h"

void log_ring_append(struct log_ring *r, const char *s, size_t len)
{
    uint64_t mask = r->size - 1;
    /* Only the last `size` bytes of a long append survive anyway. */
    if (len > r->size) {
        r->head += len - r->size;
        s += len - r->size;
        len = r->size;
    }
    for (size_t i = 0; i < len; i++)
        r->buf[(r->head + i) & mask] = s[i];
    r->head += len;
}

uint64_t log_ring_oldest(const struct log_ring *r)
{
    return r->head > r->size ? r->head - r->size : 0;
}

int64_t log_ring_read(const struct log_ring *r, uint64_t from, char *out, size_t len,
                      uint64_t *next, uint64_t *lost)
{
    if (from > r->head)
        return -1;
    uint64_t oldest = log_ring_oldest(r);
    *lost = from < oldest ? oldest - from : 0;
    if (from < oldest)
        from = oldest;
    uint64_t n = r->head - from;
    if (n > len)
        n = len;
    uint64_t mask = r->size - 1;
    for (uint64_t i = 0; i < n; i++)
        out[i] = r->buf[(from + i) & mask];
    *next = from + n;
    return (int64_t)n;
}
