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
 *
 * Exit status 2 when the argument is missing or unknown, 3 when the
 * fault did not happen.
 */
#include "ks.h"

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

static void do_read(uintptr_t address)
{
    uint64_t value = *(volatile uint64_t *)opaque(address);
    __asm__ volatile("" : : "r"(value));
}

static void do_write(uintptr_t address)
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
    else
        return 2;
    return 3;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    return crash(argv[1]);
}
