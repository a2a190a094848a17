/* SPDX-License-Identifier: MIT */
/*
 * The byte ring (ring.h).  head and tail run freely and wrap at 2^32;
 * their difference is the fill level, which never exceeds RING_SIZE, so
 * a full ring and an empty one are told apart without a spare slot.
 */
#include <string.h>
#include "ring.h"

#define RING_MASK (RING_SIZE - 1)

void ring_init(struct ring *r)
{
    r->head = 0;
    r->tail = 0;
}

size_t ring_used(const struct ring *r)
{
    return (uint32_t)(r->tail - r->head);
}

size_t ring_free(const struct ring *r)
{
    return RING_SIZE - ring_used(r);
}

/* Copy n bytes starting at ring position pos into out, across the wrap. */
static void copy_out(const struct ring *r, uint32_t pos, uint8_t *out, size_t n)
{
    size_t at = pos & RING_MASK;
    size_t first = n < RING_SIZE - at ? n : RING_SIZE - at;
    memcpy(out, r->buf + at, first);
    memcpy(out + first, r->buf, n - first);
}

size_t ring_put(struct ring *r, const void *data, size_t len)
{
    size_t n = len < ring_free(r) ? len : ring_free(r);
    size_t at = r->tail & RING_MASK;
    size_t first = n < RING_SIZE - at ? n : RING_SIZE - at;
    memcpy(r->buf + at, data, first);
    memcpy(r->buf, (const uint8_t *)data + first, n - first);
    r->tail += (uint32_t)n;
    return n;
}

size_t ring_peek(const struct ring *r, void *out, size_t len)
{
    size_t n = len < ring_used(r) ? len : ring_used(r);
    copy_out(r, r->head, out, n);
    return n;
}

size_t ring_get(struct ring *r, void *out, size_t len)
{
    size_t n = len < ring_used(r) ? len : ring_used(r);
    if (out)
        copy_out(r, r->head, out, n);
    r->head += (uint32_t)n;
    return n;
}
