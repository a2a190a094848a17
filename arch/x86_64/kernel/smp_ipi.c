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
 *   stop         a fixed IPI at the highest vector that halts the target
 *                with interrupts off (panic).  A fixed IPI, not an NMI, so
 *                the NMI report of exception.c stays for real NMIs; a CPU
 *                spinning with interrupts off is therefore not stopped.
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

static int call_lock;
static int tlb_lock;
static uintptr_t tlb_va;
static uint32_t tlb_pending;   /* CPUs yet to acknowledge (count) */

void smp_poll_interrupts(void)
{
    /* STI takes effect after the next instruction: the NOP is the window
     * in which pending interrupts arrive. */
    __asm__ volatile("sti; nop; cli" ::: "memory");
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

static void on_tlb(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
    arch_mmu_invalidate_page(__atomic_load_n(&tlb_va, __ATOMIC_ACQUIRE));
    smp_this_cpu()->tlb_count++;
    __atomic_sub_fetch(&tlb_pending, 1, __ATOMIC_RELEASE);
}

static void on_stop(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
    for (;;)
        __asm__ volatile("cli; hlt");
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
    arch_mmu_invalidate_page(va);
    unsigned others = arch_cpu_count() - 1;
    if (others == 0)
        return 0;
    uint64_t end = smp_now_ns() + SMP_IPI_TIMEOUT_NS;
    if (!lock_take(&tlb_lock, end))
        return -KS_ERR_FAULT;
    unsigned me = arch_cpu_id(), sent = 0;
    __atomic_store_n(&tlb_va, va, __ATOMIC_RELEASE);
    __atomic_store_n(&tlb_pending, 0, __ATOMIC_RELEASE);
    for (unsigned cpu = 0; cpu < smp_cpu_total; cpu++) {
        if (cpu == me || !arch_cpu_online(cpu))
            continue;
        __atomic_add_fetch(&tlb_pending, 1, __ATOMIC_ACQ_REL);
        if (send(cpu, SMP_VECTOR_TLB) == 0)
            sent++;
        else
            __atomic_sub_fetch(&tlb_pending, 1, __ATOMIC_ACQ_REL);
    }
    int err = sent == others ? 0 : -KS_ERR_FAULT;
    while (__atomic_load_n(&tlb_pending, __ATOMIC_ACQUIRE)) {
        if (smp_now_ns() >= end) {
            err = -KS_ERR_FAULT;
            break;
        }
        smp_poll_interrupts();
    }
    if (err < 0)
        kerror("smp: TLB shootdown of 0x%llx not acknowledged by every CPU\n",
               (unsigned long long)va);
    lock_drop(&tlb_lock);
    return err;
}

void arch_stop_other_cpus(void)
{
    if (arch_cpu_count() < 2)
        return;
    (void)lapic_send_ipi(0, LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | LAPIC_ICR_ALL_BUT_SELF |
                            SMP_VECTOR_STOP);
}
