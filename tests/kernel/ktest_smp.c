/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of multiprocessing (kernel/arch.h): every CPU the MADT
 * lists, within smp=N, is online with a distinct id; a call IPI from the
 * boot CPU reaches every other CPU, runs there and is answered; the
 * reschedule IPI is counted by its target; a kernel-half page remapped or
 * unmapped on the boot CPU is seen changed by every other CPU (TLB
 * shootdown through vm_unmap); a ping from every online CPU reaches every
 * other one and is answered (APs ping from their idle loop, through
 * smp_post_idle_work, an x86-internal call of smp.h); bad CPU numbers are
 * refused.  Every wait is bounded, so a lost IPI fails a test instead of
 * hanging it.  The crash tests (run by name) panic on an AP while the
 * boot CPU waits, and with a third CPU spinning with interrupts off: the
 * panic stop's NMI halts both, so the panic is reported once.  Boot CPU,
 * interrupts off.
 */
#include <stdbool.h>
#include "acpi/acpi.h"
#include "arch.h"
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "init/boot.h"
#include "kestrel/errors.h"
#include "ktest/ktest.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "smp.h"

#define SMP_TEST_PAGE 0xFFFFFD0040000000ULL
#define VALUE_A       0xA11CE0000000000AULL
#define VALUE_B       0xB0B0000000000000ULL
#define WAIT_NS       1000000000ull

/* CPUs the MADT lists as enabled, capped by smp=N (0 = no cap) and by
 * the arch's table of 64. */
static unsigned expected_cpus(void)
{
    const struct acpi_info *acpi = acpi_info();
    unsigned listed = 0;
    for (unsigned i = 0; acpi && i < acpi->cpu_count && i < ACPI_MAX_CPUS; i++)
        listed += acpi->cpus[i].enabled;
    if (listed == 0)
        listed = 1;
    unsigned limit = kernel_options.smp ? kernel_options.smp : 64;
    if (limit > 64)
        limit = 64;
    return listed < limit ? listed : limit;
}

KTEST(smp_every_listed_cpu_is_online)
{
    unsigned n = arch_cpu_count();
    KTEST_EXPECT(n == expected_cpus(), "online CPU count differs from the MADT (within smp=N)");
    KTEST_EXPECT(arch_cpu_possible() == n, "a CPU failed to start");
    KTEST_EXPECT(arch_cpu_id() == 0, "the boot CPU is not CPU 0");
    for (unsigned i = 0; i < n; i++) {
        KTEST_EXPECT(arch_cpu_online(i), "a numbered CPU is not online");
        for (unsigned j = 0; j < i; j++)
            KTEST_EXPECT(arch_cpu_hw_id(i) != arch_cpu_hw_id(j), "two CPUs share an APIC id");
    }
    KTEST_EXPECT(!arch_cpu_online(n) && !arch_cpu_online(~0u), "a CPU past the count is online");
    return NULL;
}

struct where {
    unsigned cpu;
};

static void record_cpu(void *arg)
{
    ((struct where *)arg)->cpu = arch_cpu_id();
}

KTEST(smp_call_ipi_reaches_every_cpu_and_is_answered)
{
    for (unsigned cpu = 1; cpu < arch_cpu_possible(); cpu++) {
        KTEST_EXPECT(arch_cpu_call(cpu, NULL, NULL) == 0, "ping not answered");
        struct where w = { ~0u };
        KTEST_EXPECT(arch_cpu_call(cpu, record_cpu, &w) == 0, "call not answered");
        KTEST_EXPECT(w.cpu == cpu, "the call ran on the wrong CPU");
    }
    KTEST_EXPECT(arch_cpu_call(arch_cpu_id(), NULL, NULL) == -KS_ERR_INVALID_ARGUMENT,
                 "a call to this CPU was accepted");
    KTEST_EXPECT(arch_cpu_call(arch_cpu_possible(), NULL, NULL) == -KS_ERR_INVALID_ARGUMENT,
                 "a call to a CPU that does not exist was accepted");
    return NULL;
}

KTEST(smp_reschedule_ipi_is_counted_by_its_target)
{
    for (unsigned cpu = 1; cpu < arch_cpu_possible(); cpu++) {
        uint64_t before = arch_cpu_reschedule_count(cpu);
        KTEST_EXPECT(arch_ipi_reschedule(cpu) == 0, "reschedule IPI not sent");
        /* The target counts in its handler; wait (bounded) for that. */
        uint64_t end = arch_time_ns() + WAIT_NS;
        while (arch_cpu_reschedule_count(cpu) == before && arch_time_ns() < end)
            __asm__ volatile("pause");
        KTEST_EXPECT(arch_cpu_reschedule_count(cpu) == before + 1,
                     "target did not count exactly one reschedule IPI");
    }
    KTEST_EXPECT(arch_ipi_reschedule(arch_cpu_id()) == -KS_ERR_INVALID_ARGUMENT,
                 "a reschedule IPI to this CPU was accepted");
    KTEST_EXPECT(arch_ipi_reschedule(1000) == -KS_ERR_INVALID_ARGUMENT,
                 "a reschedule IPI to no CPU was accepted");
    return NULL;
}

struct peek {
    uint64_t value;
    int err;
};

static void peek_test_page(void *arg)
{
    struct peek *p = arg;
    p->err = arch_probe_read((const void *)(uintptr_t)SMP_TEST_PAGE, &p->value, sizeof(p->value));
}

/* NULL when every other CPU reads want (or, want_err set, faults). */
static const char *others_see(uint64_t want, int want_err)
{
    for (unsigned cpu = 1; cpu < arch_cpu_possible(); cpu++) {
        struct peek p = { 0, 1 };
        if (arch_cpu_call(cpu, peek_test_page, &p) < 0)
            return "a CPU did not answer the read call";
        if (want_err ? p.err != want_err : (p.err != 0 || p.value != want))
            return want_err ? "a CPU still reads the unmapped page (stale TLB)"
                            : "a CPU reads the old frame after a remap (stale TLB)";
    }
    return NULL;
}

static const char *remap_and_unmap(phys_addr_t a, phys_addr_t b)
{
    struct vm_space *k = vm_kernel_space();
    if (vm_map(k, SMP_TEST_PAGE, a, VM_READ | VM_WRITE) < 0)
        return "cannot map the test page";
    const char *why = others_see(VALUE_A, 0);
    if (vm_unmap(k, SMP_TEST_PAGE, 0) < 0)
        return "cannot unmap the test page";
    if (!why && vm_map(k, SMP_TEST_PAGE, b, VM_READ | VM_WRITE) < 0)
        return "cannot remap the test page";
    if (!why) {
        why = others_see(VALUE_B, 0);
        (void)vm_unmap(k, SMP_TEST_PAGE, 0);
    }
    if (!why)
        why = others_see(0, -KS_ERR_FAULT);
    if (!why && arch_tlb_shootdown(SMP_TEST_PAGE) < 0)
        why = "a direct shootdown was not acknowledged";
    return why;
}

KTEST(smp_tlb_shootdown_makes_a_remap_and_an_unmap_visible_on_every_cpu)
{
    phys_addr_t a, b;
    if (pmm_alloc(PMM_OWNER_TEST, 0, &a) < 0)
        return "no frame";
    if (pmm_alloc(PMM_OWNER_TEST, 0, &b) < 0) {
        pmm_free(a, PMM_OWNER_TEST);
        return "no frame";
    }
    *(volatile uint64_t *)phys_to_virt(a) = VALUE_A;
    *(volatile uint64_t *)phys_to_virt(b) = VALUE_B;
    const char *why = remap_and_unmap(a, b);
    pmm_free(a, PMM_OWNER_TEST);
    pmm_free(b, PMM_OWNER_TEST);
    return why;
}

static void panic_here(void *arg)
{
    (void)arg;
    panic("smp: test panic on CPU %u", arch_cpu_id());
}

KTEST_CRASH(crash_smp_panic_on_another_cpu)
{
    if (arch_cpu_count() < 2)
        return "needs two CPUs";
    (void)arch_cpu_call(1, panic_here, NULL);
    return "the boot CPU was not stopped by the panic";
}

/* One ping relayed through an AP's idle loop; static, so a late answer
 * after a timeout lands here and not in a dead stack frame. */
struct relay {
    unsigned to;
    int result;
    bool done;
};

static struct relay relays[SMP_MAX_CPUS];

static void relay_ping(void *arg)
{
    struct relay *r = arg;
    r->result = arch_cpu_call(r->to, NULL, NULL);
    __atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
}

/* Wait (bounded, taking interrupts: the answer may be for this CPU) for
 * *flag. */
static bool wait_flag(const bool *flag, uint64_t ns)
{
    uint64_t end = arch_time_ns() + ns;
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
        if (arch_time_ns() >= end)
            return false;
        smp_poll_interrupts();
    }
    return true;
}

/* A ping from CPU from to CPU to, run by from itself. */
static int ping_from(unsigned from, unsigned to)
{
    if (from == arch_cpu_id())
        return arch_cpu_call(to, NULL, NULL);
    struct relay *r = &relays[from];
    r->to = to;
    r->result = 1;
    __atomic_store_n(&r->done, false, __ATOMIC_RELEASE);
    int err = smp_post_idle_work(from, relay_ping, r);
    if (err < 0)
        return err;
    return wait_flag(&r->done, 2 * WAIT_NS) ? r->result : -KS_ERR_FAULT;
}

static uint64_t count_of(const uint64_t *counter)
{
    return __atomic_load_n(counter, __ATOMIC_ACQUIRE);
}

KTEST(smp_ipi_ping_between_every_pair_of_cpus)
{
    unsigned n = arch_cpu_possible(), pings = 0;
    uint64_t start = arch_time_ns();
    for (unsigned from = 0; from < n; from++) {
        for (unsigned to = 0; to < n; to++) {
            if (from == to)
                continue;
            uint64_t calls = count_of(&smp_cpus[to].call_count);
            uint64_t replies = count_of(&smp_cpus[from].reply_count);
            KTEST_EXPECT(ping_from(from, to) == 0, "a ping between two CPUs was not answered");
            KTEST_EXPECT(count_of(&smp_cpus[to].call_count) == calls + 1,
                         "the pinged CPU did not handle exactly one call");
            KTEST_EXPECT(count_of(&smp_cpus[from].reply_count) == replies + 1,
                         "the answer did not come back to the pinging CPU");
            pings++;
        }
    }
    KTEST_EXPECT(pings == n * (n - 1), "not every ordered pair was pinged");
    kinfo("smp: %u pings between %u CPUs in %llu us\n", pings, n,
          (unsigned long long)((arch_time_ns() - start) / 1000));
    return NULL;
}

struct hold {
    bool started, release;
    unsigned ran_on;
};

/* Idle work that keeps its CPU busy, taking interrupts, until released. */
static void hold_cpu(void *arg)
{
    struct hold *h = arg;
    h->ran_on = arch_cpu_id();
    __atomic_store_n(&h->started, true, __ATOMIC_RELEASE);
    (void)wait_flag(&h->release, 2 * WAIT_NS);
}

static void note_ran(void *arg)
{
    __atomic_store_n((bool *)arg, true, __ATOMIC_RELEASE);
}

KTEST(smp_idle_work_runs_on_its_cpu_and_refuses_bad_posts)
{
    static struct hold h;
    static bool noted;
    KTEST_EXPECT(smp_post_idle_work(arch_cpu_id(), note_ran, &noted) == -KS_ERR_INVALID_ARGUMENT,
                 "idle work for this CPU (the boot CPU, no idle loop) was accepted");
    KTEST_EXPECT(smp_post_idle_work(arch_cpu_possible(), note_ran, &noted) ==
                 -KS_ERR_INVALID_ARGUMENT, "idle work for a CPU that does not exist was accepted");
    if (arch_cpu_count() < 2)
        return NULL;
    KTEST_EXPECT(smp_post_idle_work(1, NULL, NULL) == -KS_ERR_INVALID_ARGUMENT,
                 "idle work without a function was accepted");
    h = (struct hold){ false, false, ~0u };
    noted = false;
    KTEST_EXPECT(smp_post_idle_work(1, hold_cpu, &h) == 0, "idle work not posted");
    KTEST_EXPECT(wait_flag(&h.started, WAIT_NS), "idle work did not start");
    KTEST_EXPECT(h.ran_on == 1, "idle work ran on the wrong CPU");
    /* CPU 1 is busy: one post waits for it, a second is refused. */
    int queued = smp_post_idle_work(1, note_ran, &noted);
    int refused = smp_post_idle_work(1, note_ran, &noted);
    __atomic_store_n(&h.release, true, __ATOMIC_RELEASE);
    KTEST_EXPECT(queued == 0, "idle work for a busy CPU was not queued");
    KTEST_EXPECT(refused == -KS_ERR_EXISTS, "a second pending post was accepted");
    KTEST_EXPECT(wait_flag(&noted, WAIT_NS), "the queued idle work never ran");
    return NULL;
}

static bool spinning;

/* Idle work: spin with interrupts off, which only an NMI interrupts. */
static void spin_with_interrupts_off(void *arg)
{
    (void)arg;
    __asm__ volatile("cli" ::: "memory");
    __atomic_store_n(&spinning, true, __ATOMIC_RELEASE);
    uint64_t end = arch_time_ns() + 10 * WAIT_NS;
    while (arch_time_ns() < end)
        __asm__ volatile("pause");
    kerror("smp: CPU %u spun with interrupts off and was not stopped\n", arch_cpu_id());
}

static void panic_beside_spinner(void *arg)
{
    (void)arg;
    panic("smp: test panic on CPU %u while CPU 1 spins with interrupts off", arch_cpu_id());
}

KTEST_CRASH(crash_smp_panic_stops_a_cpu_spinning_with_interrupts_off)
{
    if (arch_cpu_count() < 3)
        return "needs three CPUs";
    if (smp_post_idle_work(1, spin_with_interrupts_off, NULL) < 0 ||
        !wait_flag(&spinning, WAIT_NS))
        return "CPU 1 did not start spinning";
    if (smp_post_idle_work(2, panic_beside_spinner, NULL) < 0)
        return "CPU 2 did not take the panic work";
    static const bool never = false;
    (void)wait_flag(&never, 5 * WAIT_NS);
    return "the boot CPU was not stopped by the panic";
}
