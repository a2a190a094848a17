/* SPDX-License-Identifier: MIT */
/*
 * x86_64 MMU glue for kernel/mm/vm.c: the privileged operations (CR3,
 * INVLPG, EFER/CR0 bits), where the kernel-stack region lies in the
 * kernel half, and the guard-page test the #DF report uses.  The table
 * format itself is page_table.h (pure, host-tested).
 *
 * Kernel stacks: MMU_KSTACK_SLOTS slots of MMU_KSTACK_SLOT_SIZE bytes
 * in PML4 slot 510.  A stack takes the top VM_KSTACK_SIZE bytes of its
 * slot; everything below it in the slot stays unmapped, so an overflow
 * (even by a frame larger than one page) faults instead of running into
 * the next stack.  Boot CPU, interrupts off; callers serialise.
 */
#ifndef KESTREL_ARCH_X86_64_MMU_H
#define KESTREL_ARCH_X86_64_MMU_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/vm.h"
#include "page_table.h"

#define MMU_KSTACK_REGION_BASE 0xFFFFFF0000000000ULL  /* PML4 slot 510 */
#define MMU_KSTACK_SLOT_SIZE   (32 * 1024ULL)
#define MMU_KSTACK_SLOTS       8192u
#define MMU_KSTACK_GUARD_SIZE  (MMU_KSTACK_SLOT_SIZE - VM_KSTACK_SIZE)
#define MMU_KSTACK_REGION_END  (MMU_KSTACK_REGION_BASE + MMU_KSTACK_SLOTS * MMU_KSTACK_SLOT_SIZE)

_Static_assert(VM_KSTACK_SIZE % PAGE_SIZE == 0, "kernel stacks are whole pages");
_Static_assert(MMU_KSTACK_GUARD_SIZE >= PAGE_SIZE, "at least one guard page per stack");

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

/* The PML4 frame in CR3, and loading a new one (flushes non-global
 * TLB entries, SDM Vol. 3A 4.10.4.1). */
phys_addr_t mmu_active_root(void);
void mmu_activate_root(phys_addr_t root);
/* INVLPG: the TLB entry of va's page and the paging-structure cache
 * entries on its path (SDM Vol. 3A 4.10.4.1), global or not. */
void mmu_invalidate_page(uintptr_t va);

/* EFER.NXE must be on (the loader sets it; NX bits are reserved
 * otherwise, SDM 4.5): 0 or -KS_ERR_INVALID_ARGUMENT.  Then CR0.WP on, so
 * read-only pages bind the kernel too (SDM 4.6.1). */
int mmu_cpu_setup(void);

/* Call fn(arg) with RSP = stack_top, back on the caller's stack after. */
void mmu_call_on_stack(uintptr_t stack_top, void (*fn)(void *), void *arg);

#endif /* KESTREL_ARCH_X86_64_MMU_H */
