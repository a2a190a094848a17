/* SPDX-License-Identifier: MIT */
/*
 * Address spaces: one object per top-level page table, the kernel half
 * (the direct map, the kernel image, kernel stacks) shared by all.
 *
 * vm_init builds the kernel's own page tables from scratch (the direct map
 * of all RAM with 2 MiB pages, the kernel's sections W^X from the linker's
 * section symbols, nothing else), switches to them and returns the
 * loader's page-table frames to the PMM.  After that:
 *
 *   vm_space_init / vm_space_fini   an address space (the caller owns the
 *                                   struct; fini frees every page-table
 *                                   frame of its user half)
 *   vm_map / vm_unmap / vm_protect  4 KiB pages, or 2 MiB pages with
 *                                   VM_LARGE (va, pa 2 MiB-aligned)
 *   vm_translate                    physical address and flags of va
 *   vm_kstack_alloc / _free         kernel stacks in their own region,
 *                                   each below an unmapped guard page; an
 *                                   overflow faults on the guard, and the
 *                                   #DF handler (on its IST stack) reports
 *                                   a kernel stack overflow
 *
 * The TLB is invalidated with INVLPG for every changed page of the active
 * space.  Errors: -KS_ERR_INVALID_ARGUMENT (misaligned, non-canonical, a
 * user-half call on a kernel address or the reverse, bad flags such as
 * write+exec), -KS_ERR_EXISTS (already mapped), -KS_ERR_NOT_FOUND (not
 * mapped), -KS_ERR_NO_MEMORY (no frame for a page table).  A failed call
 * leaves the space as it was.  Kernel-half changes are shot down on every
 * online CPU (arch_tlb_shootdown); user-half changes are invalidated on
 * this CPU only until threads run on several CPUs.
 */
#ifndef KESTREL_MM_VM_H
#define KESTREL_MM_VM_H

#include <stddef.h>
#include <stdint.h>
#include "kestrel/boot_info.h"
#include "mm/pmm.h"

#define VM_READ   (1u << 0)
#define VM_WRITE  (1u << 1)
#define VM_EXEC   (1u << 2)
#define VM_USER   (1u << 3)   /* reachable from ring 3 (user half only) */
#define VM_LARGE  (1u << 4)   /* a 2 MiB page */
#define VM_NOCACHE (1u << 5)  /* device memory: uncached */

#define VM_USER_TOP      0x0000800000000000ULL  /* user half: [0, this) */
#define VM_KSTACK_SIZE   (16 * 1024)            /* usable bytes of a kernel stack */

struct vm_space {
    phys_addr_t root;        /* PML4 frame */
    uint64_t table_frames;   /* page-table frames this space owns */
};

struct vm_kstack {
    uintptr_t base;          /* lowest usable address; the guard page is below */
    uintptr_t top;           /* initial stack pointer */
};

int vm_init(const struct ks_boot_info *bi);
struct vm_space *vm_kernel_space(void);

int vm_space_init(struct vm_space *space);
void vm_space_fini(struct vm_space *space);
/* Make space the active one (CR3). */
void vm_space_activate(struct vm_space *space);

int vm_map(struct vm_space *space, uintptr_t va, phys_addr_t pa, unsigned flags);
int vm_unmap(struct vm_space *space, uintptr_t va, unsigned flags /* VM_LARGE or 0 */);
int vm_protect(struct vm_space *space, uintptr_t va, unsigned flags);
int vm_translate(struct vm_space *space, uintptr_t va, phys_addr_t *pa, unsigned *flags);

int vm_kstack_alloc(struct vm_kstack *out);
void vm_kstack_free(struct vm_kstack *stack);
/* Free a stack no CPU runs on any more, later: it stays mapped until
 * VM_KSTACK_DEFER_MAX have gathered (or vm_kstack_reclaim), then every
 * CPU flushes its TLB once for the whole batch instead of once per page. */
#define VM_KSTACK_DEFER_MAX 32
void vm_kstack_free_deferred(struct vm_kstack *stack);
/* Free the deferred stacks now (before counting free frames). */
void vm_kstack_reclaim(void);

#endif /* KESTREL_MM_VM_H */
