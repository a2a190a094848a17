/* SPDX-License-Identifier: MIT */
/*
 * Run queue set-up; the operations are inline in runqueue.h.
 */
#include "sched/runqueue.h"

void runqueue_init(struct runqueue *rq)
{
    rq->summary = 0;
    for (unsigned w = 0; w < RQ_WORDS; w++)
        rq->bitmap[w] = 0;
    for (unsigned p = 0; p < RQ_PRIORITIES; p++)
        rq_list_init(&rq->lists[p]);
    rq->count = 0;
}
