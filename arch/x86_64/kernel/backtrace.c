/* SPDX-License-Identifier: MIT */
/*
 * Kestrel frame-pointer backtrace (x86_64).
 *
 * The kernel is built with frame pointers, so each frame starts with
 * [saved RBP][return address].  The walker trusts nothing: every frame
 * pointer must be 8-aligned, lie with its two words inside one known
 * kernel stack (the boot stack or an IST stack), and be higher than the
 * previous one; the walk stops at RBP = 0 (set by kernel_entry) or after
 * `max` frames.  Any context, reads only.
 */
#include <stdbool.h>
#include "arch.h"
#include "gdt.h"

extern const uint8_t kernel_boot_stack_bottom[], kernel_boot_stack_top[];

static bool stack_bounds(uintptr_t addr, uintptr_t *low, uintptr_t *high)
{
    uintptr_t lo = (uintptr_t)kernel_boot_stack_bottom;
    uintptr_t hi = (uintptr_t)kernel_boot_stack_top;
    if (addr >= lo && addr < hi) {
        *low = lo;
        *high = hi;
        return true;
    }
    return gdt_ist_stack_bounds(addr, low, high);
}

size_t arch_backtrace(uintptr_t fp, uintptr_t *pcs, size_t max)
{
    uintptr_t low, high;
    size_t n = 0;
    if (!fp || !stack_bounds(fp, &low, &high))
        return 0;
    while (n < max) {
        if (fp & 7 || fp < low || fp > high - 16)
            break;
        const uintptr_t *frame = (const uintptr_t *)fp;
        uintptr_t next = frame[0], ret = frame[1];
        if (!ret)
            break;
        pcs[n++] = ret;
        if (next <= fp)
            break;
        fp = next;
    }
    return n;
}
