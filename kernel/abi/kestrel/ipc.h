/* SPDX-License-Identifier: MIT */
/*
 * Synchronous IPC on endpoints (ABI).  A message is a label, four
 * register words, up to KS_MSG_DATA_MAX bytes of data copied once, and up
 * to KS_MSG_HANDLES_MAX handles transferred.  Send and call block until a
 * receiver takes the message (or the timeout passes); call then waits for
 * the reply.  The receiver learns the badge of the handle the sender used
 * (0 for an unbadged handle), which is how a server tells clients apart.
 *
 * struct ks_msg is both the message to send and the buffer to receive
 * into: on receive, data is written to data (at most data_cap bytes;
 * a longer message is refused with -KS_ERR_INVALID_ARGUMENT for the
 * sender and the receiver keeps waiting), handles arrive as new handles
 * of the receiver in handles[], and badge is filled in.
 *
 * Handles sent are moved (the sender loses them) unless their bit in
 * copy_mask is set (the receiver gets a derived copy; needs
 * KS_RIGHT_DUPLICATE).  Either way each needs KS_RIGHT_TRANSFER.  When
 * the peer dies, or the endpoint's last handle goes, blocked senders,
 * receivers and callers return -KS_ERR_PEER_GONE.
 */
#ifndef KESTREL_ABI_IPC_H
#define KESTREL_ABI_IPC_H

#include <stdint.h>
#include "kestrel/handle.h"

#define KS_MSG_WORDS       4
#define KS_MSG_DATA_MAX    4096u
#define KS_MSG_HANDLES_MAX 4u

struct ks_msg {
    uint64_t label;
    uint64_t words[KS_MSG_WORDS];
    uint64_t badge;                         /* out: the sender's badge */
    uint64_t data;                          /* user address of the data */
    uint32_t data_len;                      /* in: bytes to send; out: bytes received */
    uint32_t data_cap;                      /* receive: room at data */
    uint32_t handle_count;                  /* in: to send; out: received */
    uint32_t copy_mask;                     /* bit i: copy handles[i] instead of moving */
    ks_handle_t handles[KS_MSG_HANDLES_MAX];
};

#endif /* KESTREL_ABI_IPC_H */
