/* SPDX-License-Identifier: MIT */
/*
 * Kestrel CPU exception reporting (x86_64).
 *
 * exception_fatal() turns an exception no fixup claimed into a panic
 * whose report names the vector, decodes the error code (page-fault bits
 * with CR2; selector-format codes for #TS/#NP/#SS/#GP, SDM Vol. 3A 6.13)
 * and prints every register, then the backtrace (done by panic).  A #DF
 * whose CR2 or stack pointer lies in the guard below a kernel stack
 * (mmu.h) is reported as the kernel stack overflow it is: the #PF on the
 * guard could not push its frame, so only the IST-stack #DF got through.
 * An NMI that arrives once a panic has asked every CPU to stop is that
 * request (smp_ipi.c sends it) and not a fault: the CPU halts quietly.
 * exception_user_detail() decodes the same error codes in a few words
 * for the one-line report of an exception in user mode (idt.c).
 * Runs in exception context with interrupts off.
 */
#include <stdint.h>
#include "arch.h"
#include "cpu.h"
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "exception.h"
#include "lib/format.h"
#include "mmu.h"
#include "smp.h"

static const char *const exception_names[EXC_COUNT] = {
    "#DE divide error", "#DB debug", "NMI non-maskable interrupt", "#BP breakpoint",
    "#OF overflow", "#BR bound range exceeded", "#UD invalid opcode",
    "#NM device not available", "#DF double fault", "coprocessor segment overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault",
    "#GP general protection", "#PF page fault", "reserved vector 15",
    "#MF x87 floating-point error", "#AC alignment check", "#MC machine check",
    "#XM SIMD floating-point error", "#VE virtualization exception",
    "#CP control protection", "reserved vector 22", "reserved vector 23",
    "reserved vector 24", "reserved vector 25", "reserved vector 26",
    "reserved vector 27", "#HV hypervisor injection", "#VC VMM communication",
    "#SX security exception", "reserved vector 31",
};

const char *exception_name(unsigned vector)
{
    return vector < EXC_COUNT ? exception_names[vector] : "external interrupt";
}

/* Page-fault error code bits (SDM Vol. 3A, Figure 4-12). */
static void print_page_fault(uint64_t code)
{
    kerror("  error code 0x%llx: %s, %s, %s%s%s, address (CR2) %p\n",
           (unsigned long long)code,
           code & 1 ? "protection violation" : "page not present",
           code & 2 ? "write" : "read",
           code & 4 ? "user mode" : "kernel mode",
           code & 8 ? ", reserved bit set" : "",
           code & 16 ? ", instruction fetch" : "",
           (void *)read_cr2());
}

/* Selector error code (SDM Vol. 3A, 6.13, Figure 6-7): "IDT index 128
 * (selector 0x400)" into buf. */
static void format_selector_error(char *buf, size_t size, uint64_t code)
{
    static const char *const tables[4] = { "GDT", "IDT", "LDT", "IDT" };
    format_snprintf(buf, size, "%s index %llu (selector 0x%llx)%s", tables[(code >> 1) & 3],
                    (unsigned long long)((code >> 3) & 0x1FFF),
                    (unsigned long long)(code & 0xFFF8), code & 1 ? ", external event" : "");
}

static void print_selector_error(uint64_t code)
{
    char text[64];
    if (code == 0) {
        kerror("  error code 0: not caused by a segment selector\n");
        return;
    }
    format_selector_error(text, sizeof(text), code);
    kerror("  error code 0x%llx: %s\n", (unsigned long long)code, text);
}

const char *exception_user_detail(unsigned vector, uint64_t code, char *buf, size_t size)
{
    switch (vector) {
    case EXC_PAGE_FAULT:
        format_snprintf(buf, size, "%s %s, %s%s", code & 4 ? "user" : "kernel",
                        code & 16 ? "instruction fetch" : code & 2 ? "write" : "read",
                        code & 1 ? "present" : "not present",
                        code & 8 ? ", reserved bit set" : "");
        return buf;
    case EXC_INVALID_TSS:
    case EXC_SEGMENT_NOT_PRESENT:
    case EXC_STACK_FAULT:
    case EXC_GENERAL_PROTECTION:
        if (code == 0)
            return "";
        format_selector_error(buf, size, code);
        return buf;
    default:
        return "";
    }
}

void arch_print_registers(const struct arch_regs *f)
{
    if (!f) {
        kerror("  CR0=%016llx CR2=%016llx CR3=%016llx CR4=%016llx\n",
               (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
               (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
        uint64_t rsp, rbp;
        __asm__ volatile("mov %%rsp, %0; mov %%rbp, %1" : "=r"(rsp), "=r"(rbp));
        kerror("  RSP=%016llx RBP=%016llx\n", (unsigned long long)rsp,
               (unsigned long long)rbp);
        return;
    }
    kerror("  RIP=%016llx CS=%04llx RFLAGS=%016llx\n", (unsigned long long)f->rip,
           (unsigned long long)f->cs, (unsigned long long)f->rflags);
    kerror("  RSP=%016llx SS=%04llx\n", (unsigned long long)f->rsp,
           (unsigned long long)f->ss);
    kerror("  RAX=%016llx RBX=%016llx RCX=%016llx\n", (unsigned long long)f->rax,
           (unsigned long long)f->rbx, (unsigned long long)f->rcx);
    kerror("  RDX=%016llx RSI=%016llx RDI=%016llx\n", (unsigned long long)f->rdx,
           (unsigned long long)f->rsi, (unsigned long long)f->rdi);
    kerror("  RBP=%016llx R8 =%016llx R9 =%016llx\n", (unsigned long long)f->rbp,
           (unsigned long long)f->r8, (unsigned long long)f->r9);
    kerror("  R10=%016llx R11=%016llx R12=%016llx\n", (unsigned long long)f->r10,
           (unsigned long long)f->r11, (unsigned long long)f->r12);
    kerror("  R13=%016llx R14=%016llx R15=%016llx\n", (unsigned long long)f->r13,
           (unsigned long long)f->r14, (unsigned long long)f->r15);
    kerror("  CR0=%016llx CR2=%016llx CR3=%016llx CR4=%016llx\n",
           (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
           (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

void arch_frame_origin(const struct arch_regs *frame, uintptr_t *pc, uintptr_t *fp)
{
    *pc = frame->rip;
    *fp = frame->rbp;
}

static void print_error_code(const struct arch_regs *frame)
{
    switch (frame->vector) {
    case EXC_PAGE_FAULT:
        print_page_fault(frame->error_code);
        break;
    case EXC_INVALID_TSS:
    case EXC_SEGMENT_NOT_PRESENT:
    case EXC_STACK_FAULT:
    case EXC_GENERAL_PROTECTION:
        print_selector_error(frame->error_code);
        break;
    case EXC_DOUBLE_FAULT:
    case 17: /* #AC */
    case 21: /* #CP */
        kerror("  error code 0x%llx\n", (unsigned long long)frame->error_code);
        break;
    default:
        break;
    }
}

/* The guard address when this #DF comes from a kernel stack overflow. */
static bool stack_overflow_address(const struct arch_regs *frame, uintptr_t *address,
                                   uintptr_t *guard)
{
    if (frame->vector != EXC_DOUBLE_FAULT)
        return false;
    *address = read_cr2();
    if (mmu_kstack_guard_hit(*address, guard))
        return true;
    *address = frame->rsp;
    return mmu_kstack_guard_hit(*address, guard);
}

void exception_fatal(const struct arch_regs *frame)
{
    uintptr_t address, guard;
    if (frame->vector == EXC_NMI && smp_panic_stop_requested())
        smp_panic_stop_here(frame);
    if (stack_overflow_address(frame, &address, &guard))
        panic_with_frame(frame, print_error_code,
                         "kernel stack overflow: #DF at %p, address %p in the guard "
                         "%p-%p below the stack %p-%p", (void *)frame->rip, (void *)address,
                         (void *)guard, (void *)(guard + MMU_KSTACK_GUARD_SIZE),
                         (void *)(guard + MMU_KSTACK_GUARD_SIZE),
                         (void *)(guard + MMU_KSTACK_SLOT_SIZE));
    panic_with_frame(frame, print_error_code, "%s in %s mode at %p",
                     exception_name((unsigned)frame->vector),
                     frame->cs & 3 ? "user" : "kernel", (void *)frame->rip);
}
