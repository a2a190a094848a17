/* SPDX-License-Identifier: MIT */
/*
 * ACPI at boot (acpi_init and acpi_info in acpi.h): runs the parser of
 * acpi_tables.c once over the RSDP copy in boot_info, reading tables
 * through the direct map, and prints what it found:
 *
 *   acpi: RSDP revision <r>, <XSDT|RSDT> with <n> tables
 *   acpi: MADT: <c> CPUs (<apic ids>), <i> I/O APICs, <o> overrides, local APIC at 0x<a>
 *   acpi: HPET at 0x<a>            or  acpi: no HPET
 *   acpi: FADT: SCI IRQ <n>, ...   or  acpi: no FADT
 *   acpi: warning: <table>: <why>  for each table or entry skipped
 *
 * The tables sit in ACPI-reclaimable, NVS or reserved memory, which the
 * PMM never hands out, so they are intact when this runs (after
 * memory_init).  The map callback refuses any range the direct map does
 * not cover wholly, so a wild pointer in a table is a warning, not a
 * fault.  Boot CPU, once; acpi_info() is read-only afterwards.
 */
#include "acpi/acpi.h"
#include "acpi/acpi_internal.h"
#include "debug/kprintf.h"
#include "kestrel/errors.h"
#include "mm/pmm.h"

/* APIC ids printed on the MADT line; a larger machine ends with "...". */
#define ACPI_PRINT_CPUS_MAX 64

static struct acpi_info acpi_state;

const void *acpi_map_direct(void *boot_info, uint64_t phys, size_t len)
{
    const struct ks_boot_info *bi = boot_info;
    uint64_t limit = bi->direct_map_size;
    if (len == 0 || phys >= limit || len > limit - phys)
        return NULL;
    return phys_to_virt(phys);
}

static void acpi_warn_line(void *ctx, const char *table, const char *why)
{
    (void)ctx;
    kwarn("acpi: warning: %s: %s\n", table, why);
}

static void acpi_report_madt(const struct acpi_info *info)
{
    if (!info->has_madt) {
        kwarn("acpi: warning: MADT: none usable; one CPU, no I/O APIC known\n");
        return;
    }
    unsigned enabled = 0, printed = 0;
    for (unsigned i = 0; i < info->cpu_count; i++)
        enabled += info->cpus[i].enabled;
    kinfo("acpi: MADT: %u CPUs (", enabled);
    for (unsigned i = 0; i < info->cpu_count; i++) {
        if (!info->cpus[i].enabled)
            continue;
        if (printed == ACPI_PRINT_CPUS_MAX) {
            kinfo(" ...");
            break;
        }
        kinfo(printed++ ? " %u" : "%u", info->cpus[i].apic_id);
    }
    kinfo("), %u I/O APICs, %u overrides, local APIC at 0x%llx\n", info->ioapic_count,
          info->override_count, (unsigned long long)info->lapic_address);
    if (info->cpu_count > enabled)
        kinfo("acpi: MADT: %u more CPUs can be brought online later\n",
              info->cpu_count - enabled);
}

static void acpi_report(const struct acpi_info *info)
{
    kinfo("acpi: RSDP revision %u, %s with %u tables\n", info->revision,
          info->root_is_xsdt ? "XSDT" : "RSDT", info->tables_seen);
    acpi_report_madt(info);
    if (info->has_hpet)
        kinfo("acpi: HPET at 0x%llx, minimum tick %u\n",
              (unsigned long long)info->hpet_address, info->hpet_min_tick);
    else
        kinfo("acpi: no HPET\n");
    if (info->has_fadt)
        kinfo("acpi: FADT: SCI IRQ %u, PM1a control 0x%llx, reset register %s, %s\n",
              info->sci_irq, (unsigned long long)info->pm1a_control,
              info->has_reset_register ? "usable" : "none",
              info->has_s5 ? "S5 (power off) known" : "no \\_S5 (no ACPI power off)");
    else
        kinfo("acpi: no FADT\n");
}

int acpi_init(const struct ks_boot_info *bi)
{
    size_t len = bi->rsdp_length;
    if (len == 0) {
        kinfo("acpi: no RSDP from the boot loader\n");
        return -KS_ERR_NOT_FOUND;
    }
    if (len > sizeof(bi->rsdp)) {
        kwarn("acpi: warning: RSDP: boot_info says %u bytes, only %u were copied\n",
              bi->rsdp_length, (unsigned)sizeof(bi->rsdp));
        len = sizeof(bi->rsdp);
    }
    int err = acpi_parse(bi->rsdp, len, acpi_map_direct, (void *)bi, acpi_warn_line, NULL,
                         &acpi_state);
    if (err < 0) {
        kwarn("acpi: warning: RSDP: no usable tables (error %d); one CPU, no I/O APIC known\n",
              err);
        return err;
    }
    acpi_report(&acpi_state);
    return 0;
}

const struct acpi_info *acpi_info(void)
{
    return &acpi_state;
}
