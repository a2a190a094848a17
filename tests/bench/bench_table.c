/* SPDX-License-Identifier: MIT */
/*
 * The rows `make bench` reports (see kernel/bench/bench.h).  Each row
 * times one operation the kernel's hot paths depend on, leaving the
 * system as it found it after every call.
 */
#include <stddef.h>

#include "arch.h"
#include "bench/bench.h"

/* Reading the cycle counter through the arch fence: the floor every
 * other row stands on. */
static void bench_op_arch_cycles(void *ctx)
{
    (void)ctx;
    (void)arch_cycles();
}

const struct bench_case bench_table[] = {
    { "cycle_counter_read", "one arch_cycles() call", NULL, bench_op_arch_cycles, NULL },
};
const unsigned bench_table_size = sizeof(bench_table) / sizeof(bench_table[0]);
