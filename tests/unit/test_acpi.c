/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the ACPI table parser (kernel/acpi/acpi_tables.c).
 *
 * Synthetic firmware tables (RSDP, XSDT, RSDT, MADT, HPET, FADT) are
 * built in a fake physical memory; the builders fix up the checksums, and
 * a test breaks one thing at a time.  The map callback hands the parser a
 * fresh heap copy of exactly the bytes it asked for, so any read past a
 * mapped range is an AddressSanitizer error, and it returns NULL outside
 * the fake memory.  Warnings are recorded as "TABLE: why" and checked.
 * A walk that never ends (an entry of length 0 followed forever) would
 * hang the program: an alarm kills it instead, which fails the run.
 */
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

static const void *fake_map(void *ctx, uint64_t phys, size_t len)
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

static void record_warning(void *ctx, const char *table, const char *why)
{
    (void)ctx;
    if (warning_count < sizeof(warnings) / sizeof(warnings[0]))
        snprintf(warnings[warning_count], sizeof(warnings[0]), "%s: %s", table, why);
    warning_count++;
}

static bool warned(const char *text)
{
    for (unsigned i = 0; i < warning_count && i < sizeof(warnings) / sizeof(warnings[0]); i++)
        if (strstr(warnings[i], text))
            return true;
    return false;
}

static struct acpi_info info;

static int parse(const uint8_t *rsdp, size_t len)
{
    warning_count = 0;
    int err = acpi_parse(rsdp, len, fake_map, NULL, record_warning, NULL, &info);
    for (size_t i = 0; i < copy_count; i++)
        free(copies[i]);
    copy_count = 0;
    return err;
}

static uint8_t *at(uint64_t phys)
{
    return fake_mem + (phys - FAKE_BASE);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;
    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* Recompute the checksum of the table at phys over its own length. */
static void fix(uint64_t phys)
{
    uint8_t *t = at(phys);
    uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;
    t[9] = 0;
    t[9] = (uint8_t)-sum(t, len);
}

static void header(uint64_t phys, const char *sig, uint32_t len)
{
    uint8_t *t = at(phys);
    memset(t, 0, len);
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = 1;
    memcpy(t + 10, "KSTRL ", 6);
}

static void make_rsdp(uint8_t *r, uint8_t revision, uint32_t rsdt, uint64_t xsdt)
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

static void make_root(uint64_t phys, bool xsdt, const uint64_t *entries, unsigned count)
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

static void madt_begin(uint32_t lapic, uint32_t flags)
{
    header(MADT_AT, "APIC", 44);
    put32(at(MADT_AT) + 36, lapic);
    put32(at(MADT_AT) + 40, flags);
    madt_len = 44;
}

static uint8_t *madt_entry(uint8_t type, uint8_t len)
{
    uint8_t *e = at(MADT_AT) + madt_len;
    memset(e, 0, len);
    e[0] = type;
    e[1] = len;
    madt_len += len;
    return e;
}

static void madt_end(void)
{
    put32(at(MADT_AT) + 4, madt_len);
    fix(MADT_AT);
}

static void e_lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
    uint8_t *e = madt_entry(0, 8);
    e[2] = uid, e[3] = id;
    put32(e + 4, flags);
}

static void e_ioapic(uint8_t id, uint32_t address, uint32_t gsi_base)
{
    uint8_t *e = madt_entry(1, 12);
    e[2] = id;
    put32(e + 4, address);
    put32(e + 8, gsi_base);
}

static void e_override(uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t *e = madt_entry(2, 10);
    e[2] = bus, e[3] = irq;
    put32(e + 4, gsi);
    put16(e + 8, flags);
}

static void e_nmi_source(uint16_t flags, uint32_t gsi)
{
    uint8_t *e = madt_entry(3, 8);
    put16(e + 2, flags);
    put32(e + 4, gsi);
}

static void e_lapic_nmi(uint8_t uid, uint16_t flags, uint8_t lint)
{
    uint8_t *e = madt_entry(4, 6);
    e[2] = uid;
    put16(e + 3, flags);
    e[5] = lint;
}

static void e_lapic_address(uint64_t address)
{
    put64(madt_entry(5, 12) + 4, address);
}

static void e_x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
    uint8_t *e = madt_entry(9, 16);
    put32(e + 4, id);
    put32(e + 8, flags);
    put32(e + 12, uid);
}

static void e_x2apic_nmi(uint16_t flags, uint32_t uid, uint8_t lint)
{
    uint8_t *e = madt_entry(0xA, 12);
    put16(e + 2, flags);
    put32(e + 4, uid);
    e[8] = lint;
}

static void make_hpet(uint8_t space, uint64_t address, uint16_t min_tick)
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
static void make_fadt(uint32_t len)
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

static void make_machine(bool v2)
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

/* --- whole machines ---------------------------------------------------- */

static bool has_cpu(uint32_t apic_id, bool enabled)
{
    for (unsigned i = 0; i < info.cpu_count; i++)
        if (info.cpus[i].apic_id == apic_id)
            return info.cpus[i].enabled == enabled;
    return false;
}

UNIT_TEST(v2_rsdp_follows_the_xsdt_to_madt_hpet_and_fadt)
{
    make_machine(true);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(info.present && info.root_is_xsdt);
    CHECK_EQ_U(info.revision, 2);
    CHECK_EQ_U(info.tables_seen, 4);
    CHECK_EQ_U(info.tables_skipped, 0);
    CHECK_EQ_U(warning_count, 0);
    CHECK(info.has_madt && info.legacy_pics);
    CHECK_EQ_U(info.lapic_address, 0xFEE00000);
    CHECK_EQ_U(info.cpu_count, 2);
    CHECK(has_cpu(0, true) && has_cpu(1, true));
    CHECK_EQ_U(info.cpus[1].uid, 1);
    CHECK_EQ_U(info.ioapic_count, 1);
    CHECK_EQ_U(info.ioapics[0].address, 0xFEC00000);
    CHECK_EQ_U(info.override_count, 2);
    CHECK_EQ_U(info.overrides[0].bus_irq, 0);
    CHECK_EQ_U(info.overrides[0].gsi, 2);
    CHECK_EQ_U(info.overrides[1].flags & ACPI_TRIGGER_MASK, ACPI_TRIGGER_LEVEL);
    CHECK_EQ_U(info.overrides[1].flags & ACPI_POLARITY_MASK, ACPI_POLARITY_HIGH);
    CHECK_EQ_U(info.nmi_count, 1);
    CHECK_EQ_U(info.nmis[0].uid, 0xFFFFFFFF);
    CHECK_EQ_U(info.nmis[0].lint, 1);
    CHECK(info.has_hpet);
    CHECK_EQ_U(info.hpet_address, 0xFED00000);
    CHECK_EQ_U(info.hpet_min_tick, 128);
    CHECK(info.has_fadt);
    CHECK_EQ_U(info.sci_irq, 9);
    CHECK_EQ_U(info.fadt_flags_lo, 0xA5 | 1u << 10);
    CHECK_EQ_U(info.pm1a_control, 0x1604);   /* X_PM1a_CNT_BLK preferred */
    CHECK_EQ_U(info.pm1b_control, 0);
    CHECK(info.has_reset_register);
    CHECK_EQ_U(info.reset_space, 1);
    CHECK_EQ_U(info.reset_address, 0xCF9);
    CHECK_EQ_U(info.reset_value, 6);
}

UNIT_TEST(v1_rsdp_follows_the_rsdt_with_32_bit_entries)
{
    make_machine(false);
    CHECK_EQ_U(parse(rsdp, 20), 0);
    CHECK(info.present && !info.root_is_xsdt);
    CHECK_EQ_U(info.revision, 0);
    CHECK_EQ_U(info.tables_seen, 4);
    CHECK(info.has_madt && info.has_hpet && info.has_fadt);
    CHECK_EQ_U(info.cpu_count, 2);
    CHECK_EQ_U(warning_count, 0);
}

UNIT_TEST(every_madt_entry_type_is_read)
{
    make_machine(true);
    madt_begin(0xFEE00000, 0);
    e_lapic(1, 0, 1);                    /* enabled */
    e_lapic(2, 1, 2);                    /* online capable */
    e_lapic(3, 2, 0);                    /* neither: never usable, not listed */
    e_ioapic(4, 0xFEC00000, 0);
    e_ioapic(5, 0xFEC01000, 24);
    e_override(0, 0, 2, 0x5);
    e_nmi_source(0xF, 30);
    e_lapic_nmi(1, 0x5, 0);
    e_lapic_address(0x1FEE00000ull);
    e_x2apic(300, 1, 77);
    e_x2apic_nmi(0xD, 77, 1);
    madt_entry(0x7F, 5);                 /* unknown type: stepped over */
    e_lapic(9, 9, 1);
    madt_end();
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.legacy_pics);
    CHECK_EQ_U(info.lapic_address, 0x1FEE00000ull);
    CHECK_EQ_U(info.cpu_count, 4);
    CHECK(has_cpu(0, true) && has_cpu(1, false) && !has_cpu(2, true) && !has_cpu(2, false));
    CHECK(has_cpu(300, true) && has_cpu(9, true));
    CHECK(info.cpus[1].online_capable && !info.cpus[0].online_capable);
    CHECK_EQ_U(info.cpus[2].uid, 77);
    CHECK_EQ_U(info.ioapic_count, 2);
    CHECK_EQ_U(info.ioapics[1].id, 5);
    CHECK_EQ_U(info.ioapics[1].gsi_base, 24);
    CHECK_EQ_U(info.override_count, 1);
    CHECK_EQ_U(info.overrides[0].flags, 0x5);
    CHECK_EQ_U(info.nmi_count, 2);
    CHECK_EQ_U(info.nmis[0].uid, 1);
    CHECK_EQ_U(info.nmis[0].lint, 0);
    CHECK_EQ_U(info.nmis[0].flags, 0x5);
    CHECK_EQ_U(info.nmis[1].uid, 77);
    CHECK_EQ_U(info.nmis[1].lint, 1);
    CHECK_EQ_U(info.nmis[1].flags, 0xD);
    CHECK_EQ_U(warning_count, 0);
}

UNIT_TEST(doubtful_madt_entries_are_skipped_with_warnings)
{
    make_machine(true);
    madt_begin(0xFEE00000, 1);
    e_lapic(0, 0, 1);
    e_x2apic(0, 1, 0);                   /* the same CPU again */
    e_lapic(1, 0xFF, 1);                 /* broadcast id */
    e_x2apic(0xFFFFFFFF, 1, 2);
    e_ioapic(1, 0, 0);                   /* no address */
    e_override(1, 5, 5, 0);              /* not ISA */
    e_lapic_nmi(0, 0, 2);                /* no LINT2 */
    madt_end();
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK_EQ_U(info.cpu_count, 1);
    CHECK_EQ_U(info.ioapic_count + info.override_count + info.nmi_count, 0);
    CHECK_EQ_U(warning_count, 6);
    CHECK(warned("MADT: a second entry for one APIC id"));
    CHECK(warned("MADT: local APIC id 0xFF"));
    CHECK(warned("MADT: x2APIC id 0xFFFFFFFF"));
    CHECK(warned("MADT: I/O APIC at address 0"));
    CHECK(warned("MADT: override for a bus other than ISA"));
    CHECK(warned("MADT: local APIC NMI on a LINT pin"));
}

/* --- the RSDP ------------------------------------------------------------ */

UNIT_TEST(no_rsdp_is_not_found)
{
    make_machine(true);
    CHECK_EQ_U(parse(NULL, 36), -KS_ERR_NOT_FOUND);
    CHECK_EQ_U(parse(rsdp, 0), -KS_ERR_NOT_FOUND);
    CHECK(!info.present);
    CHECK_EQ_U(warning_count, 0);
}

UNIT_TEST(bad_rsdp_signature_checksum_or_size_is_corrupt)
{
    make_machine(true);
    CHECK_EQ_U(parse(rsdp, 19), -KS_ERR_CORRUPT);
    CHECK(warned("RSDP: shorter than 20 bytes"));
    rsdp[0] = 'r';
    rsdp[8] = (uint8_t)(rsdp[8] + 'R' - 'r');    /* checksum still right */
    CHECK_EQ_U(parse(rsdp, 36), -KS_ERR_CORRUPT);
    CHECK(warned("RSDP: bad signature"));
    CHECK(!info.present && !info.has_madt);
    make_machine(true);
    rsdp[16] ^= 0x10;                            /* RSDT address, checksum now wrong */
    CHECK_EQ_U(parse(rsdp, 36), -KS_ERR_CORRUPT);
    CHECK(warned("RSDP: bad checksum"));
    CHECK(!info.present && info.cpu_count == 0);
}

UNIT_TEST(v2_rsdp_with_bad_extended_fields_falls_back_to_the_rsdt)
{
    make_machine(true);
    rsdp[33] = 1;                                /* extended checksum wrong */
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(info.present && !info.root_is_xsdt && info.has_madt);
    CHECK(warned("RSDP: bad extended checksum"));
    make_machine(true);
    put32(rsdp + 20, 20);                        /* length too short for v2 */
    rsdp[32] = 0;
    rsdp[32] = (uint8_t)-sum(rsdp, 36);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.root_is_xsdt && warned("RSDP: bad length"));
    make_machine(true);                          /* the loader kept 20 bytes */
    CHECK_EQ_U(parse(rsdp, 20), 0);
    CHECK(!info.root_is_xsdt && warned("only 20 bytes"));
    CHECK_EQ_U(info.revision, 2);
}

/* --- root tables ----------------------------------------------------------- */

UNIT_TEST(root_table_in_unmappable_memory_is_corrupt)
{
    make_machine(false);
    make_rsdp(rsdp, 0, 0xFFFFF000u, 0);
    CHECK_EQ_U(parse(rsdp, 20), -KS_ERR_CORRUPT);
    CHECK(!info.present && !info.has_madt);
    CHECK(warned("RSDT: header is not in mapped memory"));
    /* The header fits but the table runs off the end of memory. */
    header(FAKE_BASE + FAKE_SIZE - 36, "RSDT", 36);
    put32(at(FAKE_BASE + FAKE_SIZE - 36) + 4, 36 + 4);
    make_rsdp(rsdp, 0, (uint32_t)(FAKE_BASE + FAKE_SIZE - 36), 0);
    CHECK_EQ_U(parse(rsdp, 20), -KS_ERR_CORRUPT);
    CHECK(warned("RSDT: length runs past mapped memory"));
    make_rsdp(rsdp, 2, 0, 0);
    CHECK_EQ_U(parse(rsdp, 36), -KS_ERR_CORRUPT);
    CHECK(warned("RSDP: no root table address"));
    CHECK_EQ_U(info.revision, 2);
}

UNIT_TEST(unusable_xsdt_falls_back_to_the_rsdt)
{
    make_machine(true);
    make_rsdp(rsdp, 2, (uint32_t)RSDT_AT, 1ull << 40);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(info.present && !info.root_is_xsdt && info.has_madt);
    CHECK(warned("XSDT: header is not in mapped memory"));
    CHECK(warned("XSDT: unusable; using the RSDT"));
    make_machine(true);
    memcpy(at(XSDT_AT), "XSDX", 4);
    fix(XSDT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.root_is_xsdt && warned("XSDT: wrong signature"));
    make_machine(true);
    at(XSDT_AT)[40] ^= 1;
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.root_is_xsdt && warned("XSDT: bad checksum"));
}

UNIT_TEST(bad_root_entries_are_skipped_and_the_rest_read)
{
    make_machine(true);
    uint64_t entries[] = { 0, 1ull << 40, FAKE_BASE + FAKE_SIZE - 8, MADT_AT, HPET_AT };
    make_root(XSDT_AT, true, entries, 5);
    /* A ragged tail shorter than one entry is not an entry. */
    put32(at(XSDT_AT) + 4, 36 + 5 * 8 + 3);
    fix(XSDT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK_EQ_U(info.tables_seen, 5);
    CHECK_EQ_U(info.tables_skipped, 2);
    CHECK(warned("XSDT: a null entry"));
    CHECK(warned("XSDT: an entry points at unmappable memory"));
    CHECK(info.has_madt && info.has_hpet && !info.has_fadt);
}

/* --- table checks -------------------------------------------------------- */

UNIT_TEST(table_with_bad_checksum_is_skipped)
{
    make_machine(true);
    at(MADT_AT)[50] ^= 0x40;
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.has_madt && info.cpu_count == 0);
    CHECK_EQ_U(info.tables_skipped, 1);
    CHECK(warned("MADT: bad checksum"));
    CHECK(info.has_hpet && info.has_fadt);
}

UNIT_TEST(table_shorter_than_its_header_or_fields_is_skipped)
{
    make_machine(true);
    put32(at(HPET_AT) + 4, 20);
    fix(HPET_AT);
    put32(at(MADT_AT) + 4, 40);                  /* a header but no MADT fields */
    fix(MADT_AT);
    put32(at(FADT_AT) + 4, 100);
    fix(FADT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.has_hpet && !info.has_madt && !info.has_fadt);
    CHECK_EQ_U(info.tables_skipped, 3);
    CHECK(warned("HPET: length is shorter than the table header"));
    CHECK(warned("MADT: shorter than its fixed fields"));
    CHECK(warned("FADT: shorter than an ACPI 1.0 FADT"));
}

UNIT_TEST(table_running_past_mapped_memory_is_skipped)
{
    make_machine(true);
    put32(at(HPET_AT) + 4, FAKE_SIZE);           /* past the end of memory */
    put32(at(MADT_AT) + 4, 0x80000000u);         /* absurd */
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.has_hpet && !info.has_madt && info.has_fadt);
    CHECK(warned("HPET: length runs past mapped memory"));
    CHECK(warned("MADT: length is over 1 MiB"));
}

UNIT_TEST(second_madt_is_ignored)
{
    make_machine(true);
    uint64_t entries[] = { MADT_AT, MADT_AT, FADT_AT };
    make_root(XSDT_AT, true, entries, 3);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK_EQ_U(info.cpu_count, 2);
    CHECK(warned("MADT: a second table ignored"));
}

/* --- MADT walk ------------------------------------------------------------- */

UNIT_TEST(madt_entry_of_length_zero_ends_the_walk)
{
    make_machine(true);
    madt_begin(0xFEE00000, 1);
    e_lapic(0, 0, 1);
    madt_entry(0, 8)[1] = 0;                     /* would loop forever */
    e_lapic(1, 1, 1);
    madt_end();
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(info.has_madt);
    CHECK_EQ_U(info.cpu_count, 1);
    CHECK(warned("MADT: entry with a length below 2"));
    madt_begin(0xFEE00000, 1);
    madt_entry(0, 8)[1] = 1;
    madt_end();
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(info.cpu_count == 0 && warned("MADT: entry with a length below 2"));
}

UNIT_TEST(madt_entry_past_the_table_end_ends_the_walk)
{
    make_machine(true);
    madt_begin(0xFEE00000, 1);
    e_lapic(0, 0, 1);
    e_x2apic(5, 1, 5);
    madt_end();
    /* Cut the table inside the x2APIC entry: its length says 16. */
    put32(at(MADT_AT) + 4, 44 + 8 + 10);
    fix(MADT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK_EQ_U(info.cpu_count, 1);
    CHECK(warned("MADT: entry runs past the table end"));
    /* One byte left: not even an entry header. */
    put32(at(MADT_AT) + 4, 44 + 8 + 1);
    fix(MADT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK_EQ_U(info.cpu_count, 1);
    CHECK(warned("MADT: entry header runs past the table end"));
}

UNIT_TEST(madt_entry_shorter_than_its_type_ends_the_walk)
{
    static const uint8_t types[] = { 0, 1, 2, 3, 4, 5, 9, 0xA };
    static const uint8_t sizes[] = { 8, 12, 10, 8, 6, 12, 16, 12 };
    make_machine(true);
    for (unsigned i = 0; i < sizeof(types); i++) {
        madt_begin(0xFEE00000, 1);
        e_lapic(0, 0, 1);
        uint8_t *e = madt_entry(types[i], (uint8_t)(sizes[i] - 1));
        memset(e + 2, 0x01, sizes[i] - 3);
        e_lapic(1, 1, 1);
        madt_end();
        CHECK_EQ_U(parse(rsdp, 36), 0);
        CHECK_EQ_U(info.cpu_count, 1);
        CHECK_EQ_U(info.lapic_address, 0xFEE00000);
        CHECK(warned("MADT: entry shorter than its type"));
    }
}

UNIT_TEST(too_many_cpus_ioapics_overrides_and_nmis_are_bounded)
{
    make_machine(true);
    madt_begin(0xFEE00000, 1);
    for (unsigned i = 0; i < ACPI_MAX_CPUS + 44; i++)
        e_x2apic(i, 1, i);
    for (unsigned i = 0; i < ACPI_MAX_IOAPICS + 4; i++)
        e_ioapic((uint8_t)i, 0xFEC00000 + i * 0x1000, i * 24);
    for (unsigned i = 0; i < ACPI_MAX_OVERRIDES + 4; i++)
        e_override(0, (uint8_t)i, i, 0);
    for (unsigned i = 0; i < ACPI_MAX_NMIS + 4; i++)
        e_x2apic_nmi(0, i, 1);
    madt_end();
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK_EQ_U(info.cpu_count, ACPI_MAX_CPUS);
    CHECK_EQ_U(info.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
    CHECK_EQ_U(info.ioapic_count, ACPI_MAX_IOAPICS);
    CHECK_EQ_U(info.override_count, ACPI_MAX_OVERRIDES);
    CHECK_EQ_U(info.nmi_count, ACPI_MAX_NMIS);
    /* One warning per full array, not one per entry left out. */
    CHECK_EQ_U(warning_count, 4);
    CHECK(warned("MADT: more CPUs than Kestrel can hold"));
    CHECK(warned("MADT: more I/O APICs"));
    CHECK(warned("MADT: more overrides"));
    CHECK(warned("MADT: more NMI entries"));
}

/* Random entry bytes under a good checksum: the walk ends, reads only
 * inside the table (ASan), and never overfills an array. */
UNIT_TEST(random_madt_bodies_never_escape_the_table)
{
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    make_machine(true);
    for (unsigned round = 0; round < 3000; round++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        unsigned body = (unsigned)(seed % 600);
        madt_begin(0xFEE00000, 1);
        for (unsigned i = 0; i < body; i++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            /* Mostly small lengths and known types, so walks go deep. */
            uint8_t b = (uint8_t)seed;
            at(MADT_AT)[44 + i] = (i % 2) ? (uint8_t)(b % 20) : (uint8_t)(b % 12);
        }
        madt_len = 44 + body;
        madt_end();
        CHECK_EQ_U(parse(rsdp, 36), 0);
        CHECK(info.has_madt);
        CHECK(info.cpu_count <= ACPI_MAX_CPUS && info.ioapic_count <= ACPI_MAX_IOAPICS);
        CHECK(info.override_count <= ACPI_MAX_OVERRIDES && info.nmi_count <= ACPI_MAX_NMIS);
    }
}

/* --- HPET and FADT ---------------------------------------------------------- */

UNIT_TEST(hpet_outside_memory_space_is_skipped)
{
    make_machine(true);
    make_hpet(1, 0xFED00000, 128);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.has_hpet && warned("HPET: base address is not in memory space"));
    make_hpet(0, 0, 128);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.has_hpet);
    CHECK_EQ_U(info.tables_skipped, 1);
}

UNIT_TEST(acpi_1_fadt_has_32_bit_blocks_and_no_reset_register)
{
    make_machine(true);
    make_fadt(116);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(info.has_fadt && !info.has_reset_register);
    CHECK_EQ_U(info.pm1a_control, 0x604);
    CHECK_EQ_U(info.sci_irq, 9);
    make_fadt(129);                              /* ACPI 2.0 start: RESET_REG, no X_ */
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(info.has_reset_register);
    CHECK_EQ_U(info.pm1a_control, 0x604);
}

UNIT_TEST(fadt_x_blocks_only_when_set_and_in_io_space)
{
    make_machine(true);
    at(FADT_AT)[172] = 0;                        /* X_PM1a in memory space */
    put32(at(FADT_AT) + 68, 0x608);
    put64(at(FADT_AT) + 188, 0x1608);            /* X_PM1b address, I/O space */
    at(FADT_AT)[184] = 1;
    fix(FADT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK_EQ_U(info.pm1a_control, 0x604);
    CHECK_EQ_U(info.pm1b_control, 0x1608);
    make_fadt(FADT_FULL_LEN);
    put64(at(FADT_AT) + 176, 0);                 /* X_PM1a zero */
    fix(FADT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK_EQ_U(info.pm1a_control, 0x604);
}

UNIT_TEST(fadt_reset_register_needs_the_flag_and_a_known_space)
{
    make_machine(true);
    put32(at(FADT_AT) + 112, 0xA5);              /* RESET_REG_SUP clear */
    fix(FADT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(info.has_fadt && !info.has_reset_register);
    CHECK_EQ_U(info.fadt_flags_lo, 0xA5);
    make_fadt(FADT_FULL_LEN);
    at(FADT_AT)[116] = 3;                        /* embedded controller space */
    fix(FADT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(!info.has_reset_register && warned("FADT: RESET_REG"));
    make_fadt(FADT_FULL_LEN);
    at(FADT_AT)[116] = 0;                        /* memory-mapped reset */
    fix(FADT_AT);
    CHECK_EQ_U(parse(rsdp, 36), 0);
    CHECK(info.has_reset_register);
    CHECK_EQ_U(info.reset_space, 0);
}

UNIT_MAIN(UNIT_CASE(v2_rsdp_follows_the_xsdt_to_madt_hpet_and_fadt),
          UNIT_CASE(v1_rsdp_follows_the_rsdt_with_32_bit_entries),
          UNIT_CASE(every_madt_entry_type_is_read),
          UNIT_CASE(doubtful_madt_entries_are_skipped_with_warnings),
          UNIT_CASE(no_rsdp_is_not_found),
          UNIT_CASE(bad_rsdp_signature_checksum_or_size_is_corrupt),
          UNIT_CASE(v2_rsdp_with_bad_extended_fields_falls_back_to_the_rsdt),
          UNIT_CASE(root_table_in_unmappable_memory_is_corrupt),
          UNIT_CASE(unusable_xsdt_falls_back_to_the_rsdt),
          UNIT_CASE(bad_root_entries_are_skipped_and_the_rest_read),
          UNIT_CASE(table_with_bad_checksum_is_skipped),
          UNIT_CASE(table_shorter_than_its_header_or_fields_is_skipped),
          UNIT_CASE(table_running_past_mapped_memory_is_skipped),
          UNIT_CASE(second_madt_is_ignored),
          UNIT_CASE(madt_entry_of_length_zero_ends_the_walk),
          UNIT_CASE(madt_entry_past_the_table_end_ends_the_walk),
          UNIT_CASE(madt_entry_shorter_than_its_type_ends_the_walk),
          UNIT_CASE(too_many_cpus_ioapics_overrides_and_nmis_are_bounded),
          UNIT_CASE(random_madt_bodies_never_escape_the_table),
          UNIT_CASE(hpet_outside_memory_space_is_skipped),
          UNIT_CASE(acpi_1_fadt_has_32_bit_blocks_and_no_reset_register),
          UNIT_CASE(fadt_x_blocks_only_when_set_and_in_io_space),
          UNIT_CASE(fadt_reset_register_needs_the_flag_and_a_known_space))
