/* SPDX-License-Identifier: MIT */
/*
 * Shared fixture of the ACPI parser's host tests (test_acpi.c,
 * test_acpi_madt.c): a fake physical memory with builders for the
 * RSDP, XSDT, RSDT, MADT and its entries, HPET and FADT that fix up the
 * checksums; a map callback that hands out a fresh heap copy of exactly
 * the bytes asked for (so an over-read is an AddressSanitizer error) and
 * NULL outside the fake memory; recorded warnings; and an alarm that
 * fails a run whose walk never ends.  Include once per program.
 */
#ifndef KESTREL_TESTS_ACPI_FAKE_H
#define KESTREL_TESTS_ACPI_FAKE_H

#include <stdint.h>
#include <unistd.h>
#include "acpi/acpi.h"
#include "kestrel/errors.h"
#include "unit.h"

#define FAKE_BASE 0x40000ull
#define FAKE_SIZE 0x10000u

#define RSDT_AT  (FAKE_BASE + 0x100)
#define XSDT_AT  (FAKE_BASE + 0x200)
#define MADT_AT  (FAKE_BASE + 0x1000)
#define HPET_AT  (FAKE_BASE + 0x2000)
#define FADT_AT  (FAKE_BASE + 0x3000)
#define SSDT_AT  (FAKE_BASE + 0x4000)
#define FADT_FULL_LEN 276

static uint8_t fake_mem[FAKE_SIZE];

__attribute__((constructor)) static void fail_if_a_walk_never_ends(void)
{
    alarm(30);
}
static void **copies;
static size_t copy_count, copy_cap;
static char warnings[600][128];
static unsigned warning_count;

/* --- the fake machine ----------------------------------------------- */

static inline const void *fake_map(void *ctx, uint64_t phys, size_t len)
{
    (void)ctx;
    if (phys < FAKE_BASE || phys - FAKE_BASE > FAKE_SIZE || len > FAKE_SIZE - (phys - FAKE_BASE))
        return NULL;
    if (copy_count == copy_cap) {
        copy_cap = copy_cap ? copy_cap * 2 : 64;
        copies = realloc(copies, copy_cap * sizeof(*copies));
    }
    void *copy = malloc(len ? len : 1);
    memcpy(copy, fake_mem + (phys - FAKE_BASE), len);
    copies[copy_count++] = copy;
    return copy;
}

static inline void record_warning(void *ctx, const char *table, const char *why)
{
    (void)ctx;
    if (warning_count < sizeof(warnings) / sizeof(warnings[0]))
        snprintf(warnings[warning_count], sizeof(warnings[0]), "%s: %s", table, why);
    warning_count++;
}

static inline bool warned(const char *text)
{
    for (unsigned i = 0; i < warning_count && i < sizeof(warnings) / sizeof(warnings[0]); i++)
        if (strstr(warnings[i], text))
            return true;
    return false;
}

static struct acpi_info info;

static inline int parse(const uint8_t *rsdp, size_t len)
{
    warning_count = 0;
    int err = acpi_parse(rsdp, len, fake_map, NULL, record_warning, NULL, &info);
    for (size_t i = 0; i < copy_count; i++)
        free(copies[i]);
    copy_count = 0;
    return err;
}

static inline uint8_t *at(uint64_t phys)
{
    return fake_mem + (phys - FAKE_BASE);
}

static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static inline void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static inline uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* Recompute the checksum of the table at phys over its own length. */
static inline void fix(uint64_t phys)
{
    uint8_t *t = at(phys);
    uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;
    t[9] = 0;
    t[9] = (uint8_t)-sum(t, len);
}

static inline void header(uint64_t phys, const char *sig, uint32_t len)
{
    uint8_t *t = at(phys);
    memset(t, 0, len);
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = 1;
    memcpy(t + 10, "KSTRL ", 6);
}

static inline void make_rsdp(uint8_t *r, uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
    memset(r, 0, 40);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "KSTRL ", 6);
    r[15] = revision;
    put32(r + 16, rsdt);
    r[8] = (uint8_t)-sum(r, 20);
    if (revision >= 2) {
        put32(r + 20, 36);
        put64(r + 24, xsdt);
        r[32] = (uint8_t)-sum(r, 36);
    }
}

static inline void make_root(uint64_t phys, bool xsdt, const uint64_t *entries, unsigned count)
{
    unsigned size = xsdt ? 8 : 4;
    header(phys, xsdt ? "XSDT" : "RSDT", 36 + count * size);
    for (unsigned i = 0; i < count; i++) {
        if (xsdt)
            put64(at(phys) + 36 + i * 8, entries[i]);
        else
            put32(at(phys) + 36 + i * 4, (uint32_t)entries[i]);
    }
    fix(phys);
}

/* MADT builder: begin, add entries, end (length and checksum). */
static uint32_t madt_len;

static inline void madt_begin(uint32_t lapic, uint32_t flags)
{
    header(MADT_AT, "APIC", 44);
    put32(at(MADT_AT) + 36, lapic);
    put32(at(MADT_AT) + 40, flags);
    madt_len = 44;
}

static inline uint8_t *madt_entry(uint8_t type, uint8_t len)
{
    uint8_t *e = at(MADT_AT) + madt_len;
    memset(e, 0, len);
    e[0] = type;
    e[1] = len;
    madt_len += len;
    return e;
}

static inline void madt_end(void)
{
    put32(at(MADT_AT) + 4, madt_len);
    fix(MADT_AT);
}

static inline void e_lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
    uint8_t *e = madt_entry(0, 8);
    e[2] = uid, e[3] = id;
    put32(e + 4, flags);
}

static inline void e_ioapic(uint8_t id, uint32_t address, uint32_t gsi_base)
{
    uint8_t *e = madt_entry(1, 12);
    e[2] = id;
    put32(e + 4, address);
    put32(e + 8, gsi_base);
}

static inline void e_override(uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t *e = madt_entry(2, 10);
    e[2] = bus, e[3] = irq;
    put32(e + 4, gsi);
    put16(e + 8, flags);
}

static inline void e_nmi_source(uint16_t flags, uint32_t gsi)
{
    uint8_t *e = madt_entry(3, 8);
    put16(e + 2, flags);
    put32(e + 4, gsi);
}

static inline void e_lapic_nmi(uint8_t uid, uint16_t flags, uint8_t lint)
{
    uint8_t *e = madt_entry(4, 6);
    e[2] = uid;
    put16(e + 3, flags);
    e[5] = lint;
}

static inline void e_lapic_address(uint64_t address)
{
    put64(madt_entry(5, 12) + 4, address);
}

static inline void e_x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
    uint8_t *e = madt_entry(9, 16);
    put32(e + 4, id);
    put32(e + 8, flags);
    put32(e + 12, uid);
}

static inline void e_x2apic_nmi(uint16_t flags, uint32_t uid, uint8_t lint)
{
    uint8_t *e = madt_entry(0xA, 12);
    put16(e + 2, flags);
    put32(e + 4, uid);
    e[8] = lint;
}

static inline void make_hpet(uint8_t space, uint64_t address, uint16_t min_tick)
{
    header(HPET_AT, "HPET", 56);
    uint8_t *t = at(HPET_AT);
    put32(t + 36, 0x8086A201);
    t[40] = space;
    t[41] = 64;
    put64(t + 44, address);
    put16(t + 53, min_tick);
    fix(HPET_AT);
}

/* A FADT of len bytes: SCI 9, PM1a 0x604 (X_ 0x1604 when len has it),
 * reset supported through I/O port 0xCF9 with value 6. */
static inline void make_fadt(uint32_t len)
{
    header(FADT_AT, "FACP", len);
    uint8_t *t = at(FADT_AT);
    put16(t + 46, 9);
    put32(t + 64, 0x604);
    put32(t + 112, 0xA5 | 1u << 10 | 1u << 20);
    if (len > 128) {
        t[116] = 1, t[117] = 8;
        put64(t + 120, 0xCF9);
        t[128] = 6;
    }
    if (len >= 184) {
        t[172] = 1, t[173] = 16;
        put64(t + 176, 0x1604);
    }
    fix(FADT_AT);
}

/* A whole machine: 2 CPUs, an I/O APIC, IRQ0 -> GSI 2, HPET, FADT, and
 * an SSDT with a bad checksum the parser must not care about. */
static uint8_t rsdp[40];

static inline void make_machine(bool v2)
{
    memset(fake_mem, 0, sizeof(fake_mem));
    madt_begin(0xFEE00000, 1);
    e_lapic(0, 0, 1);
    e_lapic(1, 1, 1);
    e_ioapic(0, 0xFEC00000, 0);
    e_override(0, 0, 2, 0);
    e_override(0, 9, 9, 0xD);
    e_lapic_nmi(0xFF, 0, 1);
    madt_end();
    make_hpet(0, 0xFED00000, 128);
    make_fadt(FADT_FULL_LEN);
    header(SSDT_AT, "SSDT", 64);
    at(SSDT_AT)[9] = 0x55;
    uint64_t entries[] = { FADT_AT, MADT_AT, HPET_AT, SSDT_AT };
    make_root(RSDT_AT, false, entries, 4);
    make_root(XSDT_AT, true, entries, 4);
    make_rsdp(rsdp, v2 ? 2 : 0, (uint32_t)RSDT_AT, v2 ? XSDT_AT : 0);
}

static inline bool has_cpu(uint32_t apic_id, bool enabled)
{
    for (unsigned i = 0; i < info.cpu_count; i++)
        if (info.cpus[i].apic_id == apic_id)
            return info.cpus[i].enabled == enabled;
    return false;
}

#endif /* KESTREL_TESTS_ACPI_FAKE_H */
