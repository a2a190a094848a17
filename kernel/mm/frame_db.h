/* SPDX-License-Identifier: MIT */
/*
 * Frame database: the pure bookkeeping behind the PMM (kernel/mm/pmm.c),
 * free of any hardware access so the host unit tests run it over a
 * malloc'd buffer that plays physical memory.
 *
 * One state byte per frame from 0 to the top of RAM (the "frame table",
 * placed in usable memory at init) says whether a frame is a hole, RAM
 * boot still uses, the table itself, free, or allocated and to whom: so
 * a double free, the free of a reserved frame and a free by the wrong
 * owner are all found by one byte read.  Free frames sit in one of two
 * places:
 *
 *   - the free list: doubly linked through the frames themselves (a
 *     struct frame_link at the start of each, reached through
 *     direct_map), so a single frame is popped, pushed or unlinked from
 *     the middle in O(1);
 *   - free runs: up to FRAME_DB_MAX_RUNS intervals of free frames whose
 *     bytes are never touched.  Init puts all usable RAM in runs, so a
 *     64 GiB machine is not written frame by frame at boot (nor is its
 *     memory committed by an emulator); a single allocation takes the
 *     top frame of the last run in O(1) when the list is empty.
 *
 * Interface: frame_db_init, then frame_db_alloc / frame_db_free (single
 * frames, O(1)), frame_db_alloc_run / frame_db_free_run (contiguous,
 * aligned runs: a top-down scan of the table bounded by its length),
 * frame_db_release (reserved boot RAM becomes free), frame_db_stats.
 * Physical addresses in and out.  A refused call changes nothing and
 * describes the first offending frame in *refusal.
 *
 * With FRAME_DB_CHECKS (debug kernels and host tests) every list link is
 * verified before it is followed; a broken one is passed to db->corrupt
 * (the kernel panics there) and the call fails with -KS_ERR_CORRUPT.
 *
 * Locking: none here; the caller serialises.
 */
#ifndef KESTREL_MM_FRAME_DB_H
#define KESTREL_MM_FRAME_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kestrel/boot_info.h"
#include "kestrel/errors.h"
#include "mm/pmm.h"

#if defined(KESTREL_DEBUG) || defined(KESTREL_HOST_TEST)
#define FRAME_DB_CHECKS 1
#else
#define FRAME_DB_CHECKS 0
#endif

/* Free runs beyond the boot map's own ranges come from contiguous frees
 * and releases; when the array is full, frames go to the list instead. */
#define FRAME_DB_MAX_RUNS  1024
#define FRAME_NONE         UINT64_MAX

/* One byte per frame. */
enum frame_state {
    FRAME_HOLE = 0,        /* not RAM, frame 0, or RAM never to touch (NVS, bad) */
    FRAME_BOOT,            /* RAM boot_info reserved (kernel, modules, ...): releasable */
    FRAME_TABLE,           /* holds the frame table itself */
    FRAME_FREE_LISTED,     /* free, on the free list */
    FRAME_FREE_RUN,        /* free, inside a free run, bytes untouched */
    FRAME_OWNED = 8        /* allocated: FRAME_OWNED + enum pmm_owner */
};
/* Reported for an address past the end of the table. */
#define FRAME_STATE_OUTSIDE 0xFF

struct frame_run {
    uint64_t first;        /* frame numbers [first, end), all FRAME_FREE_RUN */
    uint64_t end;
};

struct frame_db {
    uint8_t *direct_map;        /* where physical address 0 is visible */
    uint8_t *state;             /* state[frame] for frames [0, frame_limit) */
    uint64_t frame_limit;       /* top of RAM / PAGE_SIZE */
    uint64_t list_head;         /* first listed frame, FRAME_NONE if none */
    uint32_t run_count;         /* runs[0..run_count) are non-empty */
    struct frame_run runs[FRAME_DB_MAX_RUNS];
    uint64_t total_frames;      /* free + allocated */
    uint64_t free_frames;
    uint64_t owned[PMM_OWNER_COUNT];
    uint64_t usable_bytes;      /* as boot_info lists them */
    uint32_t usable_ranges;
    uint64_t table_base;        /* first frame of the frame table */
    uint64_t table_frames;
    /* Called with the frame whose link is broken; may not return. */
    void (*corrupt)(uint64_t phys, const char *why);
};

/* Why a call was refused: the first offending frame and its state. */
struct frame_db_refusal {
    uint64_t phys;
    uint8_t state;              /* enum frame_state or FRAME_STATE_OUTSIDE */
    const char *why;
};

/* Build from a boot memory map (sorted, disjoint: else -KS_ERR_CORRUPT)
 * whose RAM is visible at direct_map up to direct_map_size bytes.
 * -KS_ERR_NO_MEMORY when no usable range holds the table.  db->corrupt
 * is kept; everything else is overwritten. */
int frame_db_init(struct frame_db *db, const struct ks_mem_region *map, uint32_t count,
                  uint8_t *direct_map, uint64_t direct_map_size);

int frame_db_alloc(struct frame_db *db, enum pmm_owner owner, unsigned flags,
                   phys_addr_t *out);
int frame_db_free(struct frame_db *db, phys_addr_t phys, enum pmm_owner owner,
                  struct frame_db_refusal *refusal);
int frame_db_alloc_run(struct frame_db *db, size_t count, uint64_t align,
                       enum pmm_owner owner, unsigned flags, phys_addr_t *out);
int frame_db_free_run(struct frame_db *db, phys_addr_t base, size_t count,
                      enum pmm_owner owner, struct frame_db_refusal *refusal);
int frame_db_release(struct frame_db *db, phys_addr_t base, uint64_t length,
                     struct frame_db_refusal *refusal);

void frame_db_stats(const struct frame_db *db, struct pmm_stats *out);
/* State byte of the frame holding phys (FRAME_STATE_OUTSIDE past the top). */
uint8_t frame_db_state_of(const struct frame_db *db, phys_addr_t phys);
/* "reserved", "free", "allocated to heap", ... for reports. */
const char *frame_db_state_name(uint8_t state);
const char *frame_db_owner_name(unsigned owner);

/* The kernel's own database (kernel/mm/pmm.c), read-only, for the
 * in-kernel self-tests that check it against boot_info. */
const struct frame_db *pmm_frame_db(void);

#endif /* KESTREL_MM_FRAME_DB_H */
