/* SPDX-License-Identifier: MIT */
/*
 * Priority inheritance through IPC calls.  While a server thread owes a
 * caller its reply (thread.ipc_reply_to), it runs at no less than the
 * caller's priority; when that server calls another server in turn, the
 * next one inherits the same, and so on down the chain.  A thread's
 * priority is its effective one: the larger of its base_priority (what
 * thread_set_priority gave it) and the priority of the caller it owes.
 *
 * The links: server.ipc_reply_to is the caller, caller.ipc_callee the
 * server, always set and cleared together (endpoint.c and fastpath.c).
 * A change walks the chain of callees, at most IPC_INHERIT_DEPTH
 * threads, so its cost is bounded; a chain deeper than that keeps the
 * priorities its deeper links had (docs/ipc.md).
 *
 *   ipc_inherit_update  recompute t's priority and pass it down its chain
 *   ipc_inherit_link    server took caller's call
 *   ipc_inherit_unlink  server no longer owes caller (reply, drop, the
 *                       caller left); caller may be NULL when already gone
 *
 * Locking: the kernel lock.
 */
#ifndef KESTREL_IPC_INHERIT_H
#define KESTREL_IPC_INHERIT_H

#include "proc/thread.h"

#define IPC_INHERIT_DEPTH 16u

void ipc_inherit_update(struct thread *t);

static inline void ipc_inherit_link(struct thread *server, struct thread *caller)
{
    caller->ipc_callee = server;
    if (__builtin_expect(caller->priority > server->priority, 0))
        ipc_inherit_update(server);
}

static inline void ipc_inherit_unlink(struct thread *server, struct thread *caller)
{
    if (caller)
        caller->ipc_callee = NULL;
    if (__builtin_expect(server->priority != server->base_priority, 0))
        ipc_inherit_update(server);
}

#endif /* KESTREL_IPC_INHERIT_H */
