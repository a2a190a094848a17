/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the clocks and timer events: the calibrated TSC and
 * LAPIC timer rates agree with a fresh window of the reference clock
 * within 2% (and with the PIT too when the reference is the HPET), the
 * nanosecond clock keeps pace with the reference, a sleep of N ms lasts
 * at least N ms by the reference clock, events fire in deadline order,
 * a cancelled event never fires, and timer_start refuses bad input.
 */
#include <stdbool.h>
#include "arch.h"
#include "clock.h"
#include "debug/kprintf.h"
#include "kestrel/errors.h"
#include "ktest/ktest.h"
#include "pit.h"
#include "time/timer.h"

#define MS 1000000ull

/* |measured - expected| <= 2% of expected. */
static bool within_2_percent(uint64_t measured, uint64_t expected)
{
    uint64_t diff = measured > expected ? measured - expected : expected - measured;
    return diff * 50 <= expected;
}

static uint64_t rate(uint64_t ticks, uint64_t ns)
{
    /* ticks < 2^34 and 10^9 < 2^30 in a 50 ms window: no overflow. */
    return ticks * 1000000000ull / ns;
}

static const char *check_window(enum clock_reference ref)
{
    struct clock_window w;
    KTEST_EXPECT(clock_measure(ref, 40000, &w) == 0, "reference window never ended");
    KTEST_EXPECT(w.reference_ns >= 30 * MS, "reference window too short");
    kinfo("time: against %s over %llu us: TSC %llu Hz, LAPIC timer %llu Hz\n",
          clock_reference_name(ref), (unsigned long long)(w.reference_ns / 1000),
          (unsigned long long)rate(w.tsc_ticks, w.reference_ns),
          (unsigned long long)rate(w.lapic_ticks, w.reference_ns));
    KTEST_EXPECT(within_2_percent(rate(w.tsc_ticks, w.reference_ns), clock_tsc_hz()),
                 "TSC rate off by more than 2%");
    KTEST_EXPECT(within_2_percent(rate(w.lapic_ticks, w.reference_ns), clock_lapic_hz()),
                 "LAPIC timer rate off by more than 2%");
    return NULL;
}

/* Up to three windows: one skewed by the host descheduling the vCPU
 * between paired reads is retried; a wrong calibration fails them all. */
static const char *check_against(enum clock_reference ref)
{
    const char *why = NULL;
    for (unsigned attempt = 0; attempt < 3; attempt++)
        if (!(why = check_window(ref)))
            return NULL;
    return why;
}

KTEST(tsc_and_lapic_rates_agree_with_the_reference_within_2_percent)
{
    KTEST_EXPECT(clock_tsc_hz() && clock_lapic_hz(), "clocks not calibrated");
    const char *why = check_against(clock_reference());
    if (why || clock_reference() != CLOCK_REF_HPET)
        return why;
    return check_against(CLOCK_REF_PIT);
}

/* The clock's scaling applied to TSC spans the reference timed (read
 * next to each other at both ends, so host scheduling noise between
 * separate reads cannot skew it), and it never steps back. */
static const char *check_pace(void)
{
    struct clock_window w;
    KTEST_EXPECT(clock_measure(clock_reference(), 20000, &w) == 0, "window never ended");
    uint64_t clock_ns = clock_tsc_to_ns(w.tsc_ticks);
    if (!within_2_percent(clock_ns, w.reference_ns)) {
        kinfo("time: over %llu us of the %s the clock counted %llu us\n",
              (unsigned long long)(w.reference_ns / 1000), clock_reference_name(clock_reference()),
              (unsigned long long)(clock_ns / 1000));
        return "clock off the reference by >2%";
    }
    return NULL;
}

/* As for the rates, up to three windows: a vCPU descheduled between the
 * paired reads at one end skews that window only. */
KTEST(nanosecond_clock_keeps_pace_with_the_reference)
{
    const char *why = NULL;
    for (unsigned attempt = 0; attempt < 3; attempt++)
        if (!(why = check_pace()))
            break;
    if (why)
        return why;
    uint64_t t0 = arch_time_ns();
    uint64_t last = t0;
    for (unsigned i = 0; i < 1000; i++) {
        uint64_t now = arch_time_ns();
        KTEST_EXPECT(now >= last, "clock went backwards");
        last = now;
    }
    KTEST_EXPECT(last > t0, "clock did not advance");
    return NULL;
}

KTEST(sleep_of_n_ms_lasts_at_least_n_ms_by_the_reference)
{
    static const unsigned ms[] = { 1, 5, 20 };
    for (unsigned i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
        /* The PIT window only says "at least this long"; the HPET also
         * measures how long. */
        pit_window_start(ms[i] * 1000);
        uint64_t ref0 = clock_reference_ns();
        uint64_t t0 = arch_time_ns();
        KTEST_EXPECT(timer_sleep_ns(ms[i] * MS) == 0, "sleep refused");
        uint64_t t1 = arch_time_ns();
        uint64_t ref1 = clock_reference_ns();
        bool pit_done = pit_window_done();
        pit_window_stop();
        KTEST_EXPECT(t1 - t0 >= ms[i] * MS, "woke early by the nanosecond clock");
        KTEST_EXPECT(pit_done, "woke before the PIT counted N ms");
        if (clock_reference() == CLOCK_REF_HPET) {
            KTEST_EXPECT(ref1 - ref0 >= ms[i] * MS, "woke before the HPET counted N ms");
            /* A sanity bound against a deadline scaled wrongly, wide
             * enough for a host that deschedules the vCPU for a while. */
            KTEST_EXPECT(ref1 - ref0 < ms[i] * MS + 2000 * MS, "slept far too long");
        }
    }
    KTEST_EXPECT(timer_pending() == 0, "sleep left an event queued");
    return NULL;
}

struct order {
    unsigned fired[4];
    volatile unsigned count;
};

static void record(struct timer_event *event, void *arg)
{
    struct order *order = arg;
    if (order->count < 4)
        order->fired[order->count] = (unsigned)(event->deadline_ns & 3);
    order->count++;
}

KTEST(timer_events_fire_in_deadline_order_and_cancel_works)
{
    struct order order = { { 0 }, 0 };
    struct timer_event events[4];
    uint64_t base = (arch_time_ns() + 2 * MS) & ~3ull;
    /* The low two bits of each deadline name the event. */
    static const unsigned slot_order[4] = { 2, 0, 3, 1 };
    for (unsigned i = 0; i < 4; i++) {
        unsigned id = slot_order[i];
        timer_event_init(&events[id], record, &order);
        KTEST_EXPECT(timer_start(&events[id], base + id * MS + id) == 0, "start refused");
    }
    KTEST_EXPECT(timer_start(&events[0], base) == -KS_ERR_EXISTS, "queued an event twice");
    KTEST_EXPECT(timer_start(NULL, base) == -KS_ERR_INVALID_ARGUMENT, "accepted NULL");
    KTEST_EXPECT(timer_cancel(&events[3]) == 0, "cancel of a queued event failed");
    KTEST_EXPECT(timer_cancel(&events[3]) == -KS_ERR_NOT_FOUND, "cancelled twice");
    KTEST_EXPECT(timer_sleep_ns(8 * MS) == 0, "sleep refused");
    KTEST_EXPECT(order.count == 3, "wrong number of events fired");
    KTEST_EXPECT(order.fired[0] == 0 && order.fired[1] == 1 && order.fired[2] == 2,
                 "events fired out of deadline order");
    KTEST_EXPECT(timer_cancel(&events[0]) == -KS_ERR_NOT_FOUND, "a fired event still queued");
    KTEST_EXPECT(timer_pending() == 0, "events left queued");
    return NULL;
}

KTEST(a_deadline_in_the_past_fires_at_once)
{
    struct order order = { { 0 }, 0 };
    struct timer_event event;
    timer_event_init(&event, record, &order);
    KTEST_EXPECT(timer_start(&event, 0) == 0, "start refused");
    for (unsigned i = 0; i < 3 && order.count == 0; i++)
        arch_wait_for_interrupt();
    KTEST_EXPECT(order.count == 1, "a past deadline did not fire");
    return NULL;
}
