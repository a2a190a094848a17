/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables: what the firmware says about the machine's CPUs, interrupt
 * controllers and timers.
 *
 * The RSDP comes from boot_info (the loader copied it from GRUB's ACPI
 * tags); BIOS areas are never scanned.  acpi_parse() follows the XSDT
 * (the RSDT when there is none) to the MADT, HPET and FADT.  Every table
 * is checked before it is read: signature, length (at least its header,
 * inside the mapped range), checksum, and every MADT entry's length; a
 * malformed table is skipped with a warning and never trusted, a
 * malformed MADT entry ends the walk of that table.  The parser is pure
 * (host-tested over synthetic tables): it reaches physical memory only
 * through the map callback.
 *
 * acpi_init() runs it once at boot over the direct map and prints
 * `acpi: ...` lines; acpi_info() returns the result (never NULL; empty
 * when there are no usable tables).  Read-only after boot.
 */
#ifndef KESTREL_ACPI_ACPI_H
#define KESTREL_ACPI_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kestrel/boot_info.h"

#define ACPI_MAX_CPUS      256
#define ACPI_MAX_IOAPICS   16
#define ACPI_MAX_OVERRIDES 32
#define ACPI_MAX_NMIS      32

struct acpi_cpu {
    uint32_t apic_id;        /* local APIC (or x2APIC) id */
    uint32_t uid;            /* ACPI processor UID */
    bool enabled;            /* usable now */
    bool online_capable;     /* may be enabled later */
};

struct acpi_ioapic {
    uint32_t id;
    uint64_t address;        /* physical MMIO base */
    uint32_t gsi_base;       /* first global system interrupt it serves */
};

/* MPS INTI flags (ACPI 6.5, 5.2.12.5): polarity bits 1:0, trigger 3:2. */
#define ACPI_POLARITY_MASK   0x3
#define ACPI_POLARITY_HIGH   0x1
#define ACPI_POLARITY_LOW    0x3
#define ACPI_TRIGGER_MASK    0xC
#define ACPI_TRIGGER_EDGE    0x4
#define ACPI_TRIGGER_LEVEL   0xC

struct acpi_override {
    uint8_t bus_irq;         /* ISA IRQ */
    uint32_t gsi;            /* where it really arrives */
    uint16_t flags;          /* MPS INTI flags */
};

struct acpi_nmi {
    uint32_t uid;            /* processor UID, 0xFFFFFFFF = all */
    uint8_t lint;            /* LINT0 or LINT1 */
    uint16_t flags;
};

struct acpi_info {
    bool present;            /* an RSDP and a valid root table were found */
    uint8_t revision;        /* RSDP revision: 0 = ACPI 1.0 (RSDT), 2+ = XSDT */
    bool root_is_xsdt;
    unsigned tables_seen;    /* entries of the root table */
    unsigned tables_skipped; /* malformed tables ignored */

    bool has_madt;
    uint64_t lapic_address;  /* local APIC MMIO (override entry applied) */
    bool legacy_pics;        /* MADT PCAT_COMPAT: 8259s present (to be masked) */
    unsigned cpu_count;
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    unsigned ioapic_count;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned override_count;
    struct acpi_override overrides[ACPI_MAX_OVERRIDES];
    unsigned nmi_count;
    struct acpi_nmi nmis[ACPI_MAX_NMIS];

    bool has_hpet;
    uint64_t hpet_address;   /* physical MMIO base */
    uint16_t hpet_min_tick;

    bool has_fadt;
    uint32_t sci_irq;
    uint16_t fadt_flags_lo;  /* low 16 bits of the FADT flags */
    uint64_t pm1a_control;   /* PM1a control block port (power off) */
    uint64_t pm1b_control;
    bool has_s5;             /* the DSDT declares \_S5: power off can work */
    uint8_t s5_typ_a;        /* its SLP_TYPa and SLP_TYPb values */
    uint8_t s5_typ_b;
    bool has_reset_register; /* FADT RESET_REG usable (reboot) */
    uint8_t reset_space;     /* GAS address space of RESET_REG */
    uint64_t reset_address;
    uint8_t reset_value;
};

/* The \_S5 package's SLP_TYPa and SLP_TYPb in DSDT AML (len bytes, the
 * whole table): false when no declaration of it is found (acpi_s5.c). */
bool acpi_s5_parse(const uint8_t *aml, uint32_t len, uint8_t *typ_a, uint8_t *typ_b);

/* Returns a pointer to len readable bytes at physical address phys, or
 * NULL when that range cannot be read (outside RAM or the direct map). */
typedef const void *(*acpi_map_fn)(void *ctx, uint64_t phys, size_t len);
/* A table or entry was skipped: what and why. */
typedef void (*acpi_warn_fn)(void *ctx, const char *table, const char *why);

/* Parse from an RSDP copy of rsdp_len bytes (20 or 36).  Fills *out
 * (zeroed first).  0 when tables were found (out->present), or
 * -KS_ERR_NOT_FOUND / -KS_ERR_CORRUPT when there is nothing usable. */
int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map, void *map_ctx,
               acpi_warn_fn warn, void *warn_ctx, struct acpi_info *out);

int acpi_init(const struct ks_boot_info *bi);
const struct acpi_info *acpi_info(void);

#endif /* KESTREL_ACPI_ACPI_H */
