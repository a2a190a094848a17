/* SPDX-License-Identifier: MIT */
/*
 * x86_64 4-level page tables (SDM Vol. 3A, 4.5): the pure part of the
 * arch_mmu_* calls kernel/mm/vm.c makes (mmu.c).  Every function here
 * only reads and writes table memory described by a struct
 * page_table_memory (the kernel's direct map and the PMM, or a host
 * test's malloc'd "RAM"), so the whole file builds and runs on the host.
 * Nothing here touches CR3 or the TLB: a caller that changes the active
 * space invalidates the pages these functions report as changed (mmu.h).
 *
 * Semantics are those of vm.h (flags, errors, "a failed call changes
 * nothing"): map finds every missing intermediate table first and
 * allocates them all before writing a single entry; unmap frees tables
 * that become empty, except the kernel half's PDPTs, which are created
 * once and shared by every space.  Map and unmap take O(1) time when no
 * table is created or freed: each table's count of present entries is
 * kept in the entry that links to it, so "empty" needs no scan.
 * Locking: the caller's (one CPU now).
 */
#ifndef KESTREL_ARCH_X86_64_PAGE_TABLE_H
#define KESTREL_ARCH_X86_64_PAGE_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/vm.h"

#define PAGE_TABLE_ENTRIES      512
#define PAGE_TABLE_KERNEL_FIRST 256   /* PML4 slots 256..511: the kernel half */
#define PAGE_TABLE_KERNEL_BASE  0xFFFF800000000000ULL

/* Where page-table frames come from and how to reach them. */
struct page_table_memory {
    /* One zero-filled frame; 0 or -KS_ERR_NO_MEMORY. */
    int (*alloc)(void *ctx, phys_addr_t *frame);
    void (*free)(void *ctx, phys_addr_t frame);
    /* The table in frame f is read and written at address window + f
     * (a plain offset, not a call: every walk step needs one). */
    uintptr_t window;
    void *ctx;
};

static inline uint64_t *page_table_at(const struct page_table_memory *mem, phys_addr_t frame)
{
    return (uint64_t *)(mem->window + frame);
}

/* A fresh, empty PML4 for space.  With kernel != NULL its kernel-half
 * entries are copied, so the new space shares the kernel's mappings. */
int page_table_create(const struct page_table_memory *mem, struct vm_space *space,
                      const struct vm_space *kernel);

/* Give every kernel-half PML4 slot its PDPT now, so later kernel
 * mappings land in tables every space already points to. */
int page_table_fill_kernel_half(const struct page_table_memory *mem, struct vm_space *space);

/* Free the user half's tables and the PML4 (not the mapped frames). */
void page_table_destroy(const struct page_table_memory *mem, struct vm_space *space);

/* The vm.h operations, minus the TLB.  Checks: alignment, canonical
 * form, VM_USER exactly on user-half addresses, known flag bits,
 * VM_READ present (x86 cannot map a page unreadable), no write+exec. */
int page_table_map(const struct page_table_memory *mem, struct vm_space *space,
                   uintptr_t va, phys_addr_t pa, unsigned flags);
int page_table_unmap(const struct page_table_memory *mem, struct vm_space *space,
                     uintptr_t va, unsigned flags);
int page_table_protect(const struct page_table_memory *mem, struct vm_space *space,
                       uintptr_t va, unsigned flags);
int page_table_translate(const struct page_table_memory *mem, const struct vm_space *space,
                         uintptr_t va, phys_addr_t *pa, unsigned *flags);
/* Call fn for every page mapped in space's user half, lowest address
 * first (a 2 MiB page once, with VM_LARGE); a nonzero return stops the
 * walk and is returned.  fn must not change the tables. */
int page_table_user_walk(const struct page_table_memory *mem, const struct vm_space *space,
                         int (*fn)(void *ctx, uintptr_t va, uint64_t pa, unsigned flags),
                         void *ctx);

/* True for the user half [0, VM_USER_TOP) and the kernel half; false
 * for the non-canonical hole between them (48-bit addresses). */
static inline bool page_table_canonical(uintptr_t va)
{
    return va < VM_USER_TOP || va >= PAGE_TABLE_KERNEL_BASE;
}

#endif /* KESTREL_ARCH_X86_64_PAGE_TABLE_H */
