/* SPDX-License-Identifier: MIT */
/*
 * Threads and wait queues; see thread.h.  Kernel lock held throughout.
 */
#include "arch.h"
#include "debug/kprintf.h"
#include "ipc/endpoint.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "proc/process.h"
#include "proc/quota.h"
#include "proc/thread.h"
#include "proc/user_load.h"
#include "sched/sched.h"

static int64_t next_tid = 1;
/* FPU save areas need more alignment than kmalloc's 16 bytes (XSAVE: 64). */
static struct slab_cache fpu_cache;

int thread_init(void)
{
    return slab_cache_init(&fpu_cache, "fpu-state", arch_fpu_area_size(),
                           arch_fpu_area_align());
}

int64_t thread_peek_next_tid(void)
{
    return next_tid;
}

void wait_queue_init(struct wait_queue *q)
{
    rq_list_init(&q->head);
}

int64_t wait_queue_sleep(struct wait_queue *q, uint64_t timeout_ns)
{
    struct thread *cur = sched_current();
    rq_list_insert_before(&q->head, &cur->link);
    cur->waiting = q;
    return sched_block(timeout_ns);
}

void wait_queue_remove(struct thread *t)
{
    if (!t->waiting)
        return;
    rq_list_unlink(&t->link);
    t->waiting = NULL;
}

unsigned wait_queue_wake(struct wait_queue *q, unsigned count, int64_t result)
{
    unsigned woken = 0;
    while (woken < count && !rq_list_empty(&q->head)) {
        struct thread *t = thread_of_link(q->head.next);
        wait_queue_remove(t);
        sched_wake(t, result);
        woken++;
    }
    return woken;
}

/* Kernel memory a thread costs its process's quota: the struct, the FPU
 * area and the kernel stack (its guard page has no frame).  Charged with
 * the thread count from thread_create to thread_free, stacks included:
 * a dead thread nobody joined still holds its place. */
static uint64_t thread_kernel_bytes(void)
{
    return sizeof(struct thread) + arch_fpu_area_size() + VM_KSTACK_SIZE;
}

static int thread_charge(struct process *p)
{
    int err = quota_charge(process_quota(p), QUOTA_THREADS, 1);
    if (err == 0) {
        err = quota_charge(process_quota(p), QUOTA_KERNEL, thread_kernel_bytes());
        if (err < 0)
            quota_uncharge(process_quota(p), QUOTA_THREADS, 1);
    }
    return err;
}

static void thread_uncharge(struct process *p)
{
    quota_uncharge(process_quota(p), QUOTA_KERNEL, thread_kernel_bytes());
    quota_uncharge(process_quota(p), QUOTA_THREADS, 1);
}

int thread_create(struct process *p, uintptr_t entry, uintptr_t user_sp, uint64_t arg0,
                  uint64_t arg1, unsigned priority, uint64_t cpu_mask, struct thread **out)
{
    int err = thread_charge(p);
    if (err < 0)
        return err;
    struct thread *t = kmalloc(sizeof(*t));
    if (t) {
        memset(t, 0, sizeof(*t));
        t->fpu = slab_alloc(&fpu_cache);
    }
    if (!t || !t->fpu || vm_kstack_alloc(&t->kstack) < 0) {
        if (t && t->fpu)
            slab_free(&fpu_cache, t->fpu);
        kfree(t);
        thread_uncharge(p);
        return -KS_ERR_NO_MEMORY;
    }
    arch_fpu_area_init(t->fpu);
    t->ksp = arch_thread_prepare_user(t->kstack.top, entry, user_sp, arg0, arg1);
    t->process = p;
    t->tid = next_tid++;
    t->state = KS_THREAD_READY;
    t->priority = (uint8_t)priority;
    t->base_priority = (uint8_t)priority;
    t->cpu_mask = cpu_mask;
    t->cpu = arch_cpu_id();
    t->stack_slot = -1;
    rq_list_init(&t->link);
    wait_queue_init(&t->joiners);
    timer_event_init(&t->timeout, NULL, NULL);
    rq_list_insert_before(&p->threads, &t->process_link);
    p->thread_objects++;
    p->live_threads++;
    *out = t;
    return 0;
}

/* Unmap a user range of p, make every CPU that may have cached it
 * forget it (the process ran elsewhere), and only then free the frames,
 * so a sibling thread holding a stale translation can never write into a
 * frame the kernel has reused. */
void thread_unmap_user_range(struct process *p, uintptr_t base, size_t size)
{
    phys_addr_t frames[KS_THREAD_STACK_SIZE / PAGE_SIZE];
    /* Only CPUs running one of p's threads now can hold its user-half
     * translations: switching address spaces drops them. */
    uint64_t cpus = sched_cpus_running(p);
    for (uintptr_t at = base; at < base + size; at += KS_THREAD_STACK_SIZE) {
        uintptr_t end = at + KS_THREAD_STACK_SIZE < base + size ? at + KS_THREAD_STACK_SIZE
                                                                : base + size;
        unsigned count = 0;
        for (uintptr_t va = at; va < end; va += PAGE_SIZE) {
            phys_addr_t pa;
            unsigned flags;
            if (vm_translate(&p->space, va, &pa, &flags) == 0 && vm_unmap(&p->space, va, 0) == 0)
                frames[count++] = pa;
        }
        if (cpus & ~(1ull << arch_cpu_id()))
            (void)arch_tlb_shootdown_range(at, (end - at) / PAGE_SIZE, cpus);
        for (unsigned i = 0; i < count; i++)
            pmm_free(frames[i], PMM_OWNER_USER);
    }
}

static void release_user_stack(struct thread *t)
{
    struct process *p = t->process;
    if (t->stack_slot < 0 || p->state == PROCESS_ZOMBIE)
        return;
    uintptr_t top = USER_THREAD_STACK_BASE + (uintptr_t)(t->stack_slot + 1) * USER_THREAD_SLOT_SIZE;
    thread_unmap_user_range(p, top - KS_THREAD_STACK_SIZE, KS_THREAD_STACK_SIZE);
    process_uncharge_memory(p, KS_THREAD_STACK_SIZE);
    process_stack_slot_release(p, t->stack_slot);
    t->stack_slot = -1;
}

void thread_reap(struct thread *t)
{
    struct process *p = t->process;
    vm_kstack_free_deferred(&t->kstack);
    slab_free(&fpu_cache, t->fpu);
    t->fpu = NULL;
    release_user_stack(t);
    t->reaped = true;
    if (t->joined)
        thread_free(t);
    process_thread_died(p);
}

void thread_free(struct thread *t)
{
    struct process *p = t->process;
    rq_list_unlink(&t->process_link);
    p->thread_objects--;
    thread_uncharge(p);
    kfree(t);
}

void thread_exit_current(int64_t value)
{
    struct thread *t = sched_current();
    struct process *p = t->process;
    t->state = KS_THREAD_DEAD;
    t->exit_value = value;
    p->live_threads--;
    if (p->live_threads == 0 && p->state == PROCESS_ALIVE) {
        struct ks_exit_status status = { .pid = p->pid, .reason = KS_EXIT_NORMAL,
                                         .status = (int32_t)value };
        process_end(p, &status);
    }
    ipc_drop_reply();  /* a call it held gets -KS_ERR_PEER_GONE */
    wait_queue_wake(&t->joiners, ~0u, 0);
    sched_exit_current();
}

struct thread *thread_find(struct process *p, int64_t tid)
{
    for (struct rq_link *l = p->threads.next; l != &p->threads; l = l->next) {
        struct thread *t = (struct thread *)((char *)l -
                                             __builtin_offsetof(struct thread, process_link));
        if (t->tid == tid && !t->joined)
            return t;
    }
    return NULL;
}

void thread_info(const struct thread *t, struct ks_thread_info *out)
{
    memset(out, 0, sizeof(*out));
    out->tid = t->tid;
    out->pid = t->process ? t->process->pid : 0;
    out->state = t->state;
    out->priority = t->priority;
    out->cpu = t->cpu;
    out->cpu_mask = t->cpu_mask;
    out->switches = t->switches;
    out->run_ns = t->run_ns;
    if (t->state == KS_THREAD_RUNNING && t == sched_current())
        out->run_ns += arch_time_ns() - t->run_start_ns;
}
