/* SPDX-License-Identifier: MIT */
/*
 * IPC messages in the kernel: decoding a struct ks_msg from userspace and
 * moving one message (label, words, badge, data, handles) from a sender
 * to a receiver.  The rendezvous itself (who meets whom) is endpoint.c.
 *
 * A struct ipc_transfer lives on the kernel stack of a thread inside an
 * IPC call; thread.ipc_xfer points at it while the thread may block, so
 * the peer that finds it on a queue can fill or read it.  Its data
 * buffer is a kernel buffer of the call's own (at most KS_MSG_DATA_MAX
 * bytes, allocated at decode, freed by ipc_transfer_fini): data crosses
 * it exactly once, user -> kernel buffer -> user.  Which buffer is used
 * depends on who blocked:
 *   push  the sender runs, the receiver is blocked: sender's user memory
 *         -> receiver's buffer; the receiver copies it out when it runs
 *   pull  the receiver runs, the sender is blocked: sender's buffer
 *         (filled before it blocked) -> receiver's user memory
 *
 * Interface:
 *   ipc_decode          read and check the caller's struct ks_msg
 *   ipc_check_handles   look up the handles a message carries
 *   ipc_deliver         move a message; all or nothing
 *   ipc_copy_out        the receiver puts a pushed message in place
 *   ipc_transfer_fini   free the buffer
 *
 * Locking: the kernel lock for everything.
 */
#ifndef KESTREL_IPC_MESSAGE_H
#define KESTREL_IPC_MESSAGE_H

#include <stdbool.h>
#include <stdint.h>
#include "cap/handle.h"
#include "kestrel/ipc.h"

struct thread;
struct process;

/* What a decode checks: the message to send, the room to receive, or
 * both (call, reply_recv). */
#define IPC_SENDS    1u
#define IPC_RECEIVES 2u

/* Where a thread's message stands (ipc_transfer.state). */
enum ipc_state {
    IPC_IDLE = 0,
    IPC_WAITING,       /* queued on an endpoint */
    IPC_DONE           /* sender: a receiver took it; receiver: it arrived */
};

/* A caller's reply (ipc_transfer.reply). */
enum ipc_reply_state {
    IPC_REPLY_NONE = 0,
    IPC_REPLY_PENDING, /* a server took the call and owes the reply */
    IPC_REPLY_DONE,    /* the reply is in msg (and the buffer) */
    IPC_REPLY_GONE     /* the server died or dropped the call */
};

struct ipc_regs;

struct ipc_transfer {
    struct ks_msg msg;        /* as the user gave it; on arrival the out fields */
    uint8_t *buffer;          /* the kernel buffer, NULL when no data can pass */
    uint32_t recv_cap;        /* bytes this side may receive (data_cap, clamped) */
    /* The small fields together, so the fast path sets them in a store
     * or two. */
    uint8_t handle_cap;       /* handles this side may receive */
    uint8_t words;            /* words the message carries (arrived: the sender's) */
    bool is_call;
    bool in_buffer;           /* an arrived message's data waits in buffer */
    bool in_regs;             /* an arrived message is already in regs (fast path) */
    uint8_t state;            /* enum ipc_state */
    uint8_t reply;            /* enum ipc_reply_state */
    struct ipc_regs *regs;    /* a register call's frame (ipc/ipc_regs.h), else NULL */
    uint64_t badge;           /* sender: the badge of the handle it used */
    struct process *server;   /* caller: the server's process (a reference) */
    int64_t server_tid;       /* caller: the server thread, within it */
};

/* Read *user_msg into x and check it for what (IPC_SENDS and/or
 * IPC_RECEIVES): the msg and the data ranges must be in the user half
 * and mapped (-KS_ERR_FAULT), data_len <= KS_MSG_DATA_MAX and
 * handle_count <= KS_MSG_HANDLES_MAX (-KS_ERR_INVALID_ARGUMENT).  A
 * data_cap beyond KS_MSG_DATA_MAX is clamped.  Allocates the buffer
 * (-KS_ERR_NO_MEMORY).  On error nothing is held. */
int ipc_decode(uint64_t user_msg, unsigned what, struct ipc_transfer *x);
/* Look up the handles of m in t: each needs KS_RIGHT_TRANSFER, a copied
 * one KS_RIGHT_DUPLICATE too, and a handle may be moved only once per
 * message (-KS_ERR_INVALID_ARGUMENT).  caps gets the capabilities. */
int ipc_check_handles(struct handle_table *t, const struct ks_msg *m,
                      struct cap *caps[KS_MSG_HANDLES_MAX]);
/* Move src (sent by thread from) into dst (received by thread to), push
 * (from is running) or pull (to is running).  0: dst->msg holds the
 * label, words, badge, data_len and the receiver's new handles.  Errors
 * are the sender's, except when *receiver_fault is set (a pull that
 * could not write the receiver's memory): then nothing changed. */
int ipc_deliver(struct ipc_transfer *src, struct thread *from, struct ipc_transfer *dst,
                struct thread *to, bool push, bool *receiver_fault);
/* A message pushed into x's buffer: copy its data to the user. */
int ipc_copy_out(struct ipc_transfer *x);
void ipc_transfer_fini(struct ipc_transfer *x);

#endif /* KESTREL_IPC_MESSAGE_H */
