/* SPDX-License-Identifier: MIT */
/*
 * ACPI table parser (acpi_parse in acpi.h): RSDP, XSDT or RSDT, and the
 * three tables Kestrel reads: MADT ("APIC"), HPET and FADT ("FACP"); the
 * MADT's entries are walked in acpi_madt.c (shared state: acpi_parser.h).
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
#include "acpi_parser.h"

#define ACPI_HEADER_LEN     36
#define ACPI_TABLE_LEN_MAX  (1u << 20)  /* far above any MADT/HPET/FADT */
#define RSDP_V1_LEN         20
#define RSDP_V2_LEN         36

/* HPET description table (IA-PC HPET 1.0a, Table 3). */
#define HPET_BASE_GAS   40
#define HPET_MIN_TICK   53
#define HPET_LEN        56

/* FADT (ACPI 6.5, Table 5.9). */
#define FADT_DSDT          40
#define FADT_SCI_INT       46
#define FADT_PM1A_CNT      64
#define FADT_PM1B_CNT      68
#define FADT_FLAGS         112
#define FADT_V1_LEN        116   /* ACPI 1.0 ends after the flags */
#define FADT_RESET_REG     116
#define FADT_RESET_VALUE   128
#define FADT_X_DSDT        140
#define FADT_X_PM1A_CNT    172
#define FADT_X_PM1B_CNT    184
#define FADT_RESET_REG_SUP (1u << 10)

/* Generic Address Structure (ACPI 6.5, 5.2.3.2): 12 bytes. */
#define GAS_LEN            12
#define GAS_ADDRESS        4
#define GAS_SPACE_MEMORY   0
#define GAS_SPACE_IO       1
#define GAS_SPACE_PCI_CFG  2

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

void acpi_warn(struct acpi_parser *ps, const char *table, const char *why)
{
    if (ps->warn)
        ps->warn(ps->warn_ctx, table, why);
}

void acpi_skip_table(struct acpi_parser *ps, const char *table, const char *why)
{
    ps->out->tables_skipped++;
    acpi_warn(ps, table, why);
}

bool acpi_first_overflow(struct acpi_parser *ps, unsigned which)
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
        acpi_skip_table(ps, name, "header is not in mapped memory");
        return NULL;
    }
    uint32_t len = get32(head + 4);
    if (len < ACPI_HEADER_LEN) {
        acpi_skip_table(ps, name, "length is shorter than the table header");
        return NULL;
    }
    if (len > ACPI_TABLE_LEN_MAX) {
        acpi_skip_table(ps, name, "length is over 1 MiB");
        return NULL;
    }
    const uint8_t *table = ps->map(ps->map_ctx, phys, len);
    if (!table) {
        acpi_skip_table(ps, name, "length runs past mapped memory");
        return NULL;
    }
    if (get32(table + 4) != len || !bytes_are(table, (const char *)head, 4)) {
        acpi_skip_table(ps, name, "changed while it was read");
        return NULL;
    }
    if (byte_sum(table, len) != 0) {
        acpi_skip_table(ps, name, "bad checksum");
        return NULL;
    }
    *len_out = len;
    return table;
}

/* --- HPET and FADT ---------------------------------------------------- */

static void hpet_parse(struct acpi_parser *ps, const uint8_t *t, uint32_t len)
{
    struct acpi_info *out = ps->out;
    if (len < HPET_LEN) {
        acpi_skip_table(ps, "HPET", "shorter than its fixed fields");
        return;
    }
    uint64_t address = get64(t + HPET_BASE_GAS + GAS_ADDRESS);
    if (t[HPET_BASE_GAS] != GAS_SPACE_MEMORY || address == 0) {
        acpi_skip_table(ps, "HPET", "base address is not in memory space");
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

/* The DSDT the FADT names (X_DSDT when set), for \_S5. */
static void fadt_dsdt(struct acpi_parser *ps, const uint8_t *t, uint32_t len)
{
    uint64_t phys = len >= FADT_X_DSDT + 8 ? get64(t + FADT_X_DSDT) : 0;
    if (!phys)
        phys = get32(t + FADT_DSDT);
    if (!phys)
        return;
    uint32_t dsdt_len;
    const uint8_t *dsdt = table_map(ps, phys, "DSDT", &dsdt_len);
    if (!dsdt)
        return;
    struct acpi_info *out = ps->out;
    out->has_s5 = acpi_s5_parse(dsdt, dsdt_len, &out->s5_typ_a, &out->s5_typ_b);
}

static void fadt_parse(struct acpi_parser *ps, const uint8_t *t, uint32_t len)
{
    struct acpi_info *out = ps->out;
    if (len < FADT_V1_LEN) {
        acpi_skip_table(ps, "FADT", "shorter than an ACPI 1.0 FADT");
        return;
    }
    out->has_fadt = true;
    out->sci_irq = get16(t + FADT_SCI_INT);
    uint32_t flags = get32(t + FADT_FLAGS);
    out->fadt_flags_lo = (uint16_t)flags;
    out->pm1a_control = fadt_pm1_block(t, len, FADT_X_PM1A_CNT, FADT_PM1A_CNT);
    out->pm1b_control = fadt_pm1_block(t, len, FADT_X_PM1B_CNT, FADT_PM1B_CNT);
    fadt_dsdt(ps, t, len);
    if (!(flags & FADT_RESET_REG_SUP) || len <= FADT_RESET_VALUE)
        return;
    uint8_t space = t[FADT_RESET_REG];
    uint64_t address = get64(t + FADT_RESET_REG + GAS_ADDRESS);
    if (address == 0 || space > GAS_SPACE_PCI_CFG) {
        acpi_warn(ps, "FADT", "RESET_REG is not in memory, I/O or PCI space; not used");
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
        acpi_warn(ps, root, "a null entry ignored");
        return;
    }
    const uint8_t *head = ps->map(ps->map_ctx, phys, ACPI_HEADER_LEN);
    if (!head) {
        acpi_skip_table(ps, root, "an entry points at unmappable memory");
        return;
    }
    void (*parse)(struct acpi_parser *, const uint8_t *, uint32_t);
    const char *name;
    bool seen;
    if (bytes_are(head, "APIC", 4)) {
        parse = acpi_madt_parse, name = "MADT", seen = out->has_madt;
    } else if (bytes_are(head, "HPET", 4)) {
        parse = hpet_parse, name = "HPET", seen = out->has_hpet;
    } else if (bytes_are(head, "FACP", 4)) {
        parse = fadt_parse, name = "FADT", seen = out->has_fadt;
    } else {
        return;
    }
    if (seen) {
        acpi_warn(ps, name, "a second table ignored");
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
        acpi_skip_table(ps, name, "wrong signature");
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
        acpi_warn(ps, "RSDP", "shorter than 20 bytes");
        return -KS_ERR_CORRUPT;
    }
    if (!bytes_are(rsdp, "RSD PTR ", 8)) {
        acpi_warn(ps, "RSDP", "bad signature");
        return -KS_ERR_CORRUPT;
    }
    if (byte_sum(rsdp, RSDP_V1_LEN) != 0) {
        acpi_warn(ps, "RSDP", "bad checksum");
        return -KS_ERR_CORRUPT;
    }
    ps->out->revision = rsdp[15];
    *rsdt = get32(rsdp + 16);
    *xsdt = 0;
    if (rsdp[15] < 2)
        return 0;
    if (rsdp_len < RSDP_V2_LEN) {
        acpi_warn(ps, "RSDP", "revision 2+ but only 20 bytes were copied; using the RSDT");
        return 0;
    }
    uint32_t len = get32(rsdp + 20);
    if (len < RSDP_V2_LEN || len > rsdp_len) {
        acpi_warn(ps, "RSDP", "bad length; using the RSDT");
        return 0;
    }
    if (byte_sum(rsdp, len) != 0) {
        acpi_warn(ps, "RSDP", "bad extended checksum; using the RSDT");
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
        acpi_warn(&ps, "XSDT", "unusable; using the RSDT");
    if (rsdt && root_parse(&ps, rsdt, false))
        return 0;
    if (!xsdt && !rsdt)
        acpi_warn(&ps, "RSDP", "no root table address");
    unsigned skipped = out->tables_skipped;
    uint8_t revision = out->revision;
    *out = (struct acpi_info){ 0 };
    out->revision = revision;
    out->tables_skipped = skipped;
    return -KS_ERR_CORRUPT;
}
