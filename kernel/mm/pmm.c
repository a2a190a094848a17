/* SPDX-License-Identifier: MIT */
/*
 * Physical memory manager (interface: mm/pmm.h): the kernel's one frame
 * database (mm/frame_db.h) over the direct map, plus the reports.
 *
 * pmm_init builds the database from boot_info's memory map and prints
 * the one-line `pmm:` summary.  A refused free or release prints one
 * `pmm: refused ...` line naming the frame, its state and the owner the
 * caller claimed, and returns the error; nothing changes.  A broken
 * free-list link (debug kernels check every one they follow) is a broken
 * kernel invariant: panic.
 *
 * Locking: one CPU, interrupts off, for now; the scheduler issue adds a
 * lock around every entry point.  Not for real-time paths.
 */
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "mm/frame_db.h"
#include "mm/pmm.h"

static struct frame_db pmm_db;
static int pmm_started;

static void pmm_corrupt(uint64_t phys, const char *why)
{
    panic("pmm: free list corrupt at frame 0x%llx: %s", (unsigned long long)phys, why);
}

static int pmm_refused(const char *what, const struct frame_db_refusal *r,
                       const char *owner, int err)
{
    kerror("pmm: refused %s of frame 0x%llx: %s; state %s, caller claims owner %s (error %d)\n",
           what, (unsigned long long)r->phys, r->why, frame_db_state_name(r->state), owner, err);
    return err;
}

static void pmm_report(void)
{
    uint64_t free_bytes = frame_db_free_frames(&pmm_db) << PAGE_SHIFT;
    kinfo("pmm: %llu MiB usable in %u ranges, %llu MiB free, top 0x%llx, frame table %llu KiB\n",
          (unsigned long long)(pmm_db.usable_bytes >> 20), pmm_db.usable_ranges,
          (unsigned long long)(free_bytes >> 20),
          (unsigned long long)(pmm_db.frame_limit << PAGE_SHIFT),
          (unsigned long long)(pmm_db.table_frames << PAGE_SHIFT >> 10));
}

int pmm_init(const struct ks_boot_info *bi)
{
    if (pmm_started)
        return -KS_ERR_EXISTS;
    pmm_db.corrupt = pmm_corrupt;
    int err = frame_db_init(&pmm_db, bi->mem, bi->mem_count,
                            (uint8_t *)(uintptr_t)KS_DIRECT_MAP_BASE, bi->direct_map_size);
    if (err == -KS_ERR_NO_MEMORY)
        kerror("pmm: no usable range holds the %llu KiB frame table\n",
               (unsigned long long)(pmm_db.table_frames << PAGE_SHIFT >> 10));
    else if (err < 0)
        kerror("pmm: the boot memory map is malformed (%u regions), error %d\n",
               bi->mem_count, err);
    if (err < 0)
        return err;
    pmm_started = 1;
    pmm_report();
    return 0;
}

int pmm_alloc(enum pmm_owner owner, unsigned flags, phys_addr_t *out)
{
    return frame_db_alloc(&pmm_db, owner, flags, out);
}

/* Out of line so the fast path in pmm_free carries no refusal record. */
static __attribute__((noinline)) int pmm_free_slow(phys_addr_t frame, enum pmm_owner owner)
{
    struct frame_db_refusal refusal;
    int err = frame_db_free_slow(&pmm_db, frame, owner, &refusal);
    if (err < 0)
        return pmm_refused("free", &refusal, frame_db_owner_name(owner), err);
    return 0;
}

int pmm_free(phys_addr_t frame, enum pmm_owner owner)
{
    if (frame_db_try_free(&pmm_db, frame, owner))
        return 0;
    return pmm_free_slow(frame, owner);
}

int pmm_alloc_contiguous(size_t count, uint64_t align, enum pmm_owner owner,
                         unsigned flags, phys_addr_t *out)
{
    return frame_db_alloc_run(&pmm_db, count, align, owner, flags, out);
}

int pmm_free_contiguous(phys_addr_t base, size_t count, enum pmm_owner owner)
{
    struct frame_db_refusal refusal;
    int err = frame_db_free_run(&pmm_db, base, count, owner, &refusal);
    if (err < 0)
        return pmm_refused("contiguous free", &refusal, frame_db_owner_name(owner), err);
    return 0;
}

int pmm_release_boot_range(phys_addr_t base, uint64_t length)
{
    struct frame_db_refusal refusal;
    int err = frame_db_release(&pmm_db, base, length, &refusal);
    if (err < 0)
        return pmm_refused("boot range release", &refusal, "boot", err);
    return 0;
}

void pmm_get_stats(struct pmm_stats *out)
{
    frame_db_stats(&pmm_db, out);
}

uint64_t pmm_free_count(void)
{
    return frame_db_free_frames(&pmm_db);
}

const struct frame_db *pmm_frame_db(void)
{
    return &pmm_db;
}

int pmm_ready(void)
{
    return pmm_started;
}
