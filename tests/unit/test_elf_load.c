/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the loader's kernel ELF64 validation and loading
 * (arch/x86_64/loader/elf_load.c): a good three-segment image validates
 * and loads (bss zeroed, frames from the allocator), and every refusal
 * rule is hit by one small corruption of that image.
 */
#include <stdint.h>

#include "unit.h"
#include "elf_load.h"

#define BASE 0xFFFFFFFF80000000ULL
#define IMG_SIZE 0x4000

static uint8_t img[IMG_SIZE];

static void put(uint64_t off, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        img[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t phdr_at(unsigned i)
{
    return 64 + 56 * (uint64_t)i;
}

static void set_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                     uint64_t filesz, uint64_t memsz)
{
    uint64_t p = phdr_at(i);
    put(p, type, 4);
    put(p + 4, flags, 4);
    put(p + 8, off, 8);
    put(p + 16, vaddr, 8);
    put(p + 24, vaddr, 8);
    put(p + 32, filesz, 8);
    put(p + 40, memsz, 8);
    put(p + 48, 4096, 8);
}

/* text R+X at BASE (0x1000 file bytes), rodata R at +0x1000, data+bss
 * RW at +0x2000 (0x100 file bytes, 0x3000 in memory), plus a
 * non-load note header that validation must ignore. */
static void make_good(void)
{
    memset(img, 0, sizeof(img));
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = 2;
    img[5] = 1;
    img[6] = 1;
    put(16, 2, 2);
    put(18, 62, 2);
    put(20, 1, 4);
    put(24, BASE + 0x10, 8);
    put(32, 64, 8);
    put(52, 64, 2);
    put(54, 56, 2);
    put(56, 4, 2);
    set_phdr(0, 1, ELF_PF_R | ELF_PF_X, 0x1000, BASE, 0x1000, 0x1000);
    set_phdr(1, 1, ELF_PF_R, 0x2000, BASE + 0x1000, 0x800, 0x800);
    set_phdr(2, 1, ELF_PF_R | ELF_PF_W, 0x3000, BASE + 0x2000, 0x100, 0x3000);
    set_phdr(3, 4, ELF_PF_R, 0x200, 0, 0x20, 0x20);
    memset(img + 0x1000, 0xc3, 0x1000);
    memset(img + 0x3000, 0xaa, 0x100);
}

static enum elf_status check(struct elf_error *err)
{
    struct elf_kernel k;
    return elf_validate(img, IMG_SIZE, &k, err);
}

static uint8_t arena[0x20000];
static void *host_phys(uint64_t phys)
{
    return arena + (phys - 0x100000);
}

UNIT_TEST(good_image_validates_and_loads)
{
    make_good();
    struct elf_kernel k;
    struct elf_error err;
    CHECK_EQ_U(elf_validate(img, IMG_SIZE, &k, &err), ELF_OK);
    CHECK_EQ_U(k.seg_count, 3);
    CHECK_EQ_U(k.entry, BASE + 0x10);
    CHECK_EQ_U(k.virt_base, BASE);
    CHECK_EQ_U(k.seg[2].memsz, 0x3000);

    struct ks_mem_region ram = { 0x100000, sizeof(arena), KS_MEM_USABLE, 0 };
    struct palloc pa;
    palloc_init(&pa, &ram, 1);
    memset(arena, 0x55, sizeof(arena));
    CHECK_EQ_U(elf_load(img, &k, &pa, host_phys), ELF_OK);
    CHECK_EQ_U(k.seg[0].phys, 0x100000);
    CHECK_EQ_U(k.seg[1].phys, 0x101000);
    CHECK_EQ_U(k.seg[2].phys, 0x102000);
    CHECK_EQ_U(k.phys_base, 0x100000);
    CHECK_EQ_U(k.phys_end, 0x105000);
    CHECK_EQ_U(arena[0], 0xc3);
    CHECK_EQ_U(arena[0x1000], 0);
    CHECK_EQ_U(arena[0x2000], 0xaa);
    CHECK_EQ_U(arena[0x20ff], 0xaa);
    CHECK_EQ_U(arena[0x2100], 0);     /* bss zeroed */
    CHECK_EQ_U(arena[0x4fff], 0);
    CHECK_EQ_U(arena[0x5000], 0x55);  /* nothing written past the last page */
}

UNIT_TEST(load_reports_out_of_memory)
{
    make_good();
    struct elf_kernel k;
    struct elf_error err;
    CHECK_EQ_U(elf_validate(img, IMG_SIZE, &k, &err), ELF_OK);
    struct ks_mem_region ram = { 0x100000, 0x3000, KS_MEM_USABLE, 0 };
    struct palloc pa;
    palloc_init(&pa, &ram, 1);
    CHECK_EQ_U(elf_load(img, &k, &pa, host_phys), ELF_ERR_NO_MEMORY);
}

UNIT_TEST(rejects_bad_header_fields)
{
    struct elf_kernel k;
    struct elf_error err;
    make_good();
    CHECK_EQ_U(elf_validate(img, 63, &k, &err), ELF_ERR_TOO_SMALL);
    make_good(); img[1] = 'X';
    CHECK_EQ_U(check(&err), ELF_ERR_MAGIC);
    CHECK_STR(elf_status_message(ELF_ERR_MAGIC), "is not an ELF file (bad magic)");
    make_good(); img[4] = 1;
    CHECK_EQ_U(check(&err), ELF_ERR_CLASS);
    make_good(); img[5] = 2;
    CHECK_EQ_U(check(&err), ELF_ERR_ENDIAN);
    make_good(); img[6] = 0;
    CHECK_EQ_U(check(&err), ELF_ERR_VERSION);
    make_good(); put(20, 2, 4);
    CHECK_EQ_U(check(&err), ELF_ERR_VERSION);
    make_good(); put(18, 3, 2);
    CHECK_EQ_U(check(&err), ELF_ERR_MACHINE);
    CHECK_EQ_U(err.value, 3);
    make_good(); put(16, 3, 2);
    CHECK_EQ_U(check(&err), ELF_ERR_TYPE);
    make_good(); put(54, 64, 2);
    CHECK_EQ_U(check(&err), ELF_ERR_PHENTSIZE);
}

UNIT_TEST(rejects_program_headers_outside_the_file)
{
    struct elf_error err;
    make_good(); put(32, IMG_SIZE - 100, 8);
    CHECK_EQ_U(check(&err), ELF_ERR_PHDRS_OUTSIDE);
    make_good(); put(32, UINT64_MAX - 8, 8); /* offset + size would wrap */
    CHECK_EQ_U(check(&err), ELF_ERR_PHDRS_OUTSIDE);
    make_good(); put(56, 0xffff, 2);
    CHECK_EQ_U(check(&err), ELF_ERR_PHDRS_OUTSIDE);
}

UNIT_TEST(rejects_image_without_loadable_segment)
{
    struct elf_error err;
    make_good(); put(56, 0, 2);
    CHECK_EQ_U(check(&err), ELF_ERR_NO_LOAD);
    make_good();
    for (unsigned i = 0; i < 3; i++)
        put(phdr_at(i), 6, 4); /* PT_PHDR, not PT_LOAD */
    CHECK_EQ_U(check(&err), ELF_ERR_NO_LOAD);
}

UNIT_TEST(rejects_too_many_segments)
{
    struct elf_error err;
    make_good();
    put(56, ELF_MAX_SEGMENTS + 1, 2);
    for (unsigned i = 0; i <= ELF_MAX_SEGMENTS; i++)
        set_phdr(i, 1, ELF_PF_R | ELF_PF_X, 0x1000, BASE + 0x1000 * (uint64_t)i, 0x10, 0x10);
    CHECK_EQ_U(check(&err), ELF_ERR_TOO_MANY_LOADS);
}

UNIT_TEST(rejects_bad_segment_sizes_and_offsets)
{
    struct elf_error err;
    make_good(); set_phdr(1, 1, ELF_PF_R, 0x2000, BASE + 0x1000, 0x900, 0x800);
    CHECK_EQ_U(check(&err), ELF_ERR_FILESZ);
    CHECK_EQ_U(err.phdr, 1);
    make_good(); set_phdr(1, 1, ELF_PF_R, 0x3f00, BASE + 0x1000, 0x200, 0x800);
    CHECK_EQ_U(check(&err), ELF_ERR_FILE_OUTSIDE);
    make_good(); set_phdr(1, 1, ELF_PF_R, UINT64_MAX - 0x10, BASE + 0x1000, 0x100, 0x800);
    CHECK_EQ_U(check(&err), ELF_ERR_FILE_OUTSIDE);
    make_good(); set_phdr(2, 1, ELF_PF_R | ELF_PF_W, 0x3000, BASE + 0x2000, 0x100, UINT64_MAX - 0x100);
    CHECK_EQ_U(check(&err), ELF_ERR_WRAP);
    CHECK_EQ_U(err.phdr, 2);
}

UNIT_TEST(rejects_segment_below_kernel_base_or_unaligned)
{
    struct elf_error err;
    make_good(); set_phdr(1, 1, ELF_PF_R, 0x2000, 0x200000, 0x800, 0x800);
    CHECK_EQ_U(check(&err), ELF_ERR_BELOW_BASE);
    CHECK_EQ_U(err.value, 0x200000);
    make_good(); set_phdr(1, 1, ELF_PF_R, 0x2000, BASE + 0x1100, 0x800, 0x800);
    CHECK_EQ_U(check(&err), ELF_ERR_UNALIGNED);
}

UNIT_TEST(rejects_overlapping_segments)
{
    struct elf_error err;
    make_good(); set_phdr(1, 1, ELF_PF_R, 0x2000, BASE, 0x800, 0x800);
    CHECK_EQ_U(check(&err), ELF_ERR_OVERLAP);
    CHECK_EQ_U(err.phdr, 1);
    CHECK_EQ_U(err.other, 0);
    /* text is 0x1000 bytes: a segment in the same page as its tail overlaps too */
    make_good(); set_phdr(0, 1, ELF_PF_R | ELF_PF_X, 0x1000, BASE, 0x1000, 0x1001);
    CHECK_EQ_U(check(&err), ELF_ERR_OVERLAP);
}

UNIT_TEST(rejects_writable_and_executable_segment)
{
    struct elf_error err;
    make_good(); set_phdr(2, 1, ELF_PF_R | ELF_PF_W | ELF_PF_X, 0x3000, BASE + 0x2000, 0x100, 0x3000);
    CHECK_EQ_U(check(&err), ELF_ERR_WX);
    CHECK_EQ_U(err.phdr, 2);
}

UNIT_TEST(rejects_entry_outside_executable_segments)
{
    struct elf_error err;
    make_good(); put(24, BASE + 0x1010, 8); /* inside rodata: not executable */
    CHECK_EQ_U(check(&err), ELF_ERR_ENTRY);
    make_good(); put(24, BASE + 0x1000, 8); /* one past text */
    CHECK_EQ_U(check(&err), ELF_ERR_ENTRY);
    make_good(); put(24, 0, 8);
    CHECK_EQ_U(check(&err), ELF_ERR_ENTRY);
}

UNIT_TEST(every_status_has_a_message)
{
    for (int s = ELF_OK; s <= ELF_ERR_NO_MEMORY; s++)
        CHECK(strcmp(elf_status_message((enum elf_status)s), "is not a valid kernel") != 0);
}

UNIT_MAIN(UNIT_CASE(good_image_validates_and_loads), UNIT_CASE(load_reports_out_of_memory),
          UNIT_CASE(rejects_bad_header_fields),
          UNIT_CASE(rejects_program_headers_outside_the_file),
          UNIT_CASE(rejects_image_without_loadable_segment),
          UNIT_CASE(rejects_too_many_segments),
          UNIT_CASE(rejects_bad_segment_sizes_and_offsets),
          UNIT_CASE(rejects_segment_below_kernel_base_or_unaligned),
          UNIT_CASE(rejects_overlapping_segments),
          UNIT_CASE(rejects_writable_and_executable_segment),
          UNIT_CASE(rejects_entry_outside_executable_segments),
          UNIT_CASE(every_status_has_a_message))
