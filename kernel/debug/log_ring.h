/* SPDX-License-Identifier: MIT */
/*
 * The kernel log's ring (kestrel/log.h): the newest `size` bytes of the
 * log stream, addressed by sequence number (a byte's offset in the
 * stream since boot).  Pure logic, tested on the host
 * (tests/unit/test_log_ring.c).
 *
 * Interface:
 *   log_ring_append  add bytes at the head, overwriting the oldest
 *   log_ring_oldest  the oldest sequence number still kept
 *   log_ring_read    copy from a sequence number on
 *
 * Not locked: the caller serialises appends with reads (kprintf.c).
 * Every index is taken modulo size, so even a racing append cannot
 * write outside the buffer.
 */
#ifndef KESTREL_DEBUG_LOG_RING_H
#define KESTREL_DEBUG_LOG_RING_H

#include <stddef.h>
#include <stdint.h>

struct log_ring {
    char *buf;
    uint64_t size;              /* a power of two */
    uint64_t head;              /* sequence number of the next byte */
};

void log_ring_append(struct log_ring *r, const char *s, size_t len);
uint64_t log_ring_oldest(const struct log_ring *r);

/* Copy up to len bytes from sequence number from (one older than the
 * oldest kept reads from the oldest) -> bytes copied, or -1 when from
 * is past the head.  *next: the number after the last byte copied;
 * *lost: bytes from `from` on that are no longer kept. */
int64_t log_ring_read(const struct log_ring *r, uint64_t from, char *out, size_t len,
                      uint64_t *next, uint64_t *lost);

#endif /* KESTREL_DEBUG_LOG_RING_H */
