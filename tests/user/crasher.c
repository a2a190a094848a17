/* SPDX-License-Identifier: MIT */
/*
 * crasher: a helper program of the user test suite (tests/user).  It
 * does the one bad thing its argv[1] names, so usertest can check that
 * the kernel kills only this process and reports the right exception:
 *
 *   null-read null-write           #PF at address 0
 *   kernel-read kernel-write       #PF at 0xffffffff80000000
 *   kernel-exec                    #PF, a jump to 0xffffffff80000000
 *   write-rodata                   #PF, a write to a read-only page
 *   exec-data                      #PF, a jump into a writable buffer
 *   invalid-opcode                 #UD (ud2)
 *   divide-zero                    #DE (div by 0)
 *   gp                             #GP (hlt in ring 3)
 *   non-canonical                  #GP (a read at 0x0000800000000000)
 *   stack-overflow                 #PF in the guard page below the stack
 *   fault-in-thread                #PF in a second thread while the main
 *                                  thread sleeps
 *   exit-42                        a normal exit with status 42
 *   thread-exit-7                  the only thread exits with value 7
 *   syscall-fuzz                   20,000 system calls with random numbers
 *                                  and hostile arguments, then exit 0
 *   sleep-forever                  sleeps until killed
 *   spin-forever                   spins in user mode until killed
 *   sleep-300ms                    sleeps 300 ms, then exits 0
 *   wait-on-child                  spawns `crasher sleep-300ms` and waits
 *                                  for it without a timeout; exits 0
 *   leak-handles                   creates 600 notifications and duplicates
 *                                  and exits 0 without closing any
 *   start-signal                   signals bits 0x5a on its start handle 0
 *                                  (a notification) and exits 0
 *   start-send                     sends on its start handle 0 (an
 *                                  endpoint) without waiting and exits
 *                                  with the result as its status
 *   start-handles                  checks that its start handles are all it
 *                                  holds: exits 0 (40 + the number of empty
 *                                  slots when there are some), or 6 + the
 *                                  failed check
 *   quota-*                        the quota kinds of crasher_quota.c
 *   map-*, memory-quota            the memory-object kinds of crasher_mem.c
 *   priority                       exits with its main thread's priority
 *                                  (1 if KS_PRIORITY stayed in environ)
 *   args-echo                      exits with argc * 16, + 1 when its
 *                                  arguments are "hello" "world"
 *
 *   io-*                           the I/O-port kinds of crasher_io.c
 *
 * Exit status 2 when the argument is missing or unknown, 3 when the
 * fault did not happen.
 */
#include "crasher.h"
#include "ks.h"
#include "ks_ipc.h"

#define KERNEL_ADDRESS 0xffffffff80000000ull

static const uint64_t read_only_word = 0x5eadbeefull;
/* Writable, so not executable: the first byte is a RET to be sure a
 * missing fault is visible as a return, not as garbage. */
static uint8_t data_code[64] = { 0xc3 };

/* An address the compiler cannot see through: GCC turns a constant
 * null dereference into a trap instruction (#UD) instead of the access. */
static uintptr_t opaque(uintptr_t value)
{
    __asm__ volatile("" : "+r"(value));
    return value;
}

void do_read(uintptr_t address)
{
    uint64_t value = *(volatile uint64_t *)opaque(address);
    __asm__ volatile("" : : "r"(value));
}

void do_write(uintptr_t address)
{
    *(volatile uint64_t *)opaque(address) = 0x1234;
}

static void do_jump(uintptr_t address)
{
    ((void (*)(void))opaque(address))();
}

static void do_divide_zero(void)
{
    uint64_t high = 0, low = 1, divisor = opaque(0);
    __asm__ volatile("divq %2" : "+d"(high), "+a"(low) : "r"(divisor));
}

/* Each frame touches its buffer, so the frames run down page by page
 * into the guard page (none is skipped: a frame is far below 4 KiB). */
static __attribute__((noinline)) uint64_t recurse(uint64_t depth)
{
    volatile uint8_t frame[256];
    if (depth == opaque(UINT64_MAX))    /* never: keeps the compiler content */
        return 0;
    frame[0] = (uint8_t)depth;
    frame[255] = (uint8_t)depth;
    return recurse(depth + 1) + frame[0] + frame[255];
}

static int64_t faulting_thread(void *arg)
{
    (void)arg;
    ks_sleep_ns(10 * 1000 * 1000);
    do_write(0);
    return 0;
}

static int fault_in_thread(void)
{
    struct ks_thread t;
    if (ks_thread_create(&t, faulting_thread, NULL, KS_PRIORITY_INHERIT, 0) < 0)
        return 4;
    /* The whole process must die while this sleeps. */
    ks_sleep_ns(3000ull * 1000 * 1000);
    return 3;
}

/* Arguments a hostile program would pick: edges of the user half, the
 * kernel half, non-canonical addresses, our own stack and data, small
 * and huge numbers, and random bits. */
static uint64_t fuzz_state = 0x2545F4914F6CDD1Dull;
static uint64_t fuzz_random(void)
{
    fuzz_state ^= fuzz_state << 13;
    fuzz_state ^= fuzz_state >> 7;
    fuzz_state ^= fuzz_state << 17;
    return fuzz_state;
}

static uint64_t fuzz_argument(void)
{
    static uint8_t buffer[256];
    uint64_t pick = fuzz_random();
    switch (pick % 12) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ~0ull;
    case 3: return KERNEL_ADDRESS + (pick >> 40);
    case 4: return 0x0000800000000000ull - (pick >> 56);
    case 5: return 0x8000000000000000ull;
    case 6: return (uintptr_t)buffer + (pick >> 56);
    case 7: return (uintptr_t)&read_only_word;
    case 8: return (uintptr_t)&pick;
    case 9: return pick >> 48;
    case 10: return 0x00007ffffffff000ull;
    default: return pick;
    }
}

static void fuzz_thread(void *arg)
{
    (void)arg;
    ks_sys_thread_exit(0);
}

static int syscall_fuzz(void)
{
    for (unsigned i = 0; i < 20000; i++) {
        uint64_t nr = fuzz_random() % (KS_SYS_COUNT + 4);
        uint64_t a[6];
        for (unsigned j = 0; j < 6; j++)
            a[j] = fuzz_argument();
        /* Calls that end this process, fill the log with whatever the
         * arguments point at, or may wait for a long time are left to
         * the targeted tests; timeouts are kept short. */
        if (nr == KS_SYS_EXIT || nr == KS_SYS_THREAD_EXIT || nr == KS_SYS_LOG_WRITE)
            continue;
        /* The register IPC calls wait without a timeout and return in
         * callee-saved registers ks_syscall6 does not declare: they have
         * their own tests (test_ipc_regs.c). */
        if (nr == KS_SYS_IPC_CALL_REGS || nr == KS_SYS_IPC_REPLY_RECV_REGS)
            continue;
        if (nr == KS_SYS_SLEEP)
            a[0] &= 0xffff;
        /* Threads start somewhere real, so the run goes on to the end
         * (a thread entering garbage would end it early with a fault). */
        if (nr == KS_SYS_THREAD_CREATE)
            a[0] = (uintptr_t)fuzz_thread;
        if (nr == KS_SYS_THREAD_JOIN || nr == KS_SYS_FUTEX_WAIT || nr == KS_SYS_WAIT ||
            nr == KS_SYS_IPC_SEND || nr == KS_SYS_IPC_RECV || nr == KS_SYS_IPC_CALL ||
            nr == KS_SYS_IPC_REPLY_RECV)
            a[2] &= 0xffff;
        if (nr == KS_SYS_NOTIFICATION_WAIT)
            a[1] &= 0xffff;
        ks_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    return 0;
}

static __attribute__((noreturn)) int sleep_forever(void)
{
    for (;;)
        ks_sleep_ns(1000ull * 1000 * 1000);
}

static __attribute__((noreturn)) int spin_forever(void)
{
    for (volatile uint64_t n = 0;; n++)
        ;
}

static int sleep_then_exit(uint64_t ms)
{
    ks_sleep_ns(ms * 1000 * 1000);
    return 0;
}

/* Blocked in wait when the test kills it. */
static int wait_on_child(void)
{
    const char *argv[] = { "bin/crasher", "sleep-300ms" };
    int64_t child = ks_sys_spawn("bin/crasher", argv, 2, NULL, 0);
    if (child < 0)
        return 4;
    struct ks_exit_status status;
    if (ks_sys_wait(child, &status, KS_TIMEOUT_INFINITE) < 0)
        return 5;
    return 0;
}

/* Handles left open at exit: the kernel must close them all (and free
 * the objects) when the process ends. */
static int leak_handles(void)
{
    for (unsigned i = 0; i < 300; i++) {
        int64_t h = ks_sys_notification_create();
        if (h < 0)
            return 4;
        if (ks_sys_handle_duplicate(h, KS_RIGHT_SIGNAL) < 0)
            return 5;
        ks_sys_notification_signal(h, 1);
    }
    return 0;
}

/* The start handle a child of the test was given, or 0. */
int64_t start_handle(uint32_t i)
{
    const struct ks_start_info *info = ks_start_info;
    if (!info || info->handle_count <= i)
        return 0;
    return info->handles[i];
}

static int start_signal(void)
{
    int64_t n = start_handle(0);
    if (n <= 0)
        return 4;
    return ks_sys_notification_signal(n, 0x5a) == 0 ? 0 : 5;
}

/* A READ-only endpoint handle must not send: the status is the error. */
static int start_send(void)
{
    int64_t ep = start_handle(0);
    if (ep <= 0)
        return 4;
    struct ks_msg msg = { .label = 1 };
    return (int)ks_sys_ipc_send(ep, &msg, KS_TIMEOUT_POLL);
}

/* Every start handle works, and the values right after the last one
 * (a fresh table fills its slots in order) name nothing: the child got
 * what was listed and nothing else. */
static int start_handles(void)
{
    const struct ks_start_info *info = ks_start_info;
    if (!info || info->handle_count > KS_START_HANDLES_MAX)
        return 6;
    struct ks_handle_info hi;
    int64_t last = 0;
    int empty = 0;
    for (uint32_t i = 0; i < info->handle_count; i++) {
        if (info->handles[i] == KS_HANDLE_INVALID) {
            empty++;                 /* a slot the creator left empty */
            continue;
        }
        if (ks_sys_handle_info(info->handles[i], &hi) != 0)
            return 7;
        if (info->handles[i] > last)
            last = info->handles[i];
    }
    for (int64_t k = 1; k <= 16; k++)
        if (ks_sys_handle_info(last + k, &hi) != -KS_ERR_BAD_HANDLE)
            return 8;
    return empty ? 40 + empty : 0;
}

/* Exit status from the arguments: argc * 16, plus 1 when argv[2] is
 * "hello" and argv[3] "world". */
static int args_echo(int argc, char **argv)
{
    int ok = argc == 4 && !strcmp(argv[2], "hello") && !strcmp(argv[3], "world");
    return argc * 16 + ok;
}

static int crash(const char *kind)
{
    if (!strcmp(kind, "null-read"))
        do_read(0);
    else if (!strcmp(kind, "null-write"))
        do_write(0);
    else if (!strcmp(kind, "kernel-read"))
        do_read(KERNEL_ADDRESS);
    else if (!strcmp(kind, "kernel-write"))
        do_write(KERNEL_ADDRESS);
    else if (!strcmp(kind, "kernel-exec"))
        do_jump(KERNEL_ADDRESS);
    else if (!strcmp(kind, "write-rodata"))
        do_write((uintptr_t)&read_only_word);
    else if (!strcmp(kind, "exec-data"))
        do_jump((uintptr_t)data_code);
    else if (!strcmp(kind, "invalid-opcode"))
        __asm__ volatile("ud2");
    else if (!strcmp(kind, "divide-zero"))
        do_divide_zero();
    else if (!strcmp(kind, "gp"))
        __asm__ volatile("hlt");
    else if (!strcmp(kind, "non-canonical"))
        do_read(0x0000800000000000ull);
    else if (!strcmp(kind, "stack-overflow"))
        return (int)recurse(0);
    else if (!strcmp(kind, "fault-in-thread"))
        return fault_in_thread();
    else if (!strcmp(kind, "exit-42"))
        return 42;
    else if (!strcmp(kind, "thread-exit-7"))
        ks_sys_thread_exit(7);
    else if (!strcmp(kind, "syscall-fuzz"))
        return syscall_fuzz();
    else if (!strcmp(kind, "sleep-forever"))
        return sleep_forever();
    else if (!strcmp(kind, "spin-forever"))
        return spin_forever();
    else if (!strcmp(kind, "sleep-300ms"))
        return sleep_then_exit(300);
    else if (!strcmp(kind, "wait-on-child"))
        return wait_on_child();
    else if (!strcmp(kind, "leak-handles"))
        return leak_handles();
    else if (!strcmp(kind, "start-signal"))
        return start_signal();
    else if (!strcmp(kind, "start-send"))
        return start_send();
    else if (!strcmp(kind, "start-handles"))
        return start_handles();
    else if (!strncmp(kind, "io-", 3))
        return crasher_io(kind);      /* crasher_io.c */
    else if (!strncmp(kind, "quota-", 6))
        return crasher_quota(kind);   /* crasher_quota.c */
    else if (!strncmp(kind, "map-", 4) || !strcmp(kind, "memory-quota"))
        return crasher_memory(kind);  /* crasher_mem.c */
    else
        return 2;
    return 3;
}

/* Exit status: the main thread's priority, or 1 when KS_PRIORITY was
 * left in the environment (the runtime applies and removes it). */
static int start_priority(void)
{
    struct ks_thread_info ti;
    if (getenv("KS_PRIORITY") || ks_sys_thread_info(0, &ti) < 0)
        return 1;
    return ti.priority;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    if (!strcmp(argv[1], "args-echo"))
        return args_echo(argc, argv);
    if (!strcmp(argv[1], "priority"))
        return start_priority();
    return crash(argv[1]);
}
