/* SPDX-License-Identifier: MIT */
/*
 * Frame database construction from the boot memory map (frame_db_init).
 *
 * The map is checked (sorted, disjoint, no wrap-around), the top of RAM
 * found (the end of the highest region that is RAM of any kind, so boot
 * data at the very top can still be released later), and the frame table
 * (one byte per frame below the top) carved from the top of the lowest
 * usable range above 1 MiB that holds it (memory below 1 MiB is scarce
 * and wanted for real-mode trampolines).  Usable RAM becomes free runs;
 * its bytes are not touched.  Frame 0 is never free, so an address
 * derived from NULL is never a valid frame.  Once, at boot; no locking.
 */
#include "mm/frame_db.h"

#define LOW_MEMORY_FRAMES ((1ULL << 20) >> PAGE_SHIFT)

/* Frames [first, end) a region covers: usable ranges shrink inward,
 * every other type grows outward, so no free frame holds reserved bytes. */
struct frame_span {
    uint64_t first;
    uint64_t end;
};

static struct frame_span region_span(const struct ks_mem_region *r, uint64_t limit)
{
    uint64_t end = r->base + r->length;
    struct frame_span s;
    if (r->type == KS_MEM_USABLE) {
        s.first = (r->base + PAGE_SIZE - 1) >> PAGE_SHIFT;
        s.end = end >> PAGE_SHIFT;
    } else {
        s.first = r->base >> PAGE_SHIFT;
        s.end = (end >> PAGE_SHIFT) + ((end & (PAGE_SIZE - 1)) != 0);
    }
    if (s.end > limit)
        s.end = limit;
    if (s.first > s.end)
        s.first = s.end;
    return s;
}

/* RAM the boot path holds and may hand back later. */
static bool type_is_boot_ram(uint32_t type)
{
    return type == KS_MEM_ACPI_RECLAIM || type == KS_MEM_MODULE ||
           type == KS_MEM_BOOT_DATA || type == KS_MEM_PAGE_TABLES || type == KS_MEM_KERNEL;
}

static int map_check(const struct ks_mem_region *map, uint32_t count)
{
    if (count == 0 || count > KS_BOOT_MAX_MEM)
        return -KS_ERR_INVALID_ARGUMENT;
    for (uint32_t i = 0; i < count; i++) {
        if (map[i].base + map[i].length < map[i].base)
            return -KS_ERR_CORRUPT;
        if (i > 0 && map[i].base < map[i - 1].base + map[i - 1].length)
            return -KS_ERR_CORRUPT;
    }
    return 0;
}

/* One past the last frame of RAM of any kind, within the direct map. */
static uint64_t ram_frame_limit(const struct ks_mem_region *map, uint32_t count,
                                uint64_t direct_map_frames)
{
    uint64_t limit = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (map[i].type != KS_MEM_USABLE && !type_is_boot_ram(map[i].type))
            continue;
        struct frame_span s = region_span(&map[i], direct_map_frames);
        if (s.end > s.first && s.end > limit)
            limit = s.end;
    }
    return limit;
}

/* Usable frames of region i (frame 0 excluded), empty if not usable. */
static struct frame_span usable_span(const struct ks_mem_region *r, uint64_t limit)
{
    struct frame_span s = { 0, 0 };
    if (r->type != KS_MEM_USABLE)
        return s;
    s = region_span(r, limit);
    if (s.first == 0 && s.end > 0)
        s.first = 1;
    return s;
}

/* First frame of the table: the top of the lowest usable range above
 * 1 MiB that holds it, else of any usable range; FRAME_NONE if none. */
static uint64_t table_place(const struct ks_mem_region *map, uint32_t count, uint64_t limit,
                            uint64_t table_frames)
{
    uint64_t fallback = FRAME_NONE;
    for (uint32_t i = 0; i < count; i++) {
        struct frame_span s = usable_span(&map[i], limit);
        if (s.end - s.first < table_frames)
            continue;
        if (s.end - table_frames >= LOW_MEMORY_FRAMES)
            return s.end - table_frames;
        if (fallback == FRAME_NONE)
            fallback = s.end - table_frames;
    }
    return fallback;
}

/* The builtin becomes the kernel's word-wide memset (lib/string.c), or
 * the C library's on the host: millions of frames on a large machine. */
static void states_fill(uint8_t *state, uint64_t first, uint64_t end, uint8_t value)
{
    if (end > first)
        __builtin_memset(state + first, value, end - first);
}

/* Usable first, then boot RAM, then holes: when outward rounding makes
 * two reserved regions share a frame, the stricter kind wins. */
static void states_from_map(struct frame_db *db, const struct ks_mem_region *map,
                            uint32_t count)
{
    states_fill(db->state, 0, db->frame_limit, FRAME_HOLE);
    for (uint32_t i = 0; i < count; i++) {
        struct frame_span s = usable_span(&map[i], db->frame_limit);
        states_fill(db->state, s.first, s.end, FRAME_FREE_RUN);
    }
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < count; i++) {
            if (map[i].type == KS_MEM_USABLE || type_is_boot_ram(map[i].type) != (pass == 0))
                continue;
            struct frame_span s = region_span(&map[i], db->frame_limit);
            states_fill(db->state, s.first, s.end, pass == 0 ? FRAME_BOOT : FRAME_HOLE);
        }
    }
    states_fill(db->state, db->table_base, db->table_base + db->table_frames, FRAME_TABLE);
    /* Never free, not even as released boot RAM: its address, 0, is
     * FRAME_LIST_END, and no address derived from NULL is a frame. */
    db->state[0] = FRAME_HOLE;
}

static void run_add(struct frame_db *db, uint64_t first, uint64_t end)
{
    if (first >= end)
        return;
    db->runs[db->run_count++] = (struct frame_run){ first, end };
    db->total_frames += end - first;
}

/* One run per usable range, split around the table; ascending, so the
 * last run (where single allocations start) is the highest. */
static void runs_from_map(struct frame_db *db, const struct ks_mem_region *map,
                          uint32_t count)
{
    uint64_t table_end = db->table_base + db->table_frames;
    for (uint32_t i = 0; i < count; i++) {
        struct frame_span s = usable_span(&map[i], db->frame_limit);
        if (s.first <= db->table_base && table_end <= s.end) {
            run_add(db, s.first, db->table_base);
            run_add(db, table_end, s.end);
        } else {
            run_add(db, s.first, s.end);
        }
    }
}

int frame_db_init(struct frame_db *db, const struct ks_mem_region *map, uint32_t count,
                  uint8_t *direct_map, uint64_t direct_map_size)
{
    int err = map_check(map, count);
    if (err < 0)
        return err;
    void (*corrupt)(uint64_t, const char *) = db->corrupt;
    *db = (struct frame_db){ .direct_map = direct_map, .list_head = FRAME_LIST_END,
                             .corrupt = corrupt };
    for (uint32_t i = 0; i < count; i++) {
        if (map[i].type == KS_MEM_USABLE) {
            db->usable_bytes += map[i].length;
            db->usable_ranges++;
        }
    }
    db->frame_limit = ram_frame_limit(map, count, direct_map_size >> PAGE_SHIFT);
    db->table_frames = (db->frame_limit + PAGE_SIZE - 1) >> PAGE_SHIFT;
    db->table_base = table_place(map, count, db->frame_limit, db->table_frames);
    if (db->frame_limit == 0 || db->table_base == FRAME_NONE) {
        db->frame_limit = 0;  /* nothing usable: every call refuses */
        return -KS_ERR_NO_MEMORY;
    }
    db->state = direct_map + (db->table_base << PAGE_SHIFT);
    states_from_map(db, map, count);
    runs_from_map(db, map, count);
    return 0;
}
