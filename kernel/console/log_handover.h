/* SPDX-License-Identifier: MIT */
/*
 * Handing the kernel log's UART to its user driver (kestrel/log.h,
 * docs/logging.md).  While handed over, the console on those ports is
 * skipped (console.h) and each logged line signals the driver's
 * notification; the driver reads the ring and says how far the UART
 * has sent (done).  When the taking handle leaves its table (the
 * I/O-port object's cap_removed hook), the kernel writes [done, head)
 * to the UART itself and prints there again.
 *
 * Interface:
 *   log_handover_take         hand the console on [base, base + count)
 *                             over -> the start sequence number;
 *                             -NOT_FOUND (no such console), -EXISTS
 *                             (taken), -INVALID_ARGUMENT (bits 0)
 *   log_handover_set_done     through the taking handle: how far the
 *                             UART has sent; -INVALID_ARGUMENT when
 *                             done goes back or past the head.  Other
 *                             handles: 0, nothing changes
 *   log_handover_cap_removed  end the handover if cap took it
 *   log_handover_note_output  kprintf: a line went into the ring
 *   log_handover_deliver      the kernel exit's work: signal the driver
 *
 * Locking: the kernel lock, except note_output (any context: it only
 * sets a flag and notes work for this CPU's kernel exit, as device
 * interrupts do).
 */
#ifndef KESTREL_CONSOLE_LOG_HANDOVER_H
#define KESTREL_CONSOLE_LOG_HANDOVER_H

#include <stdint.h>

struct cap;
struct notification;

int64_t log_handover_take(struct cap *cap, uint32_t base, uint32_t count,
                          struct notification *n, uint64_t bits);
int log_handover_set_done(const struct cap *cap, uint64_t done);
void log_handover_cap_removed(const struct cap *cap);
void log_handover_note_output(void);
void log_handover_deliver(void);

#endif /* KESTREL_CONSOLE_LOG_HANDOVER_H */
