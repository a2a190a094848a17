/* SPDX-License-Identifier: MIT */
/*
 * Memory objects (ABI).  A memory object is a run of pages a process
 * names by a handle: anonymous (zero-filled, each page allocated when
 * first touched) or physical (a fixed range of device memory or RAM,
 * made only with the boot resource, kestrel/device.h).  One object may be
 * mapped into several address spaces at once (that is how processes
 * share memory without copying); its pages live while any handle or
 * mapping refers to it.
 *
 * Rights on a memory handle: READ and WRITE (memory_read/memory_write,
 * and the widest mapping), MAP (may be mapped at all), EXECUTE (may be
 * mapped executable), DUPLICATE, TRANSFER, MANAGE (resize is not
 * offered; MANAGE is kept for revoke).  A mapping's protection is never
 * wider than the rights of the handle it was made with, and never both
 * writable and executable.
 *
 * Faults: touching a mapped page the mapping's protection forbids, or an
 * address nothing is mapped at, ends the process with KS_EXIT_FAULT (the
 * address and error code in its ks_exit_status); a touch of a page of an
 * anonymous object not yet allocated only allocates it (zero-filled).
 */
#ifndef KESTREL_ABI_MEMORY_H
#define KESTREL_ABI_MEMORY_H

#include <stdint.h>
#include "kestrel/handle.h"

/* memory_map / memory_protect protection bits. */
#define KS_PROT_READ  (1u << 0)
#define KS_PROT_WRITE (1u << 1)
#define KS_PROT_EXEC  (1u << 2)

/* memory_create_physical cache policy. */
#define KS_MEMORY_CACHED   0u
#define KS_MEMORY_UNCACHED (1u << 0)   /* device registers */

/* memory_map flags (the high half of the prot argument). */
#define KS_MAP_FIXED  (1u << 16)       /* at addr exactly, or fail (-EXISTS) */

/* Largest anonymous object (bytes). */
#define KS_MEMORY_SIZE_MAX (1ull << 36)

enum ks_memory_kind {
    KS_MEMORY_ANONYMOUS = 1,
    KS_MEMORY_PHYSICAL = 2
};

struct ks_memory_info {
    uint64_t size;              /* bytes, a multiple of the page size */
    uint32_t kind;              /* enum ks_memory_kind */
    uint32_t flags;             /* KS_MEMORY_UNCACHED for device memory */
    uint64_t committed_pages;   /* pages that have memory behind them now */
    uint64_t mappings;          /* places it is mapped, in every process */
    uint64_t phys_base;         /* physical objects: the first byte; else 0 */
};

#endif /* KESTREL_ABI_MEMORY_H */
