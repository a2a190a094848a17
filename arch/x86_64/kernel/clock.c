/* SPDX-License-Identifier: MIT */
/*
 * Kestrel clocks (x86_64).
 *
 * Calibration: over three windows of the reference clock (2 ms of the
 * HPET's main counter, else 5 ms of PIT channel 2), count how far the
 * TSC and the local APIC timer (divide by 1, counting down from its
 * maximum) move, and take the median.  The window's length is what the
 * reference read at its ends, so a late poll (the emulator descheduled)
 * does not skew it.  Short windows keep boot fast (the wait is a busy
 * loop: under -icount it is instructions); 2 ms of a 14.318 MHz HPET is
 * still 28,000 ticks, a resolution of 35 ppm.
 *
 * The nanosecond clock is the TSC scaled by a 32.32 fixed-point factor:
 * ns = tsc * (10^9 * 2^32 / tsc_hz) >> 32, in 128-bit arithmetic so no
 * TSC value overflows it.  Monotonic on one CPU (the TSC only rises).
 *
 * One-shot timer events: TSC-deadline mode when CPUID offers it (SDM
 * Vol. 3A 10.5.4.1: the deadline is a TSC value in an MSR), else the
 * LAPIC timer's one-shot mode with a count from the calibrated rate.  A
 * count longer than the timer reaches fires early; timer_expire() then
 * finds nothing due and arms the rest.  Deadlines round up, so the
 * interrupt never comes before the deadline by the TSC.
 * Boot CPU, interrupts off.
 */
#include "acpi/acpi.h"
#include "arch.h"
#include "clock.h"
#include "cpu.h"
#include "debug/kprintf.h"
#include "hpet.h"
#include "irq.h"
#include "kestrel/errors.h"
#include "lapic.h"
#include "msr.h"
#include "pit.h"
#include "time/timer.h"

#define NS_PER_SECOND    1000000000ull
#define CALIBRATE_US     2000u    /* HPET window */
#define CALIBRATE_PIT_US 5000u    /* PIT window: 1.19 MHz, so longer */
#define WARMUP_US        200u
#define MAX_WINDOW_US    50000u
/* PIT windows stay well under one 16-bit wrap (55 ms), see wait_pit. */
#define MAX_PIT_WINDOW_US 40000u
#define POLL_LIMIT       100000000u
#define LAPIC_MAX_COUNT  0xFFFFFFFFu

static enum clock_reference reference;
static uint64_t tsc_hz;
static uint64_t lapic_hz;
static uint64_t ns_per_tsc_32;   /* 10^9 * 2^32 / tsc_hz */
static uint64_t tsc_per_ns_32;   /* tsc_hz * 2^32 / 10^9 */
static bool tsc_deadline;
static bool timer_ready;
static uint64_t armed_deadline;  /* 0 when disarmed */

typedef unsigned __int128 u128;

/* a * b / c with a 128-bit product (DIV takes a 128-bit dividend, SDM
 * Vol. 2A); saturates when the quotient does not fit 64 bits. */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c)
{
    u128 product = (u128)a * b;
    uint64_t high = (uint64_t)(product >> 64), low = (uint64_t)product;
    if (c == 0 || high >= c)
        return UINT64_MAX;
    uint64_t quotient, remainder;
    __asm__("divq %4" : "=a"(quotient), "=d"(remainder) : "a"(low), "d"(high), "rm"(c));
    return quotient;
}

static uint64_t ticks_to_ns(uint64_t ticks, uint64_t hz)
{
    return mul_div(ticks, NS_PER_SECOND, hz);
}

static int wait_hpet(uint64_t start, uint32_t us, uint64_t *reference_ns)
{
    uint64_t target = mul_div(us, hpet_hz(), 1000000u);
    for (uint32_t polls = 0; polls < POLL_LIMIT; polls++) {
        uint64_t ticks = hpet_ticks_between(start, hpet_read());
        if (ticks >= target) {
            *reference_ns = ticks_to_ns(ticks, hpet_hz());
            return 0;
        }
    }
    return -KS_ERR_FAULT;
}

/* The span comes from latched counts read next to the TSC, not from the
 * programmed count: a poll that sees the end late (the emulator's thread
 * descheduled, say) then costs nothing. */
static int wait_pit(uint16_t start_count, uint64_t *reference_ns)
{
    for (uint32_t polls = 0; polls < POLL_LIMIT; polls++) {
        if (pit_window_done()) {
            uint16_t end_count = pit_window_count();
            *reference_ns = pit_ticks_to_ns(pit_ticks_between(start_count, end_count));
            return 0;
        }
    }
    return -KS_ERR_FAULT;
}

/* The LAPIC timer as the clock and timer code last set it. */
static void restore_lapic_timer(void)
{
    if (!timer_ready)
        return;
    if (tsc_deadline)
        lapic_timer_set_tsc_deadline(LAPIC_TIMER_VECTOR);
    else
        lapic_timer_set_oneshot(LAPIC_TIMER_VECTOR, false);
    if (armed_deadline)
        arch_timer_arm(armed_deadline);
}

int clock_measure(enum clock_reference ref, uint32_t us, struct clock_window *out)
{
    if (us == 0 || us > MAX_WINDOW_US || !lapic_ready() ||
        (ref == CLOCK_REF_HPET && !hpet_ready()) || (ref != CLOCK_REF_HPET && ref != CLOCK_REF_PIT))
        return -KS_ERR_NOT_FOUND;
    if (ref == CLOCK_REF_PIT && us > MAX_PIT_WINDOW_US)
        us = MAX_PIT_WINDOW_US;
    lapic_timer_set_oneshot(LAPIC_TIMER_VECTOR, true);
    lapic_timer_start(LAPIC_MAX_COUNT);
    uint64_t tsc0, tsc1, reference_ns = 0;
    uint32_t lapic0, lapic1;
    int err;
    if (ref == CLOCK_REF_HPET) {
        /* Each end reads the reference first, then the counters. */
        uint64_t start = hpet_read();
        tsc0 = rdtsc();
        lapic0 = lapic_timer_current();
        err = wait_hpet(start, us, &reference_ns);
    } else {
        pit_window_start(us);
        uint16_t start_count = pit_window_count();
        tsc0 = rdtsc();
        lapic0 = lapic_timer_current();
        err = wait_pit(start_count, &reference_ns);
        pit_window_stop();
    }
    tsc1 = rdtsc();
    lapic1 = lapic_timer_current();
    lapic_timer_start(0);
    restore_lapic_timer();
    if (err < 0)
        return err;
    out->reference_ns = reference_ns;
    out->tsc_ticks = tsc1 - tsc0;
    out->lapic_ticks = lapic0 - lapic1;
    return 0;
}

static uint64_t rate_hz(uint64_t ticks, uint64_t ns)
{
    return ns ? mul_div(ticks, NS_PER_SECOND, ns) : 0;
}

/* Whole MHz and thousandths, for the boot log. */
#define MHZ_PARTS(hz) (unsigned long long)((hz) / 1000000u), \
                      (unsigned long long)((hz) % 1000000u / 1000u)

static uint64_t median_of_3(uint64_t a, uint64_t b, uint64_t c)
{
    if (a > b) {
        uint64_t t = a;
        a = b;
        b = t;
    }
    return c <= a ? a : c >= b ? b : c;
}

/* The median of three windows: an emulator's vCPU thread descheduled
 * between the paired reads skews one window, not the answer. */
#define CALIBRATE_WINDOWS 3

static int calibrate(void)
{
    struct clock_window warmup, window;
    uint64_t tsc[CALIBRATE_WINDOWS], lapic[CALIBRATE_WINDOWS];
    int err = clock_measure(reference, WARMUP_US, &warmup);
    for (unsigned i = 0; err == 0 && i < CALIBRATE_WINDOWS; i++) {
        err = clock_measure(reference, reference == CLOCK_REF_HPET ? CALIBRATE_US :
                            CALIBRATE_PIT_US, &window);
        tsc[i] = rate_hz(window.tsc_ticks, window.reference_ns);
        lapic[i] = rate_hz(window.lapic_ticks, window.reference_ns);
    }
    if (err < 0) {
        kerror("time: error: the %s never finished a calibration window\n",
               clock_reference_name(reference));
        return err;
    }
    tsc_hz = median_of_3(tsc[0], tsc[1], tsc[2]);
    lapic_hz = median_of_3(lapic[0], lapic[1], lapic[2]);
    if (tsc_hz == 0 || lapic_hz == 0) {
        kerror("time: error: calibration measured no TSC or LAPIC timer ticks\n");
        return -KS_ERR_FAULT;
    }
    ns_per_tsc_32 = mul_div(NS_PER_SECOND, 1ull << 32, tsc_hz);
    tsc_per_ns_32 = mul_div(tsc_hz, 1ull << 32, NS_PER_SECOND);
    return 0;
}

static void timer_interrupt(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
    armed_deadline = 0;
    timer_expire();
}

int clock_init(const struct acpi_info *acpi)
{
    reference = CLOCK_REF_PIT;
    if (acpi->has_hpet && hpet_init(acpi->hpet_address) == 0)
        reference = CLOCK_REF_HPET;
    int err = calibrate();
    if (err < 0)
        return err;
    tsc_deadline = lapic_has_tsc_deadline();
    irq_set_kernel_handler(LAPIC_TIMER_VECTOR, timer_interrupt, NULL);
    timer_ready = true;
    restore_lapic_timer();
    kinfo("time: TSC %llu.%03llu MHz, LAPIC timer %llu.%03llu MHz, calibrated against %s\n",
          MHZ_PARTS(tsc_hz), MHZ_PARTS(lapic_hz), clock_reference_name(reference));
    kinfo("time: timer events by %s\n",
          tsc_deadline ? "TSC-deadline" : "LAPIC one-shot (no TSC-deadline mode)");
    return 0;
}

uint64_t clock_tsc_to_ns(uint64_t tsc)
{
    return (uint64_t)(((u128)tsc * ns_per_tsc_32) >> 32);
}

uint64_t arch_time_ns(void)
{
    return clock_tsc_to_ns(rdtsc());
}

int arch_timer_arm(uint64_t deadline_ns)
{
    if (!timer_ready)
        return -KS_ERR_NOT_FOUND;
    armed_deadline = deadline_ns ? deadline_ns : 1;
    if (tsc_deadline) {
        uint64_t tsc = (uint64_t)(((u128)deadline_ns * tsc_per_ns_32) >> 32) + 1;
        wrmsr(MSR_IA32_TSC_DEADLINE, tsc);
        return 0;
    }
    uint64_t now = arch_time_ns();
    uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
    /* One count more than the product rounds down to. */
    uint64_t count = mul_div(delta, lapic_hz, NS_PER_SECOND) + 1;
    lapic_timer_start(count > LAPIC_MAX_COUNT || count == 0 ? LAPIC_MAX_COUNT : (uint32_t)count);
    return 0;
}

void arch_timer_init_cpu(void)
{
    if (!timer_ready)
        return;
    if (tsc_deadline)
        lapic_timer_set_tsc_deadline(LAPIC_TIMER_VECTOR);
    else
        lapic_timer_set_oneshot(LAPIC_TIMER_VECTOR, false);
}

void arch_timer_disarm(void)
{
    if (!timer_ready)
        return;
    armed_deadline = 0;
    if (tsc_deadline)
        wrmsr(MSR_IA32_TSC_DEADLINE, 0);
    else
        lapic_timer_start(0);
}

enum clock_reference clock_reference(void)
{
    return reference;
}

const char *clock_reference_name(enum clock_reference ref)
{
    return ref == CLOCK_REF_HPET ? "HPET" : ref == CLOCK_REF_PIT ? "PIT" : "nothing";
}

uint64_t clock_tsc_hz(void)
{
    return tsc_hz;
}

uint64_t clock_lapic_hz(void)
{
    return lapic_hz;
}

bool clock_uses_tsc_deadline(void)
{
    return tsc_deadline;
}

uint64_t clock_reference_ns(void)
{
    if (reference != CLOCK_REF_HPET)
        return 0;
    return ticks_to_ns(hpet_read(), hpet_hz());
}
