/* SPDX-License-Identifier: MIT */
/*
 * What ubench's files share (ubench.c: the program, the scheduler rows
 * and the row printing; ubench_ipc.c: the IPC and notification rows).
 */
#ifndef KESTREL_UBENCH_H
#define KESTREL_UBENCH_H

#include "ks.h"
#include "ks_ipc.h"
#include "../../../kernel/bench/bench.h"

#define IPC_ROUNDS (BENCH_WARMUP + BENCH_RUNS)

struct result {
    uint64_t median, min, max;
};

static inline uint64_t cycles_fenced(void)
{
    /* LFENCE keeps RDTSC from passing earlier instructions and later ones
     * from starting before it (Intel SDM Vol. 2B, RDTSC). */
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

extern uint64_t samples[BENCH_RUNS];

/* Median, min and max of BENCH_RUNS hot samples (sorted in place). */
struct result summarize(uint64_t *hot);
/* One row; divisor 2 for the round trips reported as one way. */
void print_row(const char *name, struct result r, uint64_t overhead, unsigned divisor,
               const char *what);

/* ubench_ipc.c: every IPC row, and the server a partner process runs
 * (`ubench ipc-server` or `ubench ipc-server-regs`). */
void bench_ipc(void);
int ipc_server_main(int argc, char **argv);

#endif /* KESTREL_UBENCH_H */
