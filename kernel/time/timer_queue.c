/* SPDX-License-Identifier: MIT */
/*
 * Timer queue: a binary min-heap of events ordered by (deadline,
 * insertion sequence); see timer_queue.h.  Every move of an event
 * updates its index, which is what makes cancel O(log n).
 */
#include <stddef.h>
#include "kestrel/errors.h"
#include "time/timer_queue.h"

void timer_event_init(struct timer_event *event, timer_fn_t fn, void *arg)
{
    event->deadline_ns = 0;
    event->sequence = 0;
    event->fn = fn;
    event->arg = arg;
    event->index = TIMER_NOT_QUEUED;
}

int timer_queue_init(struct timer_queue *queue, struct timer_event **slots,
                     uint32_t capacity)
{
    if (!queue || !slots || capacity == 0 || capacity == TIMER_NOT_QUEUED)
        return -KS_ERR_INVALID_ARGUMENT;
    queue->slots = slots;
    queue->count = 0;
    queue->capacity = capacity;
    queue->next_sequence = 0;
    return 0;
}

static bool earlier(const struct timer_event *a, const struct timer_event *b)
{
    if (a->deadline_ns != b->deadline_ns)
        return a->deadline_ns < b->deadline_ns;
    return a->sequence < b->sequence;
}

static void place(struct timer_queue *queue, uint32_t index, struct timer_event *event)
{
    queue->slots[index] = event;
    event->index = index;
}

/* Move the event at index towards the root while it is earlier than its parent. */
static void sift_up(struct timer_queue *queue, uint32_t index)
{
    struct timer_event *event = queue->slots[index];
    while (index > 0) {
        uint32_t parent = (index - 1) / 2;
        if (!earlier(event, queue->slots[parent]))
            break;
        place(queue, index, queue->slots[parent]);
        index = parent;
    }
    place(queue, index, event);
}

/* Move the event at index towards the leaves while a child is earlier. */
static void sift_down(struct timer_queue *queue, uint32_t index)
{
    struct timer_event *event = queue->slots[index];
    for (;;) {
        uint32_t child = 2 * index + 1;
        if (child >= queue->count)
            break;
        if (child + 1 < queue->count && earlier(queue->slots[child + 1], queue->slots[child]))
            child++;
        if (!earlier(queue->slots[child], event))
            break;
        place(queue, index, queue->slots[child]);
        index = child;
    }
    place(queue, index, event);
}

int timer_queue_insert(struct timer_queue *queue, struct timer_event *event,
                       uint64_t deadline_ns)
{
    if (!queue || !event || !event->fn)
        return -KS_ERR_INVALID_ARGUMENT;
    if (timer_event_queued(event))
        return -KS_ERR_EXISTS;
    if (queue->count == queue->capacity)
        return -KS_ERR_NO_MEMORY;
    event->deadline_ns = deadline_ns;
    event->sequence = queue->next_sequence++;
    uint32_t index = queue->count++;
    place(queue, index, event);
    sift_up(queue, index);
    return 0;
}

/* Take out the event at index: the last event fills the hole and moves
 * whichever way restores the heap order. */
static void remove_at(struct timer_queue *queue, uint32_t index)
{
    struct timer_event *gone = queue->slots[index];
    uint32_t last = --queue->count;
    if (index != last) {
        place(queue, index, queue->slots[last]);
        if (index > 0 && earlier(queue->slots[index], queue->slots[(index - 1) / 2]))
            sift_up(queue, index);
        else
            sift_down(queue, index);
    }
    queue->slots[last] = NULL;
    gone->index = TIMER_NOT_QUEUED;
}

int timer_queue_cancel(struct timer_queue *queue, struct timer_event *event)
{
    if (!queue || !event)
        return -KS_ERR_INVALID_ARGUMENT;
    uint32_t index = event->index;
    if (index >= queue->count || queue->slots[index] != event)
        return -KS_ERR_NOT_FOUND;
    remove_at(queue, index);
    return 0;
}

struct timer_event *timer_queue_peek(const struct timer_queue *queue)
{
    return queue->count ? queue->slots[0] : NULL;
}

struct timer_event *timer_queue_pop_expired(struct timer_queue *queue, uint64_t now_ns)
{
    struct timer_event *first = timer_queue_peek(queue);
    if (!first || first->deadline_ns > now_ns)
        return NULL;
    remove_at(queue, 0);
    return first;
}
