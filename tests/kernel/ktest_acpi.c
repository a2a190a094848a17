/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the ACPI tables acpi_init read at boot (kernel/acpi):
 * on QEMU (pc or q35, BIOS or UEFI) the MADT lists the boot CPU's APIC id
 * as an enabled CPU, at least one I/O APIC, the local APIC at 0xFEE00000
 * and the ISA IRQ0 -> GSI 2 override; the HPET and the FADT (SCI IRQ 9)
 * are there; the root table lies outside usable RAM (so the frame
 * allocator cannot have reused it); parsing again gives the same answer.
 * The direct-map callback refuses what the direct map does not cover,
 * and the parser, built into the kernel, rejects a malformed MADT made
 * here in a buffer (the host tests, tests/unit/test_acpi.c, try many).
 * Booted without ACPI tables, the tests of the real tables check that
 * acpi_info() is empty instead.
 */
#include "acpi/acpi.h"
#include "acpi/acpi_internal.h"
#include "init/boot.h"
#include "kestrel/errors.h"
#include "ktest/ktest.h"
#include "msr.h"

#define QEMU_LAPIC_ADDRESS 0xFEE00000u
#define QEMU_HPET_ADDRESS  0xFED00000u
#define QEMU_SCI_IRQ       9

/* The boot CPU's initial APIC id: CPUID leaf 1, EBX bits 31:24 (SDM
 * Vol. 2A, CPUID, Table 3-8). */
static uint32_t boot_cpu_apic_id(void)
{
    return cpuid(1, 0).ebx >> 24;
}

/* Booted without ACPI (QEMU -machine acpi=off: the loader had no RSDP):
 * the tests of the real tables check instead that acpi_info() is empty. */
static bool booted_without_acpi(const char **why)
{
    const struct acpi_info *info = acpi_info();
    if (kernel_boot_info->rsdp_length)
        return false;
    *why = NULL;
    if (info->present || info->has_madt || info->cpu_count || info->has_hpet || info->has_fadt)
        *why = "no RSDP, yet acpi_info() is not empty";
    return true;
}

KTEST(acpi_tables_were_found_with_madt_hpet_and_fadt)
{
    const struct acpi_info *info = acpi_info();
    const char *why;
    if (booted_without_acpi(&why))
        return why;
    KTEST_EXPECT(info->present, "no usable ACPI tables");
    KTEST_EXPECT(info->root_is_xsdt == (info->revision >= 2), "root table does not match revision");
    KTEST_EXPECT(info->tables_seen >= 3, "fewer root entries than MADT+HPET+FADT");
    KTEST_EXPECT(info->tables_skipped == 0, "QEMU's tables were skipped as malformed");
    KTEST_EXPECT(info->has_madt, "no MADT");
    KTEST_EXPECT(info->has_hpet, "no HPET");
    KTEST_EXPECT(info->hpet_address == QEMU_HPET_ADDRESS, "HPET is not at 0xFED00000");
    KTEST_EXPECT(info->has_fadt, "no FADT");
    KTEST_EXPECT(info->sci_irq == QEMU_SCI_IRQ, "SCI is not IRQ 9");
    KTEST_EXPECT(info->pm1a_control != 0, "no PM1a control block");
    return NULL;
}

KTEST(madt_lists_the_boot_cpu_an_ioapic_and_the_local_apic)
{
    const char *why;
    if (booted_without_acpi(&why))
        return why;
    const struct acpi_info *info = acpi_info();
    KTEST_EXPECT(info->lapic_address == QEMU_LAPIC_ADDRESS, "local APIC is not at 0xFEE00000");
    KTEST_EXPECT(info->cpu_count >= 1 && info->cpu_count <= ACPI_MAX_CPUS, "no CPU listed");
    KTEST_EXPECT(info->ioapic_count >= 1, "no I/O APIC");
    KTEST_EXPECT(info->ioapics[0].address != 0, "I/O APIC without an address");
    uint32_t boot_id = boot_cpu_apic_id();
    bool found = false;
    for (unsigned i = 0; i < info->cpu_count; i++) {
        if (info->cpus[i].apic_id == boot_id) {
            KTEST_EXPECT(info->cpus[i].enabled, "the boot CPU is listed as disabled");
            found = true;
        }
        for (unsigned j = 0; j < i; j++)
            KTEST_EXPECT(info->cpus[j].apic_id != info->cpus[i].apic_id, "an APIC id twice");
    }
    KTEST_EXPECT(found, "the boot CPU's APIC id is not in the MADT");
    return NULL;
}

KTEST(madt_routes_isa_irq0_to_gsi2)
{
    const char *why;
    if (booted_without_acpi(&why))
        return why;
    const struct acpi_info *info = acpi_info();
    for (unsigned i = 0; i < info->override_count; i++)
        if (info->overrides[i].bus_irq == 0)
            return info->overrides[i].gsi == 2 ? NULL : "IRQ0 is not routed to GSI 2";
    return "no override for ISA IRQ0";
}

/* A root table in usable RAM could have been handed out by the PMM. */
KTEST(root_table_lies_outside_usable_ram)
{
    const char *why;
    if (booted_without_acpi(&why))
        return why;
    const struct ks_boot_info *bi = kernel_boot_info;
    const struct acpi_info *info = acpi_info();
    KTEST_EXPECT(bi->rsdp_length >= 20, "no RSDP copy");
    const uint8_t *r = bi->rsdp;
    uint64_t root = (uint64_t)r[16] | (uint64_t)r[17] << 8 | (uint64_t)r[18] << 16 |
                    (uint64_t)r[19] << 24;
    if (info->root_is_xsdt) {
        root = 0;
        for (int i = 7; i >= 0; i--)
            root = root << 8 | r[24 + i];
    }
    for (uint32_t i = 0; i < bi->mem_count && i < KS_BOOT_MAX_MEM; i++) {
        const struct ks_mem_region *m = &bi->mem[i];
        if (root >= m->base && root - m->base < m->length)
            return m->type == KS_MEM_USABLE ? "root table sits in usable RAM" : NULL;
    }
    return NULL;  /* in no region at all: a hole the PMM never owns */
}

KTEST(parsing_the_tables_again_gives_the_same_answer)
{
    const char *why;
    if (booted_without_acpi(&why))
        return why;
    static struct acpi_info again;
    const struct ks_boot_info *bi = kernel_boot_info;
    const struct acpi_info *info = acpi_info();
    int err = acpi_parse(bi->rsdp, bi->rsdp_length, acpi_map_direct, (void *)bi, NULL, NULL,
                         &again);
    KTEST_EXPECT(err == 0, "second parse failed");
    KTEST_EXPECT(again.cpu_count == info->cpu_count && again.ioapic_count == info->ioapic_count &&
                 again.override_count == info->override_count &&
                 again.lapic_address == info->lapic_address &&
                 again.hpet_address == info->hpet_address, "second parse differs");
    for (unsigned i = 0; i < info->cpu_count; i++)
        KTEST_EXPECT(again.cpus[i].apic_id == info->cpus[i].apic_id, "CPU list differs");
    return NULL;
}

KTEST(direct_map_callback_refuses_ranges_outside_the_direct_map)
{
    struct ks_boot_info *bi = (struct ks_boot_info *)kernel_boot_info;
    uint64_t size = bi->direct_map_size;
    KTEST_EXPECT(acpi_map_direct(bi, 0x1000, 36) != NULL, "low memory refused");
    KTEST_EXPECT(acpi_map_direct(bi, size - 36, 36) != NULL, "last bytes refused");
    KTEST_EXPECT(acpi_map_direct(bi, size - 35, 36) == NULL, "range past the end accepted");
    KTEST_EXPECT(acpi_map_direct(bi, size, 1) == NULL, "first byte past the end accepted");
    KTEST_EXPECT(acpi_map_direct(bi, ~0ull - 8, 36) == NULL, "wrapping range accepted");
    KTEST_EXPECT(acpi_map_direct(bi, 0x1000, 0) == NULL, "empty range accepted");
    return NULL;
}

/* --- the parser on a malformed MADT built here ------------------------ */

static uint8_t fake_tables[256];

static const void *fake_map(void *ctx, uint64_t phys, size_t len)
{
    (void)ctx;
    if (phys >= sizeof(fake_tables) || len > sizeof(fake_tables) - phys)
        return NULL;
    return fake_tables + phys;
}

static void count_warning(void *ctx, const char *table, const char *why)
{
    (void)table, (void)why;
    (*(unsigned *)ctx)++;
}

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    p[at] = (uint8_t)-sum;
}

/* RSDP (v1, RSDT at 64) -> RSDT (one entry) -> MADT at 128: one CPU,
 * then an entry of length 0 and a second CPU the walk must not reach. */
static void build_bad_madt(uint8_t *rsdp)
{
    static const uint8_t rsdp_head[9] = "RSD PTR ";
    for (size_t i = 0; i < sizeof(fake_tables); i++)
        fake_tables[i] = 0;
    for (size_t i = 0; i < 20; i++)
        rsdp[i] = i < 8 ? rsdp_head[i] : 0;
    rsdp[16] = 64;
    fix_checksum(rsdp, 20, 8);
    uint8_t *rsdt = fake_tables + 64, *madt = fake_tables + 128;
    rsdt[0] = 'R', rsdt[1] = 'S', rsdt[2] = 'D', rsdt[3] = 'T', rsdt[4] = 40, rsdt[36] = 128;
    fix_checksum(rsdt, 40, 9);
    madt[0] = 'A', madt[1] = 'P', madt[2] = 'I', madt[3] = 'C', madt[4] = 44 + 8 + 8 + 8;
    uint8_t entries[24] = { 0, 8, 0, 0, 1, 0, 0, 0,   0, 0, 1, 1, 1, 0, 0, 0,
                            0, 8, 2, 2, 1, 0, 0, 0 };
    for (size_t i = 0; i < sizeof(entries); i++)
        madt[44 + i] = entries[i];
    fix_checksum(madt, madt[4], 9);
}

KTEST(parser_rejects_a_malformed_madt)
{
    static struct acpi_info parsed;
    uint8_t rsdp[20];
    unsigned warnings = 0;
    build_bad_madt(rsdp);
    int err = acpi_parse(rsdp, sizeof(rsdp), fake_map, NULL, count_warning, &warnings, &parsed);
    KTEST_EXPECT(err == 0 && parsed.present && parsed.has_madt, "tables not found");
    KTEST_EXPECT(parsed.cpu_count == 1, "the walk went past an entry of length 0");
    KTEST_EXPECT(warnings == 1, "the bad entry was not warned once");
    fake_tables[128 + 50] ^= 1;   /* now the checksum fails too */
    warnings = 0;
    err = acpi_parse(rsdp, sizeof(rsdp), fake_map, NULL, count_warning, &warnings, &parsed);
    KTEST_EXPECT(err == 0 && !parsed.has_madt && parsed.cpu_count == 0, "bad MADT was used");
    KTEST_EXPECT(parsed.tables_skipped == 1 && warnings == 1, "bad MADT not skipped");
    rsdp[8] ^= 1;
    err = acpi_parse(rsdp, sizeof(rsdp), fake_map, NULL, count_warning, &warnings, &parsed);
    KTEST_EXPECT(err == -KS_ERR_CORRUPT && !parsed.present, "bad RSDP accepted");
    return NULL;
}
