/* SPDX-License-Identifier: MIT */
/*
 * Kestrel local APIC driver (x86_64): xAPIC through MMIO, x2APIC
 * through MSRs when CPUID offers it (SDM Vol. 3A, chapters 10-11 of the
 * APIC architecture; register offsets from Table 10-1, x2APIC MSR
 * numbers 0x800 + offset/16 from Table 10-6).
 *
 * The xAPIC registers are reached through the direct map: the firmware's
 * MTRRs make the APIC page uncached, which is what the SDM requires
 * (10.4.1), so no separate mapping is made.
 *
 * Interface: lapic.h.  lapic_init on the boot CPU, lapic_init_ap on each
 * application processor (same mode and MMIO page: every CPU reaches its
 * own APIC at the same address); interrupts off.  lapic_send_ipi may run
 * on any CPU: each sends through its own ICR.
 */
#include "acpi/acpi.h"
#include "debug/kprintf.h"
#include "kestrel/boot_info.h"
#include "kestrel/errors.h"
#include "lapic.h"
#include "msr.h"

#define REG_ID            0x020
#define REG_VERSION       0x030
#define REG_TPR           0x080
#define REG_EOI           0x0B0
#define REG_SVR           0x0F0
#define REG_ESR           0x280
#define REG_ICR_LOW       0x300
#define REG_ICR_HIGH      0x310
#define REG_LVT_TIMER     0x320
#define REG_LVT_THERMAL   0x330
#define REG_LVT_PERF      0x340
#define REG_LVT_LINT0     0x350
#define REG_LVT_LINT1     0x360
#define REG_LVT_ERROR     0x370
#define REG_TIMER_INITIAL 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE  0x3E0

#define APIC_BASE_X2APIC  (1ull << 10)
#define APIC_BASE_ENABLE  (1ull << 11)
#define APIC_BASE_ADDRESS 0x000FFFFFFFFFF000ull

#define SVR_ENABLE        (1u << 8)
#define LVT_MASKED        (1u << 16)
#define LVT_LEVEL         (1u << 15)
#define LVT_ACTIVE_LOW    (1u << 13)
#define LVT_DELIVERY_NMI  (4u << 8)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_ASSERT        (1u << 14)
#define ICR_TO_SELF       (1u << 18)
#define TIMER_DIVIDE_BY_1 0xB
#define ICR_POLL_LIMIT    1000000u

static volatile uint32_t *lapic_mmio;
static bool x2apic;
static bool ready;

static uint32_t lapic_read(uint32_t reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
    return lapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t value)
{
    if (x2apic)
        wrmsr(MSR_X2APIC_FIRST + (reg >> 4), value);
    else
        lapic_mmio[reg / 4] = value;
}

bool lapic_ready(void)
{
    return ready;
}

bool lapic_is_x2apic(void)
{
    return x2apic;
}

uint32_t lapic_id(void)
{
    /* xAPIC keeps the id in bits 31:24; x2APIC uses all 32 bits. */
    uint32_t id = lapic_read(REG_ID);
    return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
    lapic_write(REG_EOI, 0);
}

uint32_t lapic_error_status(void)
{
    lapic_write(REG_ESR, 0);
    return lapic_read(REG_ESR);
}

void lapic_send_self(uint8_t vector)
{
    uint32_t low = vector | ICR_ASSERT | ICR_TO_SELF;
    if (x2apic) {
        wrmsr(MSR_X2APIC_FIRST + (REG_ICR_LOW >> 4), low);
        return;
    }
    lapic_write(REG_ICR_HIGH, 0);
    lapic_write(REG_ICR_LOW, low);
    /* xAPIC: wait until the APIC has accepted it (SDM 10.6.1). */
    for (unsigned i = 0; i < ICR_POLL_LIMIT; i++)
        if (!(lapic_read(REG_ICR_LOW) & ICR_DELIVERY_PENDING))
            break;
}

bool lapic_has_tsc_deadline(void)
{
    return cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE;
}

void lapic_timer_set_oneshot(uint8_t vector, bool masked)
{
    lapic_write(REG_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
    lapic_write(REG_LVT_TIMER, vector | (masked ? LVT_MASKED : 0));
}

void lapic_timer_set_tsc_deadline(uint8_t vector)
{
    lapic_write(REG_LVT_TIMER, vector | LVT_TIMER_TSC_DEADLINE);
    /* The mode switch must land before the first deadline write
     * (SDM 10.5.4.1): an MFENCE orders the MMIO write before WRMSR. */
    __asm__ volatile("mfence" ::: "memory");
}

void lapic_timer_start(uint32_t count)
{
    lapic_write(REG_TIMER_INITIAL, count);
}

uint32_t lapic_timer_current(void)
{
    return lapic_read(REG_TIMER_CURRENT);
}

/* This CPU's ACPI processor UID, to match the MADT's NMI entries. */
static bool find_uid(const struct acpi_info *acpi, uint32_t apic_id, uint32_t *uid)
{
    for (unsigned i = 0; i < acpi->cpu_count && i < ACPI_MAX_CPUS; i++) {
        if (acpi->cpus[i].apic_id == apic_id) {
            *uid = acpi->cpus[i].uid;
            return true;
        }
    }
    return false;
}

/* LINT0 and LINT1 stay masked (the 8259's ExtINT is not used) unless an
 * MADT NMI entry names this CPU or all CPUs (ACPI 6.5, 5.2.12.7). */
static void setup_lint(const struct acpi_info *acpi)
{
    uint32_t lint[2] = { LVT_MASKED, LVT_MASKED };
    uint32_t uid = 0;
    bool known = find_uid(acpi, lapic_id(), &uid);
    for (unsigned i = 0; i < acpi->nmi_count && i < ACPI_MAX_NMIS; i++) {
        const struct acpi_nmi *nmi = &acpi->nmis[i];
        bool mine = nmi->uid == 0xFFFFFFFFu || nmi->uid == 0xFFu || (known && nmi->uid == uid);
        if (!mine || nmi->lint > 1)
            continue;
        /* NMI delivery is always edge-triggered (SDM 10.5.1); only the
         * polarity comes from the table. */
        lint[nmi->lint] = LVT_DELIVERY_NMI |
            ((nmi->flags & ACPI_POLARITY_MASK) == ACPI_POLARITY_LOW ? LVT_ACTIVE_LOW : 0);
    }
    lapic_write(REG_LVT_LINT0, lint[0]);
    lapic_write(REG_LVT_LINT1, lint[1]);
}

/* Switch the APIC on in the mode the CPU offers; false when it has none. */
static bool enable_mode(uint64_t *phys)
{
    if (!(cpuid(1, 0).edx & (1u << 9)))
        return false;
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
    *phys = base & APIC_BASE_ADDRESS;
    x2apic = cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC;
    /* Going from disabled to x2APIC needs xAPIC first (SDM 10.12.5). */
    base |= APIC_BASE_ENABLE;
    wrmsr(MSR_IA32_APIC_BASE, base);
    if (x2apic)
        wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_X2APIC);
    else
        lapic_mmio = (volatile uint32_t *)(uintptr_t)(KS_DIRECT_MAP_BASE + *phys);
    return true;
}

/* Everything but the report: the registers of this CPU's own APIC. */
static uint32_t setup_this_cpu(const struct acpi_info *acpi)
{
    uint32_t version = lapic_read(REG_VERSION);
    unsigned max_lvt = (version >> 16) & 0xFF;
    lapic_write(REG_TPR, 0);
    lapic_timer_set_oneshot(LAPIC_TIMER_VECTOR, true);
    lapic_timer_start(0);
    if (max_lvt >= 5)
        lapic_write(REG_LVT_THERMAL, LVT_MASKED);
    if (max_lvt >= 4)
        lapic_write(REG_LVT_PERF, LVT_MASKED);
    setup_lint(acpi);
    lapic_write(REG_LVT_ERROR, LAPIC_ERROR_VECTOR);
    lapic_write(REG_SVR, LAPIC_SPURIOUS_VECTOR | SVR_ENABLE);
    (void)lapic_error_status();
    lapic_eoi();
    return version;
}

int lapic_init(const struct acpi_info *acpi)
{
    uint64_t phys = 0;
    if (!enable_mode(&phys)) {
        kerror("apic: error: this CPU has no local APIC\n");
        return -KS_ERR_NOT_FOUND;
    }
    if (!x2apic && phys >= 0x100000000ull) {
        kerror("apic: error: local APIC at 0x%llx is outside the direct map\n",
               (unsigned long long)phys);
        return -KS_ERR_NOT_FOUND;
    }
    uint32_t version = setup_this_cpu(acpi);
    unsigned max_lvt = (version >> 16) & 0xFF;
    ready = true;
    if (acpi->has_madt && !x2apic && acpi->lapic_address != phys)
        kwarn("apic: warning: MADT says local APIC at 0x%llx, the CPU says 0x%llx\n",
              (unsigned long long)acpi->lapic_address, (unsigned long long)phys);
    kinfo("apic: local APIC id %u, %s at 0x%llx, version 0x%x, %u LVT entries%s\n",
          lapic_id(), x2apic ? "x2APIC" : "xAPIC", (unsigned long long)phys,
          version & 0xFF, max_lvt + 1,
          lapic_has_tsc_deadline() ? ", TSC-deadline" : "");
    return 0;
}

int lapic_init_ap(const struct acpi_info *acpi)
{
    if (!ready)
        return -KS_ERR_NOT_FOUND;
    /* The boot CPU chose the mode; an AP's APIC must match it, since the
     * accessors are shared (SDM 10.12.5: xAPIC first, then x2APIC). */
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_ENABLE;
    wrmsr(MSR_IA32_APIC_BASE, base);
    if (x2apic)
        wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_X2APIC);
    (void)setup_this_cpu(acpi);
    return 0;
}

/* Wait until the xAPIC has accepted the last ICR write (SDM 10.6.1);
 * x2APIC writes are accepted at once. */
static bool icr_idle(void)
{
    if (x2apic)
        return true;
    for (unsigned i = 0; i < ICR_POLL_LIMIT; i++)
        if (!(lapic_read(REG_ICR_LOW) & ICR_DELIVERY_PENDING))
            return true;
    return false;
}

int lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    if (!ready)
        return -KS_ERR_NOT_FOUND;
    if (x2apic) {
        wrmsr(MSR_X2APIC_FIRST + (REG_ICR_LOW >> 4), (uint64_t)apic_id << 32 | icr_low);
        return 0;
    }
    if (apic_id > 0xFF)
        return -KS_ERR_INVALID_ARGUMENT;
    if (!icr_idle())
        return -KS_ERR_FAULT;
    lapic_write(REG_ICR_HIGH, apic_id << 24);
    lapic_write(REG_ICR_LOW, icr_low);
    return icr_idle() ? 0 : -KS_ERR_FAULT;
}
