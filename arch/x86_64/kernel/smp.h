/* SPDX-License-Identifier: MIT */
/*
 * Kestrel SMP internals (x86_64): the per-CPU block every CPU reaches
 * through its GS base, the IPI vectors, and what smp.c (bring-up) and
 * smp_ipi.c (inter-processor interrupts) share.  The portable interface
 * is in kernel/arch.h (arch_smp_start, arch_cpu_count, arch_cpu_id, the
 * IPI calls).  A CPU writes only its own block after it is online, except
 * the fields marked "any CPU", which are atomics.  smp_post_idle_work
 * and the panic stop (NMI) are x86-internal for now: the SMP self-tests
 * reach them through this header.
 */
#ifndef KESTREL_ARCH_X86_64_SMP_H
#define KESTREL_ARCH_X86_64_SMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gdt.h"
#include "regs.h"
#include "mm/vm.h"

#define SMP_MAX_CPUS 64u

/* IPI vectors, in the range lapic.h leaves free (0xF0-0xFC).  The panic
 * stop is an NMI; the stop vector is only its fallback for a CPU the NMI
 * did not halt, the highest so it outranks the others (SDM 10.8.3.1). */
#define SMP_VECTOR_RESCHEDULE 0xF0
#define SMP_VECTOR_CALL       0xF1
#define SMP_VECTOR_REPLY      0xF2
#define SMP_VECTOR_TLB        0xF3
#define SMP_VECTOR_STOP       0xFC

struct percpu {
    struct percpu *self;             /* GS:0, so GS-relative reads find the block */
    /* Read by the SYSCALL entry (syscall.asm) at the offsets below. */
    uintptr_t kernel_stack_top;      /* running thread's kernel stack (arch_set_kernel_stack) */
    uint64_t user_rsp_scratch;       /* user RSP for the entry's first instructions only */
    void *tss_rsp0;                  /* this CPU's TSS.RSP0 slot (unaligned: packed TSS) */
    unsigned index;                  /* 0 = boot CPU, then MADT order */
    uint32_t apic_id;
    bool online;                     /* set once by the CPU itself (release) */
    uint64_t resched_count;          /* reschedule IPIs handled */
    uint64_t call_count;             /* call IPIs handled */
    uint64_t reply_count;            /* replies received (any CPU adds) */
    uint64_t tlb_count;              /* shootdowns handled */
    /* A pending call for this CPU (written by the caller, any CPU). */
    void (*call_fn)(void *arg);
    void *call_arg;
    uint32_t call_reply_to;          /* APIC id to answer */
    struct percpu *call_reply_cpu;
    /* Work for the idle loop (any CPU posts, see smp_post_idle_work). */
    bool idle_loop;                  /* set once: this CPU runs smp_idle_run_work */
    int idle_claim;                  /* nonzero while a post is pending */
    void (*idle_fn)(void *arg);
    void *idle_arg;
    /* Panic stop: set by the CPU itself in its NMI (or stop IPI) path. */
    bool stopped;
    bool stopped_irq_off;            /* interrupts were off when it was stopped */
    struct vm_kstack stack;
    struct vm_kstack ist[GDT_IST_COUNT];
    struct gdt_cpu_tables tables;
};

/* Offsets the assembly uses (syscall.asm repeats them as equ). */
#define PERCPU_KERNEL_STACK_TOP 8
#define PERCPU_USER_RSP_SCRATCH 16
_Static_assert(offsetof(struct percpu, index) == 32,
               "kernel/sched/sched_cpu.h reads the CPU index at GS:32 (SCHED_PERCPU_INDEX)");
_Static_assert(offsetof(struct percpu, kernel_stack_top) == PERCPU_KERNEL_STACK_TOP,
               "syscall.asm: percpu kernel_stack_top");
_Static_assert(offsetof(struct percpu, user_rsp_scratch) == PERCPU_USER_RSP_SCRATCH,
               "syscall.asm: percpu user_rsp_scratch");

extern struct percpu smp_cpus[SMP_MAX_CPUS];
extern unsigned smp_cpu_total;       /* CPUs with a block (online or tried) */

/* This CPU's block (GS base; the boot CPU's before smp starts). */
struct percpu *smp_this_cpu(void);
/* Install the IPI handlers on the vectors above (boot CPU, once). */
void smp_ipi_init(void);
/* Enable interrupts for a moment so pending ones are taken; bounded
 * waits spin on this. */
void smp_poll_interrupts(void);
/* Run fn(arg) on cpu from its idle loop: outside any interrupt handler,
 * so fn may itself send IPIs and wait for answers (a handler could not:
 * the in-service vector blocks the reply, SDM Vol. 3A 10.8.3.1).  Posts
 * and wakes cpu with a call IPI, then returns without waiting for fn;
 * arg must outlive the run.  -KS_ERR_INVALID_ARGUMENT for this CPU, one
 * not online or one without an idle loop (the boot CPU);
 * -KS_ERR_EXISTS while an earlier post to cpu has not started; the call
 * IPI's error when cpu does not answer it. */
int smp_post_idle_work(unsigned cpu, void (*fn)(void *arg), void *arg);
/* The idle loop's half: run and clear this CPU's posted work; false when
 * there was none.  Interrupts off on entry, so a post after an empty
 * check wakes the HLT that follows; after a run the loop checks again
 * (fn may have taken the wake-up of a newer post). */
bool smp_idle_run_work(struct percpu *me);
/* True once a panic asked every other CPU to stop (NMI path). */
bool smp_panic_stop_requested(void);
/* Halt this CPU for the panic stop, quietly and for good (NMI handler). */
__attribute__((noreturn)) void smp_panic_stop_here(const struct arch_regs *frame);

/* Nanoseconds for timeouts: the calibrated clock, else a TSC guess. */
uint64_t smp_now_ns(void);

#endif /* KESTREL_ARCH_X86_64_SMP_H */
