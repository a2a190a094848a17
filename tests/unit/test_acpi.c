/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the ACPI table parser (kernel/acpi/acpi_tables.c):
 * whole machines (v1 RSDT and v2 XSDT, every MADT entry type), the RSDP
 * checks, root tables and their fallbacks, per-table checks (checksum,
 * length, mapping), HPET and FADT fields.  The fake machine and its
 * builders are in acpi_fake.h; the MADT walk's bounds are tested in
 * test_acpi_madt.c.
 */
#include "acpi_fake.h"

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

/* \_S5 in AML: the forms firmware uses, and what must not be taken. */
UNIT_TEST(s5_package_values_are_found_in_aml)
{
    uint8_t a = 9, b = 9;
    /* NameOp "_S5_" Package(4) { BytePrefix 5, BytePrefix 5, Zero, Zero }. */
    static const uint8_t bytes[] = { 0x10, 0x08, '_', 'S', '5', '_', 0x12, 0x0A, 0x04,
                                     0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00 };
    CHECK(acpi_s5_parse(bytes, sizeof(bytes), &a, &b));
    CHECK_EQ_U(a, 5);
    CHECK_EQ_U(b, 5);
    /* Root prefix, Zero/One ops and a two-byte PkgLength. */
    static const uint8_t rooted[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x40, 0x00, 0x02,
                                      0x00, 0x01 };
    CHECK(acpi_s5_parse(rooted, sizeof(rooted), &a, &b));
    CHECK_EQ_U(a, 0);
    CHECK_EQ_U(b, 1);
    /* A reference (no NameOp), a name that is not a package, and a
     * package cut short are not \_S5; a later good one still is. */
    static const uint8_t tricky[] = { 0x70, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0A, 0x07,
                                      0x08, '_', 'S', '5', '_', 0x0A, 0x03,
                                      0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0B, 0x06,
                                      0x00, 0x0A, 0x02 };
    CHECK(acpi_s5_parse(tricky, sizeof(tricky), &a, &b));
    CHECK_EQ_U(a, 6);
    CHECK_EQ_U(b, 2);
    static const uint8_t cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0A };
    CHECK(!acpi_s5_parse(cut, sizeof(cut), &a, &b));
    CHECK(!acpi_s5_parse(cut, 3, &a, &b));
    CHECK(!acpi_s5_parse(cut, 0, &a, &b));
}

UNIT_MAIN(
    UNIT_CASE(s5_package_values_are_found_in_aml),
    UNIT_CASE(v2_rsdp_follows_the_xsdt_to_madt_hpet_and_fadt),
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
    UNIT_CASE(hpet_outside_memory_space_is_skipped),
    UNIT_CASE(acpi_1_fadt_has_32_bit_blocks_and_no_reset_register),
    UNIT_CASE(fadt_x_blocks_only_when_set_and_in_io_space),
    UNIT_CASE(fadt_reset_register_needs_the_flag_and_a_known_space)
)
