/* SPDX-License-Identifier: MIT */
/*
 * Kestrel user-mode support (x86_64): the per-CPU set-up for ring 3
 * (arch_user_init_cpu), a new thread's first kernel stack
 * (arch_thread_prepare_user) and the kernel stack the CPU enters on from
 * user mode (arch_set_kernel_stack); see kernel/arch.h.
 *
 * arch_user_init_cpu runs on the boot CPU from kernel_main before
 * arch_smp_start (APs copy its CR4 at start), and on each AP from
 * ap_entry.  It is idempotent.  SYSCALL lands in syscall.asm with CS 0x08/SS 0x10 from
 * STAR[47:32]; SYSRETQ returns with CS = STAR[63:48] + 16 = 0x2B and
 * SS = STAR[63:48] + 8 = 0x23, which is why gdt.c keeps user code32,
 * user data and user code64 in that order (SDM Vol. 2B, SYSRET).  SMEP,
 * SMAP and UMIP are turned on when CPUID offers them; with SMAP the
 * kernel reaches user memory only through usercopy.asm.  The feature
 * choice is the boot CPU's; every CPU is assumed to have the same.
 * Interrupts off.
 */
#include "arch.h"
#include "cpu.h"
#include "debug/kprintf.h"
#include "fpu.h"
#include "gdt.h"
#include "lib/string.h"
#include "msr.h"
#include "regs.h"
#include "smp.h"

#define CR4_UMIP (1ull << 11)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_NT (1ull << 14)
#define RFLAGS_AC (1ull << 18)
#define RFLAGS_USER_INITIAL (RFLAGS_IF | 0x2ull)  /* bit 1 always reads as one */

/* Read by usercopy.asm: nonzero once CR4.SMAP is on (STAC/CLAC needed). */
uint8_t usercopy_smap_enabled;

extern const uint8_t syscall_entry[], syscall_compat_entry[], user_thread_trampoline[];

static void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* The CR4 protection bits this CPU offers (SDM Vol. 3A 4.6, 2.5). */
static uint64_t protection_bits(void)
{
    if (cpuid(0, 0).eax < 7)
        return 0;
    struct cpuid_regs l7 = cpuid(7, 0);
    return (l7.ebx & CPUID_7_EBX_SMEP ? CR4_SMEP : 0) |
           (l7.ebx & CPUID_7_EBX_SMAP ? CR4_SMAP : 0) |
           (l7.ecx & CPUID_7_ECX_UMIP ? CR4_UMIP : 0);
}

static void report(uint64_t cr4)
{
    char fpu[64];
    fpu_describe(fpu, sizeof(fpu));
    kinfo("cpu: user mode: SYSCALL%s%s%s%s; FPU state %s\n",
          cr4 & CR4_SMEP ? ", SMEP" : "", cr4 & CR4_SMAP ? ", SMAP" : "",
          cr4 & CR4_UMIP ? ", UMIP" : "", rdmsr(MSR_EFER) & EFER_NXE ? ", NX" : "", fpu);
}

void arch_user_init_cpu(void)
{
    static bool reported;
    struct percpu *cpu = smp_this_cpu();
    cpu->tss_rsp0 = gdt_tss_rsp0_slot();

    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, (uint64_t)(GDT_USER_CODE32 | 3) << 48 | (uint64_t)GDT_KERNEL_CODE << 32);
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    wrmsr(MSR_CSTAR, (uint64_t)(uintptr_t)syscall_compat_entry);
    /* The kernel runs with interrupts off, DF clear (the C ABI), no
     * single-step and AC clear so SMAP holds from the first instruction. */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT);
    /* SWAPGS exchanges the GS base with this: the user's is always 0. */
    wrmsr(MSR_KERNEL_GS_BASE, 0);

    uint64_t cr4 = read_cr4() | protection_bits();
    write_cr4(cr4);
    if (cpu->index == 0)
        usercopy_smap_enabled = (cr4 & CR4_SMAP) != 0;
    fpu_init_cpu();
    if (cpu->index == 0 && !reported) {
        reported = true;
        report(cr4);
    }
}

uintptr_t arch_thread_prepare_user(uintptr_t kstack_top, uintptr_t entry,
                                   uintptr_t user_sp, uint64_t arg0, uint64_t arg1)
{
    uintptr_t top = kstack_top & ~(uintptr_t)15;
    struct arch_regs *frame = (struct arch_regs *)(top - sizeof(*frame));
    memset(frame, 0, sizeof(*frame));
    frame->rip = entry;
    frame->cs = GDT_USER_CODE64 | 3;
    frame->rflags = RFLAGS_USER_INITIAL;
    frame->rsp = user_sp;
    frame->ss = GDT_USER_DATA | 3;
    frame->rdi = arg0;
    frame->rsi = arg1;
    /* What arch_context_switch pops (R15, R14, R13, R12, RBX, RBP: all
     * zero, so the trampoline's frame chain ends) and returns into. */
    uint64_t *sp = (uint64_t *)frame - 7;
    memset(sp, 0, 6 * sizeof(*sp));
    sp[6] = (uint64_t)(uintptr_t)user_thread_trampoline;
    return (uintptr_t)sp;
}

/* TSS.RSP0 sits at byte 4 of the packed TSS. */
struct unaligned_u64 {
    uint64_t value;
} __attribute__((packed, may_alias));

void arch_set_kernel_stack(uintptr_t top)
{
    /* Only ever called once the scheduler runs, so GS holds the block. */
    struct percpu *cpu;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(cpu));
    cpu->kernel_stack_top = top;
    ((struct unaligned_u64 *)cpu->tss_rsp0)->value = top;
}
