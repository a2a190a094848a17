/* SPDX-License-Identifier: MIT */
/*
 * Priority inheritance through IPC calls; see inherit.h.  Kernel lock
 * held.
 */
#include "ipc/inherit.h"
#include "sched/sched.h"

void ipc_inherit_update(struct thread *t)
{
    for (unsigned depth = 0; t && depth < IPC_INHERIT_DEPTH; depth++) {
        unsigned p = t->base_priority;
        struct thread *caller = t->ipc_reply_to;
        if (caller && caller->priority > p)
            p = caller->priority;
        if (p == t->priority)
            return;
        /* Requeued at once when queued, a running one rescheduled. */
        sched_set_priority(t, p);
        t = t->ipc_callee;
    }
}
