/* SPDX-License-Identifier: MIT */
/*
 * Kestrel ABI: the kernel log as a byte stream (docs/logging.md).
 *
 * Every byte the kernel has logged since boot has a sequence number, its
 * offset in that stream; the kernel keeps the newest KS_LOG_RING_SIZE
 * bytes.  Lines end in '\n' (no '\r').
 *
 * log_read copies from a sequence number on.  log_take hands the
 * kernel's log UART to the driver that owns its ports: the kernel stops
 * writing to that UART and signals the driver's notification whenever
 * it logs; the driver prints the lines between its own traffic, and
 * tells the kernel (ks_log_read.done) how far the UART has really sent.
 * The handover ends when the taking handle leaves its process's table
 * (closed, moved, the process ended): the kernel then writes what the
 * driver had not sent and goes on writing the UART itself, so no line
 * is lost to a driver's crash.
 */
#ifndef KESTREL_ABI_LOG_H
#define KESTREL_ABI_LOG_H

#include <stdint.h>

#define KS_LOG_RING_SIZE 32768u   /* bytes of log the kernel keeps */

/* log_read's arguments and results. */
struct ks_log_read {
    uint64_t from;      /* in: first sequence number wanted; one older
                           than the kernel keeps reads from the oldest */
    uint64_t done;      /* in: through the handover's handle, every byte
                           before this number has left the UART (the
                           kernel re-sends from here when the handover
                           ends); never below the last done, never past
                           the newest byte.  Other handles: ignored */
    uint64_t buf;       /* in: where to copy (a user address) */
    uint64_t len;       /* in: its size in bytes */
    uint64_t next;      /* out: the number after the last byte copied
                           (from, or the oldest kept, when none was) */
    uint64_t lost;      /* out: bytes between from and the first copied
                           that the kernel no longer keeps */
};

#endif /* KESTREL_ABI_LOG_H */
