/* SPDX-License-Identifier: MIT */
/*
 * ubench's IPC and notification rows (see ubench.c for the list and
 * the method).  The register rows use their own copies of the register
 * call stubs with the sel4bench stamps inside: the sender's fenced RDTSC
 * is the last thing before SYSCALL and travels as word 0 (RDX); the
 * receiver reads the counter first thing after its SYSCALL returns and
 * leaves now - word 0 in the message's badge field, which these rows do
 * not otherwise need.  The struct ks_msg rows stamp in C around the
 * call, as before.
 */
#include "ubench.h"

#define IPC_SERVER_CALLS (2 * IPC_ROUNDS)    /* the plain rows, then 48 bytes */
#define IPC_DATA_BYTES 48
#define WAITER_PRIORITY (KS_PRIORITY_DEFAULT + 10)
#define REGS_STOP 0xffff                     /* the label that ends a register server */

/* One-way counts of the rounds, warm-up first; call_samples also holds
 * the notification row's. */
static uint64_t call_samples[IPC_ROUNDS];
static uint64_t reply_samples[IPC_ROUNDS];

int64_t bench_call_regs(ks_handle_t endpoint, struct ks_regs_msg *m);
int64_t bench_reply_recv_regs(ks_handle_t endpoint, struct ks_regs_msg *m);

__asm__(
    ".text\n"
    ".globl bench_call_regs\n"
    "bench_call_regs:\n"
    "    movl $50, %r11d\n"
    "    jmp bench_regs_common\n"
    ".globl bench_reply_recv_regs\n"
    "bench_reply_recv_regs:\n"
    "    movl $51, %r11d\n"
    "bench_regs_common:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    pushq %rsi\n"
    "    movq 16(%rsi), %r10\n"
    "    movq 24(%rsi), %r8\n"
    "    movq 32(%rsi), %r9\n"
    "    movq 40(%rsi), %rbx\n"
    "    movq 48(%rsi), %rbp\n"
    "    movq 56(%rsi), %r12\n"
    "    movq 64(%rsi), %r13\n"
    "    movq 72(%rsi), %r14\n"
    "    movq 80(%rsi), %r15\n"
    "    movq 0(%rsi), %rsi\n"
    "    lfence\n"
    "    rdtsc\n"
    "    lfence\n"
    "    shlq $32, %rdx\n"
    "    orq %rax, %rdx\n"
    "    movq %r11, %rax\n"
    "    syscall\n"
    "    movq %rax, %r11\n"
    "    movq %rdx, %rcx\n"
    "    lfence\n"
    "    rdtsc\n"
    "    lfence\n"
    "    shlq $32, %rdx\n"
    "    orq %rdx, %rax\n"
    "    subq %rcx, %rax\n"
    "    movq %rcx, %rdx\n"
    "    popq %rcx\n"
    "    movq %rsi, 0(%rcx)\n"
    "    movq %rdx, 8(%rcx)\n"
    "    movq %r10, 16(%rcx)\n"
    "    movq %r8, 24(%rcx)\n"
    "    movq %r9, 32(%rcx)\n"
    "    movq %rbx, 40(%rcx)\n"
    "    movq %rbp, 48(%rcx)\n"
    "    movq %r12, 56(%rcx)\n"
    "    movq %r13, 64(%rcx)\n"
    "    movq %r14, 72(%rcx)\n"
    "    movq %r15, 80(%rcx)\n"
    "    movq %rax, 88(%rcx)\n"
    "    movq %r11, %rax\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n");

/* Serve register calls on ep until REGS_STOP: each reply carries, in
 * word 1, the one-way count of the call it answers (word 0 is the
 * stub's stamp). */
static int regs_serve(int64_t ep)
{
    struct ks_regs_msg m = { 0 };
    int64_t err = bench_reply_recv_regs(ep, &m);
    while (err == 0) {
        uint64_t call_cycles = m.badge;
        if (KS_MSGINFO_LABEL(m.info) == REGS_STOP) {
            struct ks_msg r = { .label = REGS_STOP };
            return (int)ks_sys_ipc_reply(&r);
        }
        m.info = KS_MSGINFO(1, 2);
        m.words[1] = call_cycles;
        err = bench_reply_recv_regs(ep, &m);
    }
    return (int)err;
}

/* IPC_ROUNDS register calls of `words` words (>= 1: word 0 is the
 * stamp), then the stop: the call and reply counts into the samples. */
static int64_t regs_client(int64_t ep, unsigned words)
{
    for (unsigned i = 0; i < IPC_ROUNDS; i++) {
        struct ks_regs_msg m = { .info = KS_MSGINFO(1, words) };
        int64_t err = bench_call_regs(ep, &m);
        if (err < 0)
            return err;
        reply_samples[i] = m.badge;
        call_samples[i] = m.words[1];
    }
    return 0;
}

static void regs_stop(int64_t ep)
{
    struct ks_regs_msg m = { .info = KS_MSGINFO(REGS_STOP, 0) };
    (void)ks_ipc_call_regs(ep, &m);
}

/* `ubench ipc-server-regs CPU`: serve register calls on that CPU. */
static int regs_server_main(unsigned cpu)
{
    if (ks_sys_thread_set_affinity(0, 1ull << cpu) != 0)
        return 1;
    if (!ks_start_info || ks_start_info->handle_count < 1)
        return 2;
    return regs_serve(ks_start_info->handles[0]) == 0 ? 0 : 3;
}

/* A server process on cpu, given ep as its start handle 0. */
static int64_t spawn_regs_server(int64_t ep, unsigned cpu)
{
    char cpu_arg[4] = { (char)('0' + cpu % 10), 0 };
    const char *argv[] = { "bin/ubench", "ipc-server-regs", cpu_arg };
    return ks_sys_spawn("bin/ubench", argv, 3, &ep, 1);
}

static void end_server(int64_t server, bool kill)
{
    struct ks_exit_status status;
    if (kill)
        ks_sys_process_kill(server);
    ks_sys_wait(server, &status, KS_TIMEOUT_INFINITE);
    ks_sys_handle_close(server);
}

static void print_one_way(const char *name, uint64_t *rounds, uint64_t overhead,
                          const char *what);

static void bench_regs_cross(int64_t ep, uint64_t overhead)
{
    int64_t server = spawn_regs_server(ep, 0);
    if (server < 0) {
        printf("bench: ipc_call skipped: spawn failed (%lld)\n", (long long)server);
        return;
    }
    int64_t err = regs_client(ep, 1);
    if (err == 0) {
        print_one_way("ipc_call", call_samples, overhead,
                      "one-way, sel4bench method: register Call (label + 1 word) -> a server "
                      "process blocked in ReplyRecv, CPU 0, address-space switch included");
        print_one_way("ipc_reply_recv", reply_samples, overhead,
                      "one-way, sel4bench method: a server process's register ReplyRecv "
                      "(2 words) -> the client's Call returns, CPU 0");
        err = regs_client(ep, KS_MSG_WORDS);
    }
    if (err == 0)
        print_one_way("ipc_call_10_words", call_samples, overhead,
                      "one-way, sel4bench method: register Call with a label and 10 words "
                      "-> a server process blocked in ReplyRecv, CPU 0");
    else
        printf("bench: ipc_call skipped: call failed (%lld)\n", (long long)err);
    if (err == 0)
        regs_stop(ep);
    end_server(server, err < 0);
}

static int64_t regs_server_thread(void *arg)
{
    return regs_serve((int64_t)(intptr_t)arg);
}

static void bench_regs_same_as(int64_t ep, uint64_t overhead)
{
    struct ks_thread t;
    if (ks_thread_create(&t, regs_server_thread, (void *)(intptr_t)ep, KS_PRIORITY_INHERIT,
                         1) <= 0) {
        printf("bench: ipc_call_same_as skipped: thread_create failed\n");
        return;
    }
    int64_t err = regs_client(ep, 1);
    if (err == 0) {
        print_one_way("ipc_call_same_as", call_samples, overhead,
                      "one-way, sel4bench method: register Call -> a thread of the same "
                      "process blocked in ReplyRecv, CPU 0");
        print_one_way("ipc_reply_recv_same_as", reply_samples, overhead,
                      "one-way, sel4bench method: register ReplyRecv -> a thread of the "
                      "same process returns from Call, CPU 0");
    } else {
        printf("bench: ipc_call_same_as skipped: call failed (%lld)\n", (long long)err);
    }
    regs_stop(ep);
    ks_thread_join(&t, NULL);
}

static void bench_regs_cross_cpu(int64_t ep, uint64_t overhead)
{
    int64_t server = spawn_regs_server(ep, 1);
    if (server < 0) {
        printf("bench: ipc_call_cross_cpu skipped: spawn failed (%lld)\n", (long long)server);
        return;
    }
    int64_t err = regs_client(ep, 1);
    if (err == 0) {
        print_one_way("ipc_call_cross_cpu", call_samples, overhead,
                      "one-way, sel4bench method: register Call on CPU 0 -> a server process "
                      "blocked in ReplyRecv on CPU 1 (slow path: a wake-up across CPUs)");
        regs_stop(ep);
    } else {
        printf("bench: ipc_call_cross_cpu skipped: call failed (%lld)\n", (long long)err);
    }
    end_server(server, err < 0);
}

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
static int msg_server_main(void)
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
        printf("bench: ipc_call_msg skipped: spawn failed (%lld)\n", (long long)server);
        return;
    }
    int64_t err = ipc_client(ep, 0);
    if (err == 0) {
        print_one_way("ipc_call_msg", call_samples, overhead,
                      "one-way, sel4bench method, struct ks_msg (slow path): Call -> a server process blocked in "
                      "ReplyRecv on CPU 0 (address-space switch included)");
        print_one_way("ipc_reply_recv_msg", reply_samples, overhead,
                      "one-way, sel4bench method, struct ks_msg (slow path): a server process's ReplyRecv -> the "
                      "client's Call returns, CPU 0 (address-space switch included)");
        err = ipc_client(ep, IPC_DATA_BYTES);
    }
    if (err == 0)
        print_one_way("ipc_call_msg_48_bytes", call_samples, overhead,
                      "one-way, sel4bench method, struct ks_msg (slow path): Call with a label, "
                      "10 words and 48 bytes of data -> a server process blocked in ReplyRecv, CPU 0");
    else
        printf("bench: ipc_call_msg skipped: call failed (%lld)\n", (long long)err);
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
        printf("bench: ipc_call_msg_same_as skipped: thread_create failed\n");
        return;
    }
    int64_t err = ipc_client(ep, 0);
    if (err == 0) {
        print_one_way("ipc_call_msg_same_as", call_samples, overhead,
                      "one-way, sel4bench method, struct ks_msg (slow path): Call -> a thread of the same process "
                      "blocked in ReplyRecv, CPU 0");
        print_one_way("ipc_reply_recv_msg_same_as", reply_samples, overhead,
                      "one-way, sel4bench method, struct ks_msg (slow path): ReplyRecv -> a thread of the same "
                      "process returns from Call, CPU 0");
    } else {
        printf("bench: ipc_call_msg_same_as skipped: call failed (%lld)\n", (long long)err);
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

void bench_ipc(void)
{
    uint64_t overhead = one_way_overhead();
    int64_t ep = ks_sys_endpoint_create();
    if (ep < 0) {
        printf("bench: ipc_call skipped: endpoint_create failed (%lld)\n", (long long)ep);
        return;
    }
    bench_regs_cross(ep, overhead);
    bench_regs_same_as(ep, overhead);
    if (ks_cpu_count() >= 2)
        bench_regs_cross_cpu(ep, overhead);
    bench_ipc_cross(ep, overhead);
    bench_ipc_same_as(ep, overhead);
    ks_sys_handle_close(ep);
    bench_notification(overhead);
}

int ipc_server_main(int argc, char **argv)
{
    if (!strcmp(argv[1], "ipc-server"))
        return msg_server_main();
    return regs_server_main(argc > 2 && argv[2][0] >= '0' && argv[2][0] <= '9' ?
                            (unsigned)(argv[2][0] - '0') : 0);
}
