/* SPDX-License-Identifier: MIT */
/*
 * In-kernel microbenchmarks, run by the `bench` command-line option and
 * read by tests/bench/run-bench (make bench).
 *
 * A row is a struct bench_case in the table tests/bench/bench_table.c:
 * an optional setup that prepares a context, the operation measured, and
 * an optional teardown.  bench_run_all() times each operation between two
 * fenced cycle-counter reads over BENCH_WARMUP + BENCH_RUNS calls, keeps
 * the hot runs, and subtracts the median of the same sequence around an
 * empty operation (the measurement's own cost).  Under QEMU with
 * `-icount shift=0` the counter advances once per instruction, so a row is
 * an exact instruction path length; under plain TCG it is time.
 *
 * One line per row: `bench: <name> median=<N> overhead=<M> min=<a> max=<b>
 * runs=<R> khz=<K> unit=<cycles|ns> time_only=<0|1> what="..."`, counts
 * already net of the overhead (none for ns rows), a `bench: <name>
 * skipped: ...` line for a row this machine cannot run, then `bench: done`.  Boot CPU, interrupts off, after memory_init.
 */
#ifndef KESTREL_BENCH_BENCH_H
#define KESTREL_BENCH_BENCH_H

#include <stdint.h>

#define BENCH_WARMUP 16
#define BENCH_RUNS   201

struct bench_case {
    const char *name;          /* row name in the table and the JSON */
    const char *what;          /* what one operation is, for the report */
    int (*setup)(void **ctx);  /* NULL or returns 0 / a negative error;
                                  -KS_ERR_NOT_FOUND: not on this machine */
    void (*op)(void *ctx);     /* the operation timed between counter reads */
    void (*teardown)(void *ctx);
    /* Instead of op: one sample in nanoseconds the row measures itself
     * (e.g. how late a timer event fired).  Printed with unit=ns. */
    uint64_t (*sample)(void *ctx);
    /* The row means something only as time (it waits on another CPU or
     * a device): report its plain-TCG time, not an instruction count. */
    int time_only;
};

extern const struct bench_case bench_table[];
extern const unsigned bench_table_size;

/* Run every row; returns the number of rows that could not run. */
unsigned bench_run_all(void);

#endif /* KESTREL_BENCH_BENCH_H */
