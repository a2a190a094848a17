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
 */
#include "arch.h"
#include "debug/kprintf.h"
#include "init/boot.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "proc/user_load.h"
#include "sched/sched.h"

static struct rq_link all_processes = { &all_processes, &all_processes };
static unsigned process_count;
static int64_t next_pid = 1;
static void (*init_exit_hook)(const struct ks_exit_status *status);

void process_set_init_exit_hook(void (*hook)(const struct ks_exit_status *status))
{
    init_exit_hook = hook;
}

static struct process *process_of_all(struct rq_link *l)
{
    return (struct process *)((char *)l - __builtin_offsetof(struct process, all_link));
}

struct process *process_find(int64_t pid)
{
    for (struct rq_link *l = all_processes.next; l != &all_processes; l = l->next)
        if (process_of_all(l)->pid == pid)
            return process_of_all(l);
    return NULL;
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

static struct process *process_alloc(const char *path, struct process *parent)
{
    struct process *p = kmalloc(sizeof(*p));
    if (!p)
        return NULL;
    memset(p, 0, sizeof(*p));
    if (vm_space_init(&p->space) < 0) {
        kfree(p);
        return NULL;
    }
    p->pid = next_pid++;
    p->parent = parent;
    p->state = PROCESS_ALIVE;
    name_from_path(p->name, path);
    handle_table_init(&p->handles, PROCESS_MAX_HANDLES);
    rq_list_init(&p->threads);
    wait_queue_init(&p->child_waiters);
    rq_list_insert_before(&all_processes, &p->all_link);
    process_count++;
    return p;
}

static void process_free(struct process *p)
{
    while (!rq_list_empty(&p->threads)) {
        struct rq_link *l = p->threads.next;
        thread_free((struct thread *)((char *)l -
                                      __builtin_offsetof(struct thread, process_link)));
    }
    rq_list_unlink(&p->all_link);
    process_count--;
    kfree(p);
}

/* Build the user half: program, main stack, start frame. */
static int process_image(struct process *p, const char *path, const char *const *argv,
                         uint32_t argc, uintptr_t *entry, uintptr_t *sp)
{
    const void *image;
    size_t size;
    int err = initrd_find(path, &image, &size);
    if (err < 0)
        return err;
    const char *why = "";
    err = user_load_elf(&p->space, image, size, entry, &why);
    if (err < 0) {
        kwarn("spawn: %s: not a program Kestrel can run: %s\n", path, why);
        return err;
    }
    err = user_stack_map(&p->space, USER_MAIN_STACK_TOP, USER_MAIN_STACK_SIZE);
    if (err < 0)
        return err;
    struct ks_start_info info = {
        .magic = KS_START_INFO_MAGIC, .pid = p->pid, .page_size = PAGE_SIZE,
        .stack_base = USER_MAIN_STACK_TOP - USER_MAIN_STACK_SIZE,
        .stack_size = USER_MAIN_STACK_SIZE, .cpus = arch_cpu_count(),
        .cycles_khz = arch_cycles_calibrate_khz(),
    };
    /* The main thread's id is the next one handed out. */
    info.tid = thread_peek_next_tid();
    return user_stack_start_frame(&p->space, USER_MAIN_STACK_TOP, argv, argc, &info, sp);
}

int process_spawn(const char *path, const char *const *argv, uint32_t argc,
                  struct process *parent, int64_t *pid_out)
{
    if (!path || argc > KS_ARGV_MAX)
        return -KS_ERR_INVALID_ARGUMENT;
    if (process_count >= PROCESS_MAX)
        return -KS_ERR_DENIED;
    struct process *p = process_alloc(path, parent);
    if (!p)
        return -KS_ERR_NO_MEMORY;
    uintptr_t entry = 0, sp = 0;
    struct thread *t = NULL;
    int err = process_image(p, path, argv, argc, &entry, &sp);
    if (err == 0)
        err = thread_create(p, entry, sp, 0, 0, KS_PRIORITY_DEFAULT, ~0ull, &t);
    if (err < 0) {
        handle_table_fini(&p->handles);
        user_space_release(&p->space);
        vm_space_fini(&p->space);
        process_free(p);
        return err;
    }
    *pid_out = p->pid;
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
    for (struct rq_link *l = p->threads.next; l != &p->threads; l = l->next) {
        struct thread *t = (struct thread *)((char *)l -
                                             __builtin_offsetof(struct thread, process_link));
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

/* Children lose their parent; those already ended go at once. */
static void orphan_children(struct process *parent)
{
    struct rq_link *l = all_processes.next;
    while (l != &all_processes) {
        struct process *child = process_of_all(l);
        l = l->next;
        if (child->parent != parent)
            continue;
        child->parent = NULL;
        if (child->state == PROCESS_ZOMBIE)
            process_free(child);
    }
}

void process_thread_died(struct process *p)
{
    for (struct rq_link *l = p->threads.next; l != &p->threads; l = l->next) {
        struct thread *t = (struct thread *)((char *)l -
                                             __builtin_offsetof(struct thread, process_link));
        if (!t->reaped)
            return;
    }
    if (p->state == PROCESS_ALIVE)
        return;  /* not reached: the last thread's exit ends it */
    handle_table_fini(&p->handles);
    user_space_release(&p->space);
    vm_space_fini(&p->space);
    p->state = PROCESS_ZOMBIE;
    orphan_children(p);
    kinfo("process %lld (%s) ended: %s %d\n", (long long)p->pid, p->name,
          p->exit.reason == KS_EXIT_FAULT ? "fault, vector" : "status",
          p->exit.reason == KS_EXIT_FAULT ? (int)p->exit.fault_vector : (int)p->exit.status);
    if (p->pid == 1 && init_exit_hook)
        init_exit_hook(&p->exit);
    if (p->parent)
        wait_queue_wake(&p->parent->child_waiters, ~0u, 0);
    else
        process_free(p);
}

void process_info(const struct process *p, struct ks_process_info *out)
{
    memset(out, 0, sizeof(*out));
    out->pid = p->pid;
    out->parent = p->parent ? p->parent->pid : 0;
    memcpy(out->name, p->name, KS_NAME_LEN);
    out->threads = p->live_threads;
    out->user_pages = p->state == PROCESS_ZOMBIE ? 0 :
                      user_space_pages((struct vm_space *)&p->space);
}

int process_wait(struct process *self, int64_t pid, struct ks_exit_status *out,
                 uint64_t timeout_ns)
{
    struct process *child = process_find(pid);
    if (!child || child->parent != self)
        return -KS_ERR_NOT_FOUND;
    uint64_t start = arch_time_ns();
    while (child->state != PROCESS_ZOMBIE) {
        uint64_t waited = arch_time_ns() - start;
        if (timeout_ns != KS_TIMEOUT_INFINITE && waited >= timeout_ns)
            return -KS_ERR_TIMED_OUT;
        uint64_t left = timeout_ns == KS_TIMEOUT_INFINITE ? timeout_ns : timeout_ns - waited;
        int64_t r = wait_queue_sleep(&self->child_waiters, left);
        if (r < 0 && r != -KS_ERR_TIMED_OUT)
            return (int)r;
        /* The child may have been reaped by another waiting thread. */
        child = process_find(pid);
        if (!child || child->parent != self)
            return -KS_ERR_NOT_FOUND;
    }
    *out = child->exit;
    process_free(child);
    return 0;
}
