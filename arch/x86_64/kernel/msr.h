/* SPDX-License-Identifier: MIT */
/*
 * x86_64 model-specific registers and CPUID for Kestrel's interrupt and
 * time code.  Header-only inline assembly; only arch/x86_64/ includes
 * it.  No state, any context (RDMSR/WRMSR need CPL 0).
 */
#ifndef KESTREL_ARCH_X86_64_MSR_H
#define KESTREL_ARCH_X86_64_MSR_H

#include <stdint.h>

#define MSR_IA32_APIC_BASE    0x1B
#define MSR_IA32_TSC_DEADLINE 0x6E0
#define MSR_X2APIC_FIRST      0x800

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "memory");
}

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

/* CPUID.01H:ECX feature bits (SDM Vol. 2A, Table 3-10). */
#define CPUID_1_ECX_X2APIC       (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

#endif /* KESTREL_ARCH_X86_64_MSR_H */
