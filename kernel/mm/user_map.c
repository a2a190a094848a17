/* SPDX-License-Identifier: MIT */
/*
 * Memory-object mappings; see user_map.h.  Kernel lock held throughout.
 *
 * A mapping's pages appear in the page tables only once touched, so
 * removing or reprotecting a mapping asks the page tables which of its
 * pages are there (a walk that skips empty tables: the cost follows
 * the pages touched, not the mapping's size).  The frames are the object's, never the
 * process's: they are unmapped here and freed only by the object, so
 * user_space_release (which frees every frame still mapped in the user
 * half) must run after user_map_release_all.
 */
#include "arch.h"
#include "debug/kprintf.h"
#include "kestrel/errors.h"
#include "kestrel/memory.h"
#include "mm/heap.h"
#include "mm/user_map.h"
#include "mm/vm.h"
#include "proc/process.h"
#include "proc/user_layout.h"
#include "sched/sched.h"

#define PROT_ALL (KS_PROT_READ | KS_PROT_WRITE | KS_PROT_EXEC)
#define RANGE_BATCH 64u
#define SHOOTDOWN_PAGES_MAX 64u

uint32_t user_map_max_prot(uint32_t rights)
{
    uint32_t prot = 0;
    if (rights & KS_RIGHT_READ)
        prot |= KS_PROT_READ;
    if (rights & KS_RIGHT_WRITE)
        prot |= KS_PROT_WRITE;
    if (rights & KS_RIGHT_EXECUTE)
        prot |= KS_PROT_EXEC;
    return prot;
}

static unsigned page_flags(const struct user_mapping *m)
{
    unsigned flags = VM_USER | VM_READ;
    if (m->prot & KS_PROT_WRITE)
        flags |= VM_WRITE;
    if (m->prot & KS_PROT_EXEC)
        flags |= VM_EXEC;
    if (m->mo->flags & KS_MEMORY_UNCACHED)
        flags |= VM_NOCACHE;
    return flags;
}

/* Every page of a mapping needs READ (x86 pages are always readable),
 * and none is both writable and executable. */
static bool prot_valid(uint32_t prot)
{
    return !(prot & ~PROT_ALL) && (prot & KS_PROT_READ) &&
           (prot & (KS_PROT_WRITE | KS_PROT_EXEC)) != (KS_PROT_WRITE | KS_PROT_EXEC);
}

static bool overlaps(const struct user_mapping *m, uintptr_t base, uint64_t size)
{
    return m->base < base + size && base < m->base + m->size;
}

/* A free place for size bytes: *at when it is free and inside the map
 * area (try set), else the lowest free one with a page of gap on each
 * side of its neighbours.  Also counts the mappings. */
static int find_place(struct process *p, uint64_t size, bool try_at, uintptr_t *at)
{
    unsigned count = 0;
    bool at_free = try_at && *at % PAGE_SIZE == 0 && *at >= USER_MAP_BASE &&
                   *at < USER_MAP_END && size <= USER_MAP_END - *at;
    uintptr_t candidate = USER_MAP_BASE;
    bool placed = false;
    for (struct user_mapping *m = p->mappings; m; m = m->next) {
        count++;
        if (at_free && overlaps(m, *at, size))
            at_free = false;
        if (!placed && candidate + size + PAGE_SIZE <= m->base)
            placed = true;
        if (!placed && m->base + m->size + PAGE_SIZE > candidate)
            candidate = m->base + m->size + PAGE_SIZE;
    }
    if (count >= USER_MAP_MAX)
        return -KS_ERR_DENIED;
    if (at_free)
        return 0;
    if (!placed && (candidate >= USER_MAP_END || size > USER_MAP_END - candidate))
        return -KS_ERR_NO_MEMORY;
    *at = candidate;
    return 0;
}

int user_map(struct process *p, struct memory_object *mo, uint64_t offset, uint64_t size,
             uintptr_t addr, bool fixed, uint32_t prot, uint32_t max_prot, uintptr_t *addr_out)
{
    uint64_t object_size = mo->pages * PAGE_SIZE;
    if (!prot_valid(prot) || size == 0 || offset % PAGE_SIZE || offset >= object_size ||
        size > object_size - offset)
        return -KS_ERR_INVALID_ARGUMENT;
    if (prot & ~max_prot)
        return -KS_ERR_DENIED;
    size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (size > object_size - offset)
        return -KS_ERR_INVALID_ARGUMENT;
    if (fixed && (addr % PAGE_SIZE || addr < USER_MAP_BASE || addr >= USER_MAP_END ||
                  size > USER_MAP_END - addr))
        return -KS_ERR_INVALID_ARGUMENT;
    uintptr_t at = addr;
    int err = find_place(p, size, addr != 0, &at);
    if (err < 0)
        return err;
    if (fixed && at != addr)
        return -KS_ERR_EXISTS;
    struct user_mapping *m = kmalloc(sizeof(*m));
    if (!m)
        return -KS_ERR_NO_MEMORY;
    *m = (struct user_mapping){ .base = at, .size = size, .mo = mo, .offset = offset,
                                .prot = prot, .max_prot = max_prot };
    kobject_ref(&mo->obj);
    mo->mappings++;
    struct user_mapping **link = &p->mappings;
    while (*link && (*link)->base < at)
        link = &(*link)->next;
    m->next = *link;
    *link = m;
    *addr_out = at;
    return 0;
}

/* Drop the TLB entries of [base, base+size) on the CPUs running p now
 * (switching address spaces drops them everywhere else); vm_unmap and
 * vm_protect already did this CPU. */
static void shoot_down(struct process *p, uintptr_t base, uint64_t size)
{
    uint64_t cpus = sched_cpus_running(p);
    size_t pages = size / PAGE_SIZE;
    if (pages > SHOOTDOWN_PAGES_MAX)
        pages = ARCH_TLB_ALL;  /* one flush beats thousands of INVLPGs */
    if (cpus & ~(1ull << arch_cpu_id()))
        (void)arch_tlb_shootdown_range(base, pages, cpus);
}

struct range_batch {
    uintptr_t from, end;
    unsigned count;
    uintptr_t pages[RANGE_BATCH];
};

static int collect_in_range(void *ctx, uintptr_t va, uint64_t pa, unsigned flags)
{
    struct range_batch *batch = ctx;
    (void)pa;
    (void)flags;
    if (va < batch->from)
        return 0;
    if (va >= batch->end)
        return 1;
    batch->pages[batch->count++] = va;
    return batch->count == RANGE_BATCH;
}

/* Unmap (flags 0) or reprotect with flags the pages of m that are
 * mapped.  The page-table walk skips what was never touched, so a huge
 * mapping with few pages costs little; it may not see the tables
 * change, so it collects a batch and the changes follow. */
static void change_mapped_pages(struct process *p, const struct user_mapping *m, unsigned flags)
{
    struct range_batch batch = { .from = m->base, .end = m->base + m->size };
    do {
        batch.count = 0;
        (void)arch_mmu_user_walk(&p->space, collect_in_range, &batch);
        for (unsigned i = 0; i < batch.count; i++) {
            if (flags)
                (void)vm_protect(&p->space, batch.pages[i], flags);
            else
                (void)vm_unmap(&p->space, batch.pages[i], 0);
        }
        if (batch.count)
            batch.from = batch.pages[batch.count - 1] + PAGE_SIZE;
    } while (batch.count == RANGE_BATCH);
}

/* Unmap m's pages, shoot down, then let the object go. */
static void mapping_remove(struct process *p, struct user_mapping *m)
{
    change_mapped_pages(p, m, 0);
    shoot_down(p, m->base, m->size);
    m->mo->mappings--;
    kobject_unref(&m->mo->obj);
    kfree(m);
}

/* Whether every mapping touching [addr, addr+size) lies inside it, and
 * at least one does. */
static int whole_mappings(struct process *p, uintptr_t addr, uint64_t size)
{
    if (addr % PAGE_SIZE || size == 0 || addr >= VM_USER_TOP || size > VM_USER_TOP - addr)
        return -KS_ERR_INVALID_ARGUMENT;
    size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    bool any = false;
    for (struct user_mapping *m = p->mappings; m; m = m->next) {
        if (!overlaps(m, addr, size))
            continue;
        if (m->base < addr || m->base + m->size > addr + size)
            return -KS_ERR_INVALID_ARGUMENT;
        any = true;
    }
    return any ? 0 : -KS_ERR_NOT_FOUND;
}

int user_unmap(struct process *p, uintptr_t addr, uint64_t size)
{
    int err = whole_mappings(p, addr, size);
    if (err < 0)
        return err;
    for (struct user_mapping **link = &p->mappings; *link;) {
        struct user_mapping *m = *link;
        if (overlaps(m, addr, size)) {
            *link = m->next;
            mapping_remove(p, m);
        } else {
            link = &m->next;
        }
    }
    return 0;
}

int user_protect(struct process *p, uintptr_t addr, uint64_t size, uint32_t prot)
{
    int err = whole_mappings(p, addr, size);
    if (err < 0)
        return err;
    if (!prot_valid(prot))
        return -KS_ERR_INVALID_ARGUMENT;
    for (struct user_mapping *m = p->mappings; m; m = m->next)
        if (overlaps(m, addr, size) && (prot & ~m->max_prot))
            return -KS_ERR_DENIED;
    for (struct user_mapping *m = p->mappings; m; m = m->next) {
        if (!overlaps(m, addr, size))
            continue;
        m->prot = prot;
        change_mapped_pages(p, m, page_flags(m));
        shoot_down(p, m->base, m->size);
    }
    return 0;
}

static bool access_allowed(uint32_t prot, unsigned access)
{
    if (access & VM_EXEC)
        return prot & KS_PROT_EXEC;
    if (access & VM_WRITE)
        return prot & KS_PROT_WRITE;
    return prot & KS_PROT_READ;
}

int user_map_fault(struct process *p, uintptr_t addr, unsigned access)
{
    struct user_mapping *m = p->mappings;
    while (m && !(addr >= m->base && addr - m->base < m->size))
        m = m->next;
    if (!m || !access_allowed(m->prot, access))
        return -KS_ERR_FAULT;
    uintptr_t page = addr & ~(PAGE_SIZE - 1);
    unsigned flags;
    /* Another thread of p may have mapped it first: then the access only
     * missed a translation and goes again. */
    if (vm_translate(&p->space, page, NULL, &flags) == 0)
        return (flags & access) == access ? 0 : -KS_ERR_FAULT;
    phys_addr_t pa;
    int err = memory_object_page(m->mo, (m->offset + (page - m->base)) / PAGE_SIZE, true, &pa);
    if (err == 0)
        err = vm_map(&p->space, page, pa, page_flags(m));
    if (err < 0)
        kerror("memory: process %lld (%s): no page for address 0x%llx of a mapping: %s\n",
               (long long)p->pid, p->name, (unsigned long long)addr,
               err == -KS_ERR_DENIED ? "memory quota exhausted" : "out of memory");
    return err;
}

void user_map_release_all(struct process *p)
{
    while (p->mappings) {
        struct user_mapping *m = p->mappings;
        p->mappings = m->next;
        mapping_remove(p, m);
    }
}
