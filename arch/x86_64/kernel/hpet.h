/* SPDX-License-Identifier: MIT */
/*
 * Kestrel HPET main counter (x86_64); see hpet.c.
 */
#ifndef KESTREL_ARCH_X86_64_HPET_H
#define KESTREL_ARCH_X86_64_HPET_H

#include <stdbool.h>
#include <stdint.h>

/* Start the main counter of the HPET at physical address phys.
 * 0, or -KS_ERR_NOT_FOUND when nothing sane answers there. */
int hpet_init(uint64_t phys);
bool hpet_ready(void);
/* Counter ticks per second (0 before hpet_init succeeded). */
uint64_t hpet_hz(void);
/* The main counter; only differences are meaningful (a 32-bit counter
 * wraps: hpet_ticks_between handles that for spans under one wrap). */
uint64_t hpet_read(void);
uint64_t hpet_ticks_between(uint64_t start, uint64_t end);

#endif /* KESTREL_ARCH_X86_64_HPET_H */
