/* SPDX-License-Identifier: MIT */
/*
 * IPC wrappers of the user runtime: endpoints, minting badged handles,
 * and send, receive, call and reply (the ABI is kestrel/ipc.h; the
 * design is docs/ipc.md).  Every call returns 0 or a handle on success
 * and -KS_ERR_* on failure.  The struct ks_msg passed in is both the
 * message sent and the room for the one received: set data and
 * data_cap before receiving; label, words, badge, data_len and handles
 * are filled in.
 */
#ifndef KS_IPC_H
#define KS_IPC_H

#include <stdint.h>
#include "kestrel/ipc.h"
#include "kestrel/syscall.h"
#include "ks_syscall.h"

/* A new endpoint: a handle with KS_RIGHTS_ALL. */
static inline int64_t ks_sys_endpoint_create(void)
{
    return ks_syscall0(KS_SYS_ENDPOINT_CREATE);
}

/* A handle derived from endpoint (unbadged, with KS_RIGHT_DUPLICATE)
 * with rights (a subset) and badge (not 0): a server hands one to each
 * client and sees the badge in every message the client sends. */
static inline int64_t ks_sys_handle_mint(ks_handle_t endpoint, uint32_t rights, uint64_t badge)
{
    return ks_syscall3(KS_SYS_HANDLE_MINT, (uint64_t)endpoint, rights, badge);
}

/* Block (at most timeout_ns) until a receiver takes *msg.  Needs WRITE. */
static inline int64_t ks_sys_ipc_send(ks_handle_t endpoint, const struct ks_msg *msg,
                                      uint64_t timeout_ns)
{
    return ks_syscall3(KS_SYS_IPC_SEND, (uint64_t)endpoint, (uint64_t)(uintptr_t)msg,
                       timeout_ns);
}

/* Block (at most timeout_ns) until a message arrives in *msg.  Needs READ. */
static inline int64_t ks_sys_ipc_recv(ks_handle_t endpoint, struct ks_msg *msg,
                                      uint64_t timeout_ns)
{
    return ks_syscall3(KS_SYS_IPC_RECV, (uint64_t)endpoint, (uint64_t)(uintptr_t)msg,
                       timeout_ns);
}

/* Send *msg (timeout_ns bounds the wait for a receiver), then wait for
 * the reply, which replaces *msg.  Needs WRITE. */
static inline int64_t ks_sys_ipc_call(ks_handle_t endpoint, struct ks_msg *msg,
                                      uint64_t timeout_ns)
{
    return ks_syscall3(KS_SYS_IPC_CALL, (uint64_t)endpoint, (uint64_t)(uintptr_t)msg,
                       timeout_ns);
}

/* Answer the call this thread received last; -KS_ERR_NOT_FOUND: none. */
static inline int64_t ks_sys_ipc_reply(const struct ks_msg *msg)
{
    return ks_syscall3(KS_SYS_IPC_REPLY, (uint64_t)(uintptr_t)msg, 0, 0);
}

/* Reply with *msg (when a call is owed), then receive into it. */
static inline int64_t ks_sys_ipc_reply_recv(ks_handle_t endpoint, struct ks_msg *msg,
                                            uint64_t timeout_ns)
{
    return ks_syscall3(KS_SYS_IPC_REPLY_RECV, (uint64_t)endpoint, (uint64_t)(uintptr_t)msg,
                       timeout_ns);
}

/* A register message (kestrel/ipc.h, "Register messages"): what
 * ks_ipc_call_regs and ks_ipc_reply_recv_regs send and, on return, what
 * arrived.  info is KS_MSGINFO(label, number of words); words past the
 * count that arrived keep what they held. */
struct ks_regs_msg {
    uint64_t info;
    uint64_t words[KS_MSG_WORDS];
    uint64_t badge;                 /* out: the sender's badge (0 for a reply) */
};

/* Call endpoint (WRITE) with *m and wait, without a timeout, for the
 * reply, which replaces *m. */
int64_t ks_ipc_call_regs(ks_handle_t endpoint, struct ks_regs_msg *m);
/* Reply with *m when this thread owes a reply, then wait, without a
 * timeout, for a message on endpoint (READ), which replaces *m. */
int64_t ks_ipc_reply_recv_regs(ks_handle_t endpoint, struct ks_regs_msg *m);

#endif /* KS_IPC_H */
