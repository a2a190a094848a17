/* SPDX-License-Identifier: MIT */
/*
 * The console's input side, pure logic: the 4 KiB queue of bytes the
 * drivers typed (oldest first; when full, new bytes are dropped so what
 * was typed first is kept) and the table of up to INQ_READERS
 * notifications to signal when input arrives (when full, a new one
 * replaces the oldest, whose handle the caller then closes).
 */
#ifndef CONSOLE_INQ_H
#define CONSOLE_INQ_H

#include <stddef.h>
#include <stdint.h>

#define INQ_SIZE    4096u
#define INQ_READERS 16

struct inq {
    uint8_t buf[INQ_SIZE];
    uint32_t head;                  /* next byte to read */
    uint32_t count;
};

struct inq_reader {
    int64_t handle;                 /* 0: free slot */
    uint64_t bits;
    uint64_t age;                   /* order of registration */
};

struct inq_readers {
    struct inq_reader r[INQ_READERS];
    uint64_t next_age;
};

void inq_init(struct inq *q);
/* Queue up to len bytes: how many were taken. */
size_t inq_push(struct inq *q, const void *data, size_t len);
/* Take up to len bytes into out: how many. */
size_t inq_pop(struct inq *q, void *out, size_t len);

/* Take every `byte` out of buf[0..len) (Ctrl-C while a program runs
 * goes to the shell, not to the queue) -> the new length; *removed:
 * how many were taken out. */
size_t inq_strip(uint8_t *buf, size_t len, uint8_t byte, size_t *removed);

/* Add a reader: the handle it replaced (to be closed), or 0. */
int64_t inq_reader_add(struct inq_readers *t, int64_t handle, uint64_t bits);
/* Forget the reader with this handle (a signal failed). */
void inq_reader_drop(struct inq_readers *t, int64_t handle);

#endif /* CONSOLE_INQ_H */
