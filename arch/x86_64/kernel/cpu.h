/* SPDX-License-Identifier: MIT */
/*
 * x86_64 CPU primitives for Kestrel's arch code: port I/O, RDTSC,
 * control registers, interrupt flag, the Bochs magic breakpoint.
 * Header-only inline assembly; only arch/x86_64/ includes it.
 * No state, any context.
 */
#ifndef KESTREL_ARCH_X86_64_CPU_H
#define KESTREL_ARCH_X86_64_CPU_H

#include <stdint.h>

/* Bochs stops here when magic_break is enabled; a no-op elsewhere. */
#define BOCHS_BREAK() __asm__ volatile("xchg %%bx, %%bx" ::: "memory")

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

/* A write to the unused POST port takes about 1 us: enough settle time
 * for the 8259 PIC between initialisation words. */
static inline void io_wait(void)
{
    outb(0x80, 0);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_READ_CR(n) \
    static inline uint64_t read_cr##n(void) \
    { \
        uint64_t v; \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); \
        return v; \
    }
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)
#undef DEFINE_READ_CR

static inline void write_cr3(uint64_t value)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(value) : "memory");
}

static inline void cpu_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif /* KESTREL_ARCH_X86_64_CPU_H */
