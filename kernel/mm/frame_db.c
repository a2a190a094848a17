/* SPDX-License-Identifier: MIT */
/*
 * Frame database operations: the free list, free runs, single and
 * contiguous allocation, frees, releases and statistics.  See
 * frame_db.h for the design; frame_init.c builds the database.
 *
 * Invariants (checked by the host tests after every step):
 *   - a frame is FRAME_FREE_LISTED iff it is on the list, and
 *     FRAME_FREE_RUN iff it lies inside exactly one of runs[];
 *   - total_frames = listed + run frames + the sum of owned[] (the free
 *     count is derived: frame_db_free_frames).
 * Locking: none; the caller serialises.
 */
#include "mm/frame_db.h"

static const char *const owner_names[PMM_OWNER_COUNT] = {
    [PMM_OWNER_KERNEL] = "kernel",     [PMM_OWNER_PAGE_TABLE] = "page-table",
    [PMM_OWNER_HEAP] = "heap",         [PMM_OWNER_KERNEL_STACK] = "kernel-stack",
    [PMM_OWNER_TEST] = "test",         [PMM_OWNER_USER] = "user",
};

static const char *const owned_state_names[PMM_OWNER_COUNT] = {
    [PMM_OWNER_KERNEL] = "allocated to kernel",
    [PMM_OWNER_PAGE_TABLE] = "allocated to page-table",
    [PMM_OWNER_HEAP] = "allocated to heap",
    [PMM_OWNER_KERNEL_STACK] = "allocated to kernel-stack",
    [PMM_OWNER_TEST] = "allocated to test",
    [PMM_OWNER_USER] = "allocated to user",
};

const char *frame_db_owner_name(unsigned owner)
{
    return owner < PMM_OWNER_COUNT ? owner_names[owner] : "unknown";
}

const char *frame_db_state_name(uint8_t state)
{
    switch (state) {
    case FRAME_HOLE:          return "reserved";
    case FRAME_BOOT:          return "boot-reserved";
    case FRAME_TABLE:         return "frame-table";
    case FRAME_FREE_LISTED:   return "free";
    case FRAME_FREE_RUN:      return "free";
    case FRAME_STATE_OUTSIDE: return "outside RAM";
    default:
        if (state >= FRAME_OWNED && state < FRAME_OWNED + PMM_OWNER_COUNT)
            return owned_state_names[state - FRAME_OWNED];
        return "corrupt";
    }
}

uint8_t frame_db_state_of(const struct frame_db *db, phys_addr_t phys)
{
    uint64_t frame = phys >> PAGE_SHIFT;
    return frame < db->frame_limit ? db->state[frame] : FRAME_STATE_OUTSIDE;
}

static bool frame_is_free(const struct frame_db *db, uint64_t frame)
{
    uint8_t s = db->state[frame];
    return s == FRAME_FREE_LISTED || s == FRAME_FREE_RUN;
}

static void *frame_bytes(const struct frame_db *db, uint64_t frame)
{
    return db->direct_map + (frame << PAGE_SHIFT);
}

/* Is neighbour (next or prev of the frame at phys) a listed frame
 * pointing back? */
static bool neighbour_ok(const struct frame_db *db, phys_addr_t neighbour, phys_addr_t phys,
                         bool is_next)
{
    if (neighbour == FRAME_LIST_END)
        return true;
    if (frame_db_state_of(db, neighbour) != FRAME_FREE_LISTED || (neighbour & (PAGE_SIZE - 1)))
        return false;
    const struct frame_link *link = frame_db_link(db, neighbour);
    return (is_next ? link->prev : link->next) == phys;
}

/* Verify a listed frame's link and both neighbours before the list is
 * changed around it.  False (after db->corrupt) when anything is off. */
bool frame_db_link_verify(const struct frame_db *db, phys_addr_t phys)
{
    if (!FRAME_DB_CHECKS)
        return true;
    const struct frame_link *link = frame_db_link(db, phys);
    const char *why = NULL;
    if (frame_db_state_of(db, phys) != FRAME_FREE_LISTED)
        why = "listed frame is not in the free-listed state";
    else if (link->check != frame_db_link_check(phys, link->next, link->prev))
        why = "free-list link overwritten (write to a free frame?)";
    else if (!neighbour_ok(db, link->next, phys, true))
        why = "free-list next link does not point back";
    else if (!neighbour_ok(db, link->prev, phys, false))
        why = "free-list prev link does not point back";
    else if ((link->prev == FRAME_LIST_END) != (db->list_head == phys))
        why = "free-list frame without prev is not the head, or the head has one";
    if (!why)
        return true;
    if (db->corrupt)
        db->corrupt(phys, why);
    return false;
}

/* Take a listed frame off the list (its state is the caller's). */
static int list_unlink(struct frame_db *db, uint64_t frame)
{
    phys_addr_t phys = frame << PAGE_SHIFT;
    if (FRAME_DB_CHECKS && !frame_db_link_verify(db, phys))
        return -KS_ERR_CORRUPT;
    /* The head's prev is kept only in checking builds: ask list_head. */
    if (phys == db->list_head) {
        frame_db_list_pop(db, phys);
        return 0;
    }
    const struct frame_link *link = frame_db_link(db, phys);
    phys_addr_t next = link->next, prev = link->prev;
    frame_db_link_set(db, prev, next, frame_db_link(db, prev)->prev);
    if (next != FRAME_LIST_END)
        frame_db_link_set_prev(db, next, prev);
    return 0;
}

static void run_remove(struct frame_db *db, uint32_t index)
{
    db->runs[index] = db->runs[--db->run_count];
}

/* Make frames [first, end) free: one new run while the array has room
 * (their bytes stay untouched), else one by one onto the list. */
static void free_frames_add(struct frame_db *db, uint64_t first, uint64_t end)
{
    if (first >= end)
        return;
    if (db->run_count < FRAME_DB_MAX_RUNS) {
        db->runs[db->run_count++] = (struct frame_run){ first, end };
        for (uint64_t f = first; f < end; f++)
            db->state[f] = FRAME_FREE_RUN;
        return;
    }
    for (uint64_t f = first; f < end; f++) {
        frame_db_list_push(db, f << PAGE_SHIFT);
        db->state[f] = FRAME_FREE_LISTED;
    }
}

static void frames_zero(const struct frame_db *db, uint64_t first, uint64_t count)
{
    uint64_t *word = frame_bytes(db, first);
    uint64_t words = count * (PAGE_SIZE / sizeof(uint64_t));
    for (uint64_t i = 0; i < words; i++)
        word[i] = 0;
}

static void frames_mark_owned(struct frame_db *db, uint64_t first, uint64_t count,
                              enum pmm_owner owner, unsigned flags)
{
    for (uint64_t f = first; f < first + count; f++)
        db->state[f] = (uint8_t)(FRAME_OWNED + owner);
    db->owned[owner] += count;
    if (flags & PMM_ZERO)
        frames_zero(db, first, count);
}

int frame_db_alloc_slow(struct frame_db *db, enum pmm_owner owner, unsigned flags,
                        phys_addr_t *out)
{
    if ((unsigned)owner >= PMM_OWNER_COUNT || (flags & ~PMM_ZERO) || !out)
        return -KS_ERR_INVALID_ARGUMENT;
    uint64_t frame;
    if (db->list_head != FRAME_LIST_END) {
        /* Recently freed frames first: they are likely still cached. */
        frame = db->list_head >> PAGE_SHIFT;
        int err = list_unlink(db, frame);
        if (err < 0)
            return err;
    } else if (db->run_count > 0) {
        /* The last run is the highest at boot: low memory lasts longest. */
        struct frame_run *run = &db->runs[db->run_count - 1];
        frame = --run->end;
        if (run->end == run->first)
            db->run_count--;
    } else {
        return -KS_ERR_NO_MEMORY;
    }
    frames_mark_owned(db, frame, 1, owner, flags);
    *out = frame << PAGE_SHIFT;
    return 0;
}

static int refuse(struct frame_db_refusal *refusal, phys_addr_t phys, uint8_t state,
                  const char *why, int err)
{
    if (refusal) {
        refusal->phys = phys;
        refusal->state = state;
        refusal->why = why;
    }
    return err;
}

/* May owner give back the frame at phys?  0, or the refusal. */
static int check_owned(const struct frame_db *db, phys_addr_t phys, enum pmm_owner owner,
                       struct frame_db_refusal *refusal)
{
    uint8_t state = frame_db_state_of(db, phys);
    if ((unsigned)owner >= PMM_OWNER_COUNT)
        return refuse(refusal, phys, state, "unknown owner", -KS_ERR_INVALID_ARGUMENT);
    if (phys & (PAGE_SIZE - 1))
        return refuse(refusal, phys, state, "misaligned address", -KS_ERR_INVALID_ARGUMENT);
    if (state == FRAME_STATE_OUTSIDE)
        return refuse(refusal, phys, state, "frame outside RAM", -KS_ERR_INVALID_ARGUMENT);
    if (state == FRAME_FREE_LISTED || state == FRAME_FREE_RUN)
        return refuse(refusal, phys, state, "double free", -KS_ERR_INVALID_ARGUMENT);
    if (state < FRAME_OWNED || state >= FRAME_OWNED + PMM_OWNER_COUNT)
        return refuse(refusal, phys, state, "reserved frame", -KS_ERR_INVALID_ARGUMENT);
    if (state != FRAME_OWNED + owner)
        return refuse(refusal, phys, state, "wrong owner", -KS_ERR_NOT_OWNER);
    return 0;
}

static void frame_give_back(struct frame_db *db, uint64_t frame)
{
    db->owned[db->state[frame] - FRAME_OWNED]--;
}

int frame_db_free_slow(struct frame_db *db, phys_addr_t phys, enum pmm_owner owner,
                       struct frame_db_refusal *refusal)
{
    int err = check_owned(db, phys, owner, refusal);
    if (err < 0)
        return err;
    uint64_t frame = phys >> PAGE_SHIFT;
    frame_give_back(db, frame);
    frame_db_list_push(db, phys);
    db->state[frame] = FRAME_FREE_LISTED;
    return 0;
}

/* The scan reads the table eight frames at a time where it can: a word
 * of eight run (or eight listed) frames is all free; a word with no
 * free byte is all busy (SWAR zero-byte test on state ^ FREE pattern). */
#define BYTES_ONES  0x0101010101010101ULL
#define BYTES_HIGH  0x8080808080808080ULL
#define BYTES_OF(b) ((uint64_t)(b) * BYTES_ONES)

static uint64_t state_word(const struct frame_db *db, uint64_t first)
{
    uint64_t word;
    __builtin_memcpy(&word, db->state + first, sizeof(word));
    return word;
}

static bool word_has_byte(uint64_t word, uint8_t value)
{
    uint64_t x = word ^ BYTES_OF(value);
    return ((x - BYTES_ONES) & ~x & BYTES_HIGH) != 0;
}

static bool word_all_free(uint64_t word)
{
    return word == BYTES_OF(FRAME_FREE_RUN) || word == BYTES_OF(FRAME_FREE_LISTED);
}

static bool word_any_free(uint64_t word)
{
    return word_has_byte(word, FRAME_FREE_RUN) || word_has_byte(word, FRAME_FREE_LISTED);
}

/* Highest free frame <= frame, or FRAME_NONE. */
static uint64_t free_at_or_below(const struct frame_db *db, uint64_t frame)
{
    for (;;) {
        if (frame_is_free(db, frame))
            return frame;
        if (frame == 0)
            return FRAME_NONE;
        frame--;
        /* At the top of an aligned word: skip whole busy words. */
        while ((frame & 7) == 7 && !word_any_free(state_word(db, frame - 7))) {
            if (frame < 8)
                return FRAME_NONE;
            frame -= 8;
        }
    }
}

/* Lowest frame of the free stretch that ends at top (top is free). */
static uint64_t free_stretch_bottom(const struct frame_db *db, uint64_t top, uint64_t floor)
{
    uint64_t frame = top;
    while (frame > floor) {
        if ((frame & 7) == 0 && frame - 8 >= floor && word_all_free(state_word(db, frame - 8)))
            frame -= 8;
        else if (frame_is_free(db, frame - 1))
            frame--;
        else
            break;
    }
    return frame;
}

/* Highest run [first, first + count) of free frames with first a
 * multiple of align_frames, or FRAME_NONE.  Each candidate is checked
 * from its top down; the first busy frame found bounds the next
 * candidate from above, so no frame is read twice: at most frame_limit
 * reads in all, mostly eight at a time. */
static uint64_t run_find(const struct frame_db *db, uint64_t count, uint64_t align_frames)
{
    uint64_t limit = db->frame_limit;  /* a run must end at or below */
    while (limit >= count) {
        uint64_t first = (limit - count) & ~(align_frames - 1);
        uint64_t top = free_at_or_below(db, first + count - 1);
        if (top == FRAME_NONE)
            break;
        if (top != first + count - 1) {
            limit = top + 1;           /* the frames above top are busy */
            continue;
        }
        uint64_t bottom = free_stretch_bottom(db, top, first);
        if (bottom == first)
            return first;
        limit = bottom - 1;            /* frame bottom - 1 is busy */
    }
    return FRAME_NONE;
}

/* Take the free frames [first, end) out of the list and the runs.  A
 * broken link stops it half done: the kernel has panicked by then. */
static int run_take(struct frame_db *db, uint64_t first, uint64_t end)
{
    for (uint64_t f = first; f < end; f++) {
        if (db->state[f] != FRAME_FREE_LISTED)
            continue;
        int err = list_unlink(db, f);
        if (err < 0)
            return err;
        db->state[f] = FRAME_HOLE; /* owned in a moment; off the list now */
    }
    for (uint32_t i = 0; i < db->run_count;) {
        struct frame_run *run = &db->runs[i];
        if (run->end <= first || run->first >= end) {
            i++;
            continue;
        }
        uint64_t above = run->end;
        if (run->first < first) {
            run->end = first;
            i++;
        } else {
            run_remove(db, i);
        }
        /* The part above keeps its state: re-added as a run (or listed). */
        if (above > end)
            free_frames_add(db, end, above);
    }
    return 0;
}

int frame_db_alloc_run(struct frame_db *db, size_t count, uint64_t align,
                       enum pmm_owner owner, unsigned flags, phys_addr_t *out)
{
    if ((unsigned)owner >= PMM_OWNER_COUNT || (flags & ~PMM_ZERO) || !out || count == 0 ||
        align < PAGE_SIZE || (align & (align - 1)))
        return -KS_ERR_INVALID_ARGUMENT;
    if (count > frame_db_free_frames(db))
        return -KS_ERR_NO_MEMORY;
    uint64_t first = run_find(db, count, align >> PAGE_SHIFT);
    if (first == FRAME_NONE)
        return -KS_ERR_NO_MEMORY;
    int err = run_take(db, first, first + count);
    if (err < 0)
        return err;
    frames_mark_owned(db, first, count, owner, flags);
    *out = first << PAGE_SHIFT;
    return 0;
}

int frame_db_free_run(struct frame_db *db, phys_addr_t base, size_t count,
                      enum pmm_owner owner, struct frame_db_refusal *refusal)
{
    if (count == 0 || count > db->frame_limit)
        return refuse(refusal, base, frame_db_state_of(db, base), "bad frame count",
                      -KS_ERR_INVALID_ARGUMENT);
    /* Decide first, then act: a bad frame anywhere leaves all as it was. */
    for (size_t i = 0; i < count; i++) {
        int err = check_owned(db, base + i * PAGE_SIZE, owner, refusal);
        if (err < 0)
            return err;
    }
    uint64_t first = base >> PAGE_SHIFT;
    for (uint64_t f = first; f < first + count; f++)
        frame_give_back(db, f);
    free_frames_add(db, first, first + count);
    return 0;
}

int frame_db_release(struct frame_db *db, phys_addr_t base, uint64_t length,
                     struct frame_db_refusal *refusal)
{
    uint8_t state = frame_db_state_of(db, base);
    if ((base | length) & (PAGE_SIZE - 1))
        return refuse(refusal, base, state, "misaligned range", -KS_ERR_INVALID_ARGUMENT);
    uint64_t first = base >> PAGE_SHIFT, count = length >> PAGE_SHIFT;
    if (count == 0 || first >= db->frame_limit || count > db->frame_limit - first)
        return refuse(refusal, base, state, "range outside RAM", -KS_ERR_INVALID_ARGUMENT);
    for (uint64_t f = first; f < first + count; f++)
        if (db->state[f] != FRAME_BOOT)
            return refuse(refusal, f << PAGE_SHIFT, db->state[f],
                          "not a reserved boot frame", -KS_ERR_INVALID_ARGUMENT);
    db->total_frames += count;
    free_frames_add(db, first, first + count);
    return 0;
}

void frame_db_stats(const struct frame_db *db, struct pmm_stats *out)
{
    out->total_frames = db->total_frames;
    out->free_frames = frame_db_free_frames(db);
    out->reserved_frames = db->frame_limit - db->total_frames;
    for (unsigned i = 0; i < PMM_OWNER_COUNT; i++)
        out->owned[i] = db->owned[i];
}
