/* SPDX-License-Identifier: MIT */
/*
 * Kestrel framebuffer text console: draws the 8x16 font (lib/font.h) on
 * a linear RGB framebuffer of 15, 16, 24 or 32 bits per pixel, wraps long
 * lines and scrolls.  fbcon_init() takes the framebuffer description
 * from boot_info and the virtual address it is mapped at; it returns
 * -KS_ERR_INVALID_ARGUMENT (and registers nothing) for a layout it
 * cannot draw.  Same context rules as console.h.
 */
#ifndef KESTREL_CONSOLE_FBCON_H
#define KESTREL_CONSOLE_FBCON_H

#include <stdint.h>
#include "kestrel/boot_info.h"

int fbcon_init(const struct ks_framebuffer *fb, uintptr_t virt);

#endif /* KESTREL_CONSOLE_FBCON_H */
