/* SPDX-License-Identifier: MIT */
/*
 * The arch fence: everything portable Kestrel code may ask of the CPU
 * and platform.  Implemented in arch/x86_64/kernel/.  Boot CPU only for
 * now; unless noted, functions run with interrupts off and take no locks.
 */
#ifndef KESTREL_ARCH_H
#define KESTREL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kestrel/boot_info.h"

struct arch_regs;

/* Serial (COM1) and the Bochs 0xE9 port: usable before boot_info is
 * trusted.  Screen consoles come later, from the boot_info. */
void arch_early_console_init(void);
void arch_screen_console_init(const struct ks_boot_info *boot_info);

/* GDT + TSS with IST stacks, IDT for all vectors, 8259 PIC remapped
 * to 0x20-0x2F and masked. */
void arch_cpu_init(void);

/* Cycle counter and its rate (measured against the PIT once at boot;
 * 0 when it could not be measured). */
uint64_t arch_cycles(void);
/* The same, ordered against the instructions around it (for timing a
 * short sequence: nothing before it runs late, nothing after it early). */
uint64_t arch_cycles_fenced(void);
uint64_t arch_cycles_calibrate_khz(void);
/* The cycle counter's rate in kHz without measuring: the precise
 * calibration once the clocks run, else the early estimate
 * arch_cycles_calibrate_khz last made (0 before any). */
uint64_t arch_cycles_khz(void);

/* Interrupt controllers and clocks, from what ACPI describes (acpi may
 * be NULL or empty: then the CPU's own local APIC and the PIT).  Once,
 * boot CPU, after memory_init.  0, or a negative error when the local
 * APIC is unusable; each step prints what it set up or could not. */
struct acpi_info;
int arch_platform_init(const struct acpi_info *acpi);

/* Monotonic nanoseconds since the CPU's reset: the TSC scaled by its
 * calibrated rate (0 before arch_platform_init, or without a rate). */
uint64_t arch_time_ns(void);
/* This CPU's one-shot timer: an interrupt at or after deadline_ns (at
 * once when it has passed) whose handler calls timer_expire() of
 * kernel/time/timer.h; a new deadline replaces the old.  0, or
 * -KS_ERR_NOT_FOUND when there is no calibrated timer.  Interrupts off. */
int arch_timer_arm(uint64_t deadline_ns);
void arch_timer_disarm(void);
/* Set up this CPU's timer for arch_timer_arm (each CPU once, before its
 * first timer event; the boot CPU's is set up by arch_platform_init). */
void arch_timer_init_cpu(void);

/* Interrupt handlers.  A handler runs in interrupt context with
 * interrupts off; the arch signals end-of-interrupt after it returns.
 * Vectors ARCH_IRQ_VECTOR_FIRST..LAST are free for registration (the
 * rest are exceptions, the masked 8259 and the kernel's own).  Register
 * and unregister with interrupts off.  Errors: -KS_ERR_INVALID_ARGUMENT
 * (vector out of range, NULL handler, bad flags), -KS_ERR_EXISTS (taken),
 * -KS_ERR_NOT_FOUND (no such registration, or no I/O APIC serves the
 * GSI), -KS_ERR_NO_MEMORY (no free vector for a GSI). */
typedef void (*arch_irq_handler_t)(unsigned vector, void *ctx);
#define ARCH_IRQ_VECTOR_FIRST 0x30u
#define ARCH_IRQ_VECTOR_LAST  0xEFu
#define ARCH_IRQ_LEVEL        0x1u  /* level-triggered (else edge) */
#define ARCH_IRQ_ACTIVE_LOW   0x2u  /* active low (else high) */
int arch_irq_register_vector(unsigned vector, arch_irq_handler_t handler, void *ctx);
int arch_irq_unregister_vector(unsigned vector);
/* Route a global system interrupt to a free vector on this CPU and
 * unmask it; *vector (optional) says which. */
int arch_irq_register_gsi(uint32_t gsi, unsigned flags, arch_irq_handler_t handler,
                          void *ctx, unsigned *vector);
int arch_irq_unregister_gsi(uint32_t gsi);
/* An ISA IRQ (0-15) as the firmware wired it: the MADT's override
 * gives its GSI, polarity and trigger. */
int arch_irq_isa_to_gsi(unsigned isa_irq, uint32_t *gsi, unsigned *flags);
int arch_irq_register_isa(unsigned isa_irq, arch_irq_handler_t handler, void *ctx,
                          unsigned *vector);
/* Raise vector on this CPU (a self-IPI): pending until interrupts are on. */
int arch_irq_raise_self(unsigned vector);
/* Enable interrupts, halt until one has been handled, disable them
 * again: the idle loop's wait. */
void arch_wait_for_interrupt(void);
/* Enable interrupts for one instruction so pending ones are taken, then
 * disable them again (spin loops that must answer IPIs). */
void arch_interrupts_poll(void);

/* Multiprocessing.  arch_smp_start (boot CPU, once, after
 * arch_platform_init, interrupts off) starts the CPUs acpi lists, at
 * most limit in all (0 = every one), each waiting in HLT with interrupts
 * on; it prints one line per CPU and `smp: N of M CPUs online`, and
 * returns N.  CPUs are numbered from 0 (the boot CPU); a number below
 * arch_cpu_possible() that failed to start is not online. */
int arch_smp_start(const struct acpi_info *acpi, unsigned limit);
unsigned arch_cpu_count(void);         /* CPUs online */
unsigned arch_cpu_possible(void);      /* numbers handed out (online or not) */
unsigned arch_cpu_id(void);            /* this CPU's number */
bool arch_cpu_online(unsigned cpu);
uint32_t arch_cpu_hw_id(unsigned cpu); /* its interrupt-controller id */
/* IPIs to another online CPU (-KS_ERR_INVALID_ARGUMENT for this CPU or
 * one not online; -KS_ERR_FAULT when it does not answer within 1 s).
 * Interrupts off on entry; waits take interrupts meanwhile. */
int arch_ipi_reschedule(unsigned cpu);
uint64_t arch_cpu_reschedule_count(unsigned cpu);  /* handled so far */
/* Run fn(arg) (NULL: nothing, a ping) on cpu in interrupt context and
 * wait until it has answered. */
int arch_cpu_call(unsigned cpu, void (*fn)(void *arg), void *arg);
/* Drop va's translation here and on every other online CPU, waiting for
 * each to acknowledge. */
int arch_tlb_shootdown(uintptr_t va);
/* The same for pages pages from va, on this CPU and the online CPUs of
 * the mask cpus (bit n = CPU n): one IPI round for the whole range.
 * pages == ARCH_TLB_ALL drops every translation, global ones included. */
#define ARCH_TLB_ALL ((size_t)-1)
int arch_tlb_shootdown_range(uintptr_t va, size_t pages, uint64_t cpus);
/* Run fn(arg) on cpu from its idle loop, outside interrupt context (fn
 * may never return: the scheduler's idle thread starts so).  Returns once
 * cpu has been told, without waiting for fn.  Errors as for an IPI, and
 * -KS_ERR_EXISTS while an earlier request has not started. */
int arch_cpu_run_idle(unsigned cpu, void (*fn)(void *arg), void *arg);
/* Halt every other CPU (panic): best effort, does not wait. */
void arch_stop_other_cpus(void);

/* Remove the loader's identity map of low memory. */
void arch_drop_identity_map(void);

/* Physical address a kernel virtual address maps to, by walking the
 * live page tables; -KS_ERR_NOT_FOUND when unmapped. */
int arch_virt_to_phys(uintptr_t virt, uint64_t *phys);

/* Accesses that return -KS_ERR_FAULT instead of crashing. */
int arch_probe_read_u8(const volatile void *addr, uint8_t *out);
int arch_probe_write_u8(volatile void *addr, uint8_t value);
int arch_probe_read(const void *addr, void *out, size_t len);

/* Address spaces (kernel/mm/vm.c is the caller): the page tables of a
 * struct vm_space in the arch's format, with the flags and errors of
 * mm/vm.h, including "a failed call changes nothing".  Map, unmap and
 * protect check alignment, canonical form, VM_USER exactly on user-half
 * addresses, VM_READ present, known flags and no write+exec.  They do
 * not touch the TLB: after an unmap or protect of a page the active
 * space (or any space, for the kernel half) may have cached, the caller
 * calls arch_mmu_invalidate_page; a map where nothing was mapped needs
 * no invalidation (the TLB caches no absent translation).  Unmap frees
 * the tables it empties; map and unmap take O(1) time unless they create
 * or free a table.  Tables come from the PMM (owner
 * PMM_OWNER_PAGE_TABLE).  Callers serialise. */
struct vm_space;
/* Turn on what the arch needs for vm.h's flags; 0 or a negative error. */
int arch_mmu_init(void);
/* A fresh, empty root; with kernel != NULL it shares the kernel half. */
int arch_mmu_space_create(struct vm_space *space, const struct vm_space *kernel);
/* Give the kernel space every top-level table of the kernel half now,
 * so later kernel mappings appear in every space. */
int arch_mmu_kernel_half_create(struct vm_space *space);
/* Free the user half's tables and the root (not the mapped frames). */
void arch_mmu_space_destroy(struct vm_space *space);
int arch_mmu_map(struct vm_space *space, uintptr_t va, uint64_t pa, unsigned flags);
int arch_mmu_unmap(struct vm_space *space, uintptr_t va, unsigned flags);
int arch_mmu_protect(struct vm_space *space, uintptr_t va, unsigned flags);
int arch_mmu_translate(const struct vm_space *space, uintptr_t va, uint64_t *pa,
                       unsigned *flags);
/* The root of the active space, and making another one active (drops
 * the TLB's user-half entries, keeps the kernel half's). */
uint64_t arch_mmu_active_root(void);
void arch_mmu_activate(uint64_t root);
/* Drop the TLB's translation of va's page, kernel or user half. */
void arch_mmu_invalidate_page(uintptr_t va);
/* Call fn for every page mapped in space's user half, lowest address
 * first (a 2 MiB page once, with VM_LARGE in flags).  fn must not change
 * space; a nonzero return stops the walk and is returned. */
typedef int (*arch_mmu_walk_fn)(void *ctx, uintptr_t va, uint64_t pa, unsigned flags);
int arch_mmu_user_walk(const struct vm_space *space, arch_mmu_walk_fn fn, void *ctx);

/* Kernel stacks live in ARCH_KSTACK_SLOTS slots of ARCH_KSTACK_SLOT_SIZE
 * bytes from ARCH_KSTACK_REGION_BASE, a kernel-half region nothing else
 * maps; a stack takes the top of its slot and the rest is its guard,
 * which the arch's fault reports name as a kernel stack overflow. */
#define ARCH_KSTACK_REGION_BASE 0xFFFFFF0000000000ULL
#define ARCH_KSTACK_SLOT_SIZE   (32 * 1024ULL)
#define ARCH_KSTACK_SLOTS       8192u
/* Call fn(arg) with the stack pointer at stack_top; back on the
 * caller's stack after. */
void arch_call_on_stack(uintptr_t stack_top, void (*fn)(void *), void *arg);

/* ---- Threads and user mode (arch/x86_64/kernel/: switch.asm,
 * syscall.asm, user.c, fpu.c, usercopy.asm) ---- */

/* Turn on what user mode needs, on this CPU (the boot CPU from
 * kernel_main before arch_smp_start, every AP at start): SYSCALL/SYSRET MSRs,
 * SMEP/SMAP/UMIP when the CPU has them, the FPU/SSE/AVX state
 * (XSAVE with every user state component the CPU offers, else FXSAVE).
 * Prints one line on the boot CPU naming what it enabled. */
void arch_user_init_cpu(void);

/* A thread's saved kernel context is its kernel stack pointer: the
 * callee-saved registers and return address sit below it.  Save the
 * current one in *save_sp and resume the thread whose stack pointer is
 * new_sp; returns when something switches back to *save_sp, with the
 * save_sp of the switch that resumed it (so the resumed thread knows
 * which thread it took over from).  Interrupts off. */
uintptr_t *arch_context_switch(uintptr_t *save_sp, uintptr_t new_sp);

/* Prepare a new thread's kernel stack (top: its highest address) so the
 * first arch_context_switch to the returned stack pointer enters user
 * mode at entry with the stack pointer user_sp, RDI = arg0, RSI = arg1,
 * every other register zero and interrupts on.  On the way it calls
 * sched_thread_start() (kernel/sched/sched.h) on the new thread's
 * stack.  The user context sits at the top of the kernel stack, like
 * every later one saved on entry from user mode. */
uintptr_t arch_thread_prepare_user(uintptr_t kstack_top, uintptr_t entry,
                                   uintptr_t user_sp, uint64_t arg0, uint64_t arg1);

/* The kernel stack this CPU enters on from user mode (syscall and
 * interrupts): the running thread's top.  Called on every switch. */
void arch_set_kernel_stack(uintptr_t top);

/* Per-thread FPU/SIMD state.  Size and alignment of one save area (the
 * caller allocates it), a clean initial state, and save/restore of this
 * CPU's registers.  Interrupts off. */
size_t arch_fpu_area_size(void);
size_t arch_fpu_area_align(void);
void arch_fpu_area_init(void *area);
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

/* Copy between the kernel and the user half of the active address
 * space.  The caller has checked that the user range lies inside the
 * user half; a fault on the way (not mapped, not writable) returns
 * -KS_ERR_FAULT (the bytes before it may have been copied).  0 when
 * every byte was copied. */
int arch_copy_from_user(void *dst, const void *user_src, size_t len);
int arch_copy_to_user(void *user_dst, const void *src, size_t len);

/* An exception in user mode, as the arch reports it to the portable
 * kernel.  arch calls sched_user_fault() (kernel/sched/sched.h) with it,
 * on the thread's kernel stack, interrupts off; that does not return to
 * the faulting instruction. */
struct arch_user_fault {
    unsigned vector;
    const char *name;         /* "#PF page fault" */
    uint64_t error_code;
    uintptr_t rip;
    uintptr_t rsp;
    uintptr_t address;        /* CR2 for a page fault, else 0 */
    const char *detail;       /* decoded error code ("user write, present") or "" */
};

/* Debugger breakpoint (Bochs magic break; harmless elsewhere). */
void arch_breakpoint(void);

/* Write code to the emulator exit ports, then halt. */
__attribute__((noreturn)) void arch_exit(unsigned code);
/* Disable interrupts and halt for good. */
__attribute__((noreturn)) void arch_halt(void);
/* Power off and reboot (KS_SYS_POWER): ACPI first, then the fallbacks
 * (power.c); neither returns, and each logs what did not work before
 * it tries the next way.  acpi may be NULL. */
struct acpi_info;
__attribute__((noreturn)) void arch_power_off(const struct acpi_info *acpi);
__attribute__((noreturn)) void arch_reboot(const struct acpi_info *acpi);

/* Print registers: of the frame, or (frame NULL) control registers and
 * the caller's stack pointers. */
void arch_print_registers(const struct arch_regs *frame);

/* Program counter and frame pointer to start a backtrace of the frame. */
void arch_frame_origin(const struct arch_regs *frame, uintptr_t *pc, uintptr_t *fp);

/* Return addresses found by walking frame pointers from fp, each frame
 * checked to lie inside a kernel stack, aligned and rising; at most max. */
size_t arch_backtrace(uintptr_t fp, uintptr_t *pcs, size_t max);

#endif /* KESTREL_ARCH_H */
