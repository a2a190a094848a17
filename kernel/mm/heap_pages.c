/* SPDX-License-Identifier: MIT */
/*
 * The kernel heap's page source and corruption report (the hooks slab.h
 * declares): frames from the PMM, owner PMM_OWNER_HEAP, reached through
 * the direct map; a single aligned frame by pmm_alloc (O(1)), anything
 * else by pmm_alloc_contiguous.  A heap corruption is a broken kernel
 * invariant, so slab_report panics.  Locking: as the PMM (one CPU).
 */
#include "arch.h"
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/slab.h"

void *slab_pages_alloc(size_t pages, size_t align)
{
    phys_addr_t phys;
    int err = pages == 1 && align == PAGE_SIZE ?
              pmm_alloc(PMM_OWNER_HEAP, 0, &phys) :
              pmm_alloc_contiguous(pages, align, PMM_OWNER_HEAP, 0, &phys);
    return err < 0 ? NULL : phys_to_virt(phys);
}

void slab_pages_free(void *base, size_t pages)
{
    phys_addr_t phys = direct_map_to_phys(base);
    int err = pages == 1 ? pmm_free(phys, PMM_OWNER_HEAP) :
              pmm_free_contiguous(phys, pages, PMM_OWNER_HEAP);
    /* The heap only gives back blocks it took, whole: a refusal means its
     * own bookkeeping is broken. */
    if (err < 0)
        panic("heap: the PMM refused %zu frame(s) at %p (error %d)", pages, base, err);
}

int slab_pages_read(const void *addr, void *out, size_t len)
{
    /* Only the direct map holds heap blocks; everything else is refused
     * before it is touched, and the probe survives a hole in the map. */
    uint8_t first;
    if ((uintptr_t)addr < KS_DIRECT_MAP_BASE || arch_probe_read_u8(addr, &first) < 0)
        return -KS_ERR_FAULT;
    /* Pages are mapped whole: within one page, one probe vouches for all. */
    if (((uintptr_t)addr & (PAGE_SIZE - 1)) + len <= PAGE_SIZE) {
        memcpy(out, addr, len);
        return 0;
    }
    return arch_probe_read(addr, out, len) < 0 ? -KS_ERR_FAULT : 0;
}

void slab_report(const char *message)
{
    panic("%s", message);
}
