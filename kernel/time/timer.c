/* SPDX-License-Identifier: MIT */
/*
 * Timer events of the boot CPU over the arch's one-shot timer; see
 * timer.h.  The queue's slots are static, so no path here allocates.
 * The earliest event always has the hardware armed for it: every change
 * of the queue's head re-arms (or disarms) the arch timer.
 */
#include <stdbool.h>
#include <stddef.h>
#include "arch.h"
#include "kestrel/errors.h"
#include "time/timer.h"

static struct timer_event *boot_slots[TIMER_CAPACITY];
static struct timer_queue boot_queue = {
    .slots = boot_slots,
    .capacity = TIMER_CAPACITY,
};

static void rearm(void)
{
    struct timer_event *first = timer_queue_peek(&boot_queue);
    if (first)
        arch_timer_arm(first->deadline_ns);
    else
        arch_timer_disarm();
}

int timer_start(struct timer_event *event, uint64_t deadline_ns)
{
    int err = timer_queue_insert(&boot_queue, event, deadline_ns);
    if (err < 0)
        return err;
    if (timer_queue_peek(&boot_queue) != event)
        return 0;
    err = arch_timer_arm(deadline_ns);
    if (err < 0)
        timer_queue_cancel(&boot_queue, event);
    return err;
}

int timer_cancel(struct timer_event *event)
{
    bool was_first = event && timer_queue_peek(&boot_queue) == event;
    int err = timer_queue_cancel(&boot_queue, event);
    if (err == 0 && was_first)
        rearm();
    return err;
}

void timer_expire(void)
{
    uint64_t now = arch_time_ns();
    /* Bounded: an event re-queued for a deadline already past runs
     * again at most once per slot before the timer is re-armed. */
    for (uint32_t n = 0; n < TIMER_CAPACITY; n++) {
        struct timer_event *event = timer_queue_pop_expired(&boot_queue, now);
        if (!event)
            break;
        event->fn(event, event->arg);
    }
    rearm();
}

static void wake(struct timer_event *event, void *arg)
{
    (void)event;
    *(volatile bool *)arg = true;
}

int timer_sleep_ns(uint64_t ns)
{
    volatile bool done = false;
    struct timer_event event;
    timer_event_init(&event, wake, (void *)&done);
    int err = timer_start(&event, arch_time_ns() + ns);
    if (err < 0)
        return err;
    while (!done)
        arch_wait_for_interrupt();
    return 0;
}

uint32_t timer_pending(void)
{
    return boot_queue.count;
}
