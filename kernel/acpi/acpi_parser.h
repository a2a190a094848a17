/* SPDX-License-Identifier: MIT */
/*
 * Internals of the ACPI parser shared by acpi_tables.c (RSDP, root
 * tables, HPET, FADT) and acpi_madt.c (the MADT walk): the parser state,
 * little-endian reads and the warning helpers.  Pure; no state outside
 * a parse.
 */
#ifndef KESTREL_ACPI_ACPI_PARSER_H
#define KESTREL_ACPI_ACPI_PARSER_H

#include <stdbool.h>
#include <stdint.h>
#include "acpi/acpi.h"

/* Warned once per call: which arrays overflowed. */
enum parser_full { FULL_CPUS = 1, FULL_IOAPICS = 2, FULL_OVERRIDES = 4, FULL_NMIS = 8 };

struct acpi_parser {
    acpi_map_fn map;
    void *map_ctx;
    acpi_warn_fn warn;
    void *warn_ctx;
    struct acpi_info *out;
    unsigned full_warned;
};

static inline uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Report a skipped table or entry through the caller's callback. */
void acpi_warn(struct acpi_parser *ps, const char *table, const char *why);
/* Count a table as skipped and warn about it. */
void acpi_skip_table(struct acpi_parser *ps, const char *table, const char *why);
/* True the first time the array `which` fills: its warning is printed once. */
bool acpi_first_overflow(struct acpi_parser *ps, unsigned which);
/* Read the MADT at t (len bytes, checksum already verified) into ps->out. */
void acpi_madt_parse(struct acpi_parser *ps, const uint8_t *t, uint32_t len);

#endif /* KESTREL_ACPI_ACPI_PARSER_H */
