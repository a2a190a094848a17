/* SPDX-License-Identifier: MIT */
/*
 * A byte ring of RING_SIZE bytes for the serial driver's queues (bytes
 * to send, bytes received that the console has not taken yet).  Not
 * locked: the driver holds its mutex around every call.  Standard
 * headers only; tested on the host by tests/unit/test_serial_ring.c.
 */
#ifndef SERIAL_RING_H
#define SERIAL_RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_SIZE 4096u         /* a power of two */

struct ring {
    uint8_t buf[RING_SIZE];
    uint32_t head;              /* bytes ever taken out (mod 2^32) */
    uint32_t tail;              /* bytes ever put in */
};

void ring_init(struct ring *r);
size_t ring_used(const struct ring *r);
size_t ring_free(const struct ring *r);
/* Append what fits of len bytes -> bytes appended. */
size_t ring_put(struct ring *r, const void *data, size_t len);
/* Copy up to len bytes from the front without taking them -> copied. */
size_t ring_peek(const struct ring *r, void *out, size_t len);
/* Take up to len bytes from the front (out may be NULL: drop) -> taken. */
size_t ring_get(struct ring *r, void *out, size_t len);

#endif /* SERIAL_RING_H */
