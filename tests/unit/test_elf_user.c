/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the user-program ELF64 validation (kernel/proc/
 * elf_user.c): a good two-segment image passes and decodes; every
 * refusal rule is hit by one small change of that image and names its
 * own reason; other header types are ignored; and thousands of
 * truncated, random and bit-flipped images are judged without a read
 * outside the image (each lies in a heap block of exactly its size, so
 * AddressSanitizer stops any such read), while every image that passes
 * keeps the promises the loader relies on.
 */
#include <stdint.h>
#include "unit.h"
#include "kestrel/errors.h"
#include "proc/elf_user.h"
#include "proc/user_layout.h"

#define IMG_SIZE   0x3000
#define TEXT_VADDR 0x400000ULL
#define DATA_VADDR 0x402000ULL
#define PT_LOAD    1u
#define PT_DYNAMIC 2u
#define PT_INTERP  3u
#define PT_NOTE    4u
#define PT_GNU_STACK 0x6474e551u
#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

static uint8_t img[IMG_SIZE];

static void put(uint64_t off, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        img[off + i] = (uint8_t)(value >> (8 * i));
}

static uint64_t phdr_at(unsigned i)
{
    return 64 + 56 * (uint64_t)i;
}

static void set_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                     uint64_t filesz, uint64_t memsz, uint64_t align)
{
    uint64_t p = phdr_at(i);
    put(p, type, 4);
    put(p + 4, flags, 4);
    put(p + 8, off, 8);
    put(p + 16, vaddr, 8);
    put(p + 24, vaddr, 8);
    put(p + 32, filesz, 8);
    put(p + 40, memsz, 8);
    put(p + 48, align, 8);
}

/* Text (R+X) from file offset 0 at TEXT_VADDR, 0x1800 bytes; data (R+W)
 * from 0x2000 at DATA_VADDR, 0x100 file bytes and 0x3000 in memory;
 * a PT_GNU_STACK header, ignored. */
static void make_good(void)
{
    memset(img, 0, sizeof(img));
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = 2;                       /* ELFCLASS64 */
    img[5] = 1;                       /* little-endian */
    img[6] = 1;                       /* EV_CURRENT */
    put(16, 2, 2);                    /* ET_EXEC */
    put(18, 62, 2);                   /* EM_X86_64 */
    put(20, 1, 4);
    put(24, TEXT_VADDR + 0x100, 8);   /* entry */
    put(32, 64, 8);                   /* phoff */
    put(52, 64, 2);
    put(54, 56, 2);
    put(56, 3, 2);                    /* phnum */
    set_phdr(0, PT_LOAD, PF_R | PF_X, 0, TEXT_VADDR, 0x1800, 0x1800, 0x1000);
    set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x100, 0x3000, 0x1000);
    set_phdr(2, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
    for (unsigned i = 0x100; i < 0x1800; i++)
        img[i] = (uint8_t)(i * 7);
    for (unsigned i = 0x2000; i < 0x2100; i++)
        img[i] = (uint8_t)(i * 13);
}

/* The image's first size bytes in a heap block of exactly that size. */
static int check_copy(const uint8_t *bytes, size_t size, struct elf_user_info *info,
                      const char **why)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, bytes, size);
    int err = elf_user_check(copy, size, info, why);
    free(copy);
    return err;
}

static const char *refusal(void)
{
    const char *why = "(none)";
    struct elf_user_info info;
    int err = check_copy(img, sizeof(img), &info, &why);
    return err == -KS_ERR_CORRUPT ? why : err == 0 ? "(accepted)" : "(other error)";
}

UNIT_TEST(good_image_passes_and_decodes)
{
    make_good();
    struct elf_user_info info;
    const char *why = NULL;
    CHECK(check_copy(img, sizeof(img), &info, &why) == 0);
    CHECK_EQ_U(info.entry, TEXT_VADDR + 0x100);
    CHECK_EQ_U(info.phnum, 3);
    CHECK_EQ_U(info.loads, 2);
    struct elf_user_segment seg;
    CHECK(elf_user_segment(img, sizeof(img), 0, &seg, &why) == 1);
    CHECK_EQ_U(seg.vaddr, TEXT_VADDR);
    CHECK_EQ_U(seg.filesz, 0x1800);
    CHECK(seg.executable && !seg.writable);
    CHECK_EQ_U(elf_user_segment_first_page(&seg), TEXT_VADDR);
    CHECK_EQ_U(elf_user_segment_end_page(&seg), TEXT_VADDR + 0x2000);
    CHECK(elf_user_segment(img, sizeof(img), 1, &seg, &why) == 1);
    CHECK_EQ_U(seg.offset, 0x2000);
    CHECK_EQ_U(seg.memsz, 0x3000);
    CHECK(seg.writable && !seg.executable);
    CHECK(elf_user_segment(img, sizeof(img), 2, &seg, &why) == 0);
    CHECK(elf_user_segment(img, sizeof(img), 3, &seg, &why) == -KS_ERR_CORRUPT);
    CHECK_STR(why, "no such program header");
}

UNIT_TEST(image_at_odd_address_passes)
{
    make_good();
    static uint8_t shifted[IMG_SIZE + 1];
    memcpy(shifted + 1, img, sizeof(img));
    struct elf_user_info info;
    CHECK(elf_user_check(shifted + 1, sizeof(img), &info, NULL) == 0);
    CHECK_EQ_U(info.entry, TEXT_VADDR + 0x100);
}

UNIT_TEST(header_refusals_name_their_reason)
{
    make_good(); img[1] = 'X';      CHECK_STR(refusal(), "not an ELF file");
    make_good(); img[4] = 1;        CHECK_STR(refusal(), "not ELF64");
    make_good(); img[5] = 2;        CHECK_STR(refusal(), "not little-endian");
    make_good(); img[6] = 0;        CHECK_STR(refusal(), "unknown ELF version");
    make_good(); put(20, 2, 4);     CHECK_STR(refusal(), "unknown ELF version");
    make_good(); put(16, 3, 2);     CHECK_STR(refusal(), "not an executable");   /* ET_DYN */
    make_good(); put(18, 3, 2);     CHECK_STR(refusal(), "not for x86_64");      /* EM_386 */
    make_good(); put(54, 32, 2);    CHECK_STR(refusal(), "bad program header size");
    make_good(); put(56, 0, 2);     CHECK_STR(refusal(), "bad program header count");
    make_good(); put(56, 65, 2);    CHECK_STR(refusal(), "bad program header count");
    make_good(); put(56, 0xFFFF, 2); CHECK_STR(refusal(), "bad program header count");
    make_good(); put(32, IMG_SIZE - 100, 8);
    CHECK_STR(refusal(), "program headers outside the file");
    make_good(); put(32, ~0ULL - 8, 8);
    CHECK_STR(refusal(), "program headers outside the file");
    make_good();
    const char *why = NULL;
    CHECK(elf_user_check(img, 63, NULL, &why) == -KS_ERR_CORRUPT);
    CHECK_STR(why, "too small for an ELF header");
    CHECK(elf_user_check(NULL, 0, NULL, &why) == -KS_ERR_CORRUPT);
}

UNIT_TEST(segment_refusals_name_their_reason)
{
    make_good(); set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x4000, 0x3000, 0x1000);
    CHECK_STR(refusal(), "segment file size above its memory size");
    make_good(); set_phdr(1, PT_LOAD, PF_R | PF_W, 0x2000, DATA_VADDR, 0x1001, 0x3000, 0x1000);
    CHECK_STR(refusal(), "segment outside the file");
    make_good(); set_phdr(1, PT_LOAD, PF_R, ~0ULL - 0xFFF, DATA_VADDR, 0x2000, 0x3000, 0);
    CHECK_STR(refusal(), "segment outside the file");        /* offset + filesz wraps */
    make_good(); set_phdr(1, PT_LOAD, PF_R, 0x2000, DATA_VADDR, 0x100, 0x3000, 0x3000);
    CHECK_STR(refusal(), "segment alignment not a power of two");
    make_good(); set_phdr(1, PT_LOAD, PF_R, 0x2000, DATA_VADDR, 0x100, 0x3000, 0x800);
    CHECK_STR(refusal(), "segment alignment below a page");
    make_good(); set_phdr(1, PT_LOAD, PF_R, 0x2000, 0x800000, 0x100, 0x3000, 0x200000);
    CHECK_STR(refusal(), "segment address and offset disagree");
    make_good(); set_phdr(1, PT_LOAD, PF_R, 0x2010, DATA_VADDR, 0x100, 0x3000, 0);
    CHECK_STR(refusal(), "segment address and offset disagree");
    make_good(); set_phdr(1, PT_LOAD, PF_R | PF_W | PF_X, 0x2000, DATA_VADDR, 0x100, 0x3000, 0x1000);
    CHECK_STR(refusal(), "writable and executable segment");
    make_good(); set_phdr(1, PT_LOAD, PF_R, 0x2000, USER_IMAGE_MIN - 0x1000, 0x100, 0x100, 0x1000);
    CHECK_STR(refusal(), "segment outside the user image range");
    make_good(); set_phdr(1, PT_LOAD, PF_R, 0x2000, 0x2000, 0x100, 0x100, 0x1000);
    CHECK_STR(refusal(), "segment outside the user image range");   /* NULL page area */
    make_good(); set_phdr(1, PT_LOAD, PF_R, 0x2000, USER_IMAGE_MAX - 0x1000, 0x100, 0x1001, 0x1000);
    CHECK_STR(refusal(), "segment outside the user image range");
    make_good(); set_phdr(1, PT_LOAD, PF_R, 0x2000, USER_IMAGE_MAX, 0x100, 0x100, 0x1000);
    CHECK_STR(refusal(), "segment outside the user image range");
    make_good(); set_phdr(1, PT_LOAD, PF_R, 0x2000, 0xFFFFFFFFFFFFF000ULL, 0x100, 0x2000, 0x1000);
    CHECK_STR(refusal(), "segment outside the user image range");   /* wraps */
    make_good(); set_phdr(2, PT_INTERP, PF_R, 0x1000, TEXT_VADDR + 0x1000, 0x10, 0x10, 1);
    CHECK_STR(refusal(), "dynamically linked");
    make_good(); set_phdr(2, PT_DYNAMIC, PF_R, 0x2000, DATA_VADDR, 0x10, 0x10, 8);
    CHECK_STR(refusal(), "dynamically linked");
}

UNIT_TEST(layout_refusals_name_their_reason)
{
    /* Bytes overlap; then only a page is shared (data starts in the
     * text's last page). */
    make_good(); set_phdr(1, PT_LOAD, PF_R | PF_W, 0x1000, TEXT_VADDR + 0x1000, 0x100, 0x100, 0);
    CHECK_STR(refusal(), "segment overlaps another");
    make_good(); set_phdr(1, PT_LOAD, PF_R | PF_W, 0x1800, TEXT_VADDR + 0x1800, 0x100, 0x100, 0);
    CHECK_STR(refusal(), "segments share a page");
    /* The same with the order of the headers swapped. */
    make_good();
    set_phdr(0, PT_LOAD, PF_R | PF_W, 0x1800, TEXT_VADDR + 0x1800, 0x100, 0x100, 0);
    set_phdr(1, PT_LOAD, PF_R | PF_X, 0, TEXT_VADDR, 0x1800, 0x1800, 0x1000);
    CHECK_STR(refusal(), "segments share a page");
    make_good(); put(24, DATA_VADDR, 8);
    CHECK_STR(refusal(), "entry point outside executable segments");
    make_good(); put(24, TEXT_VADDR + 0x1800, 8);
    CHECK_STR(refusal(), "entry point outside executable segments");
    make_good(); put(24, 0, 8);
    CHECK_STR(refusal(), "entry point outside executable segments");
    make_good();
    set_phdr(0, PT_NOTE, PF_R, 0, 0, 0, 0, 4);
    set_phdr(1, PT_LOAD, PF_R | PF_X, 0, TEXT_VADDR, 0, 0, 0x1000);   /* no memory */
    CHECK_STR(refusal(), "no loadable segment");
}

UNIT_TEST(other_headers_and_empty_loads_are_ignored)
{
    make_good();
    put(56, 5, 2);
    set_phdr(3, PT_NOTE, PF_R, 0x2ff0, 0x10, 0x10, 0x10, 4);
    /* An empty PT_LOAD loads nothing, wherever it claims to be. */
    set_phdr(4, PT_LOAD, PF_R | PF_W | PF_X, 0x1000, TEXT_VADDR, 0, 0, 0x1000);
    struct elf_user_info info;
    const char *why = NULL;
    CHECK(check_copy(img, sizeof(img), &info, &why) == 0);
    CHECK_EQ_U(info.loads, 2);
    CHECK_EQ_U(info.phnum, 5);
    struct elf_user_segment seg;
    CHECK(elf_user_segment(img, sizeof(img), 4, &seg, &why) == 0);
    /* Read-only (neither W nor X) is fine; so is an exactly 16 TiB end. */
    make_good();
    set_phdr(1, PT_LOAD, PF_R, 0x2000, USER_IMAGE_MAX - 0x3000, 0x100, 0x3000, 0x1000);
    CHECK_STR(refusal(), "(accepted)");
}

UNIT_TEST(every_truncation_is_refused_in_bounds)
{
    make_good();
    const char *why;
    /* The good image needs its data segment's last file byte (0x20FF). */
    for (size_t size = 0; size < 0x2100; size++) {
        why = NULL;
        CHECK(check_copy(img, size, NULL, &why) == -KS_ERR_CORRUPT);
        CHECK(why != NULL);
    }
    CHECK(check_copy(img, 0x2100, NULL, &why) == 0);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t read_u64(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i > 0; i--)
        v = v << 8 | p[i - 1];
    return v;
}

/* What the loader relies on, for an image the check accepted. */
static int accepted_image_is_sane(const uint8_t *bytes, size_t size)
{
    struct elf_user_info info;
    if (elf_user_check(bytes, size, &info, NULL) != 0)
        return 0;
    int entry_ok = 0;
    for (unsigned i = 0; i < info.phnum; i++) {
        struct elf_user_segment a, b;
        int kind = elf_user_segment(bytes, size, i, &a, NULL);
        if (kind < 0)
            return 0;
        if (kind == 0)
            continue;
        if (a.offset + a.filesz > size || a.offset + a.filesz < a.offset || a.filesz > a.memsz)
            return 0;
        if (a.vaddr < USER_IMAGE_MIN || elf_user_segment_end_page(&a) > USER_IMAGE_MAX)
            return 0;
        if ((a.writable && a.executable) || a.vaddr % 4096 != a.offset % 4096)
            return 0;
        if (a.executable && info.entry >= a.vaddr && info.entry < a.vaddr + a.memsz)
            entry_ok = 1;
        for (unsigned j = 0; j < i; j++)
            if (elf_user_segment(bytes, size, j, &b, NULL) == 1 &&
                elf_user_segment_first_page(&a) < elf_user_segment_end_page(&b) &&
                elf_user_segment_first_page(&b) < elf_user_segment_end_page(&a))
                return 0;
    }
    return entry_ok;
}

/* Judge bytes[0, size) from a heap block of exactly that size. */
static int judge(const uint8_t *bytes, size_t size, int *accepted)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, bytes, size);
    const char *why = NULL;
    int err = elf_user_check(copy, size, NULL, &why);
    int ok = (err == 0 && accepted_image_is_sane(copy, size)) ||
             (err == -KS_ERR_CORRUPT && why != NULL);
    *accepted += err == 0;
    free(copy);
    return ok;
}

UNIT_TEST(random_bytes_are_judged_in_bounds)
{
    static uint8_t noise[1024];
    int accepted = 0;
    for (unsigned round = 0; round < 3000; round++) {
        size_t size = rng() % sizeof(noise);
        for (size_t i = 0; i < size; i++)
            noise[i] = (uint8_t)rng();
        /* Half of them start like an ELF64 executable, to get past the
         * magic into the program headers. */
        if (round % 2 && size >= 64) {
            make_good();
            memcpy(noise, img, 24);
            noise[56] = (uint8_t)(rng() % 8);
            noise[57] = 0;
            noise[54] = 56;
            noise[55] = 0;
            memset(noise + 33, 0, 7);
            noise[32] = 64;
        }
        CHECK(judge(noise, size, &accepted));
    }
}

UNIT_TEST(bit_flipped_images_are_judged_in_bounds)
{
    static uint8_t mutant[IMG_SIZE];
    int accepted = 0;
    for (unsigned round = 0; round < 6000; round++) {
        make_good();
        memcpy(mutant, img, sizeof(mutant));
        unsigned flips = 1 + (unsigned)(rng() % 4);
        for (unsigned f = 0; f < flips; f++) {
            /* Mostly the headers, where the decisions are made. */
            size_t at = rng() % 4 ? rng() % (64 + 3 * 56) : rng() % sizeof(mutant);
            mutant[at] ^= (uint8_t)(1u << (rng() % 8));
        }
        size_t size = rng() % 8 ? sizeof(mutant) : rng() % sizeof(mutant);
        CHECK(judge(mutant, size, &accepted));
    }
    /* Flips that miss every checked field keep the image good. */
    CHECK(accepted > 0);
    CHECK(read_u64(img + 24, 8) == TEXT_VADDR + 0x100);
}

UNIT_MAIN(UNIT_CASE(good_image_passes_and_decodes), UNIT_CASE(image_at_odd_address_passes),
          UNIT_CASE(header_refusals_name_their_reason),
          UNIT_CASE(segment_refusals_name_their_reason),
          UNIT_CASE(layout_refusals_name_their_reason),
          UNIT_CASE(other_headers_and_empty_loads_are_ignored),
          UNIT_CASE(every_truncation_is_refused_in_bounds),
          UNIT_CASE(random_bytes_are_judged_in_bounds),
          UNIT_CASE(bit_flipped_images_are_judged_in_bounds))
