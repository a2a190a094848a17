/* SPDX-License-Identifier: MIT */
/*
 * x86_64 page-table manipulation; see page_table.h.  Pure: tables are
 * reached only through struct page_table_memory, so this file is also
 * linked into tests/unit/test_page_table.c.
 *
 * Entry format: SDM Vol. 3A, 4.5, Tables 4-15..4-20.  Intermediate
 * entries are always present+writable (+user in the user half); the
 * leaf alone carries the page's permissions, so a leaf's flags are the
 * mapping's flags.  Kernel-half leaves are global (CR4.PGE), so a CR3
 * switch keeps them cached and every change to one needs an INVLPG.
 *
 * Levels are numbered as the walk meets them: 3 = PML4, 2 = PDPT,
 * 1 = PD, 0 = PT.  A 2 MiB page is a level-1 leaf (PS set).
 *
 * Present-entry counts: an entry that links to a table carries, in bits
 * 61:52 (ignored by the CPU in such entries, SDM Vol. 3A Tables 4-15,
 * 4-17 and 4-19), how many present entries that table holds (0..512).
 * Unmap frees a table when its count drops to 0 instead of scanning 512
 * entries.  Tables that are never freed keep no count: the PML4 (no
 * entry links to it) and the kernel half's PDPTs, which every space's
 * PML4 links to through its own copy of the entry, so no single copy
 * could hold their count.  Every entry this file writes is either 0 or
 * present, so the count is exactly the number of non-zero entries.
 *
 * page_table_user_walk (and arch_mmu_user_walk, the kernel's, over the
 * direct map) visits the user half's leaves in address order and uses
 * the same counts to stop scanning a table after its last entry.
 */
#include "page_table.h"
#include "arch.h"
#include "kestrel/errors.h"

#define PTE_PRESENT  (1ULL << 0)
#define PTE_WRITE    (1ULL << 1)
#define PTE_USER     (1ULL << 2)
#define PTE_PWT      (1ULL << 3)
#define PTE_PCD      (1ULL << 4)
#define PTE_LARGE    (1ULL << 7)   /* PS: a 2 MiB (PD) or 1 GiB (PDPT) leaf */
#define PTE_GLOBAL   (1ULL << 8)
#define PTE_NX       (1ULL << 63)

/* Physical address bits of an entry (MAXPHYADDR at most 52, SDM 4.1.4). */
#define PTE_ADDR_MASK       0x000FFFFFFFFFF000ULL
#define PTE_LARGE_ADDR_MASK 0x000FFFFFFFE00000ULL  /* bit 12 is PAT in a 2 MiB leaf */

#define PTE_COUNT_ONE  (1ULL << 52)
#define PTE_COUNT_MASK (0x3FFULL << 52)

#define VM_KNOWN_FLAGS (VM_READ | VM_WRITE | VM_EXEC | VM_USER | VM_LARGE | VM_NOCACHE)

static unsigned index_at(uintptr_t va, int level)
{
    return (unsigned)(va >> (12 + 9 * level)) & (PAGE_TABLE_ENTRIES - 1);
}

static uint64_t *table_of(const struct page_table_memory *mem, uint64_t entry)
{
    return page_table_at(mem, entry & PTE_ADDR_MASK);
}

static bool is_kernel_half(uintptr_t va)
{
    return va >= PAGE_TABLE_KERNEL_BASE;
}

/* Whether the level-`level` table on va's path keeps a count (see the
 * head of this file). */
static bool is_counted(uintptr_t va, int level)
{
    return level < 2 || (level == 2 && !is_kernel_half(va));
}

/* The entry holding the count of path[level], the level-`level` table
 * on va's path; NULL for a table that keeps none. */
static uint64_t *count_holder(uint64_t *path[4], uintptr_t va, int level)
{
    return is_counted(va, level) ? &path[level + 1][index_at(va, level + 1)] : NULL;
}

/* Alignment for the page size, canonical form; for map and protect also
 * the flag rules of page_table.h.  with_flags false: unmap's flags. */
static inline int check_request(uintptr_t va, unsigned flags, bool with_flags)
{
    uint64_t size = flags & VM_LARGE ? LARGE_PAGE_SIZE : PAGE_SIZE;
    if ((va & (size - 1)) || !page_table_canonical(va))
        return -KS_ERR_INVALID_ARGUMENT;
    if (!with_flags)
        return flags & ~VM_LARGE ? -KS_ERR_INVALID_ARGUMENT : 0;
    if (flags & ~VM_KNOWN_FLAGS || !(flags & VM_READ))
        return -KS_ERR_INVALID_ARGUMENT;
    if ((flags & VM_WRITE) && (flags & VM_EXEC))
        return -KS_ERR_INVALID_ARGUMENT;
    if (!(flags & VM_USER) != is_kernel_half(va))
        return -KS_ERR_INVALID_ARGUMENT;
    return 0;
}

static inline uint64_t leaf_entry(phys_addr_t pa, unsigned flags)
{
    uint64_t entry = pa | PTE_PRESENT;
    if (flags & VM_WRITE)
        entry |= PTE_WRITE;
    /* check_request tied VM_USER to the user half: every kernel leaf is global. */
    entry |= flags & VM_USER ? PTE_USER : PTE_GLOBAL;
    if (!(flags & VM_EXEC))
        entry |= PTE_NX;
    /* PCD+PWT select PAT entry 3, uncached in the power-on PAT (SDM 11.12.3). */
    if (flags & VM_NOCACHE)
        entry |= PTE_PCD | PTE_PWT;
    if (flags & VM_LARGE)
        entry |= PTE_LARGE;
    return entry;
}

static unsigned leaf_flags(uint64_t entry, int level)
{
    unsigned flags = VM_READ;
    if (entry & PTE_WRITE)
        flags |= VM_WRITE;
    if (!(entry & PTE_NX))
        flags |= VM_EXEC;
    if (entry & PTE_USER)
        flags |= VM_USER;
    if (entry & PTE_PCD)
        flags |= VM_NOCACHE;
    if (level == 1)
        flags |= VM_LARGE;
    return flags;
}

int page_table_create(const struct page_table_memory *mem, struct vm_space *space,
                      const struct vm_space *kernel)
{
    phys_addr_t root;
    int err = mem->alloc(mem->ctx, &root);
    if (err < 0)
        return err;
    if (kernel) {
        const uint64_t *from = page_table_at(mem, kernel->root);
        uint64_t *to = page_table_at(mem, root);
        for (unsigned i = PAGE_TABLE_KERNEL_FIRST; i < PAGE_TABLE_ENTRIES; i++)
            to[i] = from[i];
    }
    space->root = root;
    space->table_frames = 1;
    return 0;
}

int page_table_fill_kernel_half(const struct page_table_memory *mem, struct vm_space *space)
{
    uint64_t *pml4 = page_table_at(mem, space->root);
    uint64_t filled[PAGE_TABLE_KERNEL_FIRST / 64] = { 0 };  /* slots this call filled */
    uint64_t added = 0;
    for (unsigned i = PAGE_TABLE_KERNEL_FIRST; i < PAGE_TABLE_ENTRIES; i++) {
        if (pml4[i] & PTE_PRESENT)
            continue;
        phys_addr_t frame;
        if (mem->alloc(mem->ctx, &frame) < 0) {
            for (unsigned j = 0; j < PAGE_TABLE_KERNEL_FIRST; j++) {
                if (!(filled[j / 64] & (1ULL << (j % 64))))
                    continue;
                mem->free(mem->ctx, pml4[PAGE_TABLE_KERNEL_FIRST + j] & PTE_ADDR_MASK);
                pml4[PAGE_TABLE_KERNEL_FIRST + j] = 0;
            }
            return -KS_ERR_NO_MEMORY;
        }
        pml4[i] = frame | PTE_PRESENT | PTE_WRITE;
        unsigned slot = i - PAGE_TABLE_KERNEL_FIRST;
        filled[slot / 64] |= 1ULL << (slot % 64);
        added++;
    }
    space->table_frames += added;
    return 0;
}

static void free_subtree(const struct page_table_memory *mem, phys_addr_t frame, int level,
                         uint64_t *freed)
{
    if (level > 0) {
        const uint64_t *table = page_table_at(mem, frame);
        for (unsigned i = 0; i < PAGE_TABLE_ENTRIES; i++)
            if ((table[i] & PTE_PRESENT) && !(table[i] & PTE_LARGE))
                free_subtree(mem, table[i] & PTE_ADDR_MASK, level - 1, freed);
    }
    mem->free(mem->ctx, frame);
    (*freed)++;
}

void page_table_destroy(const struct page_table_memory *mem, struct vm_space *space)
{
    if (!space->root)
        return;
    uint64_t *pml4 = page_table_at(mem, space->root);
    uint64_t freed = 0;
    for (unsigned i = 0; i < PAGE_TABLE_KERNEL_FIRST; i++) {
        if (pml4[i] & PTE_PRESENT)
            free_subtree(mem, pml4[i] & PTE_ADDR_MASK, 2, &freed);
        pml4[i] = 0;
    }
    mem->free(mem->ctx, space->root);
    space->table_frames -= freed + 1;
    space->root = 0;
}

/* Walk va's path from the PML4 towards the level-`target` table,
 * recording each table met in path[level].  Returns the level of the
 * deepest table found (target when none is missing), or -KS_ERR_EXISTS
 * when a larger page covers va above target. */
static int walk(const struct page_table_memory *mem, const struct vm_space *space,
                uintptr_t va, int target, uint64_t *path[4])
{
    path[3] = page_table_at(mem, space->root);
    for (int level = 3; level > target; level--) {
        uint64_t entry = path[level][index_at(va, level)];
        if (!(entry & PTE_PRESENT))
            return level;
        if (entry & PTE_LARGE)
            return -KS_ERR_EXISTS;
        path[level - 1] = table_of(mem, entry);
    }
    return target;
}

/* The 4 KiB fast path's walk: va's entry in its page table, and in
 * *pde the PD entry that links to (and counts) that table, when the
 * whole PML4 -> PDPT -> PD -> PT path is present without a large page;
 * else NULL (the general walk then decides what is missing). */
static inline uint64_t *pt_entry_of(const struct page_table_memory *mem,
                                    const struct vm_space *space, uintptr_t va, uint64_t **pde)
{
    uint64_t entry = page_table_at(mem, space->root)[index_at(va, 3)];
    for (int level = 2; level >= 1; level--) {
        if ((entry & (PTE_PRESENT | PTE_LARGE)) != PTE_PRESENT)
            return NULL;
        uint64_t *slot = &table_of(mem, entry)[index_at(va, level)];
        entry = *slot;
        *pde = slot;
    }
    if ((entry & (PTE_PRESENT | PTE_LARGE)) != PTE_PRESENT)
        return NULL;
    return &table_of(mem, entry)[index_at(va, 0)];
}

/* page_table_map past its checks, for any page size: creates the
 * missing tables.  Out of line (as is unmap_walking), so the fast path
 * does not pay for this one's stack frame. */
__attribute__((noinline))
static int map_walking(const struct page_table_memory *mem, struct vm_space *space,
                       uintptr_t va, phys_addr_t pa, unsigned flags)
{
    int target = flags & VM_LARGE ? 1 : 0;
    uint64_t *path[4];
    int level = walk(mem, space, va, target, path);
    if (level < 0)
        return level;
    /* A present entry at the target level: a page, or (for a 2 MiB
     * request) a page table that 4 KiB pages live in. */
    if (level == target && (path[target][index_at(va, target)] & PTE_PRESENT))
        return -KS_ERR_EXISTS;
    int missing = level - target;
    phys_addr_t fresh[3];
    for (int i = 0; i < missing; i++) {
        if (mem->alloc(mem->ctx, &fresh[i]) < 0) {
            while (i-- > 0)
                mem->free(mem->ctx, fresh[i]);
            return -KS_ERR_NO_MEMORY;
        }
    }
    /* Nothing can fail from here on.  The deepest existing table gains
     * one entry; each new table holds exactly one (the next link or the
     * leaf), so its link starts with a count of one. */
    uint64_t *holder = count_holder(path, va, level);
    if (holder)
        *holder += PTE_COUNT_ONE;
    uint64_t link = PTE_PRESENT | PTE_WRITE | (flags & VM_USER ? PTE_USER : 0);
    for (int i = 0; i < missing; i++, level--) {
        uint64_t count = is_counted(va, level - 1) ? PTE_COUNT_ONE : 0;
        path[level][index_at(va, level)] = fresh[i] | link | count;
        path[level - 1] = page_table_at(mem, fresh[i]);
    }
    space->table_frames += (uint64_t)missing;
    path[target][index_at(va, target)] = leaf_entry(pa, flags);
    return 0;
}

int page_table_map(const struct page_table_memory *mem, struct vm_space *space,
                   uintptr_t va, phys_addr_t pa, unsigned flags)
{
    int err = check_request(va, flags, true);
    uint64_t addr_mask = flags & VM_LARGE ? PTE_LARGE_ADDR_MASK : PTE_ADDR_MASK;
    if (err < 0 || (pa & ~addr_mask))
        return -KS_ERR_INVALID_ARGUMENT;
    /* Fast path: a 4 KiB page whose page table exists. */
    uint64_t *pde, *pte;
    if (!(flags & VM_LARGE) && (pte = pt_entry_of(mem, space, va, &pde))) {
        if (*pte & PTE_PRESENT)
            return -KS_ERR_EXISTS;
        *pde += PTE_COUNT_ONE;
        *pte = leaf_entry(pa, flags);
        return 0;
    }
    return map_walking(mem, space, va, pa, flags);
}

/* The tables on va's path down to the level-`target` leaf, which must be
 * present and of that size; else -KS_ERR_NOT_FOUND. */
static int find_leaf(const struct page_table_memory *mem, const struct vm_space *space,
                     uintptr_t va, int target, uint64_t *path[4])
{
    if (walk(mem, space, va, target, path) != target)
        return -KS_ERR_NOT_FOUND;
    uint64_t leaf = path[target][index_at(va, target)];
    if (!(leaf & PTE_PRESENT) || (target == 1 && !(leaf & PTE_LARGE)))
        return -KS_ERR_NOT_FOUND;
    return 0;
}

/* page_table_unmap past its checks, for any page size: frees the
 * tables the unmap empties. */
__attribute__((noinline))
static int unmap_walking(const struct page_table_memory *mem, struct vm_space *space,
                         uintptr_t va, unsigned flags)
{
    int target = flags & VM_LARGE ? 1 : 0;
    uint64_t *path[4];
    int err = find_leaf(mem, space, va, target, path);
    if (err < 0)
        return err;
    path[target][index_at(va, target)] = 0;
    /* Free the tables this emptied, bottom up; clearing a link removes an
     * entry from the table above.  Uncounted tables (the PML4, the kernel
     * half's PDPTs) stay, which also bounds the loop. */
    for (int level = target;; level++) {
        uint64_t *holder = count_holder(path, va, level);
        if (!holder)
            break;
        *holder -= PTE_COUNT_ONE;
        if (*holder & PTE_COUNT_MASK)
            break;
        phys_addr_t frame = *holder & PTE_ADDR_MASK;
        *holder = 0;
        mem->free(mem->ctx, frame);
        space->table_frames--;
    }
    return 0;
}

int page_table_unmap(const struct page_table_memory *mem, struct vm_space *space,
                     uintptr_t va, unsigned flags)
{
    int err = check_request(va, flags, false);
    if (err < 0)
        return err;
    /* Fast path: a 4 KiB page whose page table keeps other entries. */
    uint64_t *pde, *pte;
    if (!(flags & VM_LARGE) && (pte = pt_entry_of(mem, space, va, &pde)) &&
        (*pte & PTE_PRESENT) && (*pde & PTE_COUNT_MASK) > PTE_COUNT_ONE) {
        *pte = 0;
        *pde -= PTE_COUNT_ONE;
        return 0;
    }
    return unmap_walking(mem, space, va, flags);
}

int page_table_protect(const struct page_table_memory *mem, struct vm_space *space,
                       uintptr_t va, unsigned flags)
{
    int err = check_request(va, flags, true);
    if (err < 0)
        return err;
    int target = flags & VM_LARGE ? 1 : 0;
    uint64_t *path[4];
    err = find_leaf(mem, space, va, target, path);
    if (err < 0)
        return err;
    uint64_t *leaf = &path[target][index_at(va, target)];
    uint64_t addr_mask = target ? PTE_LARGE_ADDR_MASK : PTE_ADDR_MASK;
    *leaf = leaf_entry(*leaf & addr_mask, flags);
    return 0;
}

int page_table_translate(const struct page_table_memory *mem, const struct vm_space *space,
                         uintptr_t va, phys_addr_t *pa, unsigned *flags)
{
    if (!page_table_canonical(va) || !space->root)
        return -KS_ERR_INVALID_ARGUMENT;
    const uint64_t *table = page_table_at(mem, space->root);
    for (int level = 3; level >= 0; level--) {
        uint64_t entry = table[index_at(va, level)];
        if (!(entry & PTE_PRESENT))
            return -KS_ERR_NOT_FOUND;
        if (level == 0 || (entry & PTE_LARGE)) {
            uint64_t offset_mask = (1ULL << (12 + 9 * level)) - 1;
            if (pa)
                *pa = (entry & PTE_ADDR_MASK & ~offset_mask) | (va & offset_mask);
            if (flags)
                *flags = leaf_flags(entry, level);
            return 0;
        }
        table = table_of(mem, entry);
    }
    return -KS_ERR_NOT_FOUND;
}

/* The entries below link (a table, level > 0) in va order from base:
 * leaves go to fn, tables are walked.  The link's count of present
 * entries ends the scan at the last one, so a sparse table costs its
 * entries, not 512 reads. */
static int walk_user_table(const struct page_table_memory *mem, uint64_t link, int level,
                           uintptr_t base, arch_mmu_walk_fn fn, void *ctx)
{
    const uint64_t *table = table_of(mem, link);
    uint64_t left = (link & PTE_COUNT_MASK) / PTE_COUNT_ONE;
    for (unsigned i = 0; i < PAGE_TABLE_ENTRIES && left; i++) {
        uint64_t entry = table[i];
        if (!(entry & PTE_PRESENT))
            continue;
        left--;
        uintptr_t va = base + ((uintptr_t)i << (12 + 9 * level));
        int stop;
        if (level == 0)
            stop = fn(ctx, va, entry & PTE_ADDR_MASK, leaf_flags(entry, 0));
        else if (level == 1 && (entry & PTE_LARGE))
            stop = fn(ctx, va, entry & PTE_LARGE_ADDR_MASK, leaf_flags(entry, 1));
        else if (entry & PTE_LARGE)
            continue;   /* a 1 GiB page: this file never makes one */
        else
            stop = walk_user_table(mem, entry, level - 1, va, fn, ctx);
        if (stop)
            return stop;
    }
    return 0;
}

int page_table_user_walk(const struct page_table_memory *mem, const struct vm_space *space,
                         int (*fn)(void *ctx, uintptr_t va, uint64_t pa, unsigned flags),
                         void *ctx)
{
    if (!space->root)
        return 0;
    const uint64_t *pml4 = page_table_at(mem, space->root);
    for (unsigned i = 0; i < PAGE_TABLE_KERNEL_FIRST; i++) {
        if (!(pml4[i] & PTE_PRESENT))
            continue;
        int stop = walk_user_table(mem, pml4[i], 2, (uintptr_t)i << 39, fn, ctx);
        if (stop)
            return stop;
    }
    return 0;
}

/* The kernel's walk only reads tables, through the direct map, so it
 * needs no frame source of its own. */
static const struct page_table_memory direct_map_reader = {
    .alloc = NULL, .free = NULL, .window = KS_DIRECT_MAP_BASE, .ctx = NULL,
};

int arch_mmu_user_walk(const struct vm_space *space, arch_mmu_walk_fn fn, void *ctx)
{
    return page_table_user_walk(&direct_map_reader, space, fn, ctx);
}
