/* SPDX-License-Identifier: MIT */
/*
 * usertest: Kestrel's userspace test suite, run as the first process
 * with the `usertest` command-line option (init=bin/usertest) on one
 * and on several CPUs.  It runs every TEST of tests/user/test_*.c
 * (system call argument checks, fault containment, scheduling, threads
 * and futexes, SIMD state, handles, processes by handle) and ends with `usertest: N passed, N failed`;
 * exit status 0 when nothing failed.  Needs bin/crasher in the
 * initramfs (build/tests/initrd-test.tar).
 */
#include "usertest.h"

const uint64_t bad_pointers[BAD_POINTER_COUNT] = {
    0, ADDR_KERNEL, ADDR_NONCANON_LOW, ADDR_NONCANON_HIGH, ADDR_UNMAPPED,
};

void check_fault(const char *call, uint64_t address, int64_t result)
{
    check_result(call, address, result, -KS_ERR_FAULT);
}

void check_result(const char *call, uint64_t argument, int64_t result, int64_t expected)
{
    char what[96];
    snprintf(what, sizeof(what), "%s(%#llx) == %lld", call, (unsigned long long)argument,
             (long long)expected);
    ks_test_check_eq(result, expected, what, __FILE__, __LINE__);
}

uint64_t all_cpus_mask(void)
{
    unsigned cpus = ks_cpu_count();
    return cpus >= 64 ? ~0ull : (1ull << cpus) - 1;
}

int64_t run_crasher(const char *kind, struct ks_exit_status *status)
{
    const char *argv[] = { "bin/crasher", kind };
    int64_t process = ks_sys_spawn("bin/crasher", argv, 2, NULL, 0);
    if (process < 0)
        return process;
    memset(status, 0, sizeof(*status));
    int64_t err = ks_sys_wait(process, status, 30000 * NS_PER_MS);
    /* A crasher that never ended is not left running into the next test. */
    if (err < 0) {
        ks_sys_process_kill(process);
        ks_sys_wait(process, status, KS_TIMEOUT_INFINITE);
    }
    int64_t closed = ks_sys_handle_close(process);
    return err < 0 ? err : closed;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("usertest: pid %lld, %u CPUs\n", ks_start_info ? (long long)ks_start_info->pid : -1ll,
           ks_cpu_count());
    return ks_test_run_all("usertest");
}
