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
 * receivers and callers return -KS_ERR_PEER_GONE.  A label is at most
 * KS_MSG_LABEL_MAX (-KS_ERR_INVALID_ARGUMENT otherwise); all
 * KS_MSG_WORDS words always travel.
 *
 * Register messages.  KS_SYS_IPC_CALL_REGS and KS_SYS_IPC_REPLY_RECV_REGS
 * carry a label and up to KS_MSG_WORDS words in registers, with no data
 * and no handles, and wait without a timeout; they are the calls the
 * kernel's IPC fast path serves (docs/ipc.md).  They meet the struct
 * ks_msg calls on the same endpoint: a register receiver gets a ks_msg
 * message's label and its KS_MSG_WORDS words (a message with data or
 * handles is refused to its sender with -KS_ERR_INVALID_ARGUMENT), and a
 * ks_msg receiver gets a register message's words, the rest zero.
 *
 *   in:  RAX the number, RDI the endpoint handle (CALL: needs WRITE;
 *        REPLY_RECV: receives on it, needs READ, after replying when the
 *        thread owes a reply), RSI the info word KS_MSGINFO(label, n),
 *        word i (i < n <= KS_MSG_WORDS) in RDX, R10, R8, R9, RBX, RBP,
 *        R12, R13, R14, R15
 *   out: RAX 0 or -KS_ERR_*, RDI the badge (0 for a reply), RSI the info
 *        word of the message that arrived, its words in the same
 *        registers; registers past its word count keep their values.
 *        RCX and R11 are clobbered as by every system call.
 */
#ifndef KESTREL_ABI_IPC_H
#define KESTREL_ABI_IPC_H

#include <stdint.h>
#include "kestrel/handle.h"

#define KS_MSG_WORDS       10
#define KS_MSG_LABEL_MAX   ((1ull << 60) - 1)   /* labels fit a register message's info */
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

/* The info word of a register message: label and word count. */
#define KS_MSGINFO(label, words) (((uint64_t)(label) << 4) | ((uint64_t)(words) & 0xF))
#define KS_MSGINFO_LABEL(info)   ((uint64_t)(info) >> 4)
#define KS_MSGINFO_WORDS(info)   ((unsigned)((info) & 0xF))

#endif /* KESTREL_ABI_IPC_H */
