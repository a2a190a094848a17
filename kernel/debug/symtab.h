/* SPDX-License-Identifier: MIT */
/*
 * Kestrel kernel symbol table: maps code addresses to function names for
 * backtraces.  The table is generated at build time (scripts/gen-symtab
 * from `nm -n` of link pass 1) into the .ksymtab section; its layout:
 *
 *   struct symtab_header, then `count` struct symtab_entry sorted by
 *   address, then the NUL-terminated names (name_offset counts from the
 *   first name byte).
 *
 * symtab_lookup() returns the function containing addr and the offset
 * into it, or NULL when addr lies outside kernel text or the table is
 * empty/damaged.  Read-only data: any context.
 */
#ifndef KESTREL_DEBUG_SYMTAB_H
#define KESTREL_DEBUG_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

#define SYMTAB_MAGIC 0x4D59534Bu /* "KSYM" little-endian */

struct symtab_header {
    uint32_t magic;
    uint32_t count;
};

struct symtab_entry {
    uint64_t address;
    uint32_t name_offset;
    uint32_t reserved;
};

const char *symtab_lookup(uintptr_t addr, uintptr_t *offset);
/* Address of a symbol by exact name, 0 if absent. */
uintptr_t symtab_find(const char *name);
size_t symtab_count(void);

#endif /* KESTREL_DEBUG_SYMTAB_H */
