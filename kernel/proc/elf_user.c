/* SPDX-License-Identifier: MIT */
/*
 * User program validation; see elf_user.h.  Field offsets are those of
 * the System V gABI's Elf64_Ehdr (64 bytes) and Elf64_Phdr (56 bytes).
 *
 * Segments are refused when they share a page, not only when their
 * bytes overlap: a page has one set of permissions, so two segments in
 * one page could not each keep their own (and the loader maps every
 * segment's pages on its own).
 */
#include "kestrel/errors.h"
#include "proc/elf_user.h"
#include "proc/user_layout.h"

#define EHDR_SIZE      64u
#define PHDR_SIZE      56u
#define ELFCLASS64     2u
#define ELFDATA2LSB    1u
#define EV_CURRENT     1u
#define ET_EXEC        2u
#define EM_X86_64      62u
#define PT_LOAD        1u
#define PT_DYNAMIC     2u
#define PT_INTERP      3u
#define PF_X           1u
#define PF_W           2u

struct phdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

static uint64_t read_le(const uint8_t *p, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = bytes; i > 0; i--)
        value = value << 8 | p[i - 1];
    return value;
}

static int refuse(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -KS_ERR_CORRUPT;
}

/* The header's own fields and where the program headers are; on
 * success *phoff and *phnum lie inside the image. */
static int check_header(const uint8_t *img, size_t size, uint64_t *phoff, unsigned *phnum,
                        const char **why)
{
    if (!img || size < EHDR_SIZE)
        return refuse(why, "too small for an ELF header");
    if (img[0] != 0x7f || img[1] != 'E' || img[2] != 'L' || img[3] != 'F')
        return refuse(why, "not an ELF file");
    if (img[4] != ELFCLASS64)
        return refuse(why, "not ELF64");
    if (img[5] != ELFDATA2LSB)
        return refuse(why, "not little-endian");
    if (img[6] != EV_CURRENT || read_le(img + 20, 4) != EV_CURRENT)
        return refuse(why, "unknown ELF version");
    if (read_le(img + 16, 2) != ET_EXEC)
        return refuse(why, "not an executable");
    if (read_le(img + 18, 2) != EM_X86_64)
        return refuse(why, "not for x86_64");
    if (read_le(img + 54, 2) != PHDR_SIZE)
        return refuse(why, "bad program header size");
    uint64_t count = read_le(img + 56, 2);
    if (count == 0 || count > ELF_USER_MAX_PHDRS)
        return refuse(why, "bad program header count");
    uint64_t offset = read_le(img + 32, 8);
    if (offset > size || count * PHDR_SIZE > size - offset)
        return refuse(why, "program headers outside the file");
    *phoff = offset;
    *phnum = (unsigned)count;
    return 0;
}

static void read_phdr(const uint8_t *img, uint64_t phoff, unsigned index, struct phdr *out)
{
    const uint8_t *p = img + phoff + (uint64_t)index * PHDR_SIZE;
    out->type = (uint32_t)read_le(p, 4);
    out->flags = (uint32_t)read_le(p + 4, 4);
    out->offset = read_le(p + 8, 8);
    out->vaddr = read_le(p + 16, 8);
    out->filesz = read_le(p + 32, 8);
    out->memsz = read_le(p + 40, 8);
    out->align = read_le(p + 48, 8);
}

/* One program header: 1 for a PT_LOAD with memory (checked, in *out),
 * 0 for one that loads nothing, or a refusal. */
static int check_phdr(const struct phdr *ph, size_t size, struct elf_user_segment *out,
                      const char **why)
{
    if (ph->type == PT_INTERP || ph->type == PT_DYNAMIC)
        return refuse(why, "dynamically linked");
    if (ph->type != PT_LOAD)
        return 0;
    if (ph->filesz > ph->memsz)
        return refuse(why, "segment file size above its memory size");
    if (ph->offset > size || ph->filesz > size - ph->offset)
        return refuse(why, "segment outside the file");
    if (ph->align > 1) {
        if (ph->align & (ph->align - 1))
            return refuse(why, "segment alignment not a power of two");
        if (ph->align < ELF_USER_PAGE)
            return refuse(why, "segment alignment below a page");
        if (ph->vaddr % ph->align != ph->offset % ph->align)
            return refuse(why, "segment address and offset disagree");
    }
    /* The loader copies file bytes page by page, so each page's bytes
     * must start at the same place in the file page. */
    if (ph->vaddr % ELF_USER_PAGE != ph->offset % ELF_USER_PAGE)
        return refuse(why, "segment address and offset disagree");
    if (ph->memsz == 0)
        return 0;
    if (ph->vaddr < USER_IMAGE_MIN || ph->vaddr >= USER_IMAGE_MAX ||
        ph->memsz > USER_IMAGE_MAX - ph->vaddr)
        return refuse(why, "segment outside the user image range");
    if ((ph->flags & PF_W) && (ph->flags & PF_X))
        return refuse(why, "writable and executable segment");
    *out = (struct elf_user_segment){
        .vaddr = ph->vaddr, .memsz = ph->memsz, .offset = ph->offset, .filesz = ph->filesz,
        .writable = (ph->flags & PF_W) != 0, .executable = (ph->flags & PF_X) != 0,
    };
    return 1;
}

/* Whether segment index (already checked) shares a page with, or
 * overlaps, a PT_LOAD before it. */
static int check_against_earlier(const uint8_t *img, size_t size, uint64_t phoff, unsigned index,
                                 const struct elf_user_segment *seg, const char **why)
{
    uint64_t first = elf_user_segment_first_page(seg), end = elf_user_segment_end_page(seg);
    for (unsigned j = 0; j < index; j++) {
        struct phdr ph;
        struct elf_user_segment other;
        read_phdr(img, phoff, j, &ph);
        if (check_phdr(&ph, size, &other, NULL) != 1)
            continue;
        if (seg->vaddr < other.vaddr + other.memsz && other.vaddr < seg->vaddr + seg->memsz)
            return refuse(why, "segment overlaps another");
        if (first < elf_user_segment_end_page(&other) && elf_user_segment_first_page(&other) < end)
            return refuse(why, "segments share a page");
    }
    return 0;
}

int elf_user_check(const void *image, size_t size, struct elf_user_info *info, const char **why)
{
    const uint8_t *img = image;
    uint64_t phoff;
    unsigned phnum;
    int err = check_header(img, size, &phoff, &phnum, why);
    if (err < 0)
        return err;
    uint64_t entry = read_le(img + 24, 8);
    unsigned loads = 0;
    bool entry_ok = false;
    for (unsigned i = 0; i < phnum; i++) {
        struct phdr ph;
        struct elf_user_segment seg;
        read_phdr(img, phoff, i, &ph);
        int kind = check_phdr(&ph, size, &seg, why);
        if (kind < 0)
            return kind;
        if (kind == 0)
            continue;
        err = check_against_earlier(img, size, phoff, i, &seg, why);
        if (err < 0)
            return err;
        loads++;
        if (seg.executable && entry >= seg.vaddr && entry - seg.vaddr < seg.memsz)
            entry_ok = true;
    }
    if (loads == 0)
        return refuse(why, "no loadable segment");
    if (!entry_ok)
        return refuse(why, "entry point outside executable segments");
    if (info)
        *info = (struct elf_user_info){ .entry = entry, .phnum = phnum, .loads = loads };
    return 0;
}

int elf_user_segment(const void *image, size_t size, unsigned index,
                     struct elf_user_segment *out, const char **why)
{
    const uint8_t *img = image;
    uint64_t phoff;
    unsigned phnum;
    int err = check_header(img, size, &phoff, &phnum, why);
    if (err < 0)
        return err;
    if (index >= phnum)
        return refuse(why, "no such program header");
    struct phdr ph;
    read_phdr(img, phoff, index, &ph);
    return check_phdr(&ph, size, out, why);
}
