/* SPDX-License-Identifier: MIT */
/*
 * Kernel ELF64 validation and loading (see elf_load.h).
 *
 * Offsets follow the System V gABI ELF64 layout (Elf64_Ehdr is 64
 * bytes, Elf64_Phdr 56).  Fields are read byte by byte because a boot
 * module carries no alignment promise beyond what GRUB chose, and every
 * sum is checked for wrap before it is compared with the image size.
 */
#include <stdbool.h>

#include "elf_load.h"

#define ELF_EHDR_SIZE   64u
#define ELF_PHDR_SIZE   56u
#define ELF_CLASS64     2u
#define ELF_DATA_LSB    1u
#define ELF_VERSION     1u
#define ELF_ET_EXEC     2u
#define ELF_EM_X86_64   62u
#define ELF_PT_LOAD     1u
#define ELF_PAGE        4096ULL
#define ELF_LAST_PAGE   (UINT64_MAX & ~(ELF_PAGE - 1))

static uint64_t elf_read(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i > 0; i--)
        v = v << 8 | p[i - 1];
    return v;
}

static enum elf_status elf_fail(struct elf_error *err, enum elf_status st,
                                uint32_t phdr, uint64_t value)
{
    err->phdr = phdr;
    err->value = value;
    return st;
}

static enum elf_status elf_check_header(const uint8_t *img, uint64_t size,
                                        struct elf_error *err)
{
    if (size < ELF_EHDR_SIZE)
        return elf_fail(err, ELF_ERR_TOO_SMALL, ~0u, size);
    if (img[0] != 0x7f || img[1] != 'E' || img[2] != 'L' || img[3] != 'F')
        return elf_fail(err, ELF_ERR_MAGIC, ~0u, elf_read(img, 4));
    if (img[4] != ELF_CLASS64)
        return elf_fail(err, ELF_ERR_CLASS, ~0u, img[4]);
    if (img[5] != ELF_DATA_LSB)
        return elf_fail(err, ELF_ERR_ENDIAN, ~0u, img[5]);
    if (img[6] != ELF_VERSION || elf_read(img + 20, 4) != ELF_VERSION)
        return elf_fail(err, ELF_ERR_VERSION, ~0u, elf_read(img + 20, 4));
    if (elf_read(img + 18, 2) != ELF_EM_X86_64)
        return elf_fail(err, ELF_ERR_MACHINE, ~0u, elf_read(img + 18, 2));
    if (elf_read(img + 16, 2) != ELF_ET_EXEC)
        return elf_fail(err, ELF_ERR_TYPE, ~0u, elf_read(img + 16, 2));
    uint64_t phoff = elf_read(img + 32, 8), phnum = elf_read(img + 56, 2);
    if (phnum == 0)
        return elf_fail(err, ELF_ERR_NO_LOAD, ~0u, 0);
    if (elf_read(img + 54, 2) != ELF_PHDR_SIZE)
        return elf_fail(err, ELF_ERR_PHENTSIZE, ~0u, elf_read(img + 54, 2));
    if (phoff > size || phnum * ELF_PHDR_SIZE > size - phoff)
        return elf_fail(err, ELF_ERR_PHDRS_OUTSIDE, ~0u, phoff);
    return ELF_OK;
}

static enum elf_status elf_check_segment(const struct elf_segment *s, uint64_t size,
                                         struct elf_error *err)
{
    if (s->filesz > s->memsz)
        return elf_fail(err, ELF_ERR_FILESZ, s->index, s->filesz);
    if (s->offset > size || s->filesz > size - s->offset)
        return elf_fail(err, ELF_ERR_FILE_OUTSIDE, s->index, s->offset);
    if (s->memsz > ELF_LAST_PAGE - s->vaddr || s->vaddr > ELF_LAST_PAGE)
        return elf_fail(err, ELF_ERR_WRAP, s->index, s->vaddr);
    if (s->vaddr < KS_KERNEL_VIRT_BASE)
        return elf_fail(err, ELF_ERR_BELOW_BASE, s->index, s->vaddr);
    if (s->vaddr % ELF_PAGE != 0)
        return elf_fail(err, ELF_ERR_UNALIGNED, s->index, s->vaddr);
    if ((s->flags & ELF_PF_W) && (s->flags & ELF_PF_X))
        return elf_fail(err, ELF_ERR_WX, s->index, s->vaddr);
    return ELF_OK;
}

static uint64_t elf_seg_end(const struct elf_segment *s)
{
    return (s->vaddr + s->memsz + ELF_PAGE - 1) & ~(ELF_PAGE - 1);
}

static enum elf_status elf_check_layout(struct elf_kernel *k, struct elf_error *err)
{
    bool entry_ok = false;
    k->virt_base = UINT64_MAX;
    for (uint32_t i = 0; i < k->seg_count; i++) {
        const struct elf_segment *a = &k->seg[i];
        for (uint32_t j = 0; j < i; j++) {
            const struct elf_segment *b = &k->seg[j];
            if (a->vaddr < elf_seg_end(b) && b->vaddr < elf_seg_end(a)) {
                err->other = b->index;
                return elf_fail(err, ELF_ERR_OVERLAP, a->index, a->vaddr);
            }
        }
        if ((a->flags & ELF_PF_X) && k->entry >= a->vaddr && k->entry - a->vaddr < a->memsz)
            entry_ok = true;
        if (a->vaddr < k->virt_base)
            k->virt_base = a->vaddr;
    }
    if (!entry_ok)
        return elf_fail(err, ELF_ERR_ENTRY, ~0u, k->entry);
    return ELF_OK;
}

enum elf_status elf_validate(const uint8_t *img, uint64_t size,
                             struct elf_kernel *k, struct elf_error *err)
{
    *k = (struct elf_kernel){ 0 };
    *err = (struct elf_error){ .phdr = ~0u, .other = ~0u };
    enum elf_status st = elf_check_header(img, size, err);
    if (st != ELF_OK)
        return st;
    uint64_t phoff = elf_read(img + 32, 8), phnum = elf_read(img + 56, 2);
    k->entry = elf_read(img + 24, 8);
    for (uint32_t i = 0; i < phnum; i++) {
        const uint8_t *ph = img + phoff + (uint64_t)i * ELF_PHDR_SIZE;
        if (elf_read(ph, 4) != ELF_PT_LOAD || elf_read(ph + 40, 8) == 0)
            continue;
        if (k->seg_count == ELF_MAX_SEGMENTS)
            return elf_fail(err, ELF_ERR_TOO_MANY_LOADS, i, phnum);
        struct elf_segment *s = &k->seg[k->seg_count++];
        *s = (struct elf_segment){
            .flags = (uint32_t)elf_read(ph + 4, 4), .offset = elf_read(ph + 8, 8),
            .vaddr = elf_read(ph + 16, 8), .filesz = elf_read(ph + 32, 8),
            .memsz = elf_read(ph + 40, 8), .index = i,
        };
        st = elf_check_segment(s, size, err);
        if (st != ELF_OK)
            return st;
    }
    if (k->seg_count == 0)
        return elf_fail(err, ELF_ERR_NO_LOAD, ~0u, 0);
    return elf_check_layout(k, err);
}

/* A segment's file bytes, then zeros up to its end: string instructions
 * four bytes at a time (the loader's own memcpy and memset are byte
 * loops, and a kernel image is a megabyte). */
static void copy_then_zero(uint8_t *dst, const uint8_t *src, size_t filesz, size_t bytes)
{
    size_t words = filesz / 4, rest = filesz % 4;
    __asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(rest) : : "memory");
    size_t zeros = bytes - filesz;
    words = zeros / 4;
    rest = zeros % 4;
    __asm__ volatile("rep stosl" : "+D"(dst), "+c"(words) : "a"(0) : "memory");
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(rest) : "a"(0) : "memory");
}

enum elf_status elf_load(const uint8_t *img, struct elf_kernel *k,
                         struct palloc *pa, void *(*phys_to_ptr)(uint64_t phys))
{
    k->phys_base = UINT64_MAX;
    k->phys_end = 0;
    for (uint32_t i = 0; i < k->seg_count; i++) {
        struct elf_segment *s = &k->seg[i];
        uint64_t bytes = elf_seg_end(s) - s->vaddr;
        uint64_t phys = palloc_alloc(pa, bytes / ELF_PAGE);
        if (phys == 0)
            return ELF_ERR_NO_MEMORY;
        s->phys = phys;
        uint8_t *dst = phys_to_ptr(phys);
        copy_then_zero(dst, img + s->offset, (size_t)s->filesz, (size_t)bytes);
        if (phys < k->phys_base)
            k->phys_base = phys;
        if (phys + bytes > k->phys_end)
            k->phys_end = phys + bytes;
    }
    return ELF_OK;
}

const char *elf_status_message(enum elf_status status)
{
    switch (status) {
    case ELF_OK: return "is a valid kernel";
    case ELF_ERR_TOO_SMALL: return "is too small to be an ELF file";
    case ELF_ERR_MAGIC: return "is not an ELF file (bad magic)";
    case ELF_ERR_CLASS: return "is not a 64-bit ELF file (ELF class is not ELFCLASS64)";
    case ELF_ERR_ENDIAN: return "is not a little-endian ELF file";
    case ELF_ERR_VERSION: return "has an unknown ELF version (need 1)";
    case ELF_ERR_MACHINE: return "is not built for x86_64 (ELF machine is not EM_X86_64)";
    case ELF_ERR_TYPE: return "is not an executable (ELF type is not ET_EXEC)";
    case ELF_ERR_PHENTSIZE: return "has program headers of the wrong size (need 56 bytes)";
    case ELF_ERR_PHDRS_OUTSIDE: return "has program headers outside the file";
    case ELF_ERR_NO_LOAD: return "has no loadable (PT_LOAD) segment";
    case ELF_ERR_TOO_MANY_LOADS: return "has more than 16 loadable segments";
    case ELF_ERR_FILESZ: return "has a segment whose file size exceeds its memory size";
    case ELF_ERR_FILE_OUTSIDE: return "has a segment whose file bytes lie outside the file";
    case ELF_ERR_WRAP: return "has a segment whose address range wraps around";
    case ELF_ERR_BELOW_BASE: return "has a segment below the kernel base 0xffffffff80000000";
    case ELF_ERR_UNALIGNED: return "has a segment that is not page-aligned";
    case ELF_ERR_OVERLAP: return "has two segments sharing a page";
    case ELF_ERR_WX: return "has a segment both writable and executable (W^X)";
    case ELF_ERR_ENTRY: return "has its entry point outside every executable segment";
    case ELF_ERR_NO_MEMORY: return "does not fit in free memory below 4 GiB";
    }
    return "is not a valid kernel";
}
