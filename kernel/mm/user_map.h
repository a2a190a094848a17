/* SPDX-License-Identifier: MIT */
/*
 * Memory-object mappings in a process's user half (kestrel/memory.h).
 *
 * Each process keeps a list of its mappings, sorted by address: the
 * object (a reference held), the offset into it, the size, the
 * protection now and the widest protection the handle it was made with
 * allowed.  Mappings live in [USER_MAP_BASE, USER_MAP_END) of
 * proc/user_layout.h, an unmapped page between neighbours the kernel
 * placed.  Pages are not mapped when the mapping is made: a user access
 * faults, and user_map_fault maps the object's page (committing an
 * anonymous one) when the mapping's protection allows the access.
 *
 * Interface (0 or a negative KS_ERR_*):
 *   user_map        map [offset, offset+size) of mo at *addr_out; addr 0
 *                   = the kernel picks, else there (fixed: exactly there,
 *                   -EXISTS when taken; without fixed, a taken or outside
 *                   address falls back to a kernel-picked one)
 *   user_unmap      remove the whole mappings inside [addr, addr+size)
 *                   (-INVALID_ARGUMENT when one is only partly inside,
 *                   -NOT_FOUND when none is)
 *   user_protect    change their protection (-DENIED wider than allowed)
 *   user_map_fault  resolve a page fault at addr (access: VM_READ, VM_WRITE
 *                   or VM_EXEC): 0 when the access is
 *                   allowed and the page is mapped now; -FAULT when no
 *                   mapping allows it; -DENIED (quota) or -NO_MEMORY
 *   user_map_release_all  remove every mapping (process end), before
 *                   the rest of the user half is freed
 *
 * Order when a mapping goes: unmap its pages, shoot the TLBs of the
 * CPUs running the process down, then drop the object's reference (the
 * last one frees the pages).  Locking: the kernel lock.
 */
#ifndef KESTREL_MM_USER_MAP_H
#define KESTREL_MM_USER_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/memory_object.h"

#define USER_MAP_MAX 1024u   /* mappings per process */

struct process;

struct user_mapping {
    struct user_mapping *next;   /* sorted by base */
    uintptr_t base;
    uint64_t size;               /* bytes, a page multiple */
    struct memory_object *mo;    /* a reference held */
    uint64_t offset;             /* into mo, page-aligned */
    uint32_t prot;               /* KS_PROT_* now */
    uint32_t max_prot;           /* the widest allowed */
};

/* The KS_PROT_* bits a handle's rights allow. */
uint32_t user_map_max_prot(uint32_t rights);

int user_map(struct process *p, struct memory_object *mo, uint64_t offset, uint64_t size,
             uintptr_t addr, bool fixed, uint32_t prot, uint32_t max_prot, uintptr_t *addr_out);
int user_unmap(struct process *p, uintptr_t addr, uint64_t size);
int user_protect(struct process *p, uintptr_t addr, uint64_t size, uint32_t prot);
int user_map_fault(struct process *p, uintptr_t addr, unsigned access);
void user_map_release_all(struct process *p);

#endif /* KESTREL_MM_USER_MAP_H */
