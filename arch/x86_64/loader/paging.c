/* SPDX-License-Identifier: MIT */
/*
 * Page tables of the Kestrel loader stub (4-level, SDM Vol. 3A, 4.5):
 * identity map of 0..4 GiB (2 MiB pages, temporary, for the switch to
 * long mode), direct map of physical 0..direct_map_size at
 * KS_DIRECT_MAP_BASE (2 MiB pages, RW, NX, global), and the kernel's
 * segments at their link addresses (4 KiB pages, permissions from the
 * ELF flags).  Every table is a fresh zeroed frame from the allocator,
 * below 4 GiB, so 32-bit code with paging off writes it directly.
 */
#include "loader.h"

#define PTE_PRESENT  (1ULL << 0)
#define PTE_WRITE    (1ULL << 1)
#define PTE_LARGE    (1ULL << 7)
#define PTE_GLOBAL   (1ULL << 8)
#define PTE_NX       (1ULL << 63)
#define PTE_ADDR     0x000ffffffffff000ULL
#define PAGE_4K      0x1000ULL
#define PAGE_2M      0x200000ULL
#define IDENTITY_END 0x100000000ULL

struct paging {
    struct palloc *pa;
    uint64_t *pml4;
    bool failed;
};

static uint64_t *paging_table(uint64_t phys)
{
    return (uint64_t *)(uintptr_t)phys;
}

static uint64_t paging_new_table(struct paging *pg)
{
    uint64_t frame = palloc_alloc(pg->pa, 1);
    if (frame == 0) {
        pg->failed = true;
        return 0;
    }
    uint64_t *t = paging_table(frame);
    for (int i = 0; i < 512; i++)
        t[i] = 0;
    loader_note_range(frame, PAGE_4K, KS_MEM_PAGE_TABLES);
    return frame;
}

/* The table one level down for virt, created on demand.  Intermediate
 * entries are present+writable without NX: the leaf decides (SDM 4.6). */
static uint64_t *paging_next(struct paging *pg, uint64_t *table, uint64_t virt,
                             unsigned shift)
{
    uint64_t *entry = &table[(virt >> shift) & 511];
    if (!(*entry & PTE_PRESENT)) {
        uint64_t frame = paging_new_table(pg);
        if (frame == 0)
            return NULL;
        *entry = frame | PTE_PRESENT | PTE_WRITE;
    } else if (*entry & PTE_LARGE) {
        pg->failed = true; /* a large page already covers it */
        return NULL;
    }
    return paging_table(*entry & PTE_ADDR);
}

static void paging_map(struct paging *pg, uint64_t virt, uint64_t phys, uint64_t flags,
                       bool large)
{
    uint64_t *pdpt = paging_next(pg, pg->pml4, virt, 39);
    uint64_t *pd = pdpt ? paging_next(pg, pdpt, virt, 30) : NULL;
    if (pd == NULL)
        return;
    if (large) {
        pd[(virt >> 21) & 511] = phys | flags | PTE_LARGE | PTE_PRESENT;
        return;
    }
    uint64_t *pt = paging_next(pg, pd, virt, 21);
    if (pt != NULL)
        pt[(virt >> 12) & 511] = phys | flags | PTE_PRESENT;
}

const char *paging_build(struct palloc *pa, const struct elf_kernel *kernel,
                         uint64_t direct_map_size, bool global, uint64_t *pml4_phys)
{
    struct paging pg = { .pa = pa };
    uint64_t g = global ? PTE_GLOBAL : 0;
    *pml4_phys = paging_new_table(&pg);
    if (*pml4_phys == 0)
        return "no free memory below 4 GiB for the page tables";
    pg.pml4 = paging_table(*pml4_phys);

    for (uint64_t a = 0; a < IDENTITY_END && !pg.failed; a += PAGE_2M)
        paging_map(&pg, a, a, PTE_WRITE, true);
    for (uint64_t a = 0; a < direct_map_size && !pg.failed; a += PAGE_2M)
        paging_map(&pg, KS_DIRECT_MAP_BASE + a, a, PTE_WRITE | PTE_NX | g, true);
    for (uint32_t i = 0; i < kernel->seg_count && !pg.failed; i++) {
        const struct elf_segment *s = &kernel->seg[i];
        uint64_t flags = g;
        if (s->flags & ELF_PF_W)
            flags |= PTE_WRITE;
        if (!(s->flags & ELF_PF_X))
            flags |= PTE_NX;
        for (uint64_t off = 0; off < s->memsz && !pg.failed; off += PAGE_4K)
            paging_map(&pg, s->vaddr + off, s->phys + off, flags, false);
    }
    if (pg.failed)
        return "no free memory below 4 GiB for the page tables";
    return NULL;
}
