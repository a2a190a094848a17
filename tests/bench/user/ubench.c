/* SPDX-License-Identifier: MIT */
/*
 * ubench: Kestrel's user-mode benchmarks.  With the `bench` command-line
 * option the kernel runs its own rows, then starts this program as its
 * first process; it prints one row per measurement in the format of
 * kernel/bench/bench.h (read by tests/bench/run-bench) and exits 0:
 *
 *   syscall_null    round trip of KS_SYS_NULL
 *   clock_read      round trip of KS_SYS_CLOCK
 *   thread_yield    half the round trip A->B->A of two threads of this
 *                   process pinned to CPU 0, each yielding to the other
 *   process_switch  the same between this process and a partner process
 *                   (this program run as `ubench partner`)
 *   ipc_call, ipc_reply_recv, ipc_call_10_words
 *                   one-way register IPC (the fast path) to and from a
 *                   server process (this program run as `ubench
 *                   ipc-server-regs`, given the endpoint as its start
 *                   handle 0); 10 words: a full register message
 *   ipc_call_same_as, ipc_reply_recv_same_as
 *                   the same with a server thread of this process
 *   ipc_call_cross_cpu
 *                   a register call to a server process on another CPU
 *                   (two CPUs or more: the plain-TCG boot only)
 *   ipc_call_msg, ipc_reply_recv_msg, ipc_call_msg_48_bytes
 *                   the struct ks_msg calls (the slow path) to `ubench
 *                   ipc-server`
 *   notification_signal_wake
 *                   signal -> a higher-priority thread blocked in
 *                   notification_wait returns, same CPU
 *
 * The one-way rows follow seL4's sel4bench: the sender stamps (fenced
 * RDTSC) just before its system call and passes the stamp along (message
 * word 0; a shared word for the notification), the receiver reads the
 * counter right after its call returns; the same stamp-then-read
 * sequence without the call is the overhead.  The server sends each
 * call's count back in its reply's word 1.
 *
 * Each row: fenced RDTSC around one operation, BENCH_WARMUP warm-up runs
 * then the median of BENCH_RUNS hot runs, net of the overhead (the
 * median of the same reads around an empty call).  Under QEMU -icount
 * shift=0 one tick is one instruction.  The rate (khz=) comes from
 * ks_start_info->cycles_khz.  Never asserts a time.
 */
#include "ubench.h"

#define PARTNER_YIELDS (4 * (BENCH_WARMUP + BENCH_RUNS) + 1000)
#define SETTLE_SWITCHES 4
#define SETTLE_LIMIT_NS (2000ull * 1000 * 1000)

uint64_t samples[BENCH_RUNS];

static __attribute__((noinline)) void op_nothing(void)
{
    __asm__ volatile("" ::: "memory");
}

static __attribute__((noinline)) void op_null(void)
{
    ks_sys_null();
}

static __attribute__((noinline)) void op_clock(void)
{
    ks_sys_clock();
}

static __attribute__((noinline)) void op_yield(void)
{
    ks_sys_yield();
}

/* Median, min and max of BENCH_RUNS hot samples (sorted in place). */
struct result summarize(uint64_t *hot)
{
    /* Insertion sort: small, and not measured. */
    for (unsigned i = 1; i < BENCH_RUNS; i++) {
        uint64_t v = hot[i];
        unsigned j = i;
        for (; j > 0 && hot[j - 1] > v; j--)
            hot[j] = hot[j - 1];
        hot[j] = v;
    }
    return (struct result){ hot[BENCH_RUNS / 2], hot[0], hot[BENCH_RUNS - 1] };
}

static struct result measure(void (*op)(void))
{
    for (unsigned i = 0; i < BENCH_WARMUP + BENCH_RUNS; i++) {
        uint64_t start = cycles_fenced();
        op();
        uint64_t end = cycles_fenced();
        if (i >= BENCH_WARMUP)
            samples[i - BENCH_WARMUP] = end - start;
    }
    return summarize(samples);
}

static uint64_t net(uint64_t value, uint64_t overhead, unsigned divisor)
{
    return (value > overhead ? value - overhead : 0) / divisor;
}

/* One row; divisor 2 for the round trips reported as one way. */
void print_row(const char *name, struct result r, uint64_t overhead, unsigned divisor,
                      const char *what)
{
    uint64_t khz = ks_start_info ? ks_start_info->cycles_khz : 0;
    printf("bench: %s median=%llu overhead=%llu min=%llu max=%llu runs=%u khz=%llu "
           "unit=cycles time_only=0 what=\"%s\"\n",
           name, (unsigned long long)net(r.median, overhead, divisor),
           (unsigned long long)overhead, (unsigned long long)net(r.min, overhead, divisor),
           (unsigned long long)net(r.max, overhead, divisor), BENCH_RUNS,
           (unsigned long long)khz, what);
}

static uint64_t my_switches(void)
{
    struct ks_thread_info info;
    return ks_sys_thread_info(0, &info) == 0 ? info.switches : 0;
}

/* Yield until every yield hands the CPU to the partner and back (we are
 * switched in again each time), SETTLE_SWITCHES times in a row.  false
 * when that does not happen within SETTLE_LIMIT_NS. */
static bool settle_partner(void)
{
    uint64_t start = ks_clock_ns();
    unsigned in_a_row = 0;
    while (in_a_row < SETTLE_SWITCHES) {
        if (ks_clock_ns() - start > SETTLE_LIMIT_NS)
            return false;
        uint64_t before = my_switches();
        ks_sys_yield();
        in_a_row = my_switches() > before ? in_a_row + 1 : 0;
    }
    return true;
}

static volatile uint32_t partner_stop;

static int64_t yield_partner_thread(void *arg)
{
    (void)arg;
    while (!partner_stop)
        ks_sys_yield();
    return 0;
}

static void bench_thread_yield(uint64_t overhead)
{
    struct ks_thread t;
    partner_stop = 0;
    if (ks_thread_create(&t, yield_partner_thread, NULL, KS_PRIORITY_INHERIT, 1) <= 0) {
        printf("bench: thread_yield skipped: thread_create failed\n");
        return;
    }
    if (settle_partner())
        print_row("thread_yield", measure(op_yield), overhead, 2,
                  "KS_SYS_YIELD between two threads of one process on CPU 0: half the "
                  "round trip A->B->A");
    else
        printf("bench: thread_yield skipped: the partner thread never ran\n");
    partner_stop = 1;
    ks_thread_join(&t, NULL);
}

static void bench_process_switch(uint64_t overhead)
{
    const char *argv[] = { "bin/ubench", "partner" };
    int64_t partner = ks_sys_spawn("bin/ubench", argv, 2, NULL, 0);
    if (partner < 0) {
        printf("bench: process_switch skipped: spawn failed (%lld)\n", (long long)partner);
        return;
    }
    if (settle_partner())
        print_row("process_switch", measure(op_yield), overhead, 2,
                  "KS_SYS_YIELD between two processes on CPU 0: half the round trip "
                  "A->B->A (address-space switch included)");
    else
        printf("bench: process_switch skipped: the partner process never ran\n");
    /* The partner ends after its fixed number of yields. */
    struct ks_exit_status status;
    ks_sys_wait(partner, &status, KS_TIMEOUT_INFINITE);
    ks_sys_handle_close(partner);
}

/* `ubench partner`: yield to the measuring process on CPU 0. */
static int partner_main(void)
{
    if (ks_sys_thread_set_affinity(0, 1) != 0)
        return 1;
    for (unsigned i = 0; i < PARTNER_YIELDS; i++)
        ks_sys_yield();
    return 0;
}


int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "partner"))
        return partner_main();
    if (argc > 1 && (!strcmp(argv[1], "ipc-server") || !strcmp(argv[1], "ipc-server-regs")))
        return ipc_server_main(argc, argv);
    /* Everything on CPU 0, where the partners are pinned too. */
    if (ks_sys_thread_set_affinity(0, 1) != 0)
        printf("bench: ubench could not pin itself to CPU 0\n");
    uint64_t overhead = measure(op_nothing).median;
    print_row("syscall_null", measure(op_null), overhead, 1,
              "KS_SYS_NULL round trip from user mode (SYSCALL, dispatch, SYSRET)");
    print_row("clock_read", measure(op_clock), overhead, 1,
              "KS_SYS_CLOCK round trip from user mode");
    bench_thread_yield(overhead);
    bench_process_switch(overhead);
    bench_ipc();
    return 0;
}
