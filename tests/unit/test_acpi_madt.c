/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the ACPI parser's MADT walk (kernel/acpi/acpi_tables.c):
 * entries of length zero, past the table's end or shorter than their
 * type end the walk; the CPU, I/O APIC, override and NMI arrays are
 * bounded; random MADT bodies with valid checksums never make the parser
 * read outside the table (AddressSanitizer) or loop (the alarm).
 */
#include "acpi_fake.h"

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

UNIT_MAIN(
    UNIT_CASE(madt_entry_of_length_zero_ends_the_walk),
    UNIT_CASE(madt_entry_past_the_table_end_ends_the_walk),
    UNIT_CASE(madt_entry_shorter_than_its_type_ends_the_walk),
    UNIT_CASE(too_many_cpus_ioapics_overrides_and_nmis_are_bounded),
    UNIT_CASE(random_madt_bodies_never_escape_the_table)
)
