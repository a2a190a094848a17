/* SPDX-License-Identifier: MIT */
/*
 * Validation of a user program: an ELF64 x86_64 executable (System V
 * gABI layout) that will run in a process's user half.  Pure: reads only
 * the image it is given, never allocates, knows no page table, so it is
 * shared with tests/unit/test_elf_user.c.  No locking (no state).
 *
 *   elf_user_check     the whole image: header, program headers, every
 *                      PT_LOAD and their layout, the entry point
 *   elf_user_segment   one program header, decoded and checked again
 *                      (the loader walks them after elf_user_check)
 *
 * A refusal returns -KS_ERR_CORRUPT with *why set to a few words
 * ("writable and executable segment").  The image may sit at any
 * alignment: fields are read byte by byte.  Every offset sum is checked
 * for wrap before it is compared with the size, so no check reads
 * outside [image, image + size).
 */
#ifndef KESTREL_PROC_ELF_USER_H
#define KESTREL_PROC_ELF_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_USER_MAX_PHDRS 64u
#define ELF_USER_PAGE      4096ull

/* A PT_LOAD segment with memory: [vaddr, vaddr + memsz) in the user
 * image range; its first filesz bytes come from the file at offset, the
 * rest are zero. */
struct elf_user_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;
    uint64_t filesz;
    bool writable;
    bool executable;
};

struct elf_user_info {
    uint64_t entry;
    unsigned phnum;       /* program headers, for elf_user_segment */
    unsigned loads;       /* PT_LOAD segments with memory */
};

/* 0 and *info, or -KS_ERR_CORRUPT and *why (why may be NULL). */
int elf_user_check(const void *image, size_t size, struct elf_user_info *info,
                   const char **why);

/* Program header index (below info->phnum) of an image elf_user_check
 * accepted: 1 and *out for a PT_LOAD with memory, 0 for a header that
 * loads nothing, -KS_ERR_CORRUPT (and *why) when it does not check. */
int elf_user_segment(const void *image, size_t size, unsigned index,
                     struct elf_user_segment *out, const char **why);

/* First page and end (page-rounded) of a checked segment. */
static inline uint64_t elf_user_segment_first_page(const struct elf_user_segment *s)
{
    return s->vaddr & ~(ELF_USER_PAGE - 1);
}

static inline uint64_t elf_user_segment_end_page(const struct elf_user_segment *s)
{
    return (s->vaddr + s->memsz + ELF_USER_PAGE - 1) & ~(ELF_USER_PAGE - 1);
}

#endif /* KESTREL_PROC_ELF_USER_H */
