/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the loader's memory-map normalisation
 * (arch/x86_64/loader/memmap.c) and boot page allocator (palloc.c):
 * sorting, overlaps and precedence, page alignment in both directions,
 * merging, odd inputs, the overflow policy, and allocation limits.
 */
#include <stdint.h>

#include "unit.h"
#include "memmap.h"
#include "palloc.h"

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

static struct memmap_point scratch[4096];

static size_t normalise(const struct ks_mem_region *in, size_t n, struct ks_mem_region *out,
                        size_t max, struct memmap_stats *st)
{
    return memmap_normalise(in, n, out, max, scratch, st);
}

/* The invariants boot_info.h promises, checked on any result. */
static int map_is_wellformed(const struct ks_mem_region *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (m[i].base % 4096 || m[i].length % 4096 || m[i].length == 0)
            return 0;
        if (i > 0 && m[i - 1].base + m[i - 1].length > m[i].base)
            return 0;
        if (i > 0 && m[i - 1].base + m[i - 1].length == m[i].base &&
            m[i - 1].type == m[i].type)
            return 0; /* should have been merged */
    }
    return 1;
}

UNIT_TEST(unsorted_input_comes_out_sorted)
{
    struct ks_mem_region in[] = {
        { 0x100000, 0x700000, KS_MEM_USABLE, 0 },
        { 0xf0000, 0x10000, KS_MEM_RESERVED, 0 },
        { 0, 0x9f000, KS_MEM_USABLE, 0 },
    }, out[8];
    struct memmap_stats st;
    size_t n = normalise(in, 3, out, 8, &st);
    CHECK_EQ_U(n, 3);
    CHECK(map_is_wellformed(out, n));
    CHECK_EQ_U(out[0].base, 0);
    CHECK_EQ_U(out[1].base, 0xf0000);
    CHECK_EQ_U(out[2].base, 0x100000);
    CHECK_EQ_U(out[2].length, 0x700000);
}

UNIT_TEST(overlap_takes_the_more_restrictive_type)
{
    struct ks_mem_region in[] = {
        { 0, 16 * MIB, KS_MEM_USABLE, 0 },
        { 2 * MIB, 2 * MIB, KS_MEM_KERNEL, 0 },
        { 3 * MIB, 4 * MIB, KS_MEM_RESERVED, 0 }, /* overlaps the kernel: kernel wins */
        { 8 * MIB, 1 * MIB, KS_MEM_ACPI_RECLAIM, 0 },
        { 8 * MIB, 4096, KS_MEM_ACPI_NVS, 0 },
    }, out[16];
    struct memmap_stats st;
    size_t n = normalise(in, 5, out, 16, &st);
    CHECK(map_is_wellformed(out, n));
    CHECK_EQ_U(n, 7);
    CHECK_EQ_U(out[0].type, KS_MEM_USABLE);
    CHECK_EQ_U(out[0].length, 2 * MIB);
    CHECK_EQ_U(out[1].type, KS_MEM_KERNEL);
    CHECK_EQ_U(out[1].length, 2 * MIB);
    CHECK_EQ_U(out[2].type, KS_MEM_RESERVED);
    CHECK_EQ_U(out[2].base, 4 * MIB);
    CHECK_EQ_U(out[2].length, 3 * MIB);
    CHECK_EQ_U(out[3].type, KS_MEM_USABLE);
    CHECK_EQ_U(out[4].type, KS_MEM_ACPI_NVS);
    CHECK_EQ_U(out[4].length, 4096);
    CHECK_EQ_U(out[5].type, KS_MEM_ACPI_RECLAIM);
    CHECK_EQ_U(out[6].type, KS_MEM_USABLE);
    CHECK_EQ_U(out[6].base + out[6].length, 16 * MIB);
}

UNIT_TEST(usable_shrinks_inward_and_others_grow_outward)
{
    struct ks_mem_region in[] = {
        { 0x1234, 0x8000, KS_MEM_USABLE, 0 },      /* 0x1234..0x9234 -> 0x2000..0x9000 */
        { 0x20010, 0x10, KS_MEM_RESERVED, 0 },     /* -> 0x20000..0x21000 */
        { 0x20000, 0x3000, KS_MEM_USABLE, 0 },     /* loses the shared page */
        { 0x30800, 0x400, KS_MEM_USABLE, 0 },      /* less than a page: vanishes */
    }, out[8];
    struct memmap_stats st;
    size_t n = normalise(in, 4, out, 8, &st);
    CHECK(map_is_wellformed(out, n));
    CHECK_EQ_U(n, 3);
    CHECK_EQ_U(out[0].base, 0x2000);
    CHECK_EQ_U(out[0].length, 0x7000);
    CHECK_EQ_U(out[1].base, 0x20000);
    CHECK_EQ_U(out[1].length, 0x1000);
    CHECK_EQ_U(out[1].type, KS_MEM_RESERVED);
    CHECK_EQ_U(out[2].base, 0x21000);
    CHECK_EQ_U(out[2].length, 0x2000);
    CHECK_EQ_U(st.ignored, 1);
}

UNIT_TEST(adjacent_and_overlapping_same_type_merge)
{
    struct ks_mem_region in[] = {
        { 0x100000, 0x100000, KS_MEM_USABLE, 0 },
        { 0x200000, 0x100000, KS_MEM_USABLE, 0 },
        { 0x280000, 0x100000, KS_MEM_USABLE, 0 },
        { 0x500000, 0x1000, KS_MEM_MODULE, 0 },
        { 0x501000, 0x1000, KS_MEM_MODULE, 0 },
    }, out[8];
    struct memmap_stats st;
    size_t n = normalise(in, 5, out, 8, &st);
    CHECK(map_is_wellformed(out, n));
    CHECK_EQ_U(n, 2);
    CHECK_EQ_U(out[0].length, 0x280000);
    CHECK_EQ_U(out[1].length, 0x2000);
}

UNIT_TEST(odd_inputs_zero_length_unknown_type_and_wrap)
{
    struct ks_mem_region in[] = {
        { 0x5000, 0, KS_MEM_RESERVED, 0 },
        { 0x6000, 0x1000, 99, 0 },                       /* unknown type: reserved */
        { UINT64_MAX - 0x1fff, 0x10000, KS_MEM_RESERVED, 0 }, /* wraps: clipped */
    }, out[8];
    struct memmap_stats st;
    size_t n = normalise(in, 3, out, 8, &st);
    CHECK(map_is_wellformed(out, n));
    CHECK_EQ_U(n, 2);
    CHECK_EQ_U(out[0].type, KS_MEM_RESERVED);
    CHECK_EQ_U(out[1].base, UINT64_MAX - 0x1fff);
    CHECK_EQ_U(out[1].base + out[1].length, UINT64_MAX - 0xfff);
    CHECK_EQ_U(st.ignored, 1);
}

UNIT_TEST(overflow_drops_smallest_firmware_regions_keeps_handover)
{
    static struct ks_mem_region in[400], out[KS_BOOT_MAX_MEM];
    size_t n = 0;
    for (uint64_t i = 0; i < 300; i++) /* alternating usable / reserved, 600 regions */
        in[n++] = (struct ks_mem_region){ i * 2 * MIB, (i % 7 + 1) * 4096,
                                          i % 2 ? KS_MEM_RESERVED : KS_MEM_USABLE, 0 };
    in[n++] = (struct ks_mem_region){ 0x80000000ULL, 2 * MIB, KS_MEM_KERNEL, 0 };
    in[n++] = (struct ks_mem_region){ 0x90000000ULL, 4096, KS_MEM_PAGE_TABLES, 0 };
    in[n++] = (struct ks_mem_region){ 0xa0000000ULL, 4096, KS_MEM_MODULE, 0 };
    struct memmap_stats st;
    size_t got = normalise(in, n, out, KS_BOOT_MAX_MEM, &st);
    CHECK_EQ_U(got, KS_BOOT_MAX_MEM);
    CHECK(map_is_wellformed(out, got));
    CHECK_EQ_U(st.needed, 303);
    CHECK_EQ_U(st.dropped, 303 - KS_BOOT_MAX_MEM);
    CHECK_EQ_U(st.lost, 0);
    int handover = 0;
    uint64_t smallest_kept = UINT64_MAX;
    for (size_t i = 0; i < got; i++) {
        if (out[i].type >= KS_MEM_FRAMEBUFFER)
            handover++;
        else if (out[i].length < smallest_kept)
            smallest_kept = out[i].length;
    }
    CHECK_EQ_U(handover, 3);
    CHECK(smallest_kept >= 2 * 4096); /* the 1-page ones went first */
}

UNIT_TEST(overflow_of_handover_regions_alone_is_reported)
{
    static struct ks_mem_region in[20], out[4];
    for (uint64_t i = 0; i < 6; i++)
        in[i] = (struct ks_mem_region){ i * MIB, 4096, KS_MEM_MODULE, 0 };
    struct memmap_stats st;
    size_t got = normalise(in, 6, out, 4, &st);
    CHECK_EQ_U(got, 4);
    CHECK_EQ_U(st.lost, 2);
}

UNIT_TEST(usable_bytes_and_top)
{
    struct ks_mem_region m[] = {
        { 0, 0x9f000, KS_MEM_USABLE, 0 },
        { 0x100000, 0x100000, KS_MEM_USABLE, 0 },
        { 0x200000, 0x1000, KS_MEM_ACPI_RECLAIM, 0 },
        { 0xfd00000000ULL, GIB, KS_MEM_RESERVED, 0 },
    };
    CHECK_EQ_U(memmap_usable_bytes(m, 4), 0x9f000 + 0x100000);
    CHECK_EQ_U(memmap_top(m, 4), 0x201000);
}

UNIT_TEST(palloc_uses_only_usable_ram_between_1mib_and_4gib)
{
    struct ks_mem_region m[] = {
        { 0, 0x9f000, KS_MEM_USABLE, 0 },
        { 0x100000, 0x300000, KS_MEM_USABLE, 0 },
        { 0x400000, 0x100000, KS_MEM_RESERVED, 0 },
        { 0xfff00000ULL, 0x200000, KS_MEM_USABLE, 0 },  /* straddles 4 GiB */
        { 5 * GIB, GIB, KS_MEM_USABLE, 0 },
    };
    struct palloc pa;
    palloc_init(&pa, m, 5);
    CHECK_EQ_U(pa.count, 2);
    CHECK_EQ_U(palloc_free_bytes(&pa), 0x300000 + 0x100000);
    CHECK_EQ_U(palloc_alloc(&pa, 1), 0x100000);
    CHECK_EQ_U(palloc_alloc(&pa, 0x2ff), 0x101000);
    CHECK_EQ_U(palloc_alloc(&pa, 1), 0xfff00000ULL);
    CHECK_EQ_U(palloc_alloc(&pa, 0x100), 0); /* only 0xff pages left */
    CHECK_EQ_U(palloc_alloc(&pa, 0xff), 0xfff01000ULL);
    CHECK_EQ_U(palloc_alloc(&pa, 1), 0);
    CHECK_EQ_U(palloc_alloc(&pa, 0), 0);
}

UNIT_TEST(palloc_never_returns_reserved_ranges)
{
    struct ks_mem_region m[] = { { 0x100000, 0x1000000, KS_MEM_USABLE, 0 } };
    struct palloc pa;
    palloc_init(&pa, m, 1);
    palloc_reserve(&pa, 0x100000, 0x118123);  /* loader: rounds out to 0x119000 */
    palloc_reserve(&pa, 0x200800, 0x200900);  /* info structure inside a page */
    palloc_reserve(&pa, 0x400000, 0x500000);  /* a module */
    CHECK_EQ_U(pa.count, 3);
    for (;;) {
        uint64_t p = palloc_alloc(&pa, 1);
        if (p == 0)
            break;
        CHECK(p >= 0x119000);
        CHECK(p < 0x200000 || p >= 0x201000);
        CHECK(p < 0x400000 || p >= 0x500000);
        CHECK(p < 0x1100000);
    }
    CHECK_EQ_U(palloc_free_bytes(&pa), 0);
}

UNIT_TEST(palloc_contiguous_runs_skip_too_small_holes)
{
    struct ks_mem_region m[] = { { 0x100000, 0x400000, KS_MEM_USABLE, 0 } };
    struct palloc pa;
    palloc_init(&pa, m, 1);
    palloc_reserve(&pa, 0x102000, 0x103000);
    CHECK_EQ_U(palloc_alloc(&pa, 4), 0x103000); /* the 2-page hole is too small */
    CHECK_EQ_U(palloc_alloc(&pa, 2), 0x100000);
}

UNIT_MAIN(UNIT_CASE(unsorted_input_comes_out_sorted),
          UNIT_CASE(overlap_takes_the_more_restrictive_type),
          UNIT_CASE(usable_shrinks_inward_and_others_grow_outward),
          UNIT_CASE(adjacent_and_overlapping_same_type_merge),
          UNIT_CASE(odd_inputs_zero_length_unknown_type_and_wrap),
          UNIT_CASE(overflow_drops_smallest_firmware_regions_keeps_handover),
          UNIT_CASE(overflow_of_handover_regions_alone_is_reported),
          UNIT_CASE(usable_bytes_and_top),
          UNIT_CASE(palloc_uses_only_usable_ram_between_1mib_and_4gib),
          UNIT_CASE(palloc_never_returns_reserved_ranges),
          UNIT_CASE(palloc_contiguous_runs_skip_too_small_holes))
