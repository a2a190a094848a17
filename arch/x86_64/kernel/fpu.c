/* SPDX-License-Identifier: MIT */
/*
 * Kestrel FPU/SIMD state (x86_64): see fpu.h and kernel/arch.h.
 *
 * The kernel is built -mgeneral-regs-only and never touches x87/SSE/AVX
 * registers itself, so the scheduler saves the outgoing thread's state
 * and restores the incoming one's on each switch between threads that
 * have an area (eager: no #NM trap, CR0.TS stays clear).
 *
 * With XSAVE, XCR0 holds every user component the CPU supports among
 * x87, SSE, AVX and AVX-512 (the three AVX-512 components only together,
 * SDM Vol. 1 13.3), the area is the standard (non-compacted) format of
 * the size CPUID.(0DH,0):EBX reports for that XCR0, 64-byte aligned, and
 * saves use XSAVEOPT when the CPU has it.  XSAVEOPT may skip components
 * not modified since the last XRSTOR from the same area (SDM Vol. 1
 * 13.6): correct here because only arch_fpu_save and arch_fpu_area_init
 * write an area, and a thread's area is restored before it runs.
 * Without XSAVE, FXSAVE64/FXRSTOR64 on a 512-byte, 16-aligned area.
 * The mode is chosen once on the boot CPU; every CPU is assumed to offer
 * the same features (APs start from the boot CPU's CR4).  Interrupts off.
 */
#include "arch.h"
#include "cpu.h"
#include "fpu.h"
#include "lib/format.h"
#include "lib/string.h"
#include "msr.h"

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE    (1ull << 18)

#define FXSAVE_AREA_SIZE 512u
#define FCW_DEFAULT      0x037Fu   /* FNINIT's control word: every exception masked */
#define MXCSR_DEFAULT    0x1F80u   /* reset value: every SIMD exception masked */

enum fpu_mode { FPU_NONE, FPU_FXSAVE, FPU_XSAVE, FPU_XSAVEOPT };

static enum fpu_mode mode = FPU_NONE;
static uint64_t xcr0 = XSTATE_X87 | XSTATE_SSE;
static size_t area_size = FXSAVE_AREA_SIZE;

static void write_cr0(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static void xsetbv0(uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
}

/* The components to enable: what the CPU supports, among those Kestrel
 * knows how to hand to user mode as a unit. */
static uint64_t wanted_components(void)
{
    struct cpuid_regs d = cpuid(0xD, 0);
    uint64_t supported = (uint64_t)d.edx << 32 | d.eax;
    uint64_t want = XSTATE_X87 | XSTATE_SSE;
    if (supported & XSTATE_AVX) {
        want |= XSTATE_AVX;
        if ((supported & XSTATE_AVX512) == XSTATE_AVX512)
            want |= XSTATE_AVX512;
    }
    return want;
}

static void choose_mode(void)
{
    struct cpuid_regs l1 = cpuid(1, 0);
    unsigned max_leaf = cpuid(0, 0).eax;
    if (!(l1.ecx & CPUID_1_ECX_XSAVE) || max_leaf < 0xD) {
        mode = FPU_FXSAVE;
        return;
    }
    xcr0 = wanted_components();
    mode = cpuid(0xD, 1).eax & CPUID_D1_EAX_XSAVEOPT ? FPU_XSAVEOPT : FPU_XSAVE;
}

void fpu_init_cpu(void)
{
    if (mode == FPU_NONE)
        choose_mode();
    /* x87 errors as #MF (NE), WAIT honours TS (MP), no emulation, no
     * lazy-switch trap (SDM Vol. 3A 2.5, 13.1). */
    write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (mode != FPU_FXSAVE)
        cr4 |= CR4_OSXSAVE;
    write_cr4(cr4);
    if (mode != FPU_FXSAVE) {
        xsetbv0(xcr0);
        /* EBX: the area size for the XCR0 now enabled (SDM Vol. 2A CPUID 0DH). */
        area_size = cpuid(0xD, 0).ebx;
    }
    /* Start the registers themselves from a clean state. */
    __asm__ volatile("fninit" ::: "memory");
    uint32_t mxcsr = MXCSR_DEFAULT;
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
}

bool fpu_uses_xsave(void)
{
    return mode == FPU_XSAVE || mode == FPU_XSAVEOPT;
}

uint64_t fpu_xcr0(void)
{
    return xcr0;
}

void fpu_describe(char *buf, size_t size)
{
    if (!fpu_uses_xsave()) {
        format_snprintf(buf, size, "FXSAVE %u bytes (x87 SSE)", (unsigned)area_size);
        return;
    }
    format_snprintf(buf, size, "%s %u bytes (x87 SSE%s%s)",
                    mode == FPU_XSAVEOPT ? "XSAVEOPT" : "XSAVE", (unsigned)area_size,
                    xcr0 & XSTATE_AVX ? " AVX" : "", xcr0 & XSTATE_AVX512 ? " AVX-512" : "");
}

size_t arch_fpu_area_size(void)
{
    return area_size;
}

size_t arch_fpu_area_align(void)
{
    return fpu_uses_xsave() ? 64 : 16;
}

void arch_fpu_area_init(void *area)
{
    uint8_t *a = area;
    memset(a, 0, area_size);
    uint16_t fcw = FCW_DEFAULT;
    uint32_t mxcsr = MXCSR_DEFAULT;
    memcpy(a + FPU_AREA_FCW, &fcw, sizeof(fcw));
    memcpy(a + FPU_AREA_MXCSR, &mxcsr, sizeof(mxcsr));
    if (fpu_uses_xsave()) {
        /* The header (bytes 512-575) is zero: standard format, and every
         * component but x87 and SSE in its initial state (SDM Vol. 1
         * 13.4.2); x87 and SSE load from the legacy region above. */
        uint64_t xstate_bv = XSTATE_X87 | XSTATE_SSE;
        memcpy(a + FPU_AREA_XSTATE_BV, &xstate_bv, sizeof(xstate_bv));
    }
}

void arch_fpu_save(void *area)
{
    uint32_t lo = (uint32_t)xcr0, hi = (uint32_t)(xcr0 >> 32);
    switch (mode) {
    case FPU_XSAVEOPT:
        __asm__ volatile("xsaveopt64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
        break;
    case FPU_XSAVE:
        __asm__ volatile("xsave64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
        break;
    default:
        __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
        break;
    }
}

void arch_fpu_restore(const void *area)
{
    uint32_t lo = (uint32_t)xcr0, hi = (uint32_t)(xcr0 >> 32);
    if (fpu_uses_xsave())
        __asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"(lo), "d"(hi) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}
