/* SPDX-License-Identifier: MIT */
/*
 * Building a process's user half; see user_load.h.  Every user page
 * here is a fresh PMM frame (owner PMM_OWNER_USER), zeroed, filled
 * through the direct map and then mapped; unmapping frees the frame.
 * The programs' bytes are checked by elf_user.c first, and each program
 * header is checked again as it is loaded.
 *
 * Rollback: a call that fails unmaps exactly the pages it mapped
 * itself, so a range that was already mapped (-KS_ERR_EXISTS) keeps its
 * pages.  Cost: O(pages) for every call; user_space_release walks the
 * page tables (arch_mmu_user_walk) in batches and unmaps what it finds,
 * so the emptied tables go back to the PMM as it goes.
 *
 * TLB: vm_unmap drops the translation on this CPU when the space is
 * active here.  A frame is freed right after its unmap, so a caller
 * whose space may be live on another CPU (threads of the process
 * running there) shoots those TLBs down first or unmaps only once no
 * thread of the process runs.  Kernel lock held (or a space no thread
 * runs in yet).
 */
#include "arch.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "proc/elf_user.h"
#include "proc/user_layout.h"
#include "proc/user_load.h"

#define USER_STACK_FLAGS  (VM_READ | VM_WRITE | VM_USER)
#define FRAMES_PER_LARGE  (LARGE_PAGE_SIZE / PAGE_SIZE)
#define RELEASE_BATCH     32u

static bool page_range_ok(uintptr_t base, size_t size)
{
    return base % PAGE_SIZE == 0 && size % PAGE_SIZE == 0 && base < VM_USER_TOP &&
           size <= VM_USER_TOP - base;
}

static void free_user_frames(phys_addr_t pa, unsigned flags)
{
    /* pmm_free reports a frame this file did not hand out; the page is
     * unmapped either way. */
    if (flags & VM_LARGE)
        (void)pmm_free_contiguous(pa, FRAMES_PER_LARGE, PMM_OWNER_USER);
    else
        (void)pmm_free(pa, PMM_OWNER_USER);
}

void user_range_unmap(struct vm_space *space, uintptr_t base, size_t size)
{
    if (!space || !space->root || !page_range_ok(base, size))
        return;
    uintptr_t end = base + size;
    for (uintptr_t va = base; va < end;) {
        phys_addr_t pa;
        unsigned flags;
        if (vm_translate(space, va, &pa, &flags) < 0) {
            va += PAGE_SIZE;
            continue;
        }
        if (flags & VM_LARGE) {
            /* Only a 2 MiB page the range covers whole goes. */
            uintptr_t large = va & ~(LARGE_PAGE_SIZE - 1);
            if (large >= base && end - large >= LARGE_PAGE_SIZE &&
                vm_unmap(space, large, VM_LARGE) == 0)
                free_user_frames(pa & ~(LARGE_PAGE_SIZE - 1), VM_LARGE);
            va = large + LARGE_PAGE_SIZE;
            continue;
        }
        if (vm_unmap(space, va, 0) == 0)
            free_user_frames(pa & ~(PAGE_SIZE - 1), 0);
        va += PAGE_SIZE;
    }
}

/* The bytes of seg's file image that fall in the page at page, copied
 * into frame (already zeroed). */
static void copy_file_bytes(const uint8_t *image, const struct elf_user_segment *seg,
                            uintptr_t page, phys_addr_t frame)
{
    uint64_t file_end = seg->vaddr + seg->filesz;
    uint64_t lo = page > seg->vaddr ? page : seg->vaddr;
    uint64_t hi = page + PAGE_SIZE < file_end ? page + PAGE_SIZE : file_end;
    if (lo < hi)
        memcpy((uint8_t *)phys_to_virt(frame) + (lo - page),
               image + seg->offset + (lo - seg->vaddr), hi - lo);
}

/* Map pages fresh zeroed frames from va with flags; with seg, each page
 * first gets its share of the segment's file bytes.  On failure the
 * pages mapped so far are unmapped and freed. */
static int map_fresh(struct vm_space *space, uintptr_t va, uint64_t pages, unsigned flags,
                     const uint8_t *image, const struct elf_user_segment *seg)
{
    for (uint64_t i = 0; i < pages; i++) {
        uintptr_t page = va + i * PAGE_SIZE;
        phys_addr_t frame;
        int err = pmm_alloc(PMM_OWNER_USER, PMM_ZERO, &frame);
        if (!err) {
            if (seg)
                copy_file_bytes(image, seg, page, frame);
            err = vm_map(space, page, frame, flags);
            if (err < 0)
                (void)pmm_free(frame, PMM_OWNER_USER);
        }
        if (err < 0) {
            user_range_unmap(space, va, i * PAGE_SIZE);
            return err;
        }
    }
    return 0;
}

static unsigned segment_flags(const struct elf_user_segment *seg)
{
    unsigned flags = VM_READ | VM_USER;
    if (seg->writable)
        flags |= VM_WRITE;
    if (seg->executable)
        flags |= VM_EXEC;
    return flags;
}

/* Unmap the segments of program headers [0, count): every one of them
 * was mapped whole by user_load_elf. */
static void unload_segments(struct vm_space *space, const void *image, size_t size,
                            unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        struct elf_user_segment seg;
        if (elf_user_segment(image, size, i, &seg, NULL) != 1)
            continue;
        uint64_t first = elf_user_segment_first_page(&seg);
        user_range_unmap(space, first, elf_user_segment_end_page(&seg) - first);
    }
}

static const char *load_error_why(int err)
{
    switch (err) {
    case -KS_ERR_NO_MEMORY: return "out of memory";
    case -KS_ERR_EXISTS:    return "segment address already mapped";
    default:                return "cannot map segment";
    }
}

int user_load_elf(struct vm_space *space, const void *image, size_t size, uintptr_t *entry,
                  const char **why)
{
    if (!space || !space->root || !image || !entry) {
        if (why)
            *why = "bad arguments";
        return -KS_ERR_INVALID_ARGUMENT;
    }
    struct elf_user_info info;
    int err = elf_user_check(image, size, &info, why);
    if (err < 0)
        return err;
    for (unsigned i = 0; i < info.phnum; i++) {
        struct elf_user_segment seg;
        const char *reason = NULL;
        int kind = elf_user_segment(image, size, i, &seg, &reason);
        if (kind > 0) {
            uint64_t first = elf_user_segment_first_page(&seg);
            kind = map_fresh(space, first, (elf_user_segment_end_page(&seg) - first) / PAGE_SIZE,
                             segment_flags(&seg), image, &seg);
            reason = kind < 0 ? load_error_why(kind) : NULL;
        }
        if (kind < 0) {
            unload_segments(space, image, size, i);
            if (why)
                *why = reason;
            return kind;
        }
    }
    *entry = info.entry;
    return 0;
}

uint64_t user_load_elf_bytes(const void *image, size_t size)
{
    struct elf_user_info info;
    if (!image || elf_user_check(image, size, &info, NULL) < 0)
        return 0;
    uint64_t bytes = 0;
    for (unsigned i = 0; i < info.phnum; i++) {
        struct elf_user_segment seg;
        if (elf_user_segment(image, size, i, &seg, NULL) == 1)
            bytes += elf_user_segment_end_page(&seg) - elf_user_segment_first_page(&seg);
    }
    return bytes;
}

int user_stack_map(struct vm_space *space, uintptr_t top, size_t size)
{
    if (!space || !space->root || size == 0 || top % PAGE_SIZE || size % PAGE_SIZE ||
        top < PAGE_SIZE || top > VM_USER_TOP - PAGE_SIZE || size > top - PAGE_SIZE)
        return -KS_ERR_INVALID_ARGUMENT;
    for (uintptr_t va = top - size - PAGE_SIZE; va < top; va += PAGE_SIZE)
        if (vm_translate(space, va, NULL, NULL) == 0)
            return -KS_ERR_EXISTS;
    return map_fresh(space, top - size, size / PAGE_SIZE, USER_STACK_FLAGS, NULL, NULL);
}

/* Copy len bytes (zeros when src is NULL) to user address va of space,
 * page by page through the direct map.  The pages were checked mapped. */
static int write_user(struct vm_space *space, uintptr_t va, const void *src, size_t len)
{
    const uint8_t *from = src;
    while (len) {
        size_t chunk = PAGE_SIZE - va % PAGE_SIZE;
        if (chunk > len)
            chunk = len;
        phys_addr_t pa;
        if (vm_translate(space, va, &pa, NULL) < 0)
            return -KS_ERR_INVALID_ARGUMENT;
        if (from) {
            memcpy(phys_to_virt(pa), from, chunk);
            from += chunk;
        } else {
            memset(phys_to_virt(pa), 0, chunk);
        }
        va += chunk;
        len -= chunk;
    }
    return 0;
}

/* Whether every page of [low, high) is mapped user-writable. */
static bool stack_writable(struct vm_space *space, uintptr_t low, uintptr_t high)
{
    for (uintptr_t page = low & ~(PAGE_SIZE - 1); page < high; page += PAGE_SIZE) {
        unsigned flags;
        if (vm_translate(space, page, NULL, &flags) < 0 ||
            (flags & (VM_WRITE | VM_USER)) != (VM_WRITE | VM_USER))
            return false;
    }
    return true;
}

/* Bytes of argv's strings with their NULs into lens[] and *total, at most
 * KS_ARG_BYTES_MAX in all; false when that does not hold. */
static bool measure_args(const char *const *argv, uint32_t argc, uint32_t lens[], size_t *total)
{
    size_t used = 0;
    for (uint32_t i = 0; i < argc; i++) {
        if (!argv[i])
            return false;
        size_t len = 0;
        while (used + len < KS_ARG_BYTES_MAX && argv[i][len])
            len++;
        if (used + len >= KS_ARG_BYTES_MAX)
            return false;
        lens[i] = (uint32_t)len + 1;
        used += len + 1;
    }
    *total = used;
    return true;
}

int user_stack_start_frame(struct vm_space *space, uintptr_t stack_top, const char *const *argv,
                           uint32_t argc, const struct ks_start_info *info, uintptr_t *sp_out)
{
    uint32_t lens[KS_ARGV_MAX];
    size_t strings = 0;
    if (!space || !space->root || !info || !sp_out || argc > KS_ARGV_MAX ||
        (argc && !argv) || stack_top % 16 || stack_top > VM_USER_TOP ||
        !measure_args(argv, argc, lens, &strings))
        return -KS_ERR_INVALID_ARGUMENT;
    /* From the top down: the info block, the strings, then argc, argv[],
     * NULL and the info pointer at the 16-byte aligned stack pointer. */
    uint64_t words[KS_ARGV_MAX + 3];
    size_t frame = 16 + sizeof(struct ks_start_info) + strings + sizeof(uint64_t) * (argc + 3);
    if (stack_top < frame + 16)
        return -KS_ERR_INVALID_ARGUMENT;
    uintptr_t info_at = (stack_top - sizeof(struct ks_start_info)) & ~(uintptr_t)15;
    uintptr_t strings_at = info_at - strings;
    uintptr_t sp = (strings_at - sizeof(uint64_t) * (argc + 3)) & ~(uintptr_t)15;
    if (!stack_writable(space, sp, stack_top))
        return -KS_ERR_INVALID_ARGUMENT;

    struct ks_start_info block = *info;
    block.magic = KS_START_INFO_MAGIC;
    words[0] = argc;
    uintptr_t at = strings_at;
    int err = write_user(space, sp, NULL, stack_top - sp);
    for (uint32_t i = 0; i < argc && !err; i++) {
        words[1 + i] = at;
        err = write_user(space, at, argv[i], lens[i]);
        at += lens[i];
    }
    words[1 + argc] = 0;
    words[2 + argc] = info_at;
    if (!err)
        err = write_user(space, info_at, &block, sizeof(block));
    if (!err)
        err = write_user(space, sp, words, sizeof(uint64_t) * (argc + 3));
    if (err < 0)
        return err;
    *sp_out = sp;
    return 0;
}

struct release_batch {
    unsigned count;
    struct {
        uintptr_t va;
        phys_addr_t pa;
        unsigned flags;
    } pages[RELEASE_BATCH];
};

static int collect_page(void *ctx, uintptr_t va, uint64_t pa, unsigned flags)
{
    struct release_batch *batch = ctx;
    batch->pages[batch->count].va = va;
    batch->pages[batch->count].pa = pa;
    batch->pages[batch->count].flags = flags;
    return ++batch->count == RELEASE_BATCH;
}

void user_space_release(struct vm_space *space)
{
    if (!space || !space->root || space == vm_kernel_space())
        return;
    /* The walk must not see the space change, so it collects a batch and
     * the unmaps follow; the next walk starts past the emptied tables.
     * A batch that unmaps nothing would come back for ever: stop then. */
    for (;;) {
        struct release_batch batch = { .count = 0 };
        (void)arch_mmu_user_walk(space, collect_page, &batch);
        unsigned unmapped = 0;
        for (unsigned i = 0; i < batch.count; i++) {
            unsigned large = batch.pages[i].flags & VM_LARGE;
            if (vm_unmap(space, batch.pages[i].va, large) < 0)
                continue;
            free_user_frames(batch.pages[i].pa, large);
            unmapped++;
        }
        if (unmapped == 0 || batch.count < RELEASE_BATCH)
            return;
    }
}

static int count_page(void *ctx, uintptr_t va, uint64_t pa, unsigned flags)
{
    (void)va;
    (void)pa;
    *(uint64_t *)ctx += flags & VM_LARGE ? FRAMES_PER_LARGE : 1;
    return 0;
}

uint64_t user_space_pages(struct vm_space *space)
{
    uint64_t pages = 0;
    if (space && space->root && space != vm_kernel_space())
        (void)arch_mmu_user_walk(space, count_page, &pages);
    return pages;
}
