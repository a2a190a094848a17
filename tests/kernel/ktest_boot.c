/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the loader hand-off: the memory map is sorted,
 * page-granular and non-overlapping, and it marks the kernel's loaded
 * segments and every boot module with their own types.
 */
#include "init/boot.h"
#include "ktest/ktest.h"

/* True when [base, end) lies inside regions of the given type. */
static bool covered_by(const struct ks_boot_info *bi, uint64_t base, uint64_t end, uint32_t type)
{
    uint64_t at = base;
    for (uint32_t i = 0; i < bi->mem_count && at < end; i++) {
        const struct ks_mem_region *r = &bi->mem[i];
        if (r->type == type && r->base <= at && at < r->base + r->length)
            at = r->base + r->length;
    }
    return at >= end;
}

KTEST(memmap_is_sorted_page_granular_and_disjoint)
{
    const struct ks_boot_info *bi = kernel_boot_info;
    KTEST_EXPECT(bi->mem_count > 0, "memory map is empty");
    for (uint32_t i = 0; i < bi->mem_count; i++) {
        const struct ks_mem_region *r = &bi->mem[i];
        KTEST_EXPECT(r->length > 0, "empty region");
        KTEST_EXPECT(((r->base | r->length) & 0xFFF) == 0, "region not page-granular");
        KTEST_EXPECT(r->type >= KS_MEM_USABLE && r->type <= KS_MEM_KERNEL, "unknown type");
        if (i > 0) {
            const struct ks_mem_region *p = &bi->mem[i - 1];
            KTEST_EXPECT(p->base + p->length <= r->base, "regions unsorted or overlapping");
        }
    }
    return NULL;
}

KTEST(memmap_marks_kernel_and_modules)
{
    const struct ks_boot_info *bi = kernel_boot_info;
    KTEST_EXPECT(bi->kernel_phys_end > bi->kernel_phys_base, "no kernel range");
    KTEST_EXPECT(covered_by(bi, bi->kernel_phys_base & ~0xFFFull, bi->kernel_phys_base + 1,
                            KS_MEM_KERNEL), "kernel start not marked KERNEL");
    for (uint32_t i = 0; i < bi->module_count; i++) {
        const struct ks_module *m = &bi->modules[i];
        KTEST_EXPECT(covered_by(bi, m->base, m->base + m->size, KS_MEM_MODULE),
                     "a module is not marked MODULE");
    }
    return NULL;
}

KTEST(boot_info_has_a_kernel_module)
{
    const struct ks_boot_info *bi = kernel_boot_info;
    for (uint32_t i = 0; i < bi->module_count; i++) {
        if (bi->modules[i].kind == KS_MODULE_KERNEL)
            return NULL;
    }
    return "no module of kind KERNEL";
}
