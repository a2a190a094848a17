/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the scheduler's run queue (kernel/sched/runqueue.c):
 * highest-priority pick, FIFO order inside a priority, head insertion,
 * removal from the middle, the bitmap across all four words, and a
 * randomised comparison against a plain model.
 */
#include <stdint.h>
#include "sched/runqueue.h"
#include "unit.h"

struct item {
    struct rq_link link;
    unsigned priority;
    int id;
};

static struct runqueue rq;

static struct item *item_of(struct rq_link *l)
{
    return (struct item *)((char *)l - __builtin_offsetof(struct item, link));
}

static struct item *pop(void)
{
    struct rq_link *l = runqueue_peek(&rq);
    if (!l)
        return NULL;
    struct item *it = item_of(l);
    runqueue_remove(&rq, l, it->priority);
    return it;
}

UNIT_TEST(empty_queue_has_nothing)
{
    runqueue_init(&rq);
    CHECK(runqueue_highest(&rq) == -1);
    CHECK(runqueue_peek(&rq) == NULL);
    CHECK_EQ_U(rq.count, 0);
}

UNIT_TEST(highest_priority_first_at_every_word)
{
    static const unsigned prios[] = { 0, 63, 64, 100, 127, 128, 191, 192, 255, 1 };
    struct item items[10];
    runqueue_init(&rq);
    for (int i = 0; i < 10; i++) {
        items[i] = (struct item){ .priority = prios[i], .id = i };
        runqueue_push_back(&rq, &items[i].link, prios[i]);
    }
    CHECK_EQ_U(rq.count, 10);
    static const unsigned order[] = { 255, 192, 191, 128, 127, 100, 64, 63, 1, 0 };
    for (int i = 0; i < 10; i++) {
        CHECK_EQ_U(runqueue_highest(&rq), order[i]);
        struct item *it = pop();
        CHECK(it != NULL);
        CHECK_EQ_U(it->priority, order[i]);
    }
    CHECK(runqueue_highest(&rq) == -1);
    CHECK_EQ_U(rq.count, 0);
}

UNIT_TEST(fifo_inside_a_priority_and_front_insert)
{
    struct item items[4];
    runqueue_init(&rq);
    for (int i = 0; i < 3; i++) {
        items[i] = (struct item){ .priority = 7, .id = i };
        runqueue_push_back(&rq, &items[i].link, 7);
    }
    items[3] = (struct item){ .priority = 7, .id = 3 };
    runqueue_push_front(&rq, &items[3].link, 7);
    static const int order[] = { 3, 0, 1, 2 };
    for (int i = 0; i < 4; i++)
        CHECK_EQ_U(pop()->id, order[i]);
    CHECK(pop() == NULL);
}

UNIT_TEST(remove_from_the_middle_keeps_the_rest)
{
    struct item items[3];
    runqueue_init(&rq);
    for (int i = 0; i < 3; i++) {
        items[i] = (struct item){ .priority = 200, .id = i };
        runqueue_push_back(&rq, &items[i].link, 200);
    }
    runqueue_remove(&rq, &items[1].link, 200);
    CHECK(runqueue_has(&rq, 200));
    CHECK_EQ_U(pop()->id, 0);
    CHECK_EQ_U(pop()->id, 2);
    CHECK(!runqueue_has(&rq, 200));
    /* The removed link points at itself: unlinking twice is harmless. */
    CHECK(items[1].link.next == &items[1].link);
}

/* A model: for each priority a FIFO array; compare every step. */
#define MODEL_ITEMS 512
static struct item pool[MODEL_ITEMS];
static int model[RQ_PRIORITIES][MODEL_ITEMS];
static int model_len[RQ_PRIORITIES];
static int queued[MODEL_ITEMS];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int model_highest(void)
{
    for (int p = RQ_PRIORITIES - 1; p >= 0; p--)
        if (model_len[p])
            return p;
    return -1;
}

static void model_remove(unsigned p, int id)
{
    for (int i = 0; i < model_len[p]; i++)
        if (model[p][i] == id) {
            for (int j = i; j + 1 < model_len[p]; j++)
                model[p][j] = model[p][j + 1];
            model_len[p]--;
            return;
        }
}

UNIT_TEST(random_operations_match_a_model)
{
    runqueue_init(&rq);
    for (int step = 0; step < 200000; step++) {
        int id = (int)(rng() % MODEL_ITEMS);
        unsigned op = (unsigned)(rng() % 4);
        if (!queued[id] && op < 2) {
            unsigned p = (unsigned)(rng() % RQ_PRIORITIES);
            pool[id] = (struct item){ .priority = p, .id = id };
            if (op == 0) {
                runqueue_push_back(&rq, &pool[id].link, p);
                model[p][model_len[p]++] = id;
            } else {
                runqueue_push_front(&rq, &pool[id].link, p);
                for (int j = model_len[p]; j > 0; j--)
                    model[p][j] = model[p][j - 1];
                model[p][0] = id;
                model_len[p]++;
            }
            queued[id] = 1;
        } else if (queued[id] && op == 2) {
            runqueue_remove(&rq, &pool[id].link, pool[id].priority);
            model_remove(pool[id].priority, id);
            queued[id] = 0;
        } else if (op == 3) {
            int p = model_highest();
            CHECK_EQ_U(runqueue_highest(&rq), p);
            if (p >= 0) {
                struct item *it = pop();
                CHECK_EQ_U(it->id, model[p][0]);
                model_remove((unsigned)p, it->id);
                queued[it->id] = 0;
            }
        }
        unsigned total = 0;
        for (unsigned p = 0; p < RQ_PRIORITIES; p += 37)
            CHECK_EQ_U(runqueue_has(&rq, p), model_len[p] != 0);
        for (int i = 0; i < MODEL_ITEMS; i++)
            total += (unsigned)queued[i];
        CHECK_EQ_U(rq.count, total);
    }
}

UNIT_MAIN(UNIT_CASE(empty_queue_has_nothing), UNIT_CASE(highest_priority_first_at_every_word),
          UNIT_CASE(fifo_inside_a_priority_and_front_insert),
          UNIT_CASE(remove_from_the_middle_keeps_the_rest),
          UNIT_CASE(random_operations_match_a_model))
