/* SPDX-License-Identifier: MIT */
/*
 * Process system calls: null, log write, exit, process and memory info,
 * spawn, wait and kill.  A process is named by a handle in the caller's
 * table (KS_OBJECT_PROCESS); its pid grants nothing.  process_info takes
 * 0 for the caller itself, the one process reachable without a handle.
 * Each call decodes first (handle, type, rights, pointers) and only then
 * acts, so a refused call changes nothing.
 *
 * Locking: the kernel lock (syscall.c) for all but the lockless null
 * call; it also guards the handle tables looked up here.
 */
#include "arch.h"
#include "cap/handle.h"
#include "debug/kprintf.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

/* Under the kernel lock, so one of each serves every CPU. */
static char log_buffer[KS_LOG_WRITE_MAX];
static char spawn_path[KS_PATH_MAX];
static char spawn_bytes[KS_ARG_BYTES_MAX];
static const char *spawn_argv[KS_ARGV_MAX];
static int64_t spawn_handles[KS_START_HANDLES_MAX];

static struct process *self(void)
{
    return sched_current()->process;
}

SYSCALL_HANDLER(sys_null)
{
    SYSCALL_UNUSED6();
    return 0;
}

SYSCALL_HANDLER(sys_log_write)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    if (a1 > KS_LOG_WRITE_MAX)
        return -KS_ERR_INVALID_ARGUMENT;
    if (copy_from_user(log_buffer, a0, a1) < 0)
        return -KS_ERR_FAULT;
    kinfo("%.*s", (int)a1, log_buffer);
    return (int64_t)a1;
}

SYSCALL_HANDLER(sys_exit)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    struct process *p = self();
    struct ks_exit_status status = { .pid = p->pid, .reason = KS_EXIT_NORMAL,
                                     .status = (int32_t)a0 };
    process_end(p, &status);
    thread_exit_current((int64_t)(int32_t)a0);
}

/* The process handle names in the caller's table, with rights. */
static int lookup_process(uint64_t handle, uint32_t rights, struct process **out)
{
    struct cap *cap;
    int err = handle_lookup(&self()->handles, (int64_t)handle, KS_OBJECT_PROCESS, rights, &cap);
    if (err < 0)
        return err;
    *out = process_of(cap->obj);
    return 0;
}

SYSCALL_HANDLER(sys_process_info)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct process *p = self();
    if (a0 != 0) {
        int err = lookup_process(a0, KS_RIGHT_READ, &p);
        if (err < 0)
            return err;
    }
    struct ks_process_info info;
    process_info(p, &info);
    return copy_to_user(a1, &info, sizeof(info));
}

SYSCALL_HANDLER(sys_mem_info)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    struct pmm_stats stats;
    vm_kstack_reclaim();  /* settle deferred frees: the count is exact */
    pmm_get_stats(&stats);
    struct ks_mem_info info = {
        .page_size = PAGE_SIZE, .total_frames = stats.total_frames,
        .free_frames = pmm_free_count(), .cpus = arch_cpu_count(),
    };
    return copy_to_user(a0, &info, sizeof(info));
}

/* The start handles are checked (rights, staleness) by the spawn itself,
 * before the child can run; here only the count and the copy. */
SYSCALL_HANDLER(sys_spawn)
{
    (void)a5;
    if (a2 > KS_ARGV_MAX || a4 > KS_START_HANDLES_MAX)
        return -KS_ERR_INVALID_ARGUMENT;
    if (a4 > 0 && copy_from_user(spawn_handles, a3, a4 * sizeof(spawn_handles[0])) < 0)
        return -KS_ERR_FAULT;
    int64_t len = copy_string_from_user(spawn_path, a0, sizeof(spawn_path));
    if (len < 0)
        return len;
    int err = copy_argv_from_user(a1, (uint32_t)a2, spawn_bytes, sizeof(spawn_bytes), spawn_argv);
    if (err < 0)
        return err;
    int64_t handle;
    err = process_spawn_handle(spawn_path, spawn_argv, (uint32_t)a2, self(), spawn_handles,
                               (uint32_t)a4, &handle);
    return err < 0 ? err : handle;
}

SYSCALL_HANDLER(sys_wait)
{
    (void)a3; (void)a4; (void)a5;
    struct ks_exit_status status = { 0 };
    /* A bad pointer is refused before anything else. */
    if (copy_to_user(a1, &status, sizeof(status)) < 0)
        return -KS_ERR_FAULT;
    struct process *p;
    int err = lookup_process(a0, KS_RIGHT_WAIT, &p);
    if (err < 0)
        return err;
    /* Our own reference: while this thread blocks, the handle may be
     * closed by another thread, and the process end, and be freed. */
    kobject_ref(&p->obj);
    err = process_wait(p, &status, a2);
    kobject_unref(&p->obj);
    if (err < 0)
        return err;
    return copy_to_user(a1, &status, sizeof(status));
}

SYSCALL_HANDLER(sys_process_kill)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    struct process *p;
    int err = lookup_process(a0, KS_RIGHT_MANAGE, &p);
    if (err < 0)
        return err;
    /* Killing one's own process is allowed: the caller leaves at its
     * kernel exit like every other thread of it. */
    process_kill(p);
    return 0;
}
