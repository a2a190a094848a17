/* SPDX-License-Identifier: MIT */
/*
 * Processes; see process.h.  Kernel lock held throughout.
 *
 * Ending a process is two steps.  process_end records the status and
 * tells every thread to die (a blocked one is woken, a running one on
 * another CPU is interrupted); each thread then leaves by itself through
 * thread_exit_current, and the scheduler frees its stacks once it has
 * switched away (thread_reap).  When the last thread is reaped,
 * process_thread_died frees the user memory: by then no CPU runs on the
 * process's page tables, since idle threads use the kernel's space.
 *
 * The process object outlives its memory: it is a kobject whose
 * references are the kernel's (one, from spawn until the last thread is
 * reaped), one per handle, and one per thread blocked in process_wait.
 * So an ended process costs only its struct until every holder has let
 * go, and nobody (no parent, no orphan rule) has to reap it.
 */
#include "arch.h"
#include "cap/io_ports.h"
#include "debug/kprintf.h"
#include "init/boot.h"
#include "init/boot_caps.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/user_map.h"
#include "mm/pmm.h"
#include "proc/process.h"
#include "proc/quota.h"
#include "proc/thread.h"
#include "proc/user_load.h"
#include "sched/sched.h"

/* A program's ELF image in kernel memory, and the name it goes by. */
struct image_source {
    const void *data;
    size_t size;
    const char *name;
};

/* The start handles of a spawn: values in creator's table. */
struct spawn_handles {
    struct process *creator;
    const int64_t *handles;
    uint32_t count;
};

static unsigned process_count;
static int64_t next_pid = 1;
static void (*init_exit_hook)(const struct ks_exit_status *status);

void process_set_init_exit_hook(void (*hook)(const struct ks_exit_status *status))
{
    init_exit_hook = hook;
}

static struct thread *thread_of_process_link(struct rq_link *l)
{
    return (struct thread *)((char *)l - __builtin_offsetof(struct thread, process_link));
}

int process_stack_slot_claim(struct process *p)
{
    for (unsigned w = 0; w < USER_THREAD_STACK_SLOTS / 64; w++) {
        if (p->stack_slots[w] == ~0ull)
            continue;
        unsigned bit = (unsigned)__builtin_ctzll(~p->stack_slots[w]);
        p->stack_slots[w] |= 1ull << bit;
        return (int)(w * 64 + bit);
    }
    return -1;
}

void process_stack_slot_release(struct process *p, int slot)
{
    if (slot >= 0 && (unsigned)slot < USER_THREAD_STACK_SLOTS)
        p->stack_slots[slot / 64] &= ~(1ull << (slot % 64));
}

static void name_from_path(char *name, const char *path)
{
    const char *base = path;
    for (const char *s = path; *s; s++)
        if (*s == '/')
            base = s + 1;
    size_t i = 0;
    for (; base[i] && i + 1 < KS_NAME_LEN; i++)
        name[i] = base[i];
    for (; i < KS_NAME_LEN; i++)
        name[i] = 0;
}

/* Every thread object still on the list is reaped by now. */
static void free_thread_objects(struct process *p)
{
    while (!rq_list_empty(&p->threads))
        thread_free(thread_of_process_link(p->threads.next));
}

static void process_release_resources(struct process *p);

/* The last reference went: the memory is long gone, only the struct is
 * left (and, after a failed spawn, nothing else). */
static void process_destroy(struct kobject *obj)
{
    struct process *p = process_of(obj);
    /* Created and never started (or killed): nothing else released it. */
    if (p->state != PROCESS_ZOMBIE)
        process_release_resources(p);
    free_thread_objects(p);
    process_count--;
    quota_detach_table(p->quota);
    quota_uncharge(p->quota, QUOTA_KERNEL, sizeof(*p));
    quota_unref(p->quota);
    kfree(p);
}

/* The first process's limits: the handles and threads of the old fixed
 * limits, and all usable RAM for user and for kernel memory. */
static void first_process_limits(struct ks_limits *out)
{
    struct pmm_stats stats;
    pmm_get_stats(&stats);
    out->handles = PROCESS_MAX_HANDLES;
    out->threads = PROCESS_MAX_THREADS;
    out->memory_bytes = stats.total_frames * PAGE_SIZE;
    out->kernel_bytes = stats.total_frames * PAGE_SIZE;
}

/* p's quota: the creator's limits, under the creator's quota; its struct
 * is charged to it (and so to every ancestor). */
static int process_quota_init(struct process *p, struct process *creator)
{
    struct ks_limits first = { 0 };
    if (!creator)
        first_process_limits(&first);
    int err = quota_create(process_quota(creator), &first, &p->quota);
    if (err < 0)
        return err;
    err = quota_charge(p->quota, QUOTA_KERNEL, sizeof(*p));
    if (err < 0) {
        quota_unref(p->quota);
        return err;
    }
    quota_attach_table(p->quota, &p->handles);
    return 0;
}

static int process_alloc(const char *path, struct process *creator, struct process **out)
{
    struct process *p = kmalloc(sizeof(*p));
    if (!p)
        return -KS_ERR_NO_MEMORY;
    memset(p, 0, sizeof(*p));
    handle_table_init(&p->handles, PROCESS_MAX_HANDLES);
    int err = process_quota_init(p, creator);
    if (err < 0) {
        kfree(p);
        return err;
    }
    if (vm_space_init(&p->space) < 0) {
        quota_detach_table(p->quota);
        quota_uncharge(p->quota, QUOTA_KERNEL, sizeof(*p));
        quota_unref(p->quota);
        kfree(p);
        return -KS_ERR_NO_MEMORY;
    }
    /* The creation reference is the kernel's, kept while p has threads. */
    kobject_init(&p->obj, KS_OBJECT_PROCESS, process_destroy);
    p->pid = next_pid++;
    p->creator_pid = creator ? creator->pid : 0;
    p->state = PROCESS_ALIVE;
    name_from_path(p->name, path);
    rq_list_init(&p->threads);
    wait_queue_init(&p->waiters);
    process_count++;
    *out = p;
    return 0;
}

/* Give back what a process holds besides its struct: handles (which may
 * free other objects, other ended processes among them) and memory. */
static void process_release_resources(struct process *p)
{
    handle_table_fini(&p->handles);
    io_ports_process_end(p);
    /* Memory objects' pages are theirs, not p's: unmapped first, so that
     * user_space_release frees only p's own frames. */
    user_map_release_all(p);
    user_space_release(&p->space);
    vm_space_fini(&p->space);
    process_uncharge_memory(p, p->memory_charged);
    p->state = PROCESS_ZOMBIE;
}

/* Each start handle names a capability of the creator's with DUPLICATE
 * and TRANSFER.  Checked before anything is made, so a refused spawn
 * leaves no trace (not even a used pid). */
static int start_handles_check(const struct spawn_handles *sh)
{
    if (!sh || sh->count == 0)
        return 0;
    if (sh->count > KS_START_HANDLES_MAX || !sh->creator)
        return -KS_ERR_INVALID_ARGUMENT;
    for (uint32_t i = 0; i < sh->count; i++) {
        struct cap *cap;
        if (sh->handles[i] == KS_HANDLE_INVALID)
            continue;               /* an empty slot keeps the others' places */
        int err = handle_lookup(&sh->creator->handles, sh->handles[i], KS_OBJECT_NONE,
                                KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER, &cap);
        if (err < 0)
            return err;
    }
    return 0;
}

/* Copy the start handles (checked) from the creator's table into p's:
 * each a child capability with the same rights and badge, so revoking
 * the creator's reaches it; an entry of 0 stays 0 (an empty slot).  The values go into info in the same order.
 * On failure the copies made so far stay in p's table, which the caller
 * empties with the rest of p. */
static int start_handles_derive(struct process *p, const struct spawn_handles *sh,
                                struct ks_start_info *info)
{
    if (!sh)
        return 0;
    for (uint32_t i = 0; i < sh->count; i++) {
        struct cap *cap;
        if (sh->handles[i] == KS_HANDLE_INVALID) {
            info->handles[i] = KS_HANDLE_INVALID;
            continue;
        }
        int err = handle_lookup(&sh->creator->handles, sh->handles[i], KS_OBJECT_NONE,
                                KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER, &cap);
        if (err == 0)
            err = handle_derive(cap, &p->handles, cap->rights, cap->badge, &info->handles[i]);
        if (err < 0)
            return err;
    }
    info->handle_count = sh->count;
    return 0;
}

/* Build the user half: program, main stack, start handles, start frame. */
static int process_image(struct process *p, const struct image_source *src,
                         const char *const *argv, uint32_t argc,
                         const struct spawn_handles *sh, uintptr_t *entry, uintptr_t *sp)
{
    const void *image = src->data;
    size_t size = src->size;
    /* Charged before anything is mapped: a program too big for the quota
     * costs no frame.  Given back with the rest of p's memory. */
    int err = process_charge_memory(p, user_load_elf_bytes(image, size) + USER_MAIN_STACK_SIZE);
    if (err < 0)
        return err;
    const char *why = "";
    err = user_load_elf(&p->space, image, size, entry, &why);
    if (err < 0) {
        kwarn("spawn: %s: not a program Kestrel can run: %s\n", src->name, why);
        return err;
    }
    err = user_stack_map(&p->space, USER_MAIN_STACK_TOP, USER_MAIN_STACK_SIZE);
    if (err < 0)
        return err;
    struct ks_start_info info = {
        .magic = KS_START_INFO_MAGIC, .pid = p->pid, .page_size = PAGE_SIZE,
        .stack_base = USER_MAIN_STACK_TOP - USER_MAIN_STACK_SIZE,
        .stack_size = USER_MAIN_STACK_SIZE, .cpus = arch_cpu_count(),
        .cycles_khz = arch_cycles_khz(),
    };
    /* The main thread's id is the next one handed out. */
    info.tid = thread_peek_next_tid();
    /* Derived before the frame is built: the frame carries their values.
     * The first process (no creator's list) gets the boot capabilities. */
    if (sh) {
        err = start_handles_derive(p, sh, &info);
    } else {
        err = boot_caps_install(&p->handles, info.handles);
        info.handle_count = BOOT_CAPS_COUNT;
    }
    if (err < 0)
        return err;
    return user_stack_start_frame(&p->space, USER_MAIN_STACK_TOP, argv, argc, &info, sp);
}

/* The common part of spawn and process_create.  The handle (when into
 * is not NULL) is installed before the main thread exists, so that every
 * later step can still undo everything and the process never runs
 * without it.  Without start, no thread is made: the entry and stack
 * are kept for process_start, and only the handle holds p until then
 * (its last close frees an unstarted process). */
static int process_build(const struct image_source *src, const char *const *argv,
                         uint32_t argc, struct process *creator,
                         const struct spawn_handles *sh, const struct ks_limits *limits,
                         struct handle_table *into, bool start, int64_t *handle_out,
                         struct process **out)
{
    if (argc > KS_ARGV_MAX)
        return -KS_ERR_INVALID_ARGUMENT;
    if (process_count >= PROCESS_MAX)
        return -KS_ERR_DENIED;
    int err = start_handles_check(sh);
    if (err < 0)
        return err;
    struct process *p;
    err = process_alloc(src->name, creator, &p);
    if (err < 0)
        return err;
    uintptr_t entry = 0, sp = 0;
    struct thread *t = NULL;
    int64_t handle = 0;
    if (limits)
        err = quota_set_limits(process_quota(p), limits, process_quota(creator));
    if (err == 0)
        err = process_image(p, src, argv, argc, sh, &entry, &sp);
    if (err == 0 && into)
        err = handle_install(into, &p->obj, PROCESS_SPAWN_RIGHTS, 0, &handle);
    if (err == 0 && start)
        err = thread_create(p, entry, sp, 0, 0, KS_PRIORITY_DEFAULT, ~0ull, &t);
    if (err < 0) {
        if (handle)
            (void)handle_close(into, handle);
        process_release_resources(p);
        kobject_unref(&p->obj);
        return err;
    }
    if (handle_out)
        *handle_out = handle;
    *out = p;
    if (start) {
        sched_ready(t);
    } else {
        p->unstarted = true;
        p->start_entry = entry;
        p->start_sp = sp;
        kobject_unref(&p->obj);  /* the kernel's: process_start takes it again */
    }
    return 0;
}

static int spawn(const char *path, const char *const *argv, uint32_t argc,
                 struct process *creator, const struct spawn_handles *sh,
                 struct handle_table *into, int64_t *handle_out, struct process **out)
{
    struct image_source src = { .name = path };
    if (!path)
        return -KS_ERR_INVALID_ARGUMENT;
    int err = initrd_find(path, &src.data, &src.size);
    if (err < 0)
        return err;
    return process_build(&src, argv, argc, creator, sh, NULL, into, true, handle_out, out);
}

int process_spawn(const char *path, const char *const *argv, uint32_t argc,
                  struct process *creator, int64_t *pid_out)
{
    struct process *p;
    int err = spawn(path, argv, argc, creator, NULL, NULL, NULL, &p);
    if (err == 0)
        *pid_out = p->pid;
    return err;
}

int process_spawn_handle(const char *path, const char *const *argv, uint32_t argc,
                         struct process *creator, const int64_t *handles, uint32_t count,
                         int64_t *handle_out)
{
    struct process *p;
    struct spawn_handles sh = { .creator = creator, .handles = handles, .count = count };
    return spawn(path, argv, argc, creator, &sh, &creator->handles, handle_out, &p);
}

int process_create_handle(const void *image, size_t size, const char *name,
                          const char *const *argv, uint32_t argc, struct process *creator,
                          const int64_t *handles, uint32_t count,
                          const struct ks_limits *limits, int64_t *handle_out)
{
    struct process *p;
    struct image_source src = { .data = image, .size = size, .name = name };
    struct spawn_handles sh = { .creator = creator, .handles = handles, .count = count };
    return process_build(&src, argv, argc, creator, &sh, limits, &creator->handles, false,
                         handle_out, &p);
}

int process_start(struct process *p)
{
    if (!p->unstarted)
        return -KS_ERR_BUSY;
    struct thread *t;
    int err = thread_create(p, p->start_entry, p->start_sp, 0, 0, KS_PRIORITY_DEFAULT, ~0ull,
                            &t);
    if (err < 0)
        return err;
    p->unstarted = false;
    kobject_ref(&p->obj);  /* the kernel's, kept while p has threads */
    sched_ready(t);
    return 0;
}

void process_end(struct process *p, const struct ks_exit_status *status)
{
    if (p->state != PROCESS_ALIVE)
        return;
    p->state = PROCESS_DYING;
    p->exit = *status;
    p->exit.pid = p->pid;
    if (p->unstarted) {
        /* No thread will finish the end: it ends here. */
        p->unstarted = false;
        process_release_resources(p);
        wait_queue_wake(&p->waiters, ~0u, 0);
        return;
    }
    for (struct rq_link *l = p->threads.next; l != &p->threads; l = l->next) {
        struct thread *t = thread_of_process_link(l);
        if (t->state == KS_THREAD_DEAD)
            continue;
        t->kill = true;
        if (t->state == KS_THREAD_BLOCKED) {
            wait_queue_remove(t);
            sched_wake(t, -KS_ERR_DENIED);
        } else if (t->state == KS_THREAD_RUNNING && t != sched_current()) {
            sched_kick(t->cpu);
        }
    }
}

void process_kill(struct process *p)
{
    struct ks_exit_status status = { .pid = p->pid, .reason = KS_EXIT_KILLED, .status = -1 };
    process_end(p, &status);
}

void process_thread_died(struct process *p)
{
    for (struct rq_link *l = p->threads.next; l != &p->threads; l = l->next)
        if (!thread_of_process_link(l)->reaped)
            return;
    if (p->state != PROCESS_DYING)
        return;  /* ALIVE is not reached: the last thread's exit ends it */
    /* No thread of p can be joined any more: nobody is left to join. */
    free_thread_objects(p);
    process_release_resources(p);
    kinfo("process %lld (%s) ended: %s %d\n", (long long)p->pid, p->name,
          p->exit.reason == KS_EXIT_FAULT ? "fault, vector" : "status",
          p->exit.reason == KS_EXIT_FAULT ? (int)p->exit.fault_vector : (int)p->exit.status);
    if (p->pid == 1 && init_exit_hook)
        init_exit_hook(&p->exit);
    /* Waiters hold references of their own: the object stays for them
     * even when the kernel's reference below was the last but theirs. */
    wait_queue_wake(&p->waiters, ~0u, 0);
    kobject_unref(&p->obj);
}

void process_info(const struct process *p, struct ks_process_info *out)
{
    memset(out, 0, sizeof(*out));
    out->pid = p->pid;
    out->parent = p->creator_pid;
    memcpy(out->name, p->name, KS_NAME_LEN);
    out->threads = p->live_threads;
    out->user_pages = p->state == PROCESS_ZOMBIE ? 0 :
                      user_space_pages((struct vm_space *)&p->space);
}

int process_wait(struct process *p, struct ks_exit_status *out, uint64_t timeout_ns)
{
    struct thread *self = sched_current();
    uint64_t start = arch_time_ns();
    for (;;) {
        if (p->state == PROCESS_ZOMBIE) {
            *out = p->exit;
            return 0;
        }
        if (self->kill)
            return -KS_ERR_DENIED;
        uint64_t left = sched_time_left(start, timeout_ns);
        if (left == 0)
            return -KS_ERR_TIMED_OUT;
        int64_t r = wait_queue_sleep(&p->waiters, left);
        /* A timeout goes round once more: an end right at the deadline
         * still counts. */
        if (r < 0 && r != -KS_ERR_TIMED_OUT)
            return (int)r;
    }
}
