/* SPDX-License-Identifier: MIT */
/*
 * Kestrel IDT and interrupt dispatch (x86_64).
 *
 * Every vector gets an interrupt gate to its isr.asm stub (kernel code
 * selector, DPL 0, interrupts stay off inside handlers).  #DF, NMI and #MC
 * switch to their IST stacks.  arch_interrupt_dispatch() is the single C
 * entry from isr.asm.  A page fault at a user address first goes to
 * sched_page_fault(), which maps a memory object's page when a mapping
 * allows the access (from user mode, or from a user copy in a system
 * call); then the access simply goes again.  Otherwise an exception in
 * user mode (saved CS with RPL 3) is the program's fault, handed to
 * sched_user_fault() (kernel/sched/sched.h), which ends the process and
 * never returns here; NMI, #DF and #MC are never a program's fault and
 * keep the kernel's path.  A kernel
 * exception first tries the fixup table, else it is reported and the
 * kernel panics.  Any other vector is an interrupt, handed to
 * irq_dispatch() (irq.c: registered handlers, spurious vectors, EOI);
 * when it interrupted user mode, sched_exit_to_user() then does the
 * CPU's recorded work (a reschedule, the thread's death) before isr.asm
 * returns to ring 3.  idt_init() runs once, boot CPU.
 */
#include <stdbool.h>
#include <stdint.h>
#include "arch.h"
#include "cpu.h"
#include "debug/kprintf.h"
#include "exception.h"
#include "fixup.h"
#include "gdt.h"
#include "irq.h"
#include "regs.h"
#include "mm/vm.h"
#include "sched/sched.h"

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout (SDM Figure 6-8)");

struct idt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define GATE_INTERRUPT_DPL0 0x8E /* present, DPL 0, 64-bit interrupt gate */

extern const uint64_t isr_stub_table[256];
static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned vector, uint64_t handler, uint8_t ist)
{
    idt[vector] = (struct idt_gate){
        .offset_low = handler & 0xFFFF,
        .selector = GDT_KERNEL_CODE,
        .ist = ist,
        .type_attr = GATE_INTERRUPT_DPL0,
        .offset_mid = (handler >> 16) & 0xFFFF,
        .offset_high = handler >> 32,
    };
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, isr_stub_table[v], 0);
    set_gate(EXC_DOUBLE_FAULT, isr_stub_table[EXC_DOUBLE_FAULT], IST_DOUBLE_FAULT);
    set_gate(EXC_NMI, isr_stub_table[EXC_NMI], IST_NMI);
    set_gate(EXC_MACHINE_CHECK, isr_stub_table[EXC_MACHINE_CHECK], IST_MACHINE_CHECK);

    struct idt_pointer idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void arch_interrupt_dispatch(struct arch_regs *frame);

static bool from_user(const struct arch_regs *frame)
{
    return (frame->cs & 3) == 3;
}

static bool is_program_fault(unsigned vector)
{
    return vector != EXC_NMI && vector != EXC_DOUBLE_FAULT && vector != EXC_MACHINE_CHECK;
}

static __attribute__((noreturn)) void user_fault(const struct arch_regs *frame)
{
    unsigned vector = (unsigned)frame->vector;
    char detail[80];
    struct arch_user_fault fault = {
        .vector = vector,
        .name = exception_name(vector),
        .error_code = frame->error_code,
        .rip = frame->rip,
        .rsp = frame->rsp,
        .address = vector == EXC_PAGE_FAULT ? read_cr2() : 0,
        .detail = exception_user_detail(vector, frame->error_code, detail, sizeof(detail)),
    };
    sched_user_fault(&fault);
}

/* Page-fault error code bits (SDM Vol. 3A, 4.7). */
#define PF_WRITE    (1u << 1)
#define PF_RESERVED (1u << 3)
#define PF_FETCH    (1u << 4)

/* A #PF at a user address that a memory-object mapping may cover: its
 * page is mapped on the first touch (sched_page_fault). */
static bool page_fault_resolved(const struct arch_regs *frame)
{
    uint64_t address = read_cr2();
    if (frame->vector != EXC_PAGE_FAULT || (frame->error_code & PF_RESERVED) ||
        address >= VM_USER_TOP)
        return false;
    unsigned access = frame->error_code & PF_FETCH ? VM_EXEC :
                      frame->error_code & PF_WRITE ? VM_WRITE : VM_READ;
    return sched_page_fault(address, access, from_user(frame));
}

void arch_interrupt_dispatch(struct arch_regs *frame)
{
    if (frame->vector < EXC_COUNT) {
        if (page_fault_resolved(frame))
            return;
        if (from_user(frame) && is_program_fault((unsigned)frame->vector))
            user_fault(frame);
        if (fixup_apply(frame))
            return;
        exception_fatal(frame);
    }
    irq_dispatch(frame);
    if (from_user(frame))
        sched_exit_to_user();
}
