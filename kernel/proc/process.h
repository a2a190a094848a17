/* SPDX-License-Identifier: MIT */
/*
 * Processes: an address space, its threads and its handle table, held
 * as a kernel object (struct kobject, KS_OBJECT_PROCESS) that userspace
 * reaches only through process handles.  The pid is a number for logs
 * and ks_process_info; it grants nothing.
 *
 * A process ends when it calls exit, when its last thread exits, when a
 * fault kills it, or when a holder of a MANAGE handle kills it: its other
 * threads are told to die, and when the last is gone its memory and its
 * handles are given back and it becomes ENDED, keeping only its exit
 * status for waiters.  The object itself is freed when its last
 * reference goes: the kernel holds one while the process has threads,
 * each handle holds one, and each thread blocked in process_wait holds
 * one.
 *
 * Interface:
 *   process_spawn         start a program; the first process (no handle)
 *   process_spawn_handle  start a program and install a handle to it in
 *                         the creator's table before it can run
 *   process_of            the process a KS_OBJECT_PROCESS kobject heads
 *   process_end           end it with a status (first call wins)
 *   process_kill          end it with KS_EXIT_KILLED
 *   process_wait          block until it has ended; its status
 *   process_thread_died   the thread side's hook when a thread is reaped
 *   process_info          fill a ks_process_info
 *
 * Locking: the kernel lock for everything here, fields included.
 */
#ifndef KESTREL_PROC_PROCESS_H
#define KESTREL_PROC_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include "cap/handle.h"
#include "kestrel/syscall.h"
#include "mm/vm.h"
#include "proc/quota.h"
#include "proc/thread.h"
#include "proc/user_layout.h"

enum process_state {
    PROCESS_ALIVE = 1,
    PROCESS_DYING,       /* ending: threads are leaving */
    PROCESS_ZOMBIE       /* ended: every thread gone, memory freed, status kept */
};

/* The first process's handle and thread quotas (proc/quota.h; its
 * children inherit them or lower ones).  PROCESS_MAX counts process
 * objects, ended ones still referenced included. */
#define PROCESS_MAX_THREADS 1024u
#define PROCESS_MAX         256u
#define PROCESS_MAX_HANDLES 1024u

/* Rights of the handle spawn returns. */
#define PROCESS_SPAWN_RIGHTS (KS_RIGHT_READ | KS_RIGHT_WAIT | KS_RIGHT_MANAGE | \
                              KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER)

struct user_mapping;
struct arch_io_bitmap;
struct io_grant;

struct process {
    struct kobject obj;           /* first: handles name the process through it */
    int64_t pid;
    int64_t creator_pid;          /* who spawned it (information only), 0 = the kernel */
    char name[KS_NAME_LEN];
    uint8_t state;                /* enum process_state */
    struct vm_space space;
    struct handle_table handles;  /* everything it may touch */
    struct rq_link threads;       /* every thread object (thread.process_link) */
    uint32_t thread_objects;      /* on that list */
    uint32_t live_threads;        /* not DEAD */
    int64_t next_tid;
    struct ks_exit_status exit;   /* valid once DYING */
    struct wait_queue waiters;    /* threads in process_wait on this process */
    uint64_t stack_slots[USER_THREAD_STACK_SLOTS / 64]; /* bit set: slot in use */
    struct arch_io_bitmap *io_bitmap; /* ports it may use (cap/io_ports.h); NULL: none */
    struct io_grant *io_grants;   /* the enables behind io_bitmap (cap/io_ports.c) */
    struct user_mapping *mappings; /* memory-object mappings (mm/user_map.h) */
    bool unstarted;               /* made by process_create, not started yet */
    uintptr_t start_entry;        /*   where its first thread will start */
    uintptr_t start_sp;
    struct quota *quota;          /* its limits and use (proc/quota.h); one reference */
    uint64_t memory_charged;      /* bytes of its image and stacks charged to quota */
};

/* Start the program at path in the initramfs as a new process created
 * by creator (NULL: the kernel) with argv; *pid_out gets its pid.  Only
 * the kernel's reference keeps it: this is for the first process.
 * Errors: -KS_ERR_NOT_FOUND (no such file), -KS_ERR_CORRUPT (not a valid
 * program; the reason is logged), -KS_ERR_NO_MEMORY, -KS_ERR_DENIED (too
 * many processes), -KS_ERR_INVALID_ARGUMENT. */
int process_spawn(const char *path, const char *const *argv, uint32_t argc,
                  struct process *creator, int64_t *pid_out);
/* As process_spawn, and a handle with PROCESS_SPAWN_RIGHTS in creator's
 * table in *handle_out.  The child starts with a copy (same rights and
 * badge, derived: a child in the tree) of each of the count handles of
 * creator listed, in ks_start_info.handles in that order; each needs
 * KS_RIGHT_DUPLICATE and KS_RIGHT_TRANSFER (-KS_ERR_DENIED otherwise,
 * -KS_ERR_BAD_HANDLE for a stale one), count <= KS_START_HANDLES_MAX
 * (-KS_ERR_INVALID_ARGUMENT).  On any error (also -KS_ERR_DENIED at a
 * table's limit, -KS_ERR_NO_MEMORY) nothing was started and no copy is
 * left. */
int process_spawn_handle(const char *path, const char *const *argv, uint32_t argc,
                         struct process *creator, const int64_t *handles, uint32_t count,
                         int64_t *handle_out);

/* As process_spawn_handle, from the ELF image [image, image+size) in
 * kernel memory, named name, with limits (quota_set_limits), and not
 * running: no thread until process_start.  Only the handle holds it;
 * closing the last one first frees it. */
int process_create_handle(const void *image, size_t size, const char *name,
                          const char *const *argv, uint32_t argc, struct process *creator,
                          const int64_t *handles, uint32_t count,
                          const struct ks_limits *limits, int64_t *handle_out);
/* Start a process made by process_create_handle: its first thread runs.
 * -KS_ERR_BUSY when it was started before or has ended (killed before
 * its start), -KS_ERR_NO_MEMORY (it stays unstarted). */
int process_start(struct process *p);

static inline struct process *process_of(struct kobject *obj)
{
    return (struct process *)((char *)obj - __builtin_offsetof(struct process, obj));
}

/* End p with the given status (first call wins); the caller's thread,
 * when it belongs to p, leaves at its next kernel exit. */
void process_end(struct process *p, const struct ks_exit_status *status);
/* End p with reason KS_EXIT_KILLED, status -1 (nothing when it already
 * ends). */
void process_kill(struct process *p);
/* A thread of p was reaped: the last one frees the memory and the
 * handles, makes p ENDED, wakes its waiters and drops the kernel's
 * reference.  Called by thread_reap. */
void process_thread_died(struct process *p);
void process_info(const struct process *p, struct ks_process_info *out);
/* Wait until p has ended (timeout as in syscall.h): 0 and *out.  The
 * caller holds a reference to p across the call.  -KS_ERR_TIMED_OUT,
 * -KS_ERR_DENIED when the calling thread is being killed. */
int process_wait(struct process *p, struct ks_exit_status *out, uint64_t timeout_ns);
/* A user thread-stack slot of p: claim one (-1 when all are taken) and
 * give it back. */
int process_stack_slot_claim(struct process *p);
void process_stack_slot_release(struct process *p, int slot);
/* Charge bytes of user memory (its image, its stacks) to p's quota:
 * 0 or -KS_ERR_DENIED.  What is still charged when p's memory is freed
 * at its end is given back then. */
int process_charge_memory(struct process *p, uint64_t bytes);
void process_uncharge_memory(struct process *p, uint64_t bytes);
/* Called when the first process ends (the kernel decides what next). */
void process_set_init_exit_hook(void (*hook)(const struct ks_exit_status *status));

#endif /* KESTREL_PROC_PROCESS_H */
