/* SPDX-License-Identifier: MIT */
/*
 * In-kernel benchmark runner; see bench.h.
 */
#include <stdint.h>

#include "arch.h"
#include "bench/bench.h"
#include "debug/kprintf.h"
#include "kestrel/errors.h"

static uint64_t samples[BENCH_RUNS];

/* Out of line and empty: the call the overhead row times. */
static __attribute__((noinline)) void bench_nothing(void *ctx)
{
    __asm__ volatile("" : : "r"(ctx) : "memory");
}

static void sort_samples(void)
{
    /* Insertion sort: BENCH_RUNS is small and this is not measured. */
    for (unsigned i = 1; i < BENCH_RUNS; i++) {
        uint64_t v = samples[i];
        unsigned j = i;
        for (; j > 0 && samples[j - 1] > v; j--)
            samples[j] = samples[j - 1];
        samples[j] = v;
    }
}

static uint64_t finish_samples(uint64_t *min, uint64_t *max)
{
    sort_samples();
    *min = samples[0];
    *max = samples[BENCH_RUNS - 1];
    return samples[BENCH_RUNS / 2];
}

/* Median of the hot samples a row measures itself. */
static uint64_t measure_samples(uint64_t (*sample)(void *), void *ctx, uint64_t *min,
                                uint64_t *max)
{
    for (unsigned i = 0; i < BENCH_WARMUP + BENCH_RUNS; i++) {
        uint64_t value = sample(ctx);
        if (i >= BENCH_WARMUP)
            samples[i - BENCH_WARMUP] = value;
    }
    return finish_samples(min, max);
}

/* Median of the hot runs of op(ctx); min and max of them too. */
static uint64_t measure(void (*op)(void *), void *ctx, uint64_t *min, uint64_t *max)
{
    for (unsigned i = 0; i < BENCH_WARMUP + BENCH_RUNS; i++) {
        uint64_t start = arch_cycles_fenced();
        op(ctx);
        uint64_t end = arch_cycles_fenced();
        if (i >= BENCH_WARMUP)
            samples[i - BENCH_WARMUP] = end - start;
    }
    return finish_samples(min, max);
}

static uint64_t net(uint64_t value, uint64_t overhead)
{
    return value > overhead ? value - overhead : 0;
}

unsigned bench_run_all(void)
{
    uint64_t lo, hi;
    uint64_t overhead = measure(bench_nothing, NULL, &lo, &hi);
    uint64_t khz = arch_cycles_calibrate_khz();
    unsigned failed = 0;
    kinfo("bench: %u rows, %u hot runs each after %u warm-up, overhead %llu\n",
          bench_table_size, BENCH_RUNS, BENCH_WARMUP, (unsigned long long)overhead);
    for (unsigned i = 0; i < bench_table_size; i++) {
        const struct bench_case *b = &bench_table[i];
        void *ctx = NULL;
        int err = b->setup ? b->setup(&ctx) : 0;
        if (err == -KS_ERR_NOT_FOUND) {
            kinfo("bench: %s skipped: not possible on this machine\n", b->name);
            continue;
        }
        if (err < 0) {
            kerror("bench: %s: setup failed (error %d)\n", b->name, err);
            failed++;
            continue;
        }
        uint64_t median, cost = 0;
        if (b->sample) {
            median = measure_samples(b->sample, ctx, &lo, &hi);
        } else {
            cost = overhead;
            median = measure(b->op, ctx, &lo, &hi);
        }
        if (b->teardown)
            b->teardown(ctx);
        kinfo("bench: %s median=%llu overhead=%llu min=%llu max=%llu runs=%u khz=%llu "
              "unit=%s time_only=%d what=\"%s\"\n",
              b->name, (unsigned long long)net(median, cost), (unsigned long long)cost,
              (unsigned long long)net(lo, cost), (unsigned long long)net(hi, cost), BENCH_RUNS,
              (unsigned long long)khz, b->sample ? "ns" : "cycles", b->time_only || b->sample,
              b->what);
    }
    kinfo("bench: kernel rows done\n");
    return failed;
}
