/* SPDX-License-Identifier: MIT */
/*
 * The kernel log's merge into the transmit ring (logmerge.h).
 *
 * A read is planned so that everything it can produce fits the ring's
 * free room: each log byte becomes at most two ("\n" -> "\r\n"), the
 * held partial line may go out again with them, and a line break, a
 * partial line's "\r\n" and the lost-bytes line come on top (READ_SLACK).
 * So logmerge_read_result never has to cut kernel text short.
 */
#include <stdio.h>
#include <string.h>
#include "logmerge.h"

#define LOST_LINE_MAX 80u
#define READ_SLACK    (2u + 2u + LOST_LINE_MAX + 2u)

void logmerge_init(struct logmerge *m, uint64_t start_seq)
{
    memset(m, 0, sizeof(*m));
    m->next_seq = start_seq;
    m->done = start_seq;
    m->done_reported = start_seq;
}

void logmerge_log_signaled(struct logmerge *m)
{
    m->signaled = true;
}

size_t logmerge_client_write(struct logmerge *m, struct ring *tx, const void *data,
                             size_t len, uint64_t now_ns)
{
    size_t n = ring_put(tx, data, len);
    if (n) {
        m->client_open = ((const uint8_t *)data)[n - 1] != '\n';
        m->client_last_ns = now_ns;
    }
    return n;
}

uint64_t logmerge_done(struct logmerge *m, const struct ring *tx)
{
    while (m->marker_count) {
        const struct logmerge_marker *mk = &m->markers[m->marker_first];
        if ((int32_t)(tx->head - mk->ring_pos) < 0)
            break;                  /* the FIFO has not taken the chunk's end yet */
        if (mk->seq > m->done)
            m->done = mk->seq;
        m->marker_first = (m->marker_first + 1) % LOGMERGE_MARKERS;
        m->marker_count--;
    }
    return m->done;
}

/* A client line in the way: kernel text may not go out now. */
static bool client_blocks(const struct logmerge *m, uint64_t now_ns)
{
    return m->client_open && now_ns - m->client_last_ns < LOGMERGE_IDLE_NS;
}

static bool log_wanted(const struct logmerge *m)
{
    return m->signaled || m->done != m->done_reported;
}

/* The most a read may ask for so that its text fits the ring (0: wait
 * for the ring to drain or a marker to retire). */
static size_t read_room(const struct logmerge *m, const struct ring *tx)
{
    size_t room = ring_free(tx);
    size_t reserved = READ_SLACK + 2 * m->partial_len;
    if (m->marker_count == LOGMERGE_MARKERS || room <= reserved + 1)
        return 0;
    size_t len = (room - reserved) / 2;
    return len < LOGMERGE_READ_MAX ? len : LOGMERGE_READ_MAX;
}

bool logmerge_read_plan(struct logmerge *m, const struct ring *tx, uint64_t now_ns,
                        struct logmerge_read *plan)
{
    uint64_t done = logmerge_done(m, tx);
    size_t len = read_room(m, tx);
    if (!log_wanted(m) || client_blocks(m, now_ns) || !len)
        return false;
    plan->from = m->next_seq;
    plan->done = done;
    plan->len = len;
    return true;
}

/* Kernel text is about to go out: end an idle client line first. */
static void begin_kernel_text(struct logmerge *m, struct ring *tx)
{
    if (m->client_open) {
        ring_put(tx, "\r\n", 2);
        m->client_open = false;
    }
}

/* The held partial line out, "\n" as "\r\n", with "\r\n" added when it
 * has no '\n' of its own (cut short). */
static void emit_partial(struct logmerge *m, struct ring *tx)
{
    uint8_t line[LOGMERGE_LINE_MAX + 2];
    size_t len = m->partial_len;
    memcpy(line, m->partial, len);
    if (len && line[len - 1] == '\n')
        len--;
    line[len++] = '\r';
    line[len++] = '\n';
    begin_kernel_text(m, tx);
    ring_put(tx, line, len);
    m->partial_len = 0;
}

static void emit_lost(struct logmerge *m, struct ring *tx, uint64_t lost)
{
    char line[LOST_LINE_MAX];
    int len = snprintf(line, sizeof(line), "serial: %llu bytes of the kernel log were lost\r\n",
                       (unsigned long long)lost);
    begin_kernel_text(m, tx);
    ring_put(tx, line, (size_t)len < sizeof(line) ? (size_t)len : sizeof(line) - 1);
}

static void push_marker(struct logmerge *m, uint32_t ring_pos, uint64_t seq)
{
    if (m->marker_count == LOGMERGE_MARKERS) {
        /* Not reached (a read needs a free marker); folding into the
         * newest only makes done later, never early. */
        struct logmerge_marker *last =
            &m->markers[(m->marker_first + m->marker_count - 1) % LOGMERGE_MARKERS];
        last->ring_pos = ring_pos;
        last->seq = seq;
        return;
    }
    struct logmerge_marker *mk =
        &m->markers[(m->marker_first + m->marker_count) % LOGMERGE_MARKERS];
    mk->ring_pos = ring_pos;
    mk->seq = seq;
    m->marker_count++;
}

void logmerge_read_result(struct logmerge *m, struct ring *tx, const struct logmerge_read *plan,
                          const void *data, size_t n, uint64_t next, uint64_t lost)
{
    const uint8_t *bytes = data;
    uint32_t tail_before = tx->tail;
    if (n > plan->len)
        n = plan->len;
    m->done_reported = plan->done;
    /* Only an empty read is dry: a short one may have stopped where the
     * kernel's ring overran, with newer text to read on. */
    if (n == 0)
        m->signaled = false;
    if (lost) {
        /* The held line's rest is among the lost bytes. */
        if (m->partial_len)
            emit_partial(m, tx);
        emit_lost(m, tx, lost);
        m->line_cut = false;
    }
    for (size_t i = 0; i < n; i++) {
        bool ends_cut_line = m->line_cut && bytes[i] == '\n';
        m->line_cut = false;
        if (ends_cut_line)
            continue;               /* its "\r\n" went out with the cut */
        m->partial[m->partial_len++] = bytes[i];
        if (bytes[i] == '\n') {
            emit_partial(m, tx);
        } else if (m->partial_len == LOGMERGE_LINE_MAX) {
            emit_partial(m, tx);
            m->line_cut = true;
        }
    }
    if (next > m->next_seq)
        m->next_seq = next;
    if (tx->tail != tail_before)
        push_marker(m, tx->tail, m->next_seq - m->partial_len);
}

void logmerge_read_failed(struct logmerge *m, const struct logmerge_read *plan)
{
    m->signaled = false;
    m->done_reported = plan->done;
}

uint64_t logmerge_wait_ns(const struct logmerge *m, const struct ring *tx, uint64_t now_ns)
{
    /* A full ring or marker array empties by the transmitter's
     * interrupts, which wake the driver anyway. */
    if (!log_wanted(m) || !read_room(m, tx))
        return LOGMERGE_NEVER;
    if (!client_blocks(m, now_ns))
        return 0;
    return m->client_last_ns + LOGMERGE_IDLE_NS - now_ns;
}
