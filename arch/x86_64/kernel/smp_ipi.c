/* SPDX-License-Identifier: MIT */
/*
 * Kestrel inter-processor interrupts (x86_64), interface in kernel/arch.h:
 *
 *   reschedule   a fixed IPI whose handler counts (the scheduler will
 *                hook in here);
 *   call         run fn(arg) on another CPU in its interrupt handler; the
 *                target answers with a reply IPI, which the caller waits
 *                for (bounded).  A call with fn NULL is a ping;
 *   TLB          arch_tlb_shootdown(va): INVLPG here, then on every other
 *                online CPU, each acknowledging before the call returns;
 *   idle work    smp_post_idle_work: fn(arg) run by an AP's idle loop,
 *                outside any handler, so it may call other CPUs itself
 *                (an AP pinging another AP: a reply IPI cannot reach a
 *                CPU still inside its call handler, whose in-service
 *                vector outranks it, SDM Vol. 3A 10.8.3.1);
 *   panic stop   arch_stop_other_cpus sets a global request, then sends
 *                an NMI to every other CPU (ICR delivery mode NMI, SDM
 *                Vol. 3A 10.6.1), which reaches a CPU spinning with
 *                interrupts off too.  exception.c's NMI path sees the
 *                request and calls smp_panic_stop_here, which records the
 *                stop and halts quietly.  The panicking CPU waits a
 *                bounded time for every stop, reports them, and falls
 *                back on a fixed IPI at the highest vector for a CPU the
 *                NMI did not stop.
 *
 * Calls and shootdowns are serialised by one lock each; a CPU waiting
 * for a lock or a reply keeps taking interrupts (smp_poll_interrupts), so
 * two CPUs that target each other cannot deadlock.  Every wait ends after
 * SMP_IPI_TIMEOUT_NS with an error.  Any CPU; interrupts off on entry.
 */
#include "arch.h"
#include "debug/kprintf.h"
#include "irq.h"
#include "kestrel/errors.h"
#include "lapic.h"
#include "smp.h"

#define SMP_IPI_TIMEOUT_NS 1000000000ull
#define SMP_STOP_WAIT_NS   200000000ull   /* NMIs land within microseconds */
#define RFLAGS_IF          0x200ull

static int call_lock;
static int tlb_lock;
static uintptr_t tlb_va;
static size_t tlb_pages;       /* pages from tlb_va to drop */
static uint32_t tlb_pending;   /* CPUs yet to acknowledge (count) */
static bool stop_requested;
static unsigned stop_count;    /* CPUs halted by the panic stop */

void smp_poll_interrupts(void)
{
    arch_interrupts_poll();
}

static bool lock_take(int *lock, uint64_t end)
{
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
        if (smp_now_ns() >= end)
            return false;
        smp_poll_interrupts();
    }
    return true;
}

static void lock_drop(int *lock)
{
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

static void on_reschedule(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
    smp_this_cpu()->resched_count++;
}

static void on_call(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
    struct percpu *me = smp_this_cpu();
    void (*fn)(void *) = __atomic_load_n(&me->call_fn, __ATOMIC_ACQUIRE);
    if (fn)
        fn(me->call_arg);
    me->call_count++;
    struct percpu *to = me->call_reply_cpu;
    __atomic_store_n(&me->call_fn, NULL, __ATOMIC_RELAXED);
    if (to)
        (void)lapic_send_ipi(to->apic_id, LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | SMP_VECTOR_REPLY);
}

static void on_reply(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
    __atomic_add_fetch(&smp_this_cpu()->reply_count, 1, __ATOMIC_RELEASE);
}

/* Drop pages translations from va, or all of them: toggling CR4.PGE
 * flushes global entries too (SDM Vol. 3A, 4.10.4.1). */
static void tlb_drop(uintptr_t va, size_t pages)
{
    if (pages == ARCH_TLB_ALL) {
        uint64_t cr4;
        __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~(1ull << 7)) : "memory");
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
        return;
    }
    for (size_t i = 0; i < pages; i++)
        arch_mmu_invalidate_page(va + i * 4096u);
}

static void on_tlb(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
    tlb_drop(__atomic_load_n(&tlb_va, __ATOMIC_ACQUIRE),
             __atomic_load_n(&tlb_pages, __ATOMIC_ACQUIRE));
    smp_this_cpu()->tlb_count++;
    __atomic_sub_fetch(&tlb_pending, 1, __ATOMIC_RELEASE);
}

static __attribute__((noreturn)) void stop_here(bool irq_off)
{
    struct percpu *me = smp_this_cpu();
    me->stopped_irq_off = irq_off;
    __atomic_store_n(&me->stopped, true, __ATOMIC_RELEASE);
    __atomic_add_fetch(&stop_count, 1, __ATOMIC_ACQ_REL);
    /* Inside the NMI handler further NMIs stay blocked (no IRET), and
     * with IF clear nothing else wakes the HLT for long. */
    for (;;)
        __asm__ volatile("cli; hlt" ::: "memory");
}

static void on_stop(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
    stop_here(false);
}

bool smp_panic_stop_requested(void)
{
    return __atomic_load_n(&stop_requested, __ATOMIC_ACQUIRE);
}

void smp_panic_stop_here(const struct arch_regs *frame)
{
    stop_here(!(frame->rflags & RFLAGS_IF));
}

void smp_ipi_init(void)
{
    irq_set_kernel_handler(SMP_VECTOR_RESCHEDULE, on_reschedule, NULL);
    irq_set_kernel_handler(SMP_VECTOR_CALL, on_call, NULL);
    irq_set_kernel_handler(SMP_VECTOR_REPLY, on_reply, NULL);
    irq_set_kernel_handler(SMP_VECTOR_TLB, on_tlb, NULL);
    irq_set_kernel_handler(SMP_VECTOR_STOP, on_stop, NULL);
}

static int send(unsigned cpu, unsigned vector)
{
    return lapic_send_ipi(smp_cpus[cpu].apic_id, LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | vector);
}

static bool other_online(unsigned cpu)
{
    return cpu != arch_cpu_id() && arch_cpu_online(cpu);
}

int arch_ipi_reschedule(unsigned cpu)
{
    return other_online(cpu) ? send(cpu, SMP_VECTOR_RESCHEDULE) : -KS_ERR_INVALID_ARGUMENT;
}

uint64_t arch_cpu_reschedule_count(unsigned cpu)
{
    return cpu < SMP_MAX_CPUS ? __atomic_load_n(&smp_cpus[cpu].resched_count, __ATOMIC_ACQUIRE)
                              : 0;
}

static int wait_reply(struct percpu *me, uint64_t before, uint64_t end)
{
    while (__atomic_load_n(&me->reply_count, __ATOMIC_ACQUIRE) == before) {
        if (smp_now_ns() >= end)
            return -KS_ERR_FAULT;
        smp_poll_interrupts();
    }
    return 0;
}

int arch_cpu_call(unsigned cpu, void (*fn)(void *arg), void *arg)
{
    if (!other_online(cpu))
        return -KS_ERR_INVALID_ARGUMENT;
    uint64_t end = smp_now_ns() + SMP_IPI_TIMEOUT_NS;
    if (!lock_take(&call_lock, end))
        return -KS_ERR_FAULT;
    struct percpu *me = smp_this_cpu(), *target = &smp_cpus[cpu];
    uint64_t before = __atomic_load_n(&me->reply_count, __ATOMIC_ACQUIRE);
    target->call_arg = arg;
    target->call_reply_cpu = me;
    __atomic_store_n(&target->call_fn, fn, __ATOMIC_RELEASE);
    int err = send(cpu, SMP_VECTOR_CALL);
    if (!err)
        err = wait_reply(me, before, end);
    if (err < 0)
        kerror("smp: CPU %u did not answer a call IPI from CPU %u\n", cpu, me->index);
    lock_drop(&call_lock);
    return err;
}

int arch_tlb_shootdown(uintptr_t va)
{
    return arch_tlb_shootdown_range(va, 1, ~0ull);
}

int arch_tlb_shootdown_range(uintptr_t va, size_t pages, uint64_t cpus)
{
    tlb_drop(va, pages);
    unsigned me = arch_cpu_id();
    cpus &= ~(1ull << me);
    bool any = false;
    for (unsigned cpu = 0; cpu < smp_cpu_total && cpu < 64; cpu++)
        any |= ((cpus >> cpu) & 1u) && arch_cpu_online(cpu);
    if (!any || pages == 0)
        return 0;
    uint64_t end = smp_now_ns() + SMP_IPI_TIMEOUT_NS;
    if (!lock_take(&tlb_lock, end))
        return -KS_ERR_FAULT;
    unsigned sent = 0, wanted = 0;
    __atomic_store_n(&tlb_va, va, __ATOMIC_RELEASE);
    __atomic_store_n(&tlb_pages, pages, __ATOMIC_RELEASE);
    __atomic_store_n(&tlb_pending, 0, __ATOMIC_RELEASE);
    for (unsigned cpu = 0; cpu < smp_cpu_total && cpu < 64; cpu++) {
        if (!((cpus >> cpu) & 1u) || !arch_cpu_online(cpu))
            continue;
        wanted++;
        __atomic_add_fetch(&tlb_pending, 1, __ATOMIC_ACQ_REL);
        if (send(cpu, SMP_VECTOR_TLB) == 0)
            sent++;
        else
            __atomic_sub_fetch(&tlb_pending, 1, __ATOMIC_ACQ_REL);
    }
    int err = sent == wanted ? 0 : -KS_ERR_FAULT;
    while (__atomic_load_n(&tlb_pending, __ATOMIC_ACQUIRE)) {
        if (smp_now_ns() >= end) {
            err = -KS_ERR_FAULT;
            break;
        }
        smp_poll_interrupts();
    }
    if (err < 0)
        kerror("smp: TLB shootdown of 0x%llx (%llu pages) not acknowledged by every CPU\n",
               (unsigned long long)va, (unsigned long long)pages);
    lock_drop(&tlb_lock);
    return err;
}

int smp_post_idle_work(unsigned cpu, void (*fn)(void *arg), void *arg)
{
    if (!fn || !other_online(cpu) || !__atomic_load_n(&smp_cpus[cpu].idle_loop, __ATOMIC_ACQUIRE))
        return -KS_ERR_INVALID_ARGUMENT;
    struct percpu *target = &smp_cpus[cpu];
    int free = 0;
    if (!__atomic_compare_exchange_n(&target->idle_claim, &free, 1, false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED))
        return -KS_ERR_EXISTS;
    target->idle_arg = arg;
    __atomic_store_n(&target->idle_fn, fn, __ATOMIC_RELEASE);
    /* The call (a ping) wakes the target's HLT; its handler only answers,
     * and the idle loop finds the work once the handler has returned. */
    return arch_cpu_call(cpu, NULL, NULL);
}

bool smp_idle_run_work(struct percpu *me)
{
    void (*fn)(void *) = __atomic_load_n(&me->idle_fn, __ATOMIC_ACQUIRE);
    if (!fn)
        return false;
    void *arg = me->idle_arg;
    __atomic_store_n(&me->idle_fn, NULL, __ATOMIC_RELAXED);
    __atomic_store_n(&me->idle_claim, 0, __ATOMIC_RELEASE);
    fn(arg);
    return true;
}

/* One line naming the CPUs stopped and those that had interrupts off. */
static void report_stopped(unsigned others)
{
    unsigned stopped = __atomic_load_n(&stop_count, __ATOMIC_ACQUIRE);
    klog(LOG_ERROR, "smp: panic stop: %u of %u other CPUs halted; interrupts were off on:",
         stopped, others);
    for (unsigned cpu = 0; cpu < smp_cpu_total; cpu++)
        if (__atomic_load_n(&smp_cpus[cpu].stopped, __ATOMIC_ACQUIRE) &&
            smp_cpus[cpu].stopped_irq_off)
            klog(LOG_ERROR, " %u", cpu);
    klog(LOG_ERROR, "\n");
}

void arch_stop_other_cpus(void)
{
    unsigned others = arch_cpu_count() - 1;
    if (others == 0)
        return;
    __atomic_store_n(&stop_requested, true, __ATOMIC_RELEASE);
    (void)lapic_send_ipi(0, LAPIC_ICR_NMI | LAPIC_ICR_ASSERT | LAPIC_ICR_ALL_BUT_SELF);
    /* Bounded: a CPU that is wedged must not keep the report back. */
    uint64_t end = smp_now_ns() + SMP_STOP_WAIT_NS;
    while (__atomic_load_n(&stop_count, __ATOMIC_ACQUIRE) < others && smp_now_ns() < end)
        __asm__ volatile("pause");
    if (__atomic_load_n(&stop_count, __ATOMIC_ACQUIRE) < others)
        (void)lapic_send_ipi(0, LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | LAPIC_ICR_ALL_BUT_SELF |
                                SMP_VECTOR_STOP);
    report_stopped(others);
}
