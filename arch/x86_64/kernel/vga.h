/* SPDX-License-Identifier: MIT */
/*
 * Kestrel VGA text-mode console (x86_64 PC); see vga.c.
 */
#ifndef KESTREL_ARCH_X86_64_VGA_H
#define KESTREL_ARCH_X86_64_VGA_H

#include <stdint.h>

int vga_console_init(uintptr_t virt, uint32_t width, uint32_t height, uint32_t pitch);

#endif /* KESTREL_ARCH_X86_64_VGA_H */
