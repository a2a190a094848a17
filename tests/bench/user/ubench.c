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
 *                   one-way IPC to and from a server process (this program
 *                   run as `ubench ipc-server`, given the endpoint as its
 *                   start handle 0)
 *   ipc_call_same_as, ipc_reply_recv_same_as
 *                   the same with a server thread of this process
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
#include "ks.h"
#include "ks_ipc.h"
#include "../../../kernel/bench/bench.h"

#define PARTNER_YIELDS (4 * (BENCH_WARMUP + BENCH_RUNS) + 1000)
#define SETTLE_SWITCHES 4
#define SETTLE_LIMIT_NS (2000ull * 1000 * 1000)
#define IPC_ROUNDS (BENCH_WARMUP + BENCH_RUNS)
#define IPC_SERVER_CALLS (2 * IPC_ROUNDS)    /* the plain rows, then 10 words */
#define IPC_DATA_BYTES 48                    /* label + 4 words + 6 words of data */
#define WAITER_PRIORITY (KS_PRIORITY_DEFAULT + 10)

static uint64_t samples[BENCH_RUNS];
/* One-way counts of the rounds, warm-up first; call_samples also holds
 * the notification row's. */
static uint64_t call_samples[IPC_ROUNDS];
static uint64_t reply_samples[IPC_ROUNDS];

static inline uint64_t cycles_fenced(void)
{
    /* LFENCE keeps RDTSC from passing earlier instructions and later ones
     * from starting before it (Intel SDM Vol. 2B, RDTSC). */
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

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

struct result {
    uint64_t median, min, max;
};

/* Median, min and max of BENCH_RUNS hot samples (sorted in place). */
static struct result summarize(uint64_t *hot)
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
static void print_row(const char *name, struct result r, uint64_t overhead, unsigned divisor,
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

/* ---- one-way IPC and notification rows (sel4bench method) ---- */

/* The one-way rows' overhead: a stamp stored where the receiver finds
 * it, then the receiver's read, with no system call between. */
static uint64_t one_way_overhead(void)
{
    static volatile uint64_t word;
    for (unsigned i = 0; i < IPC_ROUNDS; i++) {
        word = cycles_fenced();
        uint64_t now = cycles_fenced();
        if (i >= BENCH_WARMUP)
            samples[i - BENCH_WARMUP] = now - word;
    }
    return summarize(samples).median;
}

/* Serve `calls` calls on ep, then exit the loop with a plain reply.
 * Each reply carries the call's one-way count in word 1 and, in word 0,
 * a stamp taken just before ReplyRecv. */
static int ipc_serve(int64_t ep, unsigned calls)
{
    uint8_t data[2 * IPC_DATA_BYTES];
    struct ks_msg msg = { .data = (uintptr_t)data, .data_cap = sizeof(data) };
    int64_t err = ks_sys_ipc_recv(ep, &msg, KS_TIMEOUT_INFINITE);
    for (unsigned served = 1; err == 0; served++) {
        uint64_t now = cycles_fenced();
        uint64_t call_cycles = now - msg.words[0];
        msg = (struct ks_msg){ .data = (uintptr_t)data, .data_cap = sizeof(data) };
        msg.words[1] = call_cycles;
        if (served == calls) {
            msg.words[0] = cycles_fenced();
            return (int)ks_sys_ipc_reply(&msg);
        }
        msg.words[0] = cycles_fenced();
        err = ks_sys_ipc_reply_recv(ep, &msg, KS_TIMEOUT_INFINITE);
    }
    return (int)err;
}

/* IPC_ROUNDS calls on ep with data_len bytes of data: the call counts
 * (from the server) and the reply counts into the sample arrays. */
static int64_t ipc_client(int64_t ep, uint32_t data_len)
{
    static uint8_t data[IPC_DATA_BYTES];
    for (unsigned i = 0; i < IPC_ROUNDS; i++) {
        struct ks_msg msg = { .label = 1, .words = { 0, 1, 2, 3 }, .data = (uintptr_t)data,
                              .data_len = data_len };
        msg.words[0] = cycles_fenced();
        int64_t err = ks_sys_ipc_call(ep, &msg, KS_TIMEOUT_INFINITE);
        uint64_t now = cycles_fenced();
        if (err < 0)
            return err;
        reply_samples[i] = now - msg.words[0];
        call_samples[i] = msg.words[1];
    }
    return 0;
}

static void print_one_way(const char *name, uint64_t *rounds, uint64_t overhead,
                          const char *what)
{
    print_row(name, summarize(rounds + BENCH_WARMUP), overhead, 1, what);
}

/* `ubench ipc-server`: serve the measuring process on CPU 0. */
static int ipc_server_main(void)
{
    if (ks_sys_thread_set_affinity(0, 1) != 0)
        return 1;
    if (!ks_start_info || ks_start_info->handle_count < 1)
        return 2;
    return ipc_serve(ks_start_info->handles[0], IPC_SERVER_CALLS) == 0 ? 0 : 3;
}

static void bench_ipc_cross(int64_t ep, uint64_t overhead)
{
    const char *argv[] = { "bin/ubench", "ipc-server" };
    int64_t server = ks_sys_spawn("bin/ubench", argv, 2, &ep, 1);
    if (server < 0) {
        printf("bench: ipc_call skipped: spawn failed (%lld)\n", (long long)server);
        return;
    }
    int64_t err = ipc_client(ep, 0);
    if (err == 0) {
        print_one_way("ipc_call", call_samples, overhead,
                      "one-way, sel4bench method: Call -> a server process blocked in "
                      "ReplyRecv on CPU 0 (address-space switch included)");
        print_one_way("ipc_reply_recv", reply_samples, overhead,
                      "one-way, sel4bench method: a server process's ReplyRecv -> the "
                      "client's Call returns, CPU 0 (address-space switch included)");
        err = ipc_client(ep, IPC_DATA_BYTES);
    }
    if (err == 0)
        print_one_way("ipc_call_10_words", call_samples, overhead,
                      "one-way, sel4bench method: Call with a label, 4 words and 48 bytes "
                      "of data -> a server process blocked in ReplyRecv, CPU 0");
    else
        printf("bench: ipc_call skipped: call failed (%lld)\n", (long long)err);
    if (err < 0)
        ks_sys_process_kill(server);
    struct ks_exit_status status;
    ks_sys_wait(server, &status, KS_TIMEOUT_INFINITE);
    ks_sys_handle_close(server);
}

static int64_t ipc_server_thread(void *arg)
{
    return ipc_serve((int64_t)(intptr_t)arg, IPC_ROUNDS);
}

static void bench_ipc_same_as(int64_t ep, uint64_t overhead)
{
    struct ks_thread t;
    if (ks_thread_create(&t, ipc_server_thread, (void *)(intptr_t)ep, KS_PRIORITY_INHERIT,
                         1) <= 0) {
        printf("bench: ipc_call_same_as skipped: thread_create failed\n");
        return;
    }
    int64_t err = ipc_client(ep, 0);
    if (err == 0) {
        print_one_way("ipc_call_same_as", call_samples, overhead,
                      "one-way, sel4bench method: Call -> a thread of the same process "
                      "blocked in ReplyRecv, CPU 0");
        print_one_way("ipc_reply_recv_same_as", reply_samples, overhead,
                      "one-way, sel4bench method: ReplyRecv -> a thread of the same "
                      "process returns from Call, CPU 0");
    } else {
        printf("bench: ipc_call_same_as skipped: call failed (%lld)\n", (long long)err);
    }
    ks_thread_join(&t, NULL);
}

static volatile uint64_t signal_stamp;
static volatile uint32_t wakes;

/* Outranks the signaller, so each signal switches to it at once and it
 * is blocked again before the signaller goes on. */
static int64_t waiter_thread(void *arg)
{
    int64_t n = (int64_t)(intptr_t)arg;
    for (unsigned i = 0; i < IPC_ROUNDS; i++) {
        uint64_t bits;
        int64_t err = ks_sys_notification_wait(n, KS_TIMEOUT_INFINITE, &bits);
        uint64_t now = cycles_fenced();
        if (err < 0)
            return err;
        call_samples[i] = now - signal_stamp;
        wakes = i + 1;
    }
    return 0;
}

static void bench_notification(uint64_t overhead)
{
    int64_t n = ks_sys_notification_create();
    struct ks_thread t;
    wakes = 0;
    if (n < 0 || ks_thread_create(&t, waiter_thread, (void *)(intptr_t)n, WAITER_PRIORITY,
                                  1) <= 0) {
        printf("bench: notification_signal_wake skipped: setup failed\n");
        return;
    }
    ks_sleep_ns(10ull * 1000 * 1000);  /* the waiter blocks */
    for (unsigned i = 0; i < IPC_ROUNDS; i++) {
        signal_stamp = cycles_fenced();
        ks_sys_notification_signal(n, 1);
        /* Only when the wake did not switch at once: wait for it. */
        while (wakes != i + 1)
            ks_sys_yield();
    }
    int64_t value = -1;
    ks_thread_join(&t, &value);
    if (value == 0)
        print_one_way("notification_signal_wake", call_samples, overhead,
                      "one-way, sel4bench method: notification_signal -> a higher-priority "
                      "thread blocked in notification_wait returns, same CPU");
    else
        printf("bench: notification_signal_wake skipped: wait failed (%lld)\n",
               (long long)value);
    ks_sys_handle_close(n);
}

static void bench_ipc(void)
{
    uint64_t overhead = one_way_overhead();
    int64_t ep = ks_sys_endpoint_create();
    if (ep < 0) {
        printf("bench: ipc_call skipped: endpoint_create failed (%lld)\n", (long long)ep);
        return;
    }
    bench_ipc_cross(ep, overhead);
    bench_ipc_same_as(ep, overhead);
    ks_sys_handle_close(ep);
    bench_notification(overhead);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "partner"))
        return partner_main();
    if (argc > 1 && !strcmp(argv[1], "ipc-server"))
        return ipc_server_main();
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
