/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU timer events over each CPU's one-shot timer; see timer.h.  The
 * boot CPU's slots are static, the others' come from the heap once at
 * timer_init_cpus, so no path here allocates afterwards.  The earliest
 * event of a CPU always has that CPU's hardware armed for it: every
 * change of the queue's head made on that CPU re-arms (or disarms) it.
 */
#include <stdbool.h>
#include <stddef.h>
#include "arch.h"
#include "kestrel/errors.h"
#include "mm/heap.h"
#include "sched/kernel_lock.h"
#include "sched/sched.h"
#include "time/timer.h"

static struct timer_event *boot_slots[TIMER_CAPACITY];
static struct timer_queue queues[TIMER_MAX_CPUS] = {
    [0] = { .slots = boot_slots, .capacity = TIMER_CAPACITY },
};

int timer_init_cpus(unsigned cpus)
{
    if (cpus > TIMER_MAX_CPUS)
        cpus = TIMER_MAX_CPUS;
    for (unsigned cpu = 1; cpu < cpus; cpu++) {
        if (queues[cpu].slots)
            continue;
        struct timer_event **slots = kmalloc(sizeof(*slots) * TIMER_CAPACITY);
        if (!slots)
            return -KS_ERR_NO_MEMORY;
        timer_queue_init(&queues[cpu], slots, TIMER_CAPACITY);
    }
    return 0;
}

static struct timer_queue *this_queue(unsigned *cpu_out)
{
    unsigned cpu = arch_cpu_id();
    *cpu_out = cpu;
    return cpu < TIMER_MAX_CPUS && queues[cpu].slots ? &queues[cpu] : NULL;
}

static void rearm(struct timer_queue *queue)
{
    struct timer_event *first = timer_queue_peek(queue);
    if (first)
        arch_timer_arm(first->deadline_ns);
    else
        arch_timer_disarm();
}

int timer_start(struct timer_event *event, uint64_t deadline_ns)
{
    unsigned cpu;
    struct timer_queue *queue = this_queue(&cpu);
    if (!queue)
        return -KS_ERR_NOT_FOUND;
    int err = timer_queue_insert(queue, event, deadline_ns);
    if (err < 0)
        return err;
    event->cpu = cpu;
    if (timer_queue_peek(queue) != event)
        return 0;
    err = arch_timer_arm(deadline_ns);
    if (err < 0)
        timer_queue_cancel(queue, event);
    return err;
}

int timer_cancel(struct timer_event *event)
{
    if (!event)
        return -KS_ERR_INVALID_ARGUMENT;
    if (!timer_event_queued(event) || event->cpu >= TIMER_MAX_CPUS)
        return -KS_ERR_NOT_FOUND;
    struct timer_queue *queue = &queues[event->cpu];
    bool was_first = timer_queue_peek(queue) == event;
    int err = timer_queue_cancel(queue, event);
    /* Another CPU's timer stays armed for the old head: it fires once,
     * finds nothing due and re-arms itself. */
    if (err == 0 && was_first && event->cpu == arch_cpu_id())
        rearm(queue);
    return err;
}

void timer_run_expired(void)
{
    unsigned cpu;
    struct timer_queue *queue = this_queue(&cpu);
    if (!queue)
        return;
    uint64_t now = arch_time_ns();
    /* Bounded: an event re-queued for a deadline already past runs
     * again at most once per slot before the timer is re-armed. */
    for (uint32_t n = 0; n < TIMER_CAPACITY; n++) {
        struct timer_event *event = timer_queue_pop_expired(queue, now);
        if (!event)
            break;
        event->fn(event, event->arg);
    }
    rearm(queue);
}

void timer_expire(void)
{
    /* An interrupt handler never spins for the kernel lock (a CPU that
     * holds it may be waiting for this one's IPI answer). */
    if (kernel_trylock()) {
        timer_run_expired();
        kernel_unlock();
    } else {
        sched_note_timer();
    }
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
    unsigned cpu;
    struct timer_queue *queue = this_queue(&cpu);
    return queue ? queue->count : 0;
}
