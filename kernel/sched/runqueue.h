/* SPDX-License-Identifier: MIT */
/*
 * A run queue: 256 FIFO lists, one per priority (255 highest), a bitmap
 * of the non-empty ones and a summary word of the non-zero bitmap words,
 * so push, remove and "highest ready" are O(1): two counts of leading
 * zeros find the highest priority, with no loop.  The operations are
 * inline: they sit on the scheduler's every switch.  Pure logic,
 * host-tested (tests/unit/test_runqueue.c); the scheduler embeds one per
 * CPU and serialises access (kernel lock).
 *
 * Entries are intrusive struct rq_link nodes; an entry is on at most one
 * queue at a time and remembers its priority while queued.
 */
#ifndef KESTREL_SCHED_RUNQUEUE_H
#define KESTREL_SCHED_RUNQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#define RQ_PRIORITIES 256u
#define RQ_WORDS      (RQ_PRIORITIES / 64u)

struct rq_link {
    struct rq_link *next, *prev;
};

struct runqueue {
    uint64_t summary;                    /* bit w: bitmap[w] is not zero */
    uint64_t bitmap[RQ_WORDS];          /* bit p: list p is not empty */
    struct rq_link lists[RQ_PRIORITIES]; /* circular, the head a sentinel */
    uint32_t count;                      /* entries queued */
};

/* A circular list with head as its sentinel (also for wait queues). */
static inline void rq_list_init(struct rq_link *head)
{
    head->next = head->prev = head;
}
static inline bool rq_list_empty(const struct rq_link *head)
{
    return head->next == head;
}
static inline void rq_list_insert_before(struct rq_link *pos, struct rq_link *link)
{
    link->prev = pos->prev;
    link->next = pos;
    pos->prev->next = link;
    pos->prev = link;
}
static inline void rq_list_unlink(struct rq_link *link)
{
    link->prev->next = link->next;
    link->next->prev = link->prev;
    link->next = link->prev = link;
}

void runqueue_init(struct runqueue *rq);

static inline void runqueue_mark_(struct runqueue *rq, unsigned priority)
{
    rq->bitmap[priority / 64u] |= 1ull << (priority % 64u);
    rq->summary |= 1ull << (priority / 64u);
    rq->count++;
}

/* Queue at the tail (round robin) or the head (a preempted thread keeps
 * its turn) of its priority's list. */
static inline void runqueue_push_back(struct runqueue *rq, struct rq_link *link,
                                      unsigned priority)
{
    rq_list_insert_before(&rq->lists[priority], link);
    runqueue_mark_(rq, priority);
}

static inline void runqueue_push_front(struct runqueue *rq, struct rq_link *link,
                                       unsigned priority)
{
    rq_list_insert_before(rq->lists[priority].next, link);
    runqueue_mark_(rq, priority);
}

/* Take a queued entry out (priority: the one it was queued with). */
static inline void runqueue_remove(struct runqueue *rq, struct rq_link *link, unsigned priority)
{
    rq_list_unlink(link);
    rq->count--;
    if (rq_list_empty(&rq->lists[priority])) {
        unsigned w = priority / 64u;
        rq->bitmap[w] &= ~(1ull << (priority % 64u));
        if (!rq->bitmap[w])
            rq->summary &= ~(1ull << w);
    }
}

/* The highest non-empty priority, or -1 when empty. */
static inline int runqueue_highest(const struct runqueue *rq)
{
    if (!rq->summary)
        return -1;
    unsigned w = 63u - (unsigned)__builtin_clzll(rq->summary);
    return (int)(w * 64u + 63u - (unsigned)__builtin_clzll(rq->bitmap[w]));
}

/* The first entry of the highest priority (NULL when empty), not removed. */
static inline struct rq_link *runqueue_peek(const struct runqueue *rq)
{
    int p = runqueue_highest(rq);
    return p < 0 ? (struct rq_link *)0 : rq->lists[p].next;
}

/* Is an entry queued at priority? */
static inline bool runqueue_has(const struct runqueue *rq, unsigned priority)
{
    return (rq->bitmap[priority / 64u] >> (priority % 64u)) & 1u;
}

#endif /* KESTREL_SCHED_RUNQUEUE_H */
