/* SPDX-License-Identifier: MIT */
/*
 * Fault containment: bin/crasher does one bad thing per run; the kernel
 * must end only that process, with reason KS_EXIT_FAULT, the exception
 * vector, and for page faults the address where it is known.  A normal
 * exit status passes through wait unchanged.
 */
#include "usertest.h"

#define VECTOR_DE 0
#define VECTOR_UD 6
#define VECTOR_GP 13
#define VECTOR_PF 14

/* Page-fault error code bits (Intel SDM Vol. 3A, 4.7). */
#define PF_PRESENT 0x1u
#define PF_WRITE   0x2u
#define PF_USER    0x4u
#define PF_FETCH   0x10u

/* Where crasher's image lies (initrd/lib/user.ld links at 0x400000). */
#define IMAGE_LOW  0x400000ull
#define IMAGE_HIGH 0x10000000ull

struct fault_case {
    const char *kind;
    unsigned vector;
    int check_address;      /* fault_address must equal address */
    uint64_t address;
};

static const struct fault_case fault_cases[] = {
    { "null-read", VECTOR_PF, 1, 0 },
    { "null-write", VECTOR_PF, 1, 0 },
    { "kernel-read", VECTOR_PF, 1, ADDR_KERNEL },
    { "kernel-write", VECTOR_PF, 1, ADDR_KERNEL },
    { "kernel-exec", VECTOR_PF, 1, ADDR_KERNEL },
    { "write-rodata", VECTOR_PF, 0, 0 },
    { "exec-data", VECTOR_PF, 0, 0 },
    { "invalid-opcode", VECTOR_UD, 0, 0 },
    { "divide-zero", VECTOR_DE, 0, 0 },
    { "gp", VECTOR_GP, 0, 0 },
    { "non-canonical", VECTOR_GP, 0, 0 },
    { "stack-overflow", VECTOR_PF, 0, 0 },
    { "fault-in-thread", VECTOR_PF, 1, 0 },
};

static void check_details(const char *kind, const struct ks_exit_status *st)
{
    uint64_t address = st->fault_address;
    if (!strcmp(kind, "write-rodata")) {
        CHECK(address >= IMAGE_LOW && address < IMAGE_HIGH);
        CHECK((st->fault_error & (PF_PRESENT | PF_WRITE | PF_USER)) ==
              (PF_PRESENT | PF_WRITE | PF_USER));
    } else if (!strcmp(kind, "exec-data")) {
        CHECK(address >= IMAGE_LOW && address < IMAGE_HIGH);
        CHECK_EQ(st->fault_rip, address);
        CHECK(st->fault_error & PF_FETCH);
    } else if (!strcmp(kind, "kernel-exec")) {
        CHECK_EQ(st->fault_rip, ADDR_KERNEL);
    } else if (!strcmp(kind, "stack-overflow")) {
        /* crasher's main stack is laid out like ours: the fault is in
         * the guard page right below it. */
        uint64_t base = ks_start_info ? ks_start_info->stack_base : 0;
        CHECK(address < base && address >= base - 4096);
    } else if (!strcmp(kind, "gp") || !strcmp(kind, "non-canonical")) {
        CHECK_EQ(address, 0);
    }
}

TEST(faults_kill_only_the_faulting_process)
{
    for (unsigned i = 0; i < sizeof(fault_cases) / sizeof(fault_cases[0]); i++) {
        const struct fault_case *c = &fault_cases[i];
        struct ks_exit_status st;
        int64_t err = run_crasher(c->kind, &st);
        check_result(c->kind, 0, err, 0);
        if (err < 0)
            continue;
        check_result(c->kind, st.reason, st.reason, KS_EXIT_FAULT);
        check_result(c->kind, st.fault_vector, st.fault_vector, c->vector);
        if (c->check_address)
            check_result(c->kind, st.fault_address, st.fault_address, c->address);
        check_details(c->kind, &st);
        printf("usertest: crasher %s: reason %u vector %u error %#x rip %#llx address %#llx "
               "tid %lld\n", c->kind, st.reason, st.fault_vector, st.fault_error,
               (unsigned long long)st.fault_rip, (unsigned long long)st.fault_address,
               (long long)st.fault_tid);
    }
}

TEST(fault_in_second_thread_names_that_thread)
{
    struct ks_exit_status st;
    CHECK_EQ(run_crasher("fault-in-thread", &st), 0);
    CHECK_EQ(st.reason, KS_EXIT_FAULT);
    CHECK(st.fault_tid > 0);
}

/* A program throwing 20,000 random system calls with hostile arguments
 * at the kernel: the kernel (and this process) go on, the program ends
 * one way or the other, and every frame it took comes back. */
TEST(hostile_syscalls_leave_the_kernel_whole)
{
    struct ks_mem_info before, after;
    CHECK_EQ(ks_sys_mem_info(&before), 0);
    struct ks_exit_status st;
    CHECK_EQ(run_crasher("syscall-fuzz", &st), 0);
    CHECK_EQ(st.reason, KS_EXIT_NORMAL);
    CHECK_EQ(st.status, 0);
    CHECK_EQ(ks_sys_mem_info(&after), 0);
    CHECK_EQ(after.free_frames, before.free_frames);
    printf("usertest: syscall fuzz ended with reason %u status %d vector %u\n", st.reason,
           st.status, st.fault_vector);
}

TEST(normal_exit_status_passes_through)
{
    struct ks_exit_status st;
    CHECK_EQ(run_crasher("exit-42", &st), 0);
    CHECK_EQ(st.reason, KS_EXIT_NORMAL);
    CHECK_EQ(st.status, 42);
    CHECK_EQ(run_crasher("thread-exit-7", &st), 0);
    CHECK_EQ(st.reason, KS_EXIT_NORMAL);
    CHECK_EQ(st.status, 7);
    CHECK_EQ(run_crasher("no-such-kind", &st), 0);
    CHECK_EQ(st.status, 2);
}

TEST(usertest_survives_its_children)
{
    struct ks_process_info info;
    CHECK_EQ(ks_sys_process_info(0, &info), 0);
    CHECK_EQ(info.threads, 1);
}
