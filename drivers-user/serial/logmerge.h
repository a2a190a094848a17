/* SPDX-License-Identifier: MIT */
/*
 * How the kernel log and the console's bytes share the serial driver's
 * transmit ring once the driver has taken the kernel's log UART
 * (kestrel/log.h).
 *
 * Kernel text goes out in whole lines, each '\n' sent as "\r\n"; a
 * partial line waits in the merge for its '\n', unless
 * LOGMERGE_LINE_MAX bytes gather without one (then they go out with
 * "\r\n" appended, and a '\n' right after them adds no empty line).
 * Kernel lines never land inside a client line (the client's bytes
 * since its last '\n'), unless the client has been silent mid-line for
 * LOGMERGE_IDLE_NS (a prompt waiting for input): then "\r\n" ends the
 * client's line first, and its next bytes start a fresh one.  A read
 * that reports lost bytes adds a line saying so.
 *
 * The merge never reads the log itself: logmerge_read_plan says whether
 * to read and how much fits, the driver calls log_read with it, and
 * hands the result to logmerge_read_result.  The kernel keeps what is
 * not read yet, so held-back lines wait there, not here.
 *
 * done: each chunk of kernel text put in the ring leaves a marker (the
 * ring position after it, the log sequence number at its end); once the
 * ring's head passes a marker, done moves to its number.  With every
 * marker in use no more log is read until some retire.
 *
 * Not locked: the driver holds its mutex around every call, and across
 * plan, log_read and result, so the ring room planned is still there.
 * Time comes in as nanoseconds; the merge never reads a clock.
 * Standard headers only; tested on the host by
 * tests/unit/test_serial_logmerge.c.
 */
#ifndef SERIAL_LOGMERGE_H
#define SERIAL_LOGMERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ring.h"

#define LOGMERGE_LINE_MAX   512u        /* a kernel line longer goes out in pieces */
#define LOGMERGE_IDLE_NS    50000000ull /* a client line silent this long may be broken */
#define LOGMERGE_MARKERS    16u
#define LOGMERGE_READ_MAX   1024u       /* the most one read asks for */
#define LOGMERGE_NEVER      UINT64_MAX  /* logmerge_wait_ns: nothing waits on time */

struct logmerge_marker {
    uint32_t ring_pos;          /* the ring's tail after the chunk */
    uint64_t seq;               /* the log sequence number after its last byte */
};

struct logmerge {
    uint64_t next_seq;          /* where the next read starts */
    uint64_t done;              /* every log byte before it has left the ring */
    uint64_t done_reported;     /* the done the last read passed */
    bool signaled;              /* the kernel logged since the log was last read dry */

    uint8_t partial[LOGMERGE_LINE_MAX];  /* the kernel line not ended yet: */
    size_t partial_len;                  /* log bytes [next_seq - len, next_seq) */
    bool line_cut;              /* the last kernel text was a line cut at LINE_MAX */

    bool client_open;           /* the client has sent bytes since its last '\n' */
    uint64_t client_last_ns;    /* when it last sent */

    struct logmerge_marker markers[LOGMERGE_MARKERS];  /* oldest first, from first */
    unsigned marker_first, marker_count;
};

/* What a read should ask for: from, done, and at most len bytes. */
struct logmerge_read {
    uint64_t from;
    uint64_t done;
    size_t len;
};

/* Start at the sequence number log_take returned. */
void logmerge_init(struct logmerge *m, uint64_t start_seq);

/* The kernel signalled that it logged. */
void logmerge_log_signaled(struct logmerge *m);

/* Client bytes: append what fits to tx -> bytes appended. */
size_t logmerge_client_write(struct logmerge *m, struct ring *tx, const void *data,
                             size_t len, uint64_t now_ns);

/* Retire the markers tx's head has passed -> done. */
uint64_t logmerge_done(struct logmerge *m, const struct ring *tx);

/* Whether to read the log now (there is news or an unreported done, and
 * room, a free marker and no client line in the way) and with what. */
bool logmerge_read_plan(struct logmerge *m, const struct ring *tx, uint64_t now_ns,
                        struct logmerge_read *plan);

/* A planned read returned n bytes (n <= plan->len), next and lost:
 * the text goes to tx by the rules above.  After n == 0 the merge waits
 * for the next signal; after more it plans another read. */
void logmerge_read_result(struct logmerge *m, struct ring *tx, const struct logmerge_read *plan,
                          const void *data, size_t n, uint64_t next, uint64_t lost);

/* A planned read failed: wait for the next signal before trying again. */
void logmerge_read_failed(struct logmerge *m, const struct logmerge_read *plan);

/* Nanoseconds until log text held back by an open client line may go
 * (0: now), or LOGMERGE_NEVER when nothing waits on the clock (no news,
 * or only the ring's draining, which the transmitter's interrupts
 * report).  After logmerge_read_plan in the same lock hold. */
uint64_t logmerge_wait_ns(const struct logmerge *m, const struct ring *tx, uint64_t now_ns);

#endif /* SERIAL_LOGMERGE_H */
