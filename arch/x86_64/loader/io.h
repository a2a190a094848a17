/* SPDX-License-Identifier: MIT */
/*
 * Port I/O and CPUID helpers for the 32-bit Kestrel loader stub.
 * Inline assembly only; never included by the host-tested files.
 */
#ifndef KESTREL_LOADER_IO_H
#define KESTREL_LOADER_IO_H

#include <stdint.h>

static inline void io_out8(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t io_in8(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(0));
    return r;
}

#endif /* KESTREL_LOADER_IO_H */
