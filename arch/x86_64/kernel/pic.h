/* SPDX-License-Identifier: MIT */
/*
 * Kestrel legacy 8259A PIC (x86_64 PC); see pic.c.
 */
#ifndef KESTREL_ARCH_X86_64_PIC_H
#define KESTREL_ARCH_X86_64_PIC_H

#include <stdint.h>

#define PIC_VECTOR_BASE 0x20

void pic_remap_and_mask(void);
/* Interrupt mask registers: master in bits 0-7, slave in 8-15. */
uint16_t pic_read_masks(void);

#endif /* KESTREL_ARCH_X86_64_PIC_H */
