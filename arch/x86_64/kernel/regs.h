/* SPDX-License-Identifier: MIT */
/*
 * The register frame isr.asm builds on every interrupt or exception
 * (lowest address first).  Handlers may edit it; isr.asm restores the
 * registers from it before IRETQ.
 */
#ifndef KESTREL_ARCH_X86_64_REGS_H
#define KESTREL_ARCH_X86_64_REGS_H

#include <stdint.h>

struct arch_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;   /* 0 for vectors without one */
    /* pushed by the CPU (SDM Vol. 3A, Figure 6-9) */
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct arch_regs) == 22 * 8, "isr.asm frame layout");

#endif /* KESTREL_ARCH_X86_64_REGS_H */
