/* SPDX-License-Identifier: MIT */
/*
 * Kestrel frame-pointer backtrace (x86_64).
 *
 * The kernel is built with frame pointers, so each frame starts with
 * [saved RBP][return address].  The walker trusts nothing: every frame
 * pointer must be 8-aligned, lie with its two words inside one known
 * kernel stack (the boot stack, an IST stack, or the usable part of a
 * slot in the guarded kernel-stack region), and be higher than the
 * previous one; the words are read with fault recovery, since a stack
 * slot may be unmapped; the walk stops at RBP = 0 (set by kernel_entry)
 * or after `max` frames.  Any context, reads only.
 */
#include <stdbool.h>
#include "arch.h"
#include "gdt.h"
#include "mmu.h"

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
    if (addr >= MMU_KSTACK_REGION_BASE && addr < MMU_KSTACK_REGION_END) {
        uintptr_t slot = addr - (addr - MMU_KSTACK_REGION_BASE) % MMU_KSTACK_SLOT_SIZE;
        *low = slot + MMU_KSTACK_GUARD_SIZE;
        *high = slot + MMU_KSTACK_SLOT_SIZE;
        return addr >= *low;
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
        uintptr_t frame[2];
        if (arch_probe_read((const void *)fp, frame, sizeof(frame)) < 0)
            break;
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
