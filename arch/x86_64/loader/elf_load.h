/* SPDX-License-Identifier: MIT */
/*
 * Kernel ELF64 validation and loading for the Kestrel loader stub.
 *
 * Interface: elf_validate() checks a kernel image held in memory (the
 * "kernel" boot module) against everything the loader relies on and
 * fills struct elf_kernel with its loadable segments; each refusal is
 * its own enum elf_status with a message from elf_status_message() and
 * the offending program header in struct elf_error.  elf_load() then
 * copies each segment into fresh frames from the allocator (zeroing the
 * part past the file bytes) and records the physical address.
 *
 * Rules enforced: ELF magic, 64-bit, little-endian, version 1, x86_64,
 * ET_EXEC, program headers inside the image, at least one PT_LOAD, for
 * each PT_LOAD filesz <= memsz, file bytes inside the image, no address
 * wrap, vaddr >= KS_KERNEL_VIRT_BASE and page-aligned, no two segments
 * sharing a page, never writable and executable together, and the entry
 * point inside an executable segment.
 *
 * Pure logic (memory reached through the caller's phys_to_ptr), host-
 * tested by tests/unit/test_elf_load.c; single-threaded boot code.
 */
#ifndef KESTREL_LOADER_ELF_LOAD_H
#define KESTREL_LOADER_ELF_LOAD_H

#include <stdint.h>

#include "palloc.h"

#define ELF_MAX_SEGMENTS 16

/* Program-header flags (ELF gABI). */
#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

enum elf_status {
    ELF_OK = 0,
    ELF_ERR_TOO_SMALL,
    ELF_ERR_MAGIC,
    ELF_ERR_CLASS,
    ELF_ERR_ENDIAN,
    ELF_ERR_VERSION,
    ELF_ERR_MACHINE,
    ELF_ERR_TYPE,
    ELF_ERR_PHENTSIZE,
    ELF_ERR_PHDRS_OUTSIDE,
    ELF_ERR_NO_LOAD,
    ELF_ERR_TOO_MANY_LOADS,
    ELF_ERR_FILESZ,
    ELF_ERR_FILE_OUTSIDE,
    ELF_ERR_WRAP,
    ELF_ERR_BELOW_BASE,
    ELF_ERR_UNALIGNED,
    ELF_ERR_OVERLAP,
    ELF_ERR_WX,
    ELF_ERR_ENTRY,
    ELF_ERR_NO_MEMORY,
};

struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t filesz;
    uint64_t offset;
    uint64_t phys;    /* set by elf_load() */
    uint32_t flags;   /* ELF_PF_* */
    uint32_t index;   /* program header number */
};

struct elf_kernel {
    uint64_t entry;
    uint64_t virt_base;     /* lowest segment vaddr */
    uint64_t phys_base;     /* set by elf_load(): lowest frame used */
    uint64_t phys_end;      /* one past the highest */
    uint32_t seg_count;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
};

struct elf_error {
    uint32_t phdr;       /* offending program header, or ~0u */
    uint32_t other;      /* the second one for ELF_ERR_OVERLAP, or ~0u */
    uint64_t value;      /* the offending value (type, machine, address...) */
};

enum elf_status elf_validate(const uint8_t *image, uint64_t size,
                             struct elf_kernel *out, struct elf_error *err);
enum elf_status elf_load(const uint8_t *image, struct elf_kernel *k,
                         struct palloc *pa, void *(*phys_to_ptr)(uint64_t phys));
const char *elf_status_message(enum elf_status status);

#endif /* KESTREL_LOADER_ELF_LOAD_H */
