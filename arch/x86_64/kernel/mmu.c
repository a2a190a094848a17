/* SPDX-License-Identifier: MIT */
/*
 * x86_64 MMU privileged operations; see mmu.h.  Kept apart from
 * page_table.c so that file stays free of inline assembly and runs in
 * host tests.  Boot CPU, interrupts off.
 */
#include "mmu.h"
#include "cpu.h"
#include "debug/kprintf.h"
#include "kestrel/errors.h"

#define CR3_ADDR_MASK 0x000FFFFFFFFFF000ULL
#define CR0_WP        (1ULL << 16)
#define MSR_EFER      0xC0000080u
#define EFER_NXE      (1ULL << 11)

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

static uint64_t *direct_map_table(void *ctx, phys_addr_t frame)
{
    (void)ctx;
    return phys_to_virt(frame);
}

const struct page_table_memory mmu_direct_map_tables = {
    .alloc = no_alloc, .free = no_free, .table = direct_map_table, .ctx = 0,
};

phys_addr_t mmu_active_root(void)
{
    return read_cr3() & CR3_ADDR_MASK;
}

void mmu_activate_root(phys_addr_t root)
{
    write_cr3(root);
}

void mmu_invalidate_page(uintptr_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static uint64_t read_msr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

int mmu_cpu_setup(void)
{
    if (!(read_msr(MSR_EFER) & EFER_NXE)) {
        kerror("vm: EFER.NXE is off: no-execute pages are impossible\n");
        return -KS_ERR_INVALID_ARGUMENT;
    }
    uint64_t cr0 = read_cr0() | CR0_WP;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
    return 0;
}
