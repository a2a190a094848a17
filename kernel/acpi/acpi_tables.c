/* SPDX-License-Identifier: MIT */
/*
 * ACPI table parser (acpi_parse in acpi.h): RSDP, XSDT or RSDT, and the
 * three tables Kestrel reads: MADT ("APIC"), HPET and FADT ("FACP").
 *
 * Pure code, host-tested: every byte it reads comes from a range the map
 * callback returned for exactly that length, read a byte at a time (the
 * XSDT's 64-bit entries are not 8-byte aligned).  Nothing the firmware
 * says is trusted: a table is read only after its header could be mapped,
 * its length is at least the header and at most ACPI_TABLE_LEN_MAX, the
 * whole length could be mapped and its bytes sum to zero; a MADT entry
 * only when its length is at least two, inside the table, and at least
 * the size of its type.  Tables Kestrel does not read (SSDT, DSDT, ...)
 * are not checked: a bad one must not cost a warning.  Every loop is
 * bounded by a length checked against ACPI_TABLE_LEN_MAX, and the fixed
 * arrays of acpi_info by their ACPI_MAX_* sizes (the overflow is warned
 * once per array).  Layouts: ACPI 6.5, sections 5.2.5 to 5.2.12, and the
 * IA-PC HPET specification 1.0a, 3.2.4.
 *
 * No state outside the call; any context.
 */
#include "acpi/acpi.h"
#include "kestrel/errors.h"

#define ACPI_HEADER_LEN     36
#define ACPI_TABLE_LEN_MAX  (1u << 20)  /* far above any MADT/HPET/FADT */
#define RSDP_V1_LEN         20
#define RSDP_V2_LEN         36

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

/* HPET description table (IA-PC HPET 1.0a, Table 3). */
#define HPET_BASE_GAS   40
#define HPET_MIN_TICK   53
#define HPET_LEN        56

/* FADT (ACPI 6.5, Table 5.9). */
#define FADT_SCI_INT       46
#define FADT_PM1A_CNT      64
#define FADT_PM1B_CNT      68
#define FADT_FLAGS         112
#define FADT_V1_LEN        116   /* ACPI 1.0 ends after the flags */
#define FADT_RESET_REG     116
#define FADT_RESET_VALUE   128
#define FADT_X_PM1A_CNT    172
#define FADT_X_PM1B_CNT    184
#define FADT_RESET_REG_SUP (1u << 10)

/* Generic Address Structure (ACPI 6.5, 5.2.3.2): 12 bytes. */
#define GAS_LEN            12
#define GAS_ADDRESS        4
#define GAS_SPACE_MEMORY   0
#define GAS_SPACE_IO       1
#define GAS_SPACE_PCI_CFG  2

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

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static bool bytes_are(const uint8_t *p, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != (uint8_t)text[i])
            return false;
    return true;
}

static uint8_t byte_sum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

static void warn(struct acpi_parser *ps, const char *table, const char *why)
{
    if (ps->warn)
        ps->warn(ps->warn_ctx, table, why);
}

static void skip_table(struct acpi_parser *ps, const char *table, const char *why)
{
    ps->out->tables_skipped++;
    warn(ps, table, why);
}

/* True the first time an array fills: its warning is printed once. */
static bool first_overflow(struct acpi_parser *ps, unsigned which)
{
    bool first = !(ps->full_warned & which);
    ps->full_warned |= which;
    return first;
}

/* --- tables ---------------------------------------------------------- */

/* Map and check the table at phys whose header said `name`: NULL (warned,
 * counted as skipped) unless it is whole and its checksum holds. */
static const uint8_t *table_map(struct acpi_parser *ps, uint64_t phys, const char *name,
                                uint32_t *len_out)
{
    const uint8_t *head = ps->map(ps->map_ctx, phys, ACPI_HEADER_LEN);
    if (!head) {
        skip_table(ps, name, "header is not in mapped memory");
        return NULL;
    }
    uint32_t len = get32(head + 4);
    if (len < ACPI_HEADER_LEN) {
        skip_table(ps, name, "length is shorter than the table header");
        return NULL;
    }
    if (len > ACPI_TABLE_LEN_MAX) {
        skip_table(ps, name, "length is over 1 MiB");
        return NULL;
    }
    const uint8_t *table = ps->map(ps->map_ctx, phys, len);
    if (!table) {
        skip_table(ps, name, "length runs past mapped memory");
        return NULL;
    }
    if (get32(table + 4) != len || !bytes_are(table, (const char *)head, 4)) {
        skip_table(ps, name, "changed while it was read");
        return NULL;
    }
    if (byte_sum(table, len) != 0) {
        skip_table(ps, name, "bad checksum");
        return NULL;
    }
    *len_out = len;
    return table;
}

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
            warn(ps, "MADT", "a second entry for one APIC id ignored");
            return;
        }
    }
    if (out->cpu_count == ACPI_MAX_CPUS) {
        if (first_overflow(ps, FULL_CPUS))
            warn(ps, "MADT", "more CPUs than Kestrel can hold; the rest ignored");
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
        warn(ps, "MADT", "I/O APIC at address 0 ignored");
        return;
    }
    if (out->ioapic_count == ACPI_MAX_IOAPICS) {
        if (first_overflow(ps, FULL_IOAPICS))
            warn(ps, "MADT", "more I/O APICs than Kestrel can hold; the rest ignored");
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
        warn(ps, "MADT", "override for a bus other than ISA ignored");
        return;
    }
    if (out->override_count == ACPI_MAX_OVERRIDES) {
        if (first_overflow(ps, FULL_OVERRIDES))
            warn(ps, "MADT", "more overrides than Kestrel can hold; the rest ignored");
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
        warn(ps, "MADT", "local APIC NMI on a LINT pin other than 0 or 1 ignored");
        return;
    }
    if (out->nmi_count == ACPI_MAX_NMIS) {
        if (first_overflow(ps, FULL_NMIS))
            warn(ps, "MADT", "more NMI entries than Kestrel can hold; the rest ignored");
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
            warn(ps, "MADT", "local APIC id 0xFF ignored");
        else
            madt_add_cpu(ps, e[3], e[2], get32(e + 4));
        break;
    case MADT_LOCAL_X2APIC:
        if (get32(e + 4) == 0xFFFFFFFFu)
            warn(ps, "MADT", "x2APIC id 0xFFFFFFFF ignored");
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

static void madt_parse(struct acpi_parser *ps, const uint8_t *t, uint32_t len)
{
    struct acpi_info *out = ps->out;
    if (len < MADT_ENTRIES) {
        skip_table(ps, "MADT", "shorter than its fixed fields");
        return;
    }
    out->has_madt = true;
    out->lapic_address = get32(t + MADT_LAPIC_ADDRESS);
    out->legacy_pics = get32(t + MADT_FLAGS) & MADT_PCAT_COMPAT;
    /* Each step moves at least two bytes: at most len / 2 entries. */
    for (uint32_t off = MADT_ENTRIES; off < len;) {
        if (len - off < 2) {
            warn(ps, "MADT", "entry header runs past the table end; rest ignored");
            return;
        }
        uint8_t entry_len = t[off + 1];
        if (entry_len < 2) {
            warn(ps, "MADT", "entry with a length below 2; rest ignored");
            return;
        }
        if (entry_len > len - off) {
            warn(ps, "MADT", "entry runs past the table end; rest ignored");
            return;
        }
        if (entry_len < madt_entry_min_len(t[off])) {
            warn(ps, "MADT", "entry shorter than its type; rest ignored");
            return;
        }
        madt_entry(ps, t + off);
        off += entry_len;
    }
}

/* --- HPET and FADT ---------------------------------------------------- */

static void hpet_parse(struct acpi_parser *ps, const uint8_t *t, uint32_t len)
{
    struct acpi_info *out = ps->out;
    if (len < HPET_LEN) {
        skip_table(ps, "HPET", "shorter than its fixed fields");
        return;
    }
    uint64_t address = get64(t + HPET_BASE_GAS + GAS_ADDRESS);
    if (t[HPET_BASE_GAS] != GAS_SPACE_MEMORY || address == 0) {
        skip_table(ps, "HPET", "base address is not in memory space");
        return;
    }
    out->has_hpet = true;
    out->hpet_address = address;
    out->hpet_min_tick = get16(t + HPET_MIN_TICK);
}

/* The 64-bit X_ block when the table has it, it is set and it is in I/O
 * space (the kernel drives PM1 control by port); else the 32-bit one. */
static uint64_t fadt_pm1_block(const uint8_t *t, uint32_t len, unsigned x_off,
                               unsigned legacy_off)
{
    if (len >= x_off + GAS_LEN && t[x_off] == GAS_SPACE_IO) {
        uint64_t address = get64(t + x_off + GAS_ADDRESS);
        if (address)
            return address;
    }
    return get32(t + legacy_off);
}

static void fadt_parse(struct acpi_parser *ps, const uint8_t *t, uint32_t len)
{
    struct acpi_info *out = ps->out;
    if (len < FADT_V1_LEN) {
        skip_table(ps, "FADT", "shorter than an ACPI 1.0 FADT");
        return;
    }
    out->has_fadt = true;
    out->sci_irq = get16(t + FADT_SCI_INT);
    uint32_t flags = get32(t + FADT_FLAGS);
    out->fadt_flags_lo = (uint16_t)flags;
    out->pm1a_control = fadt_pm1_block(t, len, FADT_X_PM1A_CNT, FADT_PM1A_CNT);
    out->pm1b_control = fadt_pm1_block(t, len, FADT_X_PM1B_CNT, FADT_PM1B_CNT);
    if (!(flags & FADT_RESET_REG_SUP) || len <= FADT_RESET_VALUE)
        return;
    uint8_t space = t[FADT_RESET_REG];
    uint64_t address = get64(t + FADT_RESET_REG + GAS_ADDRESS);
    if (address == 0 || space > GAS_SPACE_PCI_CFG) {
        warn(ps, "FADT", "RESET_REG is not in memory, I/O or PCI space; not used");
        return;
    }
    out->has_reset_register = true;
    out->reset_space = space;
    out->reset_address = address;
    out->reset_value = t[FADT_RESET_VALUE];
}

/* --- root ------------------------------------------------------------- */

/* One root entry: the tables Kestrel reads are checked and parsed, the
 * first of each signature only. */
static void root_entry(struct acpi_parser *ps, const char *root, uint64_t phys)
{
    struct acpi_info *out = ps->out;
    if (phys == 0) {
        warn(ps, root, "a null entry ignored");
        return;
    }
    const uint8_t *head = ps->map(ps->map_ctx, phys, ACPI_HEADER_LEN);
    if (!head) {
        skip_table(ps, root, "an entry points at unmappable memory");
        return;
    }
    void (*parse)(struct acpi_parser *, const uint8_t *, uint32_t);
    const char *name;
    bool seen;
    if (bytes_are(head, "APIC", 4)) {
        parse = madt_parse, name = "MADT", seen = out->has_madt;
    } else if (bytes_are(head, "HPET", 4)) {
        parse = hpet_parse, name = "HPET", seen = out->has_hpet;
    } else if (bytes_are(head, "FACP", 4)) {
        parse = fadt_parse, name = "FADT", seen = out->has_fadt;
    } else {
        return;
    }
    if (seen) {
        warn(ps, name, "a second table ignored");
        return;
    }
    uint32_t len;
    const uint8_t *table = table_map(ps, phys, name, &len);
    if (table)
        parse(ps, table, len);
}

/* The XSDT (8-byte entries) or RSDT (4-byte entries) at phys: false
 * (warned) when it is unusable. */
static bool root_parse(struct acpi_parser *ps, uint64_t phys, bool xsdt)
{
    const char *name = xsdt ? "XSDT" : "RSDT";
    uint32_t len;
    const uint8_t *t = table_map(ps, phys, name, &len);
    if (!t)
        return false;
    if (!bytes_are(t, name, 4)) {
        skip_table(ps, name, "wrong signature");
        return false;
    }
    unsigned entry_size = xsdt ? 8 : 4;
    unsigned count = (len - ACPI_HEADER_LEN) / entry_size;
    ps->out->present = true;
    ps->out->root_is_xsdt = xsdt;
    ps->out->tables_seen = count;
    for (unsigned i = 0; i < count; i++) {
        const uint8_t *e = t + ACPI_HEADER_LEN + (size_t)i * entry_size;
        root_entry(ps, name, xsdt ? get64(e) : get32(e));
    }
    return true;
}

/* RSDP (ACPI 6.5, 5.2.5.3): the RSDT address, and the XSDT's when the
 * revision has one and the extended checks hold (else 0, warned). */
static int rsdp_check(struct acpi_parser *ps, const uint8_t *rsdp, size_t rsdp_len,
                      uint64_t *rsdt, uint64_t *xsdt)
{
    if (rsdp_len < RSDP_V1_LEN) {
        warn(ps, "RSDP", "shorter than 20 bytes");
        return -KS_ERR_CORRUPT;
    }
    if (!bytes_are(rsdp, "RSD PTR ", 8)) {
        warn(ps, "RSDP", "bad signature");
        return -KS_ERR_CORRUPT;
    }
    if (byte_sum(rsdp, RSDP_V1_LEN) != 0) {
        warn(ps, "RSDP", "bad checksum");
        return -KS_ERR_CORRUPT;
    }
    ps->out->revision = rsdp[15];
    *rsdt = get32(rsdp + 16);
    *xsdt = 0;
    if (rsdp[15] < 2)
        return 0;
    if (rsdp_len < RSDP_V2_LEN) {
        warn(ps, "RSDP", "revision 2+ but only 20 bytes were copied; using the RSDT");
        return 0;
    }
    uint32_t len = get32(rsdp + 20);
    if (len < RSDP_V2_LEN || len > rsdp_len) {
        warn(ps, "RSDP", "bad length; using the RSDT");
        return 0;
    }
    if (byte_sum(rsdp, len) != 0) {
        warn(ps, "RSDP", "bad extended checksum; using the RSDT");
        return 0;
    }
    *xsdt = get64(rsdp + 24);
    return 0;
}

int acpi_parse(const uint8_t *rsdp, size_t rsdp_len, acpi_map_fn map, void *map_ctx,
               acpi_warn_fn warn_fn, void *warn_ctx, struct acpi_info *out)
{
    *out = (struct acpi_info){ 0 };
    if (!rsdp || rsdp_len == 0 || !map)
        return -KS_ERR_NOT_FOUND;
    struct acpi_parser ps = {
        .map = map, .map_ctx = map_ctx, .warn = warn_fn, .warn_ctx = warn_ctx, .out = out,
    };
    uint64_t rsdt, xsdt;
    int err = rsdp_check(&ps, rsdp, rsdp_len, &rsdt, &xsdt);
    if (err < 0)
        return err;
    if (xsdt && root_parse(&ps, xsdt, true))
        return 0;
    if (xsdt && rsdt)
        warn(&ps, "XSDT", "unusable; using the RSDT");
    if (rsdt && root_parse(&ps, rsdt, false))
        return 0;
    if (!xsdt && !rsdt)
        warn(&ps, "RSDP", "no root table address");
    unsigned skipped = out->tables_skipped;
    uint8_t revision = out->revision;
    *out = (struct acpi_info){ 0 };
    out->revision = revision;
    out->tables_skipped = skipped;
    return -KS_ERR_CORRUPT;
}
