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
 *     direct_map; the links are physical addresses), so a single frame
 *     is popped, pushed or unlinked from the middle in O(1);
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
 * Single frames have a fast path inline here (frame_db_alloc,
 * frame_db_try_free): the list head, one state byte and the counters.
 * Everything else (bad arguments, an empty list, every refusal) goes to
 * the out-of-line *_slow functions, which do the full checks.
 *
 * With FRAME_DB_CHECKS (debug kernels and host tests) every list link
 * carries a check word and is verified before it is followed; a broken
 * one is passed to db->corrupt (the kernel panics there) and the call
 * fails with -KS_ERR_CORRUPT.  Release kernels neither write nor read
 * the check word.
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

/* A host test may set it to 0 to run the release kernel's code. */
#ifndef FRAME_DB_CHECKS
#if defined(KESTREL_DEBUG) || defined(KESTREL_HOST_TEST)
#define FRAME_DB_CHECKS 1
#else
#define FRAME_DB_CHECKS 0
#endif
#endif

/* Free runs beyond the boot map's own ranges come from contiguous frees
 * and releases; when the array is full, frames go to the list instead. */
#define FRAME_DB_MAX_RUNS  1024
#define FRAME_NONE         UINT64_MAX
/* Ends the free list: frame 0 is never free. */
#define FRAME_LIST_END     0

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
    phys_addr_t list_head;      /* address of the first listed frame, or FRAME_LIST_END */
    uint32_t run_count;         /* runs[0..run_count) are non-empty */
    struct frame_run runs[FRAME_DB_MAX_RUNS];
    uint64_t total_frames;      /* free + allocated */
    uint64_t owned[PMM_OWNER_COUNT]; /* allocated, per owner; the rest is free */
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

/* Single frames, every case; frame_db_alloc / frame_db_free below try
 * the common one inline first. */
int frame_db_alloc_slow(struct frame_db *db, enum pmm_owner owner, unsigned flags,
                        phys_addr_t *out);
int frame_db_free_slow(struct frame_db *db, phys_addr_t phys, enum pmm_owner owner,
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

/* Free frames: what no owner holds (one counter per allocation or
 * free, not two).  O(PMM_OWNER_COUNT). */
static inline uint64_t frame_db_free_frames(const struct frame_db *db)
{
    uint64_t free = db->total_frames;
    for (unsigned i = 0; i < PMM_OWNER_COUNT; i++)
        free -= db->owned[i];
    return free;
}

/* The kernel's own database (kernel/mm/pmm.c), read-only, for the
 * in-kernel self-tests that check it against boot_info. */
const struct frame_db *pmm_frame_db(void);

/* ---- The single-frame fast path ------------------------------------ */

/* Written at the start of every listed frame; the links are physical
 * addresses, so a link is found with one add and handed out as is.
 * check (FRAME_DB_CHECKS only) mixes the links with the frame's own
 * address, so a stray write into a free frame or a link copied to the
 * wrong frame is caught before it is followed.  The head's prev is
 * FRAME_LIST_END in checking builds and not kept otherwise: the list
 * code finds the head through list_head, and a release kernel saves the
 * stores. */
struct frame_link {
    phys_addr_t next;
    phys_addr_t prev;
    uint64_t check;
};

#define FRAME_LINK_MAGIC 0x4B46524D4C494E4BULL /* "KNILMRFK" */

/* Out of line (frame_db.c): verify the link of the listed frame at phys
 * and both neighbours, calling db->corrupt when anything is off. */
bool frame_db_link_verify(const struct frame_db *db, phys_addr_t phys);

static inline struct frame_link *frame_db_link(const struct frame_db *db, phys_addr_t phys)
{
    return (struct frame_link *)(db->direct_map + phys);
}

static inline uint64_t frame_db_link_check(phys_addr_t phys, phys_addr_t next, phys_addr_t prev)
{
    return next ^ (prev * 3) ^ (phys * 0x9E3779B97F4A7C15ULL) ^ FRAME_LINK_MAGIC;
}

static inline void frame_db_link_set(const struct frame_db *db, phys_addr_t phys,
                                     phys_addr_t next, phys_addr_t prev)
{
    struct frame_link *link = frame_db_link(db, phys);
    link->next = next;
    link->prev = prev;
    if (FRAME_DB_CHECKS)
        link->check = frame_db_link_check(phys, next, prev);
}

/* Change only the prev link of a listed frame (its next stays). */
static inline void frame_db_link_set_prev(const struct frame_db *db, phys_addr_t phys,
                                          phys_addr_t prev)
{
    struct frame_link *link = frame_db_link(db, phys);
    link->prev = prev;
    if (FRAME_DB_CHECKS)
        link->check = frame_db_link_check(phys, link->next, prev);
}

/* Put the frame at phys at the list head; the caller sets its state to
 * FRAME_FREE_LISTED (it has the table index at hand). */
static inline void frame_db_list_push(struct frame_db *db, phys_addr_t phys)
{
    phys_addr_t head = db->list_head;
    struct frame_link *link = frame_db_link(db, phys);
    link->next = head;
    if (FRAME_DB_CHECKS) {
        link->prev = FRAME_LIST_END;
        link->check = frame_db_link_check(phys, head, FRAME_LIST_END);
    }
    if (head != FRAME_LIST_END)
        frame_db_link_set_prev(db, head, phys);
    db->list_head = phys;
}

/* Take the head frame (already verified) off the list; its state is the
 * caller's. */
static inline void frame_db_list_pop(struct frame_db *db, phys_addr_t head)
{
    phys_addr_t next = frame_db_link(db, head)->next;
    db->list_head = next;
    if (FRAME_DB_CHECKS && next != FRAME_LIST_END)
        frame_db_link_set_prev(db, next, FRAME_LIST_END);
}

/* One frame: the list head when there is one, the owner is known and
 * no flag is set, else frame_db_alloc_slow (runs, PMM_ZERO, refusals).
 * O(1) either way. */
static inline int frame_db_alloc(struct frame_db *db, enum pmm_owner owner, unsigned flags,
                                 phys_addr_t *out)
{
    phys_addr_t head = db->list_head;
    if (head == FRAME_LIST_END || (unsigned)owner >= PMM_OWNER_COUNT || flags != 0 || !out)
        return frame_db_alloc_slow(db, owner, flags, out);
    if (FRAME_DB_CHECKS && !frame_db_link_verify(db, head))
        return -KS_ERR_CORRUPT;
    frame_db_list_pop(db, head);
    db->state[head >> PAGE_SHIFT] = (uint8_t)(FRAME_OWNED + owner);
    db->owned[owner]++;
    *out = head;
    return 0;
}

/* The table index of phys, or a value >= frame_limit when phys is not
 * page aligned: rotating the offset bits into the top folds the
 * alignment test into the bounds test (frame_limit <= 2^52). */
static inline uint64_t frame_db_index(phys_addr_t phys)
{
    return (phys >> PAGE_SHIFT) | (phys << (64 - PAGE_SHIFT));
}

/* Give back the frame at phys if owner holds it: its one state byte says
 * so (and so "not free, not reserved").  False, with nothing changed,
 * for anything else: frame_db_free_slow then refuses it with a reason. */
static inline bool frame_db_try_free(struct frame_db *db, phys_addr_t phys, enum pmm_owner owner)
{
    uint64_t frame = frame_db_index(phys);
    if (frame >= db->frame_limit || (unsigned)owner >= PMM_OWNER_COUNT ||
        db->state[frame] != FRAME_OWNED + (unsigned)owner)
        return false;
    db->owned[owner]--;
    frame_db_list_push(db, phys);
    db->state[frame] = FRAME_FREE_LISTED;
    return true;
}

static inline int frame_db_free(struct frame_db *db, phys_addr_t phys, enum pmm_owner owner,
                                struct frame_db_refusal *refusal)
{
    if (frame_db_try_free(db, phys, owner))
        return 0;
    return frame_db_free_slow(db, phys, owner, refusal);
}

#endif /* KESTREL_MM_FRAME_DB_H */
