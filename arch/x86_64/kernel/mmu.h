/* SPDX-License-Identifier: MIT */
/*
 * x86_64 MMU glue: the arch_mmu_* calls of kernel/arch.h (implemented in
 * mmu.c over the pure page_table.c, with page-table frames from the PMM),
 * plus what other x86_64 files need: the privileged operations (CR3,
 * INVLPG) as inlines, the kernel-stack region's layout and the
 * guard-page test the #DF report uses.
 *
 * Kernel stacks: MMU_KSTACK_SLOTS slots of MMU_KSTACK_SLOT_SIZE bytes
 * in PML4 slot 510 (the layout arch.h publishes as ARCH_KSTACK_*).  A
 * stack takes the top VM_KSTACK_SIZE bytes of its slot; everything below
 * it in the slot stays unmapped, so an overflow (even by a frame larger
 * than one page) faults instead of running into the next stack.  Boot
 * CPU, interrupts off; callers serialise.
 */
#ifndef KESTREL_ARCH_X86_64_MMU_H
#define KESTREL_ARCH_X86_64_MMU_H

#include <stdbool.h>
#include <stdint.h>
#include "arch.h"
#include "cpu.h"
#include "mm/vm.h"
#include "page_table.h"

#define MMU_KSTACK_REGION_BASE ARCH_KSTACK_REGION_BASE
#define MMU_KSTACK_SLOT_SIZE   ARCH_KSTACK_SLOT_SIZE
#define MMU_KSTACK_SLOTS       ARCH_KSTACK_SLOTS
#define MMU_KSTACK_GUARD_SIZE  (MMU_KSTACK_SLOT_SIZE - VM_KSTACK_SIZE)
#define MMU_KSTACK_REGION_END  (MMU_KSTACK_REGION_BASE + MMU_KSTACK_SLOTS * MMU_KSTACK_SLOT_SIZE)

_Static_assert(MMU_KSTACK_REGION_BASE >> 39 == 0x1FFFFFE, "kernel stacks own PML4 slot 510");
_Static_assert(MMU_KSTACK_SLOTS * MMU_KSTACK_SLOT_SIZE <= 1ULL << 39, "within one PML4 slot");
_Static_assert(VM_KSTACK_SIZE % PAGE_SIZE == 0, "kernel stacks are whole pages");
_Static_assert(MMU_KSTACK_GUARD_SIZE >= PAGE_SIZE, "at least one guard page per stack");

#define MMU_CR3_ADDR_MASK 0x000FFFFFFFFFF000ULL

/* True when addr lies in the unmapped guard below some kernel stack;
 * *guard is then the guard's lowest address. */
static inline bool mmu_kstack_guard_hit(uintptr_t addr, uintptr_t *guard)
{
    if (addr < MMU_KSTACK_REGION_BASE || addr >= MMU_KSTACK_REGION_END)
        return false;
    uintptr_t slot = addr & ~(uintptr_t)(MMU_KSTACK_SLOT_SIZE - 1);
    if (addr - slot >= MMU_KSTACK_GUARD_SIZE)
        return false;
    *guard = slot;
    return true;
}

/* Page tables through the direct map, read-only (alloc always fails):
 * for walks of tables someone else owns. */
extern const struct page_table_memory mmu_direct_map_tables;

/* The PML4 frame in CR3. */
static inline phys_addr_t mmu_active_root(void)
{
    return read_cr3() & MMU_CR3_ADDR_MASK;
}

#endif /* KESTREL_ARCH_X86_64_MMU_H */
