/* SPDX-License-Identifier: MIT */
/*
 * Processes: an address space, its threads, and (with the capability
 * work) its handle table.  A process ends when it calls exit, when its
 * last thread exits, or when a fault kills it: its other threads are
 * told to die, and when the last is gone its memory is given back.  The
 * process object stays (a zombie with its exit status) until its parent
 * waits for it, or at once when it has no parent left.
 * Kernel lock held for everything here.
 */
#ifndef KESTREL_PROC_PROCESS_H
#define KESTREL_PROC_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include "cap/handle.h"
#include "kestrel/syscall.h"
#include "mm/vm.h"
#include "proc/thread.h"
#include "proc/user_layout.h"

enum process_state {
    PROCESS_ALIVE = 1,
    PROCESS_DYING,       /* ending: threads are leaving */
    PROCESS_ZOMBIE       /* every thread gone, memory freed, status kept */
};

/* Limits until per-process quotas arrive with capabilities. */
#define PROCESS_MAX_THREADS 1024u
#define PROCESS_MAX         256u
#define PROCESS_MAX_HANDLES 1024u

struct process {
    int64_t pid;
    struct process *parent;       /* NULL once the parent is gone */
    char name[KS_NAME_LEN];
    uint8_t state;                /* enum process_state */
    struct vm_space space;
    struct handle_table handles;  /* everything it may touch */
    struct rq_link threads;       /* every thread object (thread.process_link) */
    uint32_t thread_objects;      /* on that list */
    uint32_t live_threads;        /* not DEAD */
    int64_t next_tid;
    struct ks_exit_status exit;   /* valid once DYING */
    struct wait_queue child_waiters; /* threads in wait() for a child */
    struct rq_link all_link;      /* in the list of every process */
    uint64_t stack_slots[USER_THREAD_STACK_SLOTS / 64]; /* bit set: slot in use */
};

/* Start the program at path in the initramfs as a new process (parent:
 * NULL for the first) with argv; *pid_out gets its pid.  Errors:
 * -KS_ERR_NOT_FOUND (no such file), -KS_ERR_CORRUPT (not a valid
 * program; the reason is logged), -KS_ERR_NO_MEMORY, -KS_ERR_DENIED (too
 * many processes), -KS_ERR_INVALID_ARGUMENT. */
int process_spawn(const char *path, const char *const *argv, uint32_t argc,
                  struct process *parent, int64_t *pid_out);
/* End p with the given status (first call wins); the caller's thread,
 * when it belongs to p, leaves at its next kernel exit. */
void process_end(struct process *p, const struct ks_exit_status *status);
/* A thread of p died: the last one frees the memory and makes p a
 * zombie (or frees it).  Called by thread_exit_current. */
void process_thread_died(struct process *p);
struct process *process_find(int64_t pid);
void process_info(const struct process *p, struct ks_process_info *out);
/* Wait for child pid to end (timeout as in syscall.h) and reap it. */
int process_wait(struct process *self, int64_t pid, struct ks_exit_status *out,
                 uint64_t timeout_ns);
/* A user thread-stack slot of p: claim one (-1 when all are taken) and
 * give it back. */
int process_stack_slot_claim(struct process *p);
void process_stack_slot_release(struct process *p, int slot);
/* Called when the first process ends (the kernel decides what next). */
void process_set_init_exit_hook(void (*hook)(const struct ks_exit_status *status));

#endif /* KESTREL_PROC_PROCESS_H */
