/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the loader's Multiboot2 reader (arch/x86_64/loader/mb2.c):
 * synthetic information structures, good and malformed (truncated, a tag
 * past the end, misaligned, no end tag, bad strings, no memory map), plus
 * the memory-map translation and command-line word matching.
 */
#include <stdint.h>

#include "unit.h"
#include "mb2.h"

/* Builds an information structure in an 8-byte aligned buffer. */
struct builder {
    uint64_t words[1024];
    uint32_t len;
};

static uint8_t *b_bytes(struct builder *b)
{
    return (uint8_t *)b->words;
}

static void b_init(struct builder *b)
{
    memset(b, 0, sizeof(*b));
    b->len = 8;
}

static void b_put(struct builder *b, const void *data, uint32_t n)
{
    memcpy(b_bytes(b) + b->len, data, n);
    b->len += n;
}

static void b_u32(struct builder *b, uint32_t v) { b_put(b, &v, 4); }
static void b_u64(struct builder *b, uint64_t v) { b_put(b, &v, 8); }

/* Starts a tag; returns its offset so b_end_tag can patch the size. */
static uint32_t b_tag(struct builder *b, uint32_t type)
{
    uint32_t at = b->len;
    b_u32(b, type);
    b_u32(b, 0);
    return at;
}

static void b_close(struct builder *b, uint32_t at)
{
    uint32_t size = b->len - at;
    memcpy(b_bytes(b) + at + 4, &size, 4);
    b->len = (b->len + 7) & ~7u;
}

static void b_string_tag(struct builder *b, uint32_t type, const char *s)
{
    uint32_t at = b_tag(b, type);
    b_put(b, s, (uint32_t)strlen(s) + 1);
    b_close(b, at);
}

static void b_module(struct builder *b, uint32_t start, uint32_t end, const char *name)
{
    uint32_t at = b_tag(b, MB2_TAG_MODULE);
    b_u32(b, start);
    b_u32(b, end);
    b_put(b, name, (uint32_t)strlen(name) + 1);
    b_close(b, at);
}

static void b_mmap(struct builder *b, const uint64_t (*e)[3], int n)
{
    uint32_t at = b_tag(b, MB2_TAG_MMAP);
    b_u32(b, 24);
    b_u32(b, 0);
    for (int i = 0; i < n; i++) {
        b_u64(b, e[i][0]);
        b_u64(b, e[i][1]);
        b_u32(b, (uint32_t)e[i][2]);
        b_u32(b, 0);
    }
    b_close(b, at);
}

static void b_finish(struct builder *b)
{
    uint32_t at = b_tag(b, MB2_TAG_END);
    b_close(b, at);
    memcpy(b_bytes(b), &b->len, 4);
}

static const uint64_t three_regions[][3] = {
    { 0x0, 0x9fc00, 1 }, { 0xf0000, 0x10000, 2 }, { 0x100000, 0x7f00000, 1 },
};

static void b_typical(struct builder *b)
{
    b_init(b);
    b_string_tag(b, MB2_TAG_CMDLINE, "exit log=debug");
    b_string_tag(b, MB2_TAG_LOADER_NAME, "GRUB 2.06");
    b_module(b, 0x200000, 0x210000, "kernel");
    b_module(b, 0x210000, 0x211000, "initrd");
    uint32_t at = b_tag(b, MB2_TAG_BASIC_MEMINFO);
    b_u32(b, 639);
    b_u32(b, 130048);
    b_close(b, at);
    b_mmap(b, three_regions, 3);
    at = b_tag(b, 999); /* unknown: skipped */
    b_u64(b, 0x1122334455667788ULL);
    b_close(b, at);
}

UNIT_TEST(parse_reads_every_known_tag)
{
    struct builder b;
    b_typical(&b);
    uint32_t at = b_tag(&b, MB2_TAG_FRAMEBUFFER);
    b_u64(&b, 0xfd000000ULL);
    b_u32(&b, 4096);
    b_u32(&b, 1024);
    b_u32(&b, 768);
    uint8_t fb_tail[] = { 32, MB2_FB_RGB, 0, 0, 16, 8, 8, 8, 0, 8 };
    b_put(&b, fb_tail, sizeof(fb_tail));
    b_close(&b, at);
    at = b_tag(&b, MB2_TAG_ACPI_NEW);
    uint8_t rsdp2[36] = "RSD PTR new";
    b_put(&b, rsdp2, 36);
    b_close(&b, at);
    at = b_tag(&b, MB2_TAG_ACPI_OLD); /* after the new one: must not replace it */
    uint8_t rsdp1[20] = "RSD PTR old";
    b_put(&b, rsdp1, 20);
    b_close(&b, at);
    at = b_tag(&b, MB2_TAG_EFI64);
    b_u64(&b, 0x7fe00000ULL);
    b_close(&b, at);
    b_finish(&b);

    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_OK);
    CHECK_EQ_U(info.total_size, b.len);
    CHECK_STR(info.cmdline, "exit log=debug");
    CHECK_STR(info.loader_name, "GRUB 2.06");
    CHECK_EQ_U(info.module_count, 2);
    CHECK_STR(info.modules[0].name, "kernel");
    CHECK_EQ_U(info.modules[0].start, 0x200000);
    CHECK_EQ_U(info.modules[1].end, 0x211000);
    CHECK(info.has_meminfo);
    CHECK_EQ_U(info.mem_upper_kib, 130048);
    CHECK_EQ_U(info.mmap_count, 3);
    CHECK(info.has_fb);
    CHECK_EQ_U(info.fb_addr, 0xfd000000ULL);
    CHECK_EQ_U(info.fb_width, 1024);
    CHECK_EQ_U(info.fb_bpp, 32);
    CHECK_EQ_U(info.fb_type, MB2_FB_RGB);
    CHECK_EQ_U(info.fb_red_pos, 16);
    CHECK_EQ_U(info.fb_blue_size, 8);
    CHECK_EQ_U(info.rsdp_length, 36);
    CHECK(memcmp(info.rsdp, "RSD PTR new", 11) == 0);
    CHECK(info.has_efi_system_table);
    CHECK_EQ_U(info.efi_system_table, 0x7fe00000ULL);
}

UNIT_TEST(parse_takes_old_rsdp_when_no_new_one)
{
    struct builder b;
    b_typical(&b);
    uint32_t at = b_tag(&b, MB2_TAG_ACPI_OLD);
    uint8_t rsdp1[20] = "RSD PTR old";
    b_put(&b, rsdp1, 20);
    b_close(&b, at);
    b_finish(&b);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_OK);
    CHECK_EQ_U(info.rsdp_length, 20);
    CHECK(!info.has_fb);
    CHECK(!info.has_efi_system_table);
}

UNIT_TEST(raw_regions_translate_memory_map_types)
{
    struct builder b;
    b_init(&b);
    static const uint64_t e[][3] = {
        { 0, 0x1000, 1 }, { 0x1000, 0x1000, 3 }, { 0x2000, 0x1000, 4 },
        { 0x3000, 0x1000, 5 }, { 0x4000, 0x1000, 2 }, { 0x5000, 0x1000, 77 },
    };
    b_mmap(&b, e, 6);
    b_finish(&b);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_OK);
    struct ks_mem_region r[8];
    size_t dropped;
    CHECK_EQ_U(mb2_raw_regions(&info, r, 8, &dropped), 6);
    CHECK_EQ_U(dropped, 0);
    CHECK_EQ_U(r[0].type, KS_MEM_USABLE);
    CHECK_EQ_U(r[1].type, KS_MEM_ACPI_RECLAIM);
    CHECK_EQ_U(r[2].type, KS_MEM_ACPI_NVS);
    CHECK_EQ_U(r[3].type, KS_MEM_BAD);
    CHECK_EQ_U(r[4].type, KS_MEM_RESERVED);
    CHECK_EQ_U(r[5].type, KS_MEM_RESERVED);
    CHECK_EQ_U(r[5].base, 0x5000);
    CHECK_EQ_U(mb2_raw_regions(&info, r, 4, &dropped), 4);
    CHECK_EQ_U(dropped, 2);
}

UNIT_TEST(efi_memory_map_is_counted_and_used_without_mmap_tag)
{
    struct builder b;
    b_init(&b);
    uint32_t at = b_tag(&b, MB2_TAG_EFI_MMAP);
    b_u32(&b, 48); /* descriptor size larger than the 40-byte struct, as firmware does */
    b_u32(&b, 1);
    static const uint64_t d[][3] = { { 7, 0x100000, 256 }, { 10, 0x200000, 1 }, { 3, 0x300000, 16 } };
    for (int i = 0; i < 3; i++) {
        b_u32(&b, (uint32_t)d[i][0]);
        b_u32(&b, 0);
        b_u64(&b, d[i][1]);
        b_u64(&b, 0);
        b_u64(&b, d[i][2]);
        b_u64(&b, 0xf);
        b_u64(&b, 0);
    }
    b_close(&b, at);
    b_finish(&b);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_OK);
    CHECK(info.mmap == NULL);
    CHECK_EQ_U(info.efi_mmap_count, 3);
    struct ks_mem_region r[4];
    size_t dropped;
    CHECK_EQ_U(mb2_raw_regions(&info, r, 4, &dropped), 3);
    CHECK_EQ_U(r[0].base, 0x100000);
    CHECK_EQ_U(r[0].length, 0x100000);
    CHECK_EQ_U(r[0].type, KS_MEM_USABLE);
    CHECK_EQ_U(r[1].type, KS_MEM_ACPI_NVS);
    CHECK_EQ_U(r[2].type, KS_MEM_USABLE); /* boot-services code is free after exit */
    CHECK_EQ_U(r[2].length, 16 * 4096);
}

UNIT_TEST(no_memory_map_parses_but_yields_no_regions)
{
    struct builder b;
    b_init(&b);
    b_string_tag(&b, MB2_TAG_CMDLINE, "");
    b_finish(&b);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_OK);
    struct ks_mem_region r[4];
    size_t dropped;
    CHECK_EQ_U(mb2_raw_regions(&info, r, 4, &dropped), 0);
    CHECK(!info.has_meminfo);
}

UNIT_TEST(rejects_null_and_misaligned_info)
{
    struct builder b;
    b_typical(&b);
    b_finish(&b);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(NULL, &info, &err), MB2_ERR_NULL);
    CHECK_EQ_U(mb2_parse(b_bytes(&b) + 4, &info, &err), MB2_ERR_MISALIGNED_INFO);
}

UNIT_TEST(rejects_insane_total_size)
{
    struct builder b;
    b_typical(&b);
    b_finish(&b);
    struct mb2_info info;
    struct mb2_error err;
    uint32_t bad[] = { 0, 8, 12, MB2_MAX_TOTAL_SIZE + 8, b.len + 4 };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(b_bytes(&b), &bad[i], 4);
        CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_ERR_TOTAL_SIZE);
    }
}

UNIT_TEST(rejects_truncated_structure_without_end_tag)
{
    struct builder b;
    b_typical(&b);
    uint32_t cut = b.len; /* total size stops before the end tag */
    b_finish(&b);
    memcpy(b_bytes(&b), &cut, 4);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_ERR_NO_END_TAG);
}

UNIT_TEST(rejects_tag_running_past_the_end)
{
    struct builder b;
    b_init(&b);
    uint32_t at = b_tag(&b, MB2_TAG_CMDLINE);
    b_put(&b, "abc", 4);
    b_close(&b, at);
    b_finish(&b);
    uint32_t huge = 4096;
    memcpy(b_bytes(&b) + at + 4, &huge, 4);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_ERR_TAG_PAST_END);
    CHECK_EQ_U(err.offset, at);
    CHECK_EQ_U(err.type, MB2_TAG_CMDLINE);
}

UNIT_TEST(rejects_tag_smaller_than_its_header_or_type)
{
    struct builder b;
    b_init(&b);
    uint32_t at = b_tag(&b, 42);
    b_close(&b, at);
    b_finish(&b);
    uint32_t tiny = 4;
    memcpy(b_bytes(&b) + at + 4, &tiny, 4);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_ERR_TAG_TOO_SMALL);

    b_init(&b);
    at = b_tag(&b, MB2_TAG_MODULE);
    b_u32(&b, 0x1000);
    b_close(&b, at);
    b_finish(&b);
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_ERR_MODULE);

    b_init(&b);
    at = b_tag(&b, MB2_TAG_FRAMEBUFFER);
    b_u64(&b, 0xb8000);
    b_close(&b, at);
    b_finish(&b);
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_ERR_FRAMEBUFFER);
}

UNIT_TEST(rejects_unterminated_string_and_backwards_module)
{
    struct builder b;
    b_init(&b);
    uint32_t at = b_tag(&b, MB2_TAG_CMDLINE);
    b_put(&b, "12345678", 8); /* no NUL inside the tag */
    b_close(&b, at);
    b_finish(&b);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_ERR_STRING);

    b_init(&b);
    b_module(&b, 0x300000, 0x200000, "kernel");
    b_finish(&b);
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_ERR_MODULE);
}

UNIT_TEST(rejects_bad_memory_map_entry_size)
{
    struct builder b;
    b_init(&b);
    uint32_t at = b_tag(&b, MB2_TAG_MMAP);
    b_u32(&b, 20);
    b_u32(&b, 0);
    b_close(&b, at);
    b_finish(&b);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_ERR_MMAP);
    CHECK(strlen(mb2_status_message(MB2_ERR_MMAP)) > 0);
}

UNIT_TEST(extra_modules_are_counted_not_overflowed)
{
    struct builder b;
    b_init(&b);
    for (int i = 0; i < MB2_MAX_MODULES + 3; i++)
        b_module(&b, 0x100000 * (uint32_t)(i + 1), 0x100000 * (uint32_t)(i + 1) + 10, "m");
    b_finish(&b);
    struct mb2_info info;
    struct mb2_error err;
    CHECK_EQ_U(mb2_parse(b.words, &info, &err), MB2_OK);
    CHECK_EQ_U(info.module_count, MB2_MAX_MODULES);
    CHECK_EQ_U(info.modules_dropped, 3);
}

UNIT_TEST(cmdline_word_matching_is_exact)
{
    CHECK(mb2_cmdline_has_word("exit", "exit"));
    CHECK(mb2_cmdline_has_word("log=debug  ktest", "ktest"));
    CHECK(mb2_cmdline_has_word(" exit ", "exit"));
    CHECK(!mb2_cmdline_has_word("exited", "exit"));
    CHECK(!mb2_cmdline_has_word("noexit", "exit"));
    CHECK(!mb2_cmdline_has_word("", "exit"));
    CHECK(!mb2_cmdline_has_word(NULL, "exit"));
}

UNIT_MAIN(UNIT_CASE(parse_reads_every_known_tag), UNIT_CASE(parse_takes_old_rsdp_when_no_new_one),
          UNIT_CASE(raw_regions_translate_memory_map_types),
          UNIT_CASE(efi_memory_map_is_counted_and_used_without_mmap_tag),
          UNIT_CASE(no_memory_map_parses_but_yields_no_regions),
          UNIT_CASE(rejects_null_and_misaligned_info), UNIT_CASE(rejects_insane_total_size),
          UNIT_CASE(rejects_truncated_structure_without_end_tag),
          UNIT_CASE(rejects_tag_running_past_the_end),
          UNIT_CASE(rejects_tag_smaller_than_its_header_or_type),
          UNIT_CASE(rejects_unterminated_string_and_backwards_module),
          UNIT_CASE(rejects_bad_memory_map_entry_size),
          UNIT_CASE(extra_modules_are_counted_not_overflowed),
          UNIT_CASE(cmdline_word_matching_is_exact))
