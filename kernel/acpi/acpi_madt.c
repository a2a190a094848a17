/* SPDX-License-Identifier: MIT */
/*
 * The MADT walk of the ACPI parser (ACPI 6.5, 5.2.12): local APICs and
 * x2APICs, I/O APICs, interrupt source overrides, NMI entries and the
 * local APIC address override, into struct acpi_info.  An entry is read
 * only when its length is at least two, inside the table and at least
 * the size of its type; a bad entry ends the walk (the entries before it
 * are kept); full arrays are warned about once.  Pure; see acpi_parser.h.
 */
#include "acpi_parser.h"

/* MADT (ACPI 6.5, 5.2.12): fixed fields, then entries. */
#define MADT_LAPIC_ADDRESS  36
#define MADT_FLAGS          40
#define MADT_ENTRIES        44
#define MADT_PCAT_COMPAT    0x1

enum madt_type {
    MADT_LOCAL_APIC = 0, MADT_IO_APIC = 1, MADT_SOURCE_OVERRIDE = 2, MADT_NMI_SOURCE = 3,
    MADT_LOCAL_APIC_NMI = 4, MADT_LAPIC_ADDRESS_OVERRIDE = 5, MADT_LOCAL_X2APIC = 9,
    MADT_LOCAL_X2APIC_NMI = 0xA,
};

/* Processor Local APIC / x2APIC flags (ACPI 6.5, Table 5.23). */
#define MADT_CPU_ENABLED        0x1
#define MADT_CPU_ONLINE_CAPABLE 0x2

/* --- MADT ------------------------------------------------------------ */

static void madt_add_cpu(struct acpi_parser *ps, uint32_t apic_id, uint32_t uid,
                         uint32_t flags)
{
    struct acpi_info *out = ps->out;
    /* Neither enabled nor online capable: the CPU can never be used. */
    if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
        return;
    for (unsigned i = 0; i < out->cpu_count; i++) {
        if (out->cpus[i].apic_id == apic_id) {
            acpi_warn(ps, "MADT", "a second entry for one APIC id ignored");
            return;
        }
    }
    if (out->cpu_count == ACPI_MAX_CPUS) {
        if (acpi_first_overflow(ps, FULL_CPUS))
            acpi_warn(ps, "MADT", "more CPUs than Kestrel can hold; the rest ignored");
        return;
    }
    struct acpi_cpu *cpu = &out->cpus[out->cpu_count++];
    cpu->apic_id = apic_id;
    cpu->uid = uid;
    cpu->enabled = flags & MADT_CPU_ENABLED;
    cpu->online_capable = !cpu->enabled && (flags & MADT_CPU_ONLINE_CAPABLE);
}

static void madt_add_ioapic(struct acpi_parser *ps, const uint8_t *e)
{
    struct acpi_info *out = ps->out;
    if (get32(e + 4) == 0) {
        acpi_warn(ps, "MADT", "I/O APIC at address 0 ignored");
        return;
    }
    if (out->ioapic_count == ACPI_MAX_IOAPICS) {
        if (acpi_first_overflow(ps, FULL_IOAPICS))
            acpi_warn(ps, "MADT", "more I/O APICs than Kestrel can hold; the rest ignored");
        return;
    }
    struct acpi_ioapic *io = &out->ioapics[out->ioapic_count++];
    io->id = e[2];
    io->address = get32(e + 4);
    io->gsi_base = get32(e + 8);
}

static void madt_add_override(struct acpi_parser *ps, const uint8_t *e)
{
    struct acpi_info *out = ps->out;
    /* Bus 0 is ISA, the only bus the MADT describes (ACPI 6.5, 5.2.12.5). */
    if (e[2] != 0) {
        acpi_warn(ps, "MADT", "override for a bus other than ISA ignored");
        return;
    }
    if (out->override_count == ACPI_MAX_OVERRIDES) {
        if (acpi_first_overflow(ps, FULL_OVERRIDES))
            acpi_warn(ps, "MADT", "more overrides than Kestrel can hold; the rest ignored");
        return;
    }
    struct acpi_override *o = &out->overrides[out->override_count++];
    o->bus_irq = e[3];
    o->gsi = get32(e + 4);
    o->flags = get16(e + 8);
}

static void madt_add_nmi(struct acpi_parser *ps, uint32_t uid, uint8_t lint, uint16_t flags)
{
    struct acpi_info *out = ps->out;
    if (lint > 1) {
        acpi_warn(ps, "MADT", "local APIC NMI on a LINT pin other than 0 or 1 ignored");
        return;
    }
    if (out->nmi_count == ACPI_MAX_NMIS) {
        if (acpi_first_overflow(ps, FULL_NMIS))
            acpi_warn(ps, "MADT", "more NMI entries than Kestrel can hold; the rest ignored");
        return;
    }
    struct acpi_nmi *n = &out->nmis[out->nmi_count++];
    n->uid = uid;
    n->lint = lint;
    n->flags = flags;
}

/* Smallest valid length of each entry type Kestrel reads (ACPI 6.5,
 * 5.2.12.2 to 5.2.12.13); 0 for types it steps over. */
static unsigned madt_entry_min_len(uint8_t type)
{
    static const uint8_t min_len[] = {
        [MADT_LOCAL_APIC] = 8, [MADT_IO_APIC] = 12, [MADT_SOURCE_OVERRIDE] = 10,
        [MADT_NMI_SOURCE] = 8, [MADT_LOCAL_APIC_NMI] = 6, [MADT_LAPIC_ADDRESS_OVERRIDE] = 12,
        [MADT_LOCAL_X2APIC] = 16, [MADT_LOCAL_X2APIC_NMI] = 12,
    };
    return type < sizeof(min_len) ? min_len[type] : 0;
}

/* One entry, already known to be at least madt_entry_min_len bytes. */
static void madt_entry(struct acpi_parser *ps, const uint8_t *e)
{
    switch (e[0]) {
    case MADT_LOCAL_APIC:
        /* 0xFF is the xAPIC broadcast id: never one CPU's. */
        if (e[3] == 0xFF && (get32(e + 4) & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
            acpi_warn(ps, "MADT", "local APIC id 0xFF ignored");
        else
            madt_add_cpu(ps, e[3], e[2], get32(e + 4));
        break;
    case MADT_LOCAL_X2APIC:
        if (get32(e + 4) == 0xFFFFFFFFu)
            acpi_warn(ps, "MADT", "x2APIC id 0xFFFFFFFF ignored");
        else
            madt_add_cpu(ps, get32(e + 4), get32(e + 12), get32(e + 8));
        break;
    case MADT_IO_APIC:
        madt_add_ioapic(ps, e);
        break;
    case MADT_SOURCE_OVERRIDE:
        madt_add_override(ps, e);
        break;
    case MADT_LOCAL_APIC_NMI:
        /* A one-byte UID of 0xFF means every processor. */
        madt_add_nmi(ps, e[2] == 0xFF ? 0xFFFFFFFFu : e[2], e[5], get16(e + 3));
        break;
    case MADT_LOCAL_X2APIC_NMI:
        madt_add_nmi(ps, get32(e + 4), e[8], get16(e + 2));
        break;
    case MADT_LAPIC_ADDRESS_OVERRIDE:
        ps->out->lapic_address = get64(e + 4);
        break;
    default:
        /* NMI sources (type 3) are checked but acpi_info has no place
         * for them; other types are not Kestrel's business. */
        break;
    }
}

void acpi_madt_parse(struct acpi_parser *ps, const uint8_t *t, uint32_t len)
{
    struct acpi_info *out = ps->out;
    if (len < MADT_ENTRIES) {
        acpi_skip_table(ps, "MADT", "shorter than its fixed fields");
        return;
    }
    out->has_madt = true;
    out->lapic_address = get32(t + MADT_LAPIC_ADDRESS);
    out->legacy_pics = get32(t + MADT_FLAGS) & MADT_PCAT_COMPAT;
    /* Each step moves at least two bytes: at most len / 2 entries. */
    for (uint32_t off = MADT_ENTRIES; off < len;) {
        if (len - off < 2) {
            acpi_warn(ps, "MADT", "entry header runs past the table end; rest ignored");
            return;
        }
        uint8_t entry_len = t[off + 1];
        if (entry_len < 2) {
            acpi_warn(ps, "MADT", "entry with a length below 2; rest ignored");
            return;
        }
        if (entry_len > len - off) {
            acpi_warn(ps, "MADT", "entry runs past the table end; rest ignored");
            return;
        }
        if (entry_len < madt_entry_min_len(t[off])) {
            acpi_warn(ps, "MADT", "entry shorter than its type; rest ignored");
            return;
        }
        madt_entry(ps, t + off);
        off += entry_len;
    }
}
