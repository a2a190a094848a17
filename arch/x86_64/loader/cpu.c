/* SPDX-License-Identifier: MIT */
/*
 * CPU check of the Kestrel loader stub: CPUID, long mode, PAE and NX are
 * required (the page tables use NX and 4-level paging); PGE is used when
 * present.  Runs once, before anything 64-bit is touched.
 */
#include "io.h"
#include "loader.h"

#define EFLAGS_ID       (1u << 21)
#define CPUID1_EDX_PAE  (1u << 6)
#define CPUID1_EDX_PGE  (1u << 13)
#define CPUIDX_EDX_NX   (1u << 20)
#define CPUIDX_EDX_LM   (1u << 29)

/* CPUID exists when EFLAGS.ID can be toggled (SDM Vol. 1, 3.4.3.3). */
static bool cpu_has_cpuid(void)
{
    uint32_t before, after;
    __asm__ volatile("pushfl\n\t"
                     "pushfl\n\t"
                     "popl %0\n\t"
                     "movl %0, %1\n\t"
                     "xorl %2, %1\n\t"
                     "pushl %1\n\t"
                     "popfl\n\t"
                     "pushfl\n\t"
                     "popl %1\n\t"
                     "popfl"
                     : "=&r"(before), "=&r"(after)
                     : "i"(EFLAGS_ID)
                     : "cc");
    return ((before ^ after) & EFLAGS_ID) != 0;
}

const char *cpu_check(bool *has_pge)
{
    *has_pge = false;
    if (!cpu_has_cpuid())
        return "this CPU has no CPUID instruction; Kestrel needs an x86_64 CPU";
    uint32_t max_basic = cpuid(0).eax;
    uint32_t edx1 = max_basic >= 1 ? cpuid(1).edx : 0;
    uint32_t max_ext = cpuid(0x80000000u).eax;
    uint32_t edx_ext = max_ext >= 0x80000001u && max_ext < 0x8000ffffu
                           ? cpuid(0x80000001u).edx : 0;
    if (!(edx_ext & CPUIDX_EDX_LM))
        return "this CPU has no 64-bit long mode; Kestrel needs an x86_64 CPU";
    if (!(edx1 & CPUID1_EDX_PAE))
        return "this CPU has no PAE paging; Kestrel needs an x86_64 CPU";
    if (!(edx_ext & CPUIDX_EDX_NX))
        return "this CPU has no NX (no-execute) page bit; Kestrel needs it for W^X "
               "(check that NX/XD is not disabled in the firmware setup)";
    *has_pge = (edx1 & CPUID1_EDX_PGE) != 0;
    return NULL;
}
