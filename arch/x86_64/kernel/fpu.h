/* SPDX-License-Identifier: MIT */
/*
 * Kestrel FPU/SIMD state (x86_64), the arch side of kernel/arch.h's
 * arch_fpu_*: fpu.c chooses XSAVE (every user state component the CPU
 * offers among x87, SSE, AVX and AVX-512) or FXSAVE on the boot CPU and
 * enables the same on each CPU; user.c calls fpu_init_cpu from
 * arch_user_init_cpu.  Interrupts off.
 */
#ifndef KESTREL_ARCH_X86_64_FPU_H
#define KESTREL_ARCH_X86_64_FPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* XCR0 state components (SDM Vol. 1, 13.1). */
#define XSTATE_X87       (1ull << 0)
#define XSTATE_SSE       (1ull << 1)
#define XSTATE_AVX       (1ull << 2)
#define XSTATE_OPMASK    (1ull << 5)
#define XSTATE_ZMM_HI256 (1ull << 6)
#define XSTATE_HI16_ZMM  (1ull << 7)
#define XSTATE_AVX512    (XSTATE_OPMASK | XSTATE_ZMM_HI256 | XSTATE_HI16_ZMM)

/* Byte offsets in the legacy (FXSAVE) region of a save area. */
#define FPU_AREA_FCW     0
#define FPU_AREA_MXCSR   24
#define FPU_AREA_XMM0    160
#define FPU_AREA_XSTATE_BV 512  /* XSAVE header: which components the area holds */

/* Set CR0/CR4 for the FPU and SSE, and XCR0 with XSAVE: the boot CPU's
 * first call decides the mode, later calls (and APs) apply it again. */
void fpu_init_cpu(void);
/* True when the areas are in XSAVE format (else FXSAVE's 512 bytes). */
bool fpu_uses_xsave(void);
/* The XCR0 mask in use (x87|SSE for FXSAVE). */
uint64_t fpu_xcr0(void);
/* "XSAVE 832 bytes (x87 SSE AVX)" for the boot line. */
void fpu_describe(char *buf, size_t size);

#endif /* KESTREL_ARCH_X86_64_FPU_H */
