/* SPDX-License-Identifier: MIT */
/*
 * Memory objects (KS_OBJECT_MEMORY, kestrel/memory.h): a run of pages
 * that processes name by handles and map (mm/user_map.h).
 *
 * Anonymous objects own their pages: a two-level page list (a directory
 * of MEMORY_CHUNK_PAGES-entry chunks, each chunk allocated when the
 * first page in it is committed) whose pages are allocated zeroed from
 * the PMM when first touched through a mapping or first written with
 * memory_write.  The committed pages are charged to the creator's quota
 * (QUOTA_MEMORY), the page list to QUOTA_KERNEL; the object keeps its
 * own reference to that quota and gives the charge back as it frees.
 * Physical objects name a fixed page-aligned range (device memory, or
 * the initramfs) and own nothing.
 *
 * Interface:
 *   memory_object_create_anonymous  a new object of size bytes (rounded
 *                                   up to pages), charged to q (NULL:
 *                                   the kernel's, not counted)
 *   memory_object_create_physical   a new object over [phys, phys+size)
 *   memory_object_phys_allowed      whether a range may become a physical
 *                                   object (0, -DENIED, -INVALID_ARGUMENT)
 *   memory_object_page              the physical page at index, committing
 *                                   it (zero-filled) when asked
 *   memory_object_copy              bytes to or from user memory
 *   memory_object_info              fill a ks_memory_info
 *   memory_object_direct / _read_kernel  its bytes for the kernel (an
 *                                   ELF image for process creation)
 *   memory_object_of                the object a KS_OBJECT_MEMORY kobject heads
 *
 * Errors: -KS_ERR_INVALID_ARGUMENT (size 0 or too large, a range past
 * the end), -KS_ERR_NO_MEMORY, -KS_ERR_DENIED (quota, or RAM the kernel
 * owns), -KS_ERR_FAULT (a bad user buffer; bytes before it were copied).
 *
 * Locking: the kernel lock for everything, fields included.
 */
#ifndef KESTREL_MM_MEMORY_OBJECT_H
#define KESTREL_MM_MEMORY_OBJECT_H

#include <stdbool.h>
#include <stdint.h>
#include "cap/handle.h"
#include "kestrel/memory.h"
#include "mm/pmm.h"

#define MEMORY_CHUNK_PAGES (PAGE_SIZE / sizeof(phys_addr_t))

/* Rights of the handle memory_create returns. */
#define MEMORY_ANONYMOUS_RIGHTS (KS_RIGHT_READ | KS_RIGHT_WRITE | KS_RIGHT_MAP | \
                                 KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER | KS_RIGHT_MANAGE)
/* Rights of a physical object over device memory, and over the
 * initramfs (read-only: every process created from it shares it). */
#define MEMORY_DEVICE_RIGHTS    MEMORY_ANONYMOUS_RIGHTS
#define MEMORY_INITRD_RIGHTS    (KS_RIGHT_READ | KS_RIGHT_MAP | KS_RIGHT_DUPLICATE | \
                                 KS_RIGHT_TRANSFER)

struct quota;

struct memory_object {
    struct kobject obj;          /* first: handles name it through it */
    uint32_t kind;               /* enum ks_memory_kind */
    uint32_t flags;              /* KS_MEMORY_UNCACHED */
    uint64_t pages;              /* size in pages */
    phys_addr_t phys_base;       /* physical objects: the first byte */
    phys_addr_t **chunks;        /* anonymous: the directory; 0 = not committed */
    uint64_t chunk_count;
    uint64_t committed;          /* pages with a frame now */
    uint64_t mappings;           /* user mappings of it, in every process */
    struct quota *quota;         /* charged for pages and page list; may be NULL */
};

static inline struct memory_object *memory_object_of(struct kobject *obj)
{
    return (struct memory_object *)((char *)obj - __builtin_offsetof(struct memory_object, obj));
}

int memory_object_create_anonymous(uint64_t size, struct quota *q, struct memory_object **out);
int memory_object_create_physical(phys_addr_t phys, uint64_t size, uint32_t flags,
                                  struct memory_object **out);
/* 0 for device memory (not RAM the kernel manages), 1 for a range
 * inside the initramfs (allowed, read-only), -KS_ERR_DENIED for other
 * RAM, -KS_ERR_INVALID_ARGUMENT for a misaligned, empty or wrapping one. */
int memory_object_phys_allowed(phys_addr_t phys, uint64_t size);
/* The physical address of page index (< pages); with commit, an
 * anonymous page not yet there is allocated (zeroed) and charged.
 * -KS_ERR_NOT_FOUND: not committed and commit false. */
int memory_object_page(struct memory_object *mo, uint64_t index, bool commit,
                       phys_addr_t *out);
/* Copy len bytes between [offset, offset+len) of mo and user memory at
 * user (to_user: from the object).  Writes commit pages; reads of
 * pages never committed give zeros without committing them. */
int memory_object_copy(struct memory_object *mo, uint64_t offset, uint64_t user, uint64_t len,
                       bool to_user);
void memory_object_info(const struct memory_object *mo, struct ks_memory_info *out);
/* [offset, offset+len) of a physical object the direct map covers, as
 * one contiguous kernel pointer; NULL otherwise (or out of range). */
const void *memory_object_direct(const struct memory_object *mo, uint64_t offset, uint64_t len);
/* Copy [offset, offset+len) of an anonymous object into kernel memory
 * (pages never committed read as zeros and stay uncommitted). */
int memory_object_read_kernel(struct memory_object *mo, uint64_t offset, void *dst, uint64_t len);

#endif /* KESTREL_MM_MEMORY_OBJECT_H */
