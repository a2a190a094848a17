/* SPDX-License-Identifier: MIT */
/*
 * Kestrel CPU exception reporting (x86_64); see exception.c.
 */
#ifndef KESTREL_ARCH_X86_64_EXCEPTION_H
#define KESTREL_ARCH_X86_64_EXCEPTION_H

#include <stddef.h>
#include <stdint.h>
#include "regs.h"

enum {
    EXC_DIVIDE_ERROR = 0,
    EXC_NMI = 2,
    EXC_BREAKPOINT = 3,
    EXC_INVALID_OPCODE = 6,
    EXC_DOUBLE_FAULT = 8,
    EXC_INVALID_TSS = 10,
    EXC_SEGMENT_NOT_PRESENT = 11,
    EXC_STACK_FAULT = 12,
    EXC_GENERAL_PROTECTION = 13,
    EXC_PAGE_FAULT = 14,
    EXC_MACHINE_CHECK = 18,
    EXC_COUNT = 32
};

/* "#PF page fault" style name of an exception vector. */
const char *exception_name(unsigned vector);

/* The error code of vector in a few words ("user read, not present",
 * "IDT index 128 (selector 0x400)"), formatted into buf, or "" when the
 * vector has no code worth decoding.  Returns buf or a constant. */
const char *exception_user_detail(unsigned vector, uint64_t code, char *buf, size_t size);

/* Report an unrecoverable exception and panic. */
__attribute__((noreturn)) void exception_fatal(const struct arch_regs *frame);

void idt_init(void);

#endif /* KESTREL_ARCH_X86_64_EXCEPTION_H */
