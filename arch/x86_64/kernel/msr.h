/* SPDX-License-Identifier: MIT */
/*
 * x86_64 model-specific registers and CPUID for Kestrel's interrupt,
 * time and user-mode code.  Header-only inline assembly; only arch/x86_64/ includes
 * it.  No state, any context (RDMSR/WRMSR need CPL 0).
 */
#ifndef KESTREL_ARCH_X86_64_MSR_H
#define KESTREL_ARCH_X86_64_MSR_H

#include <stdint.h>

#define MSR_IA32_APIC_BASE    0x1B
#define MSR_IA32_TSC_DEADLINE 0x6E0
#define MSR_X2APIC_FIRST      0x800
#define MSR_EFER              0xC0000080u
#define MSR_STAR              0xC0000081u  /* SYSCALL/SYSRET selectors */
#define MSR_LSTAR             0xC0000082u  /* 64-bit SYSCALL entry */
#define MSR_CSTAR             0xC0000083u  /* compatibility-mode SYSCALL entry */
#define MSR_SFMASK            0xC0000084u  /* RFLAGS bits SYSCALL clears */
#define MSR_GS_BASE           0xC0000101u
#define MSR_KERNEL_GS_BASE    0xC0000102u  /* what SWAPGS exchanges with GS base */

#define EFER_SCE (1ull << 0)               /* SYSCALL/SYSRET enable */
#define EFER_NXE (1ULL << 11)

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
#define CPUID_1_ECX_XSAVE        (1u << 26)
#define CPUID_1_ECX_AVX          (1u << 28)
#define CPUID_1_EDX_FXSR         (1u << 24)
#define CPUID_1_EDX_SSE          (1u << 25)
/* CPUID.(07H,0) (SDM Vol. 2A, Table 3-8). */
#define CPUID_7_EBX_SMEP         (1u << 7)
#define CPUID_7_EBX_SMAP         (1u << 20)
#define CPUID_7_ECX_UMIP         (1u << 2)
/* CPUID.(0DH,1):EAX. */
#define CPUID_D1_EAX_XSAVEOPT    (1u << 0)
/* CPUID.80000001H:EDX. */
#define CPUID_80000001_EDX_NX    (1u << 20)

#endif /* KESTREL_ARCH_X86_64_MSR_H */
