/* SPDX-License-Identifier: MIT */
/*
 * x86_64 MMU: the arch_mmu_* calls of kernel/arch.h; see mmu.h.  The
 * table format lives in page_table.c (pure, host-tested); this file
 * gives it the kernel's memory (page-table frames from the PMM, owner
 * PMM_OWNER_PAGE_TABLE, reached through the direct map) and does the
 * privileged operations, so page_table.c stays free of inline assembly.
 * Boot CPU, interrupts off; callers serialise.
 */
#include "mmu.h"
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "kestrel/errors.h"

#define CR0_WP   (1ULL << 16)
#define MSR_EFER 0xC0000080u
#define EFER_NXE (1ULL << 11)

static int pmm_table_alloc(void *ctx, phys_addr_t *frame)
{
    (void)ctx;
    return pmm_alloc(PMM_OWNER_PAGE_TABLE, PMM_ZERO, frame);
}

static void pmm_table_free(void *ctx, phys_addr_t frame)
{
    (void)ctx;
    if (pmm_free(frame, PMM_OWNER_PAGE_TABLE) < 0)
        panic("mmu: page-table frame 0x%llx was not a page table", (unsigned long long)frame);
}

static const struct page_table_memory pmm_tables = {
    .alloc = pmm_table_alloc, .free = pmm_table_free, .window = KS_DIRECT_MAP_BASE, .ctx = 0,
};

static int no_alloc(void *ctx, phys_addr_t *frame)
{
    (void)ctx;
    (void)frame;
    return -KS_ERR_NO_MEMORY;
}

static void no_free(void *ctx, phys_addr_t frame)
{
    (void)ctx;
    (void)frame;
}

const struct page_table_memory mmu_direct_map_tables = {
    .alloc = no_alloc, .free = no_free, .window = KS_DIRECT_MAP_BASE, .ctx = 0,
};

static uint64_t read_msr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

int arch_mmu_init(void)
{
    /* NX bits are reserved unless EFER.NXE is on (SDM Vol. 3A 4.5); the
     * loader sets it.  CR0.WP makes read-only pages bind the kernel too
     * (SDM Vol. 3A 4.6.1). */
    if (!(read_msr(MSR_EFER) & EFER_NXE)) {
        kerror("vm: EFER.NXE is off: no-execute pages are impossible\n");
        return -KS_ERR_INVALID_ARGUMENT;
    }
    uint64_t cr0 = read_cr0() | CR0_WP;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
    return 0;
}

int arch_mmu_space_create(struct vm_space *space, const struct vm_space *kernel)
{
    return page_table_create(&pmm_tables, space, kernel);
}

int arch_mmu_kernel_half_create(struct vm_space *space)
{
    return page_table_fill_kernel_half(&pmm_tables, space);
}

void arch_mmu_space_destroy(struct vm_space *space)
{
    page_table_destroy(&pmm_tables, space);
}

/* A map needs no INVLPG: the processor caches no translation from a
 * not-present entry (SDM Vol. 3A 4.10.2.3), which arch.h promises. */
int arch_mmu_map(struct vm_space *space, uintptr_t va, uint64_t pa, unsigned flags)
{
    return page_table_map(&pmm_tables, space, va, pa, flags);
}

int arch_mmu_unmap(struct vm_space *space, uintptr_t va, unsigned flags)
{
    return page_table_unmap(&pmm_tables, space, va, flags);
}

int arch_mmu_protect(struct vm_space *space, uintptr_t va, unsigned flags)
{
    return page_table_protect(&pmm_tables, space, va, flags);
}

int arch_mmu_translate(const struct vm_space *space, uintptr_t va, uint64_t *pa, unsigned *flags)
{
    return page_table_translate(&pmm_tables, space, va, pa, flags);
}

uint64_t arch_mmu_active_root(void)
{
    return mmu_active_root();
}

/* Loading CR3 flushes the non-global TLB entries (SDM Vol. 3A 4.10.4.1). */
void arch_mmu_activate(uint64_t root)
{
    write_cr3(root);
}

/* INVLPG drops the TLB entry of va's page, global or not, and the
 * paging-structure cache entries on its path (SDM Vol. 3A 4.10.4.1). */
void arch_mmu_invalidate_page(uintptr_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}
