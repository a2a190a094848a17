/* SPDX-License-Identifier: MIT */
/*
 * Thread system calls: yield, sleep, clock, create, exit, join, info,
 * priority and affinity.  Kernel lock held except where syscall.c's
 * table says lockless (clock).
 */
#include "arch.h"
#include "ipc/inherit.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "proc/user_load.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

static struct thread *current(void)
{
    return sched_current();
}

SYSCALL_HANDLER(sys_yield)
{
    SYSCALL_UNUSED6();
    sched_yield();
    return 0;
}

SYSCALL_HANDLER(sys_sleep)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    if (a0 == 0) {
        sched_yield();
        return 0;
    }
    int64_t r = sched_block(a0);
    return r == -KS_ERR_TIMED_OUT ? 0 : r;
}

SYSCALL_HANDLER(sys_clock)
{
    SYSCALL_UNUSED6();
    return (int64_t)arch_time_ns();
}

/* A CPU mask as the calls take it: 0 = every CPU; otherwise it must name
 * at least one CPU that is online. */
static int check_mask(uint64_t mask, uint64_t *out)
{
    uint64_t online = 0;
    for (unsigned cpu = 0; cpu < 64 && cpu < arch_cpu_possible(); cpu++)
        if (arch_cpu_online(cpu))
            online |= 1ull << cpu;
    if (mask == 0)
        mask = ~0ull;
    if (!(mask & online))
        return -KS_ERR_INVALID_ARGUMENT;
    *out = mask;
    return 0;
}

static bool user_code_address(uint64_t va)
{
    return va >= USER_IMAGE_MIN && va < USER_MAIN_STACK_TOP;
}

SYSCALL_HANDLER(sys_thread_create)
{
    (void)a4; (void)a5;
    struct thread *self = current();
    struct process *p = self->process;
    int64_t priority = (int64_t)a2;
    uint64_t mask;
    if (!user_code_address(a0))
        return -KS_ERR_INVALID_ARGUMENT;
    if (priority == KS_PRIORITY_INHERIT)
        priority = self->base_priority;  /* not a priority it inherits */
    if (priority < 0 || priority > KS_PRIORITY_MAX_USER)
        return -KS_ERR_INVALID_ARGUMENT;
    if (check_mask(a3, &mask) < 0)
        return -KS_ERR_INVALID_ARGUMENT;
    /* The stack is charged before it is mapped; the thread count and
     * kernel memory in thread_create, which undoes all of this when the
     * quota refuses. */
    int err = process_charge_memory(p, KS_THREAD_STACK_SIZE);
    if (err < 0)
        return err;
    int slot = process_stack_slot_claim(p);
    if (slot < 0) {
        process_uncharge_memory(p, KS_THREAD_STACK_SIZE);
        return -KS_ERR_DENIED;
    }
    uintptr_t top = USER_THREAD_STACK_BASE + (uintptr_t)(slot + 1) * USER_THREAD_SLOT_SIZE;
    err = user_stack_map(&p->space, top, KS_THREAD_STACK_SIZE);
    if (err < 0) {
        process_stack_slot_release(p, slot);
        process_uncharge_memory(p, KS_THREAD_STACK_SIZE);
        return err;
    }
    struct thread *t;
    /* Entered like a called function: the return-address slot holds 0. */
    err = thread_create(p, a0, top - 8, a1, 0, (unsigned)priority, mask, &t);
    if (err < 0) {
        thread_unmap_user_range(p, top - KS_THREAD_STACK_SIZE, KS_THREAD_STACK_SIZE);
        process_stack_slot_release(p, slot);
        process_uncharge_memory(p, KS_THREAD_STACK_SIZE);
        return err;
    }
    t->stack_slot = slot;
    sched_ready(t);
    return t->tid;
}

SYSCALL_HANDLER(sys_thread_exit)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    thread_exit_current((int64_t)a0);
}

/* Wait until t is dead; 0, or -KS_ERR_TIMED_OUT / another wake error. */
static int64_t wait_dead(struct thread *t, uint64_t timeout)
{
    uint64_t start = arch_time_ns();
    while (t->state != KS_THREAD_DEAD) {
        uint64_t left = sched_time_left(start, timeout);
        if (left == 0)
            return -KS_ERR_TIMED_OUT;
        int64_t r = wait_queue_sleep(&t->joiners, left);
        if (r < 0 && r != -KS_ERR_TIMED_OUT)
            return r;
    }
    return 0;
}

SYSCALL_HANDLER(sys_thread_join)
{
    (void)a3; (void)a4; (void)a5;
    struct thread *self = current();
    struct thread *t = thread_find(self->process, (int64_t)a0);
    if (!t)
        return -KS_ERR_NOT_FOUND;
    if (t == self)
        return -KS_ERR_INVALID_ARGUMENT;
    if (!rq_list_empty(&t->joiners.head))
        return -KS_ERR_BUSY;
    int64_t zero = 0;
    if (a1 && copy_to_user(a1, &zero, sizeof(zero)) < 0)
        return -KS_ERR_FAULT;
    int64_t r = wait_dead(t, a2);
    if (r < 0)
        return r;
    /* Another joiner may have collected it while this one slept. */
    if (thread_find(self->process, (int64_t)a0) != t)
        return -KS_ERR_NOT_FOUND;
    if (a1 && copy_to_user(a1, &t->exit_value, sizeof(t->exit_value)) < 0)
        return -KS_ERR_FAULT;
    t->joined = true;
    if (t->reaped)
        thread_free(t);
    return 0;
}

static struct thread *thread_arg(uint64_t tid)
{
    struct thread *self = current();
    if (tid == 0)
        return self;
    struct thread *t = thread_find(self->process, (int64_t)tid);
    return t && t->state != KS_THREAD_DEAD ? t : NULL;
}

SYSCALL_HANDLER(sys_thread_info)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct thread *self = current();
    struct thread *t = a0 == 0 ? self : thread_find(self->process, (int64_t)a0);
    if (!t)
        return -KS_ERR_NOT_FOUND;
    struct ks_thread_info info;
    thread_info(t, &info);
    return copy_to_user(a1, &info, sizeof(info));
}

SYSCALL_HANDLER(sys_thread_set_priority)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct thread *t = thread_arg(a0);
    if (!t)
        return -KS_ERR_NOT_FOUND;
    int64_t priority = (int64_t)a1;
    if (priority < 0 || priority > KS_PRIORITY_MAX_USER)
        return -KS_ERR_INVALID_ARGUMENT;
    t->base_priority = (uint8_t)priority;
    ipc_inherit_update(t);   /* its effective priority, and its callees' */
    return 0;
}

SYSCALL_HANDLER(sys_thread_set_affinity)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct thread *t = thread_arg(a0);
    if (!t)
        return -KS_ERR_NOT_FOUND;
    uint64_t mask;
    if (check_mask(a1, &mask) < 0)
        return -KS_ERR_INVALID_ARGUMENT;
    sched_set_affinity(t, mask);
    return 0;
}
