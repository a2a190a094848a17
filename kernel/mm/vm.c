/* SPDX-License-Identifier: MIT */
/*
 * Address spaces (see vm.h): the kernel's own page tables, user spaces
 * sharing its half, mappings, and guarded kernel stacks.
 *
 * The table format, the walks and the TLB are the arch's (arch_mmu_* in
 * arch.h, which takes page-table frames from the PMM); this file decides
 * what is mapped where and when the TLB must forget a page.
 *
 * Rules on top of the arch's checks: the kernel space takes kernel-half
 * addresses only and every other space user-half addresses only
 * (-KS_ERR_INVALID_ARGUMENT otherwise; vm_translate answers for any
 * address).  VM_LARGE in vm_unmap / vm_protect must match the size of
 * the mapping there, else -KS_ERR_NOT_FOUND.  Intermediate tables are
 * created on demand and freed by vm_unmap when they become empty
 * (except the kernel half's PDPTs, made once by vm_init so every space
 * shares them: 1 MiB of frames).
 *
 * The direct map is write-back everywhere, holes and MMIO included:
 * the firmware's MTRRs make MMIO ranges uncached (UC MTRR + WB PAT gives
 * UC, SDM Vol. 3A Table 11-7), and mapping a 2 MiB page that mixes RAM
 * and MMIO uncached would slow the RAM; drivers map devices VM_NOCACHE.
 *
 * Locking: one CPU, interrupts off, callers serialise; the scheduler
 * issue adds a lock.  vm_map/unmap/protect walk the tables once; with
 * the tables present they take O(1) time and allocate nothing (the arch
 * keeps a count of present entries per table, so unmap sees a table
 * empty without scanning it).  Creating tables takes frames from the
 * PMM (at most three per map).
 */
#include "mm/vm.h"
#include "arch.h"
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "kestrel/errors.h"

#define KSTACK_GUARD_SIZE (ARCH_KSTACK_SLOT_SIZE - VM_KSTACK_SIZE)

_Static_assert(VM_KSTACK_SIZE % PAGE_SIZE == 0, "kernel stacks are whole pages");
_Static_assert(KSTACK_GUARD_SIZE >= PAGE_SIZE, "at least one guard page per stack");

extern const uint8_t __text_start[], __text_end[];
extern const uint8_t __rodata_start[], __rodata_end[];
extern const uint8_t __data_start[], __data_end[];
extern const uint8_t __ksymtab_start[], __ksymtab_end[];

static struct vm_space kernel_space;

/* --- the kernel's own tables ------------------------------------------ */

static int map_direct_map(uint64_t size)
{
    for (uint64_t pa = 0; pa < size; pa += LARGE_PAGE_SIZE) {
        int err = arch_mmu_map(&kernel_space, KS_DIRECT_MAP_BASE + pa, pa,
                               VM_READ | VM_WRITE | VM_LARGE);
        if (err < 0)
            return err;
    }
    return 0;
}

/* One kernel section, page by page, at the physical pages the loader
 * put it in (found by walking the loader's tables, still active). */
static int map_kernel_section(const uint8_t *start, const uint8_t *end, unsigned flags,
                              uint64_t *pages)
{
    uintptr_t va = (uintptr_t)start & ~(uintptr_t)(PAGE_SIZE - 1);
    for (; va < (uintptr_t)end; va += PAGE_SIZE) {
        uint64_t pa;
        int err = arch_virt_to_phys(va, &pa);
        if (err < 0) {
            kerror("vm: kernel page %p is not mapped by the loader\n", (void *)va);
            return err;
        }
        err = arch_mmu_map(&kernel_space, va, pa, flags);
        if (err < 0)
            return err;
        (*pages)++;
    }
    return 0;
}

static int map_kernel_image(uint64_t *pages)
{
    int err = map_kernel_section(__text_start, __text_end, VM_READ | VM_EXEC, pages);
    if (!err)
        err = map_kernel_section(__rodata_start, __rodata_end, VM_READ, pages);
    if (!err)
        err = map_kernel_section(__data_start, __data_end, VM_READ | VM_WRITE, pages);
    if (!err)
        err = map_kernel_section(__ksymtab_start, __ksymtab_end, VM_READ, pages);
    return err;
}

/* The loader's tables are unused once ours are active. */
static uint64_t release_loader_tables(const struct ks_boot_info *bi)
{
    uint64_t released = 0;
    for (uint32_t i = 0; i < bi->mem_count && i < KS_BOOT_MAX_MEM; i++) {
        const struct ks_mem_region *r = &bi->mem[i];
        if (r->type != KS_MEM_PAGE_TABLES)
            continue;
        int err = pmm_release_boot_range(r->base, r->length);
        if (err < 0)
            kwarn("vm: warning: loader page tables 0x%llx+0x%llx not released (error %d)\n",
                  (unsigned long long)r->base, (unsigned long long)r->length, err);
        else
            released += r->length;
    }
    return released;
}

int vm_init(const struct ks_boot_info *bi)
{
    int err = arch_mmu_init();
    if (err < 0)
        return err;
    if (bi->direct_map_size % LARGE_PAGE_SIZE || !bi->direct_map_size)
        return -KS_ERR_INVALID_ARGUMENT;
    err = arch_mmu_space_create(&kernel_space, NULL);
    if (err < 0)
        return err;
    uint64_t image_pages = 0;
    err = arch_mmu_kernel_half_create(&kernel_space);
    if (!err)
        err = map_direct_map(bi->direct_map_size);
    if (!err)
        err = map_kernel_image(&image_pages);
    if (err < 0) {
        /* No half-built tables are ever used: the caller panics. */
        kerror("vm: cannot build the kernel page tables (error %d)\n", err);
        return err;
    }
    arch_mmu_activate(kernel_space.root);
    uint64_t released = release_loader_tables(bi);
    kinfo("vm: kernel page tables: %llu frames; direct map %llu MiB in 2 MiB pages, "
          "kernel image %llu pages W^X; loader tables released: %llu KiB\n",
          (unsigned long long)kernel_space.table_frames,
          (unsigned long long)(bi->direct_map_size >> 20), (unsigned long long)image_pages,
          (unsigned long long)(released >> 10));
    return 0;
}

struct vm_space *vm_kernel_space(void)
{
    return &kernel_space;
}

/* --- spaces and mappings ---------------------------------------------- */

int vm_space_init(struct vm_space *space)
{
    if (!space || !kernel_space.root)
        return -KS_ERR_INVALID_ARGUMENT;
    return arch_mmu_space_create(space, &kernel_space);
}

void vm_space_fini(struct vm_space *space)
{
    if (!space || !space->root || space == &kernel_space)
        return;
    if (arch_mmu_active_root() == space->root)
        vm_space_activate(&kernel_space);
    arch_mmu_space_destroy(space);
}

void vm_space_activate(struct vm_space *space)
{
    arch_mmu_activate(space->root);
}

/* The kernel space owns the kernel half, every other space the user half. */
static int check_half(const struct vm_space *space, uintptr_t va)
{
    if (!space || !space->root)
        return -KS_ERR_INVALID_ARGUMENT;
    if ((space == &kernel_space) != (va >= VM_USER_TOP))
        return -KS_ERR_INVALID_ARGUMENT;
    return 0;
}

/* Kernel-half entries are live in every space on every CPU: shot down
 * everywhere.  User ones only in their own space, which only this CPU
 * runs for now (per-CPU active spaces come with the scheduler). */
static void invalidate(const struct vm_space *space, uintptr_t va)
{
    if (space == &kernel_space)
        (void)arch_tlb_shootdown(va);
    else if (arch_mmu_active_root() == space->root)
        arch_mmu_invalidate_page(va);
}

int vm_map(struct vm_space *space, uintptr_t va, phys_addr_t pa, unsigned flags)
{
    int err = check_half(space, va);
    /* Nothing was mapped at va, so the TLB holds nothing to forget
     * (arch.h). */
    return err < 0 ? err : arch_mmu_map(space, va, pa, flags);
}

int vm_unmap(struct vm_space *space, uintptr_t va, unsigned flags)
{
    int err = check_half(space, va);
    if (!err)
        err = arch_mmu_unmap(space, va, flags);
    if (err < 0)
        return err;
    invalidate(space, va);
    return 0;
}

int vm_protect(struct vm_space *space, uintptr_t va, unsigned flags)
{
    int err = check_half(space, va);
    if (!err)
        err = arch_mmu_protect(space, va, flags);
    if (!err)
        invalidate(space, va);
    return err;
}

int vm_translate(struct vm_space *space, uintptr_t va, phys_addr_t *pa, unsigned *flags)
{
    if (!space)
        return -KS_ERR_INVALID_ARGUMENT;
    return arch_mmu_translate(space, va, pa, flags);
}

/* --- kernel stacks ---------------------------------------------------- */

/* Free slots, a stack of indices; slots never used come from next_fresh. */
static uint16_t kstack_free_slots[ARCH_KSTACK_SLOTS];
static unsigned kstack_free_top, kstack_next_fresh;

_Static_assert(ARCH_KSTACK_SLOTS <= 65536, "slot numbers fit in uint16_t");

/* Unmap every page, drop them from every CPU's TLB in one round, and
 * only then free the frames (no CPU may still reach them). */
static void kstack_unmap_pages(uintptr_t base, unsigned pages)
{
    phys_addr_t frames[VM_KSTACK_SIZE / PAGE_SIZE];
    for (unsigned i = 0; i < pages; i++) {
        uintptr_t va = base + i * PAGE_SIZE;
        if (vm_translate(&kernel_space, va, &frames[i], NULL) < 0 ||
            arch_mmu_unmap(&kernel_space, va, 0) < 0)
            panic("vm: kernel stack page %p is not a mapped stack page", (void *)va);
    }
    (void)arch_tlb_shootdown_range(base, pages, ~0ull);
    for (unsigned i = 0; i < pages; i++)
        if (pmm_free(frames[i], PMM_OWNER_KERNEL_STACK) < 0)
            panic("vm: kernel stack frame 0x%llx was not a stack frame",
                  (unsigned long long)frames[i]);
}

int vm_kstack_alloc(struct vm_kstack *out)
{
    unsigned slot;
    if (kstack_free_top)
        slot = kstack_free_slots[--kstack_free_top];
    else if (kstack_next_fresh < ARCH_KSTACK_SLOTS)
        slot = kstack_next_fresh++;
    else
        return -KS_ERR_NO_MEMORY;
    uintptr_t base = ARCH_KSTACK_REGION_BASE + slot * ARCH_KSTACK_SLOT_SIZE +
                     KSTACK_GUARD_SIZE;
    for (unsigned i = 0; i < VM_KSTACK_SIZE / PAGE_SIZE; i++) {
        phys_addr_t frame;
        int err = pmm_alloc(PMM_OWNER_KERNEL_STACK, PMM_ZERO, &frame);
        if (!err) {
            err = vm_map(&kernel_space, base + i * PAGE_SIZE, frame, VM_READ | VM_WRITE);
            if (err < 0)
                pmm_free(frame, PMM_OWNER_KERNEL_STACK);
        }
        if (err < 0) {
            kstack_unmap_pages(base, i);
            kstack_free_slots[kstack_free_top++] = (uint16_t)slot;
            return err;
        }
    }
    out->base = base;
    out->top = base + VM_KSTACK_SIZE;
    return 0;
}

static unsigned kstack_slot_of(const struct vm_kstack *stack)
{
    uintptr_t offset = stack->base - ARCH_KSTACK_REGION_BASE - KSTACK_GUARD_SIZE;
    if (stack->base < ARCH_KSTACK_REGION_BASE || offset % ARCH_KSTACK_SLOT_SIZE ||
        offset / ARCH_KSTACK_SLOT_SIZE >= kstack_next_fresh ||
        stack->top != stack->base + VM_KSTACK_SIZE)
        panic("vm: %p is not a kernel stack", (void *)stack->base);
    return (unsigned)(offset / ARCH_KSTACK_SLOT_SIZE);
}

void vm_kstack_free(struct vm_kstack *stack)
{
    unsigned slot = kstack_slot_of(stack);
    kstack_unmap_pages(stack->base, VM_KSTACK_SIZE / PAGE_SIZE);
    kstack_free_slots[kstack_free_top++] = (uint16_t)slot;
    stack->base = stack->top = 0;
}

/* Stacks freed with vm_kstack_free_deferred, still mapped, not yet
 * shot down: reclaimed together so every CPU flushes once per batch. */
static uintptr_t kstack_deferred[VM_KSTACK_DEFER_MAX];
static unsigned kstack_deferred_count;

void vm_kstack_reclaim(void)
{
    if (kstack_deferred_count == 0)
        return;
    static phys_addr_t frames[VM_KSTACK_DEFER_MAX][VM_KSTACK_SIZE / PAGE_SIZE];
    for (unsigned s = 0; s < kstack_deferred_count; s++)
        for (unsigned i = 0; i < VM_KSTACK_SIZE / PAGE_SIZE; i++) {
            uintptr_t va = kstack_deferred[s] + i * PAGE_SIZE;
            if (vm_translate(&kernel_space, va, &frames[s][i], NULL) < 0 ||
                arch_mmu_unmap(&kernel_space, va, 0) < 0)
                panic("vm: kernel stack page %p is not a mapped stack page", (void *)va);
        }
    (void)arch_tlb_shootdown_range(0, ARCH_TLB_ALL, ~0ull);
    for (unsigned s = 0; s < kstack_deferred_count; s++) {
        for (unsigned i = 0; i < VM_KSTACK_SIZE / PAGE_SIZE; i++)
            if (pmm_free(frames[s][i], PMM_OWNER_KERNEL_STACK) < 0)
                panic("vm: kernel stack frame 0x%llx was not a stack frame",
                      (unsigned long long)frames[s][i]);
        struct vm_kstack stack = { kstack_deferred[s], kstack_deferred[s] + VM_KSTACK_SIZE };
        kstack_free_slots[kstack_free_top++] = (uint16_t)kstack_slot_of(&stack);
    }
    kstack_deferred_count = 0;
}

void vm_kstack_free_deferred(struct vm_kstack *stack)
{
    (void)kstack_slot_of(stack);
    kstack_deferred[kstack_deferred_count++] = stack->base;
    stack->base = stack->top = 0;
    if (kstack_deferred_count == VM_KSTACK_DEFER_MAX)
        vm_kstack_reclaim();
}
