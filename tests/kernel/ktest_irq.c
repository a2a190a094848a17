/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of interrupt dispatch: a registered vector's handler
 * runs when the vector is raised (self-IPI through the LAPIC's ICR, and
 * the INT instruction), PIT channel 0 arrives through the I/O APIC on
 * the GSI the MADT's override names for ISA IRQ 0, spurious and
 * unregistered vectors return without hanging, and registration refuses
 * bad input.  Every wait has a timer-event watchdog, so a lost
 * interrupt fails the test instead of halting forever.
 */
#include <stdbool.h>
#include "acpi/acpi.h"
#include "debug/kprintf.h"
#include "arch.h"
#include "ioapic.h"
#include "irq.h"
#include "kestrel/errors.h"
#include "ktest/ktest.h"
#include "lapic.h"
#include "pit.h"
#include "time/timer.h"

#define TEST_VECTOR   0x40
#define WATCHDOG_NS   200000000ull
#define ENTRY_MASKED  (1ull << 16)

struct hits {
    volatile unsigned count;
    volatile unsigned vector;
};

static void count_hit(unsigned vector, void *ctx)
{
    struct hits *hits = ctx;
    hits->count++;
    hits->vector = vector;
}

static void watchdog_fired(struct timer_event *event, void *arg)
{
    (void)event;
    *(volatile bool *)arg = true;
}

/* Take interrupts until hits->count reaches want or the watchdog fires. */
static bool wait_for_hits(struct hits *hits, unsigned want)
{
    volatile bool expired = false;
    struct timer_event watchdog;
    timer_event_init(&watchdog, watchdog_fired, (void *)&expired);
    if (timer_start(&watchdog, arch_time_ns() + WATCHDOG_NS) < 0)
        return false;
    while (hits->count < want && !expired)
        arch_wait_for_interrupt();
    timer_cancel(&watchdog);
    return hits->count >= want;
}

KTEST(self_ipi_runs_the_registered_vector_handler)
{
    struct hits hits = { 0, 0 };
    KTEST_EXPECT(lapic_ready(), "no local APIC");
    KTEST_EXPECT(arch_irq_register_vector(TEST_VECTOR, count_hit, &hits) == 0,
                 "could not register the test vector");
    int err = arch_irq_raise_self(TEST_VECTOR);
    bool arrived = err == 0 && wait_for_hits(&hits, 1);
    __asm__ volatile("int $0x40" ::: "memory");
    unsigned after_int = hits.count;
    arch_irq_unregister_vector(TEST_VECTOR);
    KTEST_EXPECT(err == 0, "self-IPI refused");
    KTEST_EXPECT(arrived, "self-IPI never arrived");
    KTEST_EXPECT(hits.vector == TEST_VECTOR, "handler saw the wrong vector");
    KTEST_EXPECT(after_int == 2, "INT 0x40 did not reach the handler exactly once");
    KTEST_EXPECT(lapic_error_status() == 0, "the local APIC reports an error");
    return NULL;
}

KTEST(pit_irq0_arrives_through_the_io_apic_on_its_override_gsi)
{
    const struct acpi_info *acpi = acpi_info();
    uint32_t gsi, want_gsi = 0;
    unsigned flags, vector = 0;
    /* Without ACPI no I/O APIC is known: ISA IRQs cannot be routed, and
     * there is nothing to test (the boot says so on its acpi: line). */
    if (acpi->ioapic_count == 0) {
        kinfo("ktest: no I/O APIC described by ACPI: I/O APIC routing not applicable\n");
        return NULL;
    }
    for (unsigned i = 0; i < acpi->override_count; i++)
        if (acpi->overrides[i].bus_irq == 0)
            want_gsi = acpi->overrides[i].gsi;
    KTEST_EXPECT(arch_irq_isa_to_gsi(0, &gsi, &flags) == 0, "ISA IRQ 0 has no GSI");
    KTEST_EXPECT(gsi == want_gsi, "ISA IRQ 0 ignores the MADT override");
    KTEST_EXPECT(ioapic_has_gsi(gsi), "no I/O APIC serves the PIT's GSI");

    struct hits hits = { 0, 0 };
    KTEST_EXPECT(arch_irq_register_isa(0, count_hit, &hits, &vector) == 0,
                 "could not register ISA IRQ 0");
    uint64_t entry = ioapic_entry(gsi);
    pit_channel0_oneshot(1000);
    bool arrived = wait_for_hits(&hits, 1);
    arch_irq_unregister_gsi(gsi);
    uint64_t masked = ioapic_entry(gsi);
    KTEST_EXPECT((entry & 0xFF) == vector && !(entry & ENTRY_MASKED),
                 "redirection entry not routed to the vector");
    KTEST_EXPECT(arrived, "PIT interrupt never arrived");
    KTEST_EXPECT(hits.vector == vector, "PIT interrupt on the wrong vector");
    KTEST_EXPECT(masked & ENTRY_MASKED, "unregistering left the GSI unmasked");
    return NULL;
}

KTEST(spurious_and_unregistered_vectors_do_not_hang)
{
    uint64_t spurious = irq_spurious_count();
    uint64_t unexpected = irq_unexpected_count();
    __asm__ volatile("int $0xFF" ::: "memory");   /* the LAPIC's spurious vector */
    __asm__ volatile("int $0x27" ::: "memory");   /* the 8259's spurious IRQ 7 */
    __asm__ volatile("int $0x77" ::: "memory");   /* nobody registered it */
    KTEST_EXPECT(irq_spurious_count() == spurious + 2, "spurious vectors not counted");
    KTEST_EXPECT(irq_unexpected_count() == unexpected + 1, "unregistered vector not counted");
    /* The APIC still delivers afterwards (no in-service bit stuck). */
    struct hits hits = { 0, 0 };
    KTEST_EXPECT(arch_irq_register_vector(TEST_VECTOR, count_hit, &hits) == 0,
                 "could not register the test vector");
    arch_irq_raise_self(TEST_VECTOR);
    bool arrived = wait_for_hits(&hits, 1);
    arch_irq_unregister_vector(TEST_VECTOR);
    KTEST_EXPECT(arrived, "interrupts stopped after the spurious ones");
    return NULL;
}

static const char *check_vector_refusals(struct hits *hits)
{
    static const unsigned bad[] = { 0, 14, 31, 0x20, 0x2F, 0xF0, 0xFD, 0xFF, 256, 1000 };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        KTEST_EXPECT(arch_irq_register_vector(bad[i], count_hit, hits) ==
                     -KS_ERR_INVALID_ARGUMENT, "a reserved vector was accepted");
    KTEST_EXPECT(arch_irq_register_vector(TEST_VECTOR, NULL, hits) == -KS_ERR_INVALID_ARGUMENT,
                 "a NULL handler was accepted");
    KTEST_EXPECT(arch_irq_unregister_vector(TEST_VECTOR) == -KS_ERR_NOT_FOUND,
                 "unregistered a free vector");
    KTEST_EXPECT(arch_irq_unregister_vector(0xFF) == -KS_ERR_INVALID_ARGUMENT,
                 "unregistered the spurious vector");
    KTEST_EXPECT(arch_irq_register_vector(TEST_VECTOR, count_hit, hits) == 0,
                 "could not register the test vector");
    int again = arch_irq_register_vector(TEST_VECTOR, count_hit, hits);
    arch_irq_unregister_vector(TEST_VECTOR);
    KTEST_EXPECT(again == -KS_ERR_EXISTS, "a taken vector was accepted");
    return NULL;
}

static const char *check_gsi_refusals(struct hits *hits)
{
    uint32_t gsi;
    unsigned flags, vector;
    KTEST_EXPECT(arch_irq_register_gsi(100000, 0, count_hit, hits, NULL) ==
                 -KS_ERR_INVALID_ARGUMENT, "an absurd GSI was accepted");
    KTEST_EXPECT(arch_irq_register_gsi(200, 0, count_hit, hits, NULL) == -KS_ERR_NOT_FOUND,
                 "a GSI no I/O APIC serves was accepted");
    KTEST_EXPECT(arch_irq_register_gsi(3, 0x80, count_hit, hits, NULL) ==
                 -KS_ERR_INVALID_ARGUMENT, "unknown flags were accepted");
    KTEST_EXPECT(arch_irq_register_gsi(3, 0, NULL, hits, NULL) == -KS_ERR_INVALID_ARGUMENT,
                 "a NULL GSI handler was accepted");
    KTEST_EXPECT(arch_irq_isa_to_gsi(16, &gsi, &flags) == -KS_ERR_INVALID_ARGUMENT,
                 "ISA IRQ 16 was accepted");
    KTEST_EXPECT(arch_irq_unregister_gsi(3) == -KS_ERR_NOT_FOUND, "unregistered a free GSI");
    KTEST_EXPECT(arch_irq_register_gsi(3, 0, count_hit, hits, &vector) == 0,
                 "could not register GSI 3");
    int again = arch_irq_register_gsi(3, 0, count_hit, hits, NULL);
    int steal = arch_irq_unregister_vector(vector);
    int taken = arch_irq_register_vector(vector, count_hit, hits);
    arch_irq_unregister_gsi(3);
    KTEST_EXPECT(vector >= ARCH_IRQ_VECTOR_FIRST && vector <= ARCH_IRQ_VECTOR_LAST,
                 "GSI got a vector outside the registrable range");
    KTEST_EXPECT(again == -KS_ERR_EXISTS, "a taken GSI was accepted");
    KTEST_EXPECT(steal == -KS_ERR_NOT_OWNER, "a GSI's vector was unregistered alone");
    KTEST_EXPECT(taken == -KS_ERR_EXISTS, "a GSI's vector was handed out again");
    KTEST_EXPECT(ioapic_entry(3) & ENTRY_MASKED, "GSI 3 left unmasked");
    return NULL;
}

KTEST(irq_registration_refuses_bad_input)
{
    struct hits hits = { 0, 0 };
    const char *why = check_vector_refusals(&hits);
    if (!why && acpi_info()->ioapic_count > 0)
        why = check_gsi_refusals(&hits);
    KTEST_EXPECT(arch_irq_raise_self(8) == -KS_ERR_INVALID_ARGUMENT,
                 "raised an exception vector");
    KTEST_EXPECT(hits.count == 0, "a refused registration's handler ran");
    return why;
}
