/* SPDX-License-Identifier: MIT */
/* The console's input queue and reader table (inq.h). */
#include "inq.h"

#include <string.h>

void inq_init(struct inq *q)
{
    q->head = 0;
    q->count = 0;
}

size_t inq_push(struct inq *q, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t room = INQ_SIZE - q->count;
    if (len > room)
        len = room;
    for (size_t i = 0; i < len; i++)
        q->buf[(q->head + q->count + i) % INQ_SIZE] = p[i];
    q->count += (uint32_t)len;
    return len;
}

size_t inq_pop(struct inq *q, void *out, size_t len)
{
    uint8_t *p = out;
    if (len > q->count)
        len = q->count;
    for (size_t i = 0; i < len; i++)
        p[i] = q->buf[(q->head + i) % INQ_SIZE];
    q->head = (uint32_t)((q->head + len) % INQ_SIZE);
    q->count -= (uint32_t)len;
    return len;
}

int64_t inq_reader_add(struct inq_readers *t, int64_t handle, uint64_t bits)
{
    struct inq_reader *slot = NULL;
    for (int i = 0; i < INQ_READERS; i++) {
        struct inq_reader *r = &t->r[i];
        if (r->handle == 0) {
            slot = r;
            break;
        }
        if (!slot || r->age < slot->age)
            slot = r;
    }
    int64_t old = slot->handle;
    slot->handle = handle;
    slot->bits = bits;
    slot->age = t->next_age++;
    return old;
}

void inq_reader_drop(struct inq_readers *t, int64_t handle)
{
    for (int i = 0; i < INQ_READERS; i++)
        if (t->r[i].handle == handle)
            memset(&t->r[i], 0, sizeof(t->r[i]));
}

size_t inq_strip(uint8_t *buf, size_t len, uint8_t byte, size_t *removed)
{
    size_t kept = 0;
    for (size_t i = 0; i < len; i++)
        if (buf[i] != byte)
            buf[kept++] = buf[i];
    *removed = len - kept;
    return kept;
}
