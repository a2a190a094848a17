/* SPDX-License-Identifier: MIT */
/*
 * System call argument checks: every pointer argument that points
 * outside mapped user memory (NULL, the kernel half, non-canonical,
 * across the top of the user half, an unmapped page, read-only memory
 * for an output) gets -KS_ERR_FAULT and changes nothing; bad lengths,
 * priorities and CPU masks get -KS_ERR_INVALID_ARGUMENT; unknown numbers
 * -KS_ERR_NOT_SUPPORTED; thread ids that name nothing -KS_ERR_NOT_FOUND,
 * process handles that name nothing -KS_ERR_BAD_HANDLE.
 */
#include "usertest.h"

#define NO_SUCH_ID 123456789

static const char message[] = "usertest: log_write from read-only data\n";
/* Output buffers for the read-only case: in .rodata, so not writable. */
static const uint8_t read_only_block[256] = { 1 };

/* Start of a struct that runs past the end of the user half. */
static uint64_t across_top(uint64_t size)
{
    return ADDR_USER_TOP - size / 2;
}

TEST(log_write_checks_its_buffer)
{
    check_result("log_write", sizeof(message) - 1,
                 ks_sys_log_write(message, sizeof(message) - 1), sizeof(message) - 1);
    for (int i = 0; i < BAD_POINTER_COUNT; i++)
        check_fault("log_write", bad_pointers[i],
                    ks_syscall6(KS_SYS_LOG_WRITE, bad_pointers[i], 16, 0, 0, 0, 0));
    check_fault("log_write", across_top(4096),
                ks_syscall6(KS_SYS_LOG_WRITE, across_top(4096), 4096, 0, 0, 0, 0));
    static char big[KS_LOG_WRITE_MAX + 1];
    check_result("log_write length", sizeof(big),
                 ks_sys_log_write(big, sizeof(big)), -KS_ERR_INVALID_ARGUMENT);
    check_result("log_write length", ~0ull,
                 ks_syscall6(KS_SYS_LOG_WRITE, (uintptr_t)big, ~0ull, 0, 0, 0, 0),
                 -KS_ERR_INVALID_ARGUMENT);
}

/* One output-struct call against every bad pointer (but NULL when the
 * output is optional), read-only memory and a struct straddling the end
 * of the user half. */
static void check_output_pointer(const char *name, uint64_t number, uint64_t a0, int pointer_arg,
                                 uint64_t size, uint64_t a2, bool null_means_none)
{
    uint64_t addresses[BAD_POINTER_COUNT + 2];
    for (int i = 0; i < BAD_POINTER_COUNT; i++)
        addresses[i] = bad_pointers[i];
    addresses[BAD_POINTER_COUNT] = across_top(size);
    addresses[BAD_POINTER_COUNT + 1] = (uintptr_t)read_only_block;
    for (int i = null_means_none ? 1 : 0; i < BAD_POINTER_COUNT + 2; i++) {
        uint64_t args[3] = { a0, 0, a2 };
        args[pointer_arg] = addresses[i];
        check_fault(name, addresses[i], ks_syscall6(number, args[0], args[1], args[2], 0, 0, 0));
    }
}

TEST(info_calls_check_their_output)
{
    check_output_pointer("process_info", KS_SYS_PROCESS_INFO, 0, 1,
                         sizeof(struct ks_process_info), 0, false);
    check_output_pointer("thread_info", KS_SYS_THREAD_INFO, 0, 1, sizeof(struct ks_thread_info),
                         0, false);
    check_output_pointer("mem_info", KS_SYS_MEM_INFO, 0, 0, sizeof(struct ks_mem_info), 0, false);
    CHECK(read_only_block[0] == 1 && read_only_block[255] == 0);
}

static int64_t return_five(void *arg)
{
    (void)arg;
    return 5;
}

TEST(join_checks_its_output_and_stays_joinable)
{
    struct ks_thread t;
    CHECK(ks_thread_create(&t, return_five, NULL, KS_PRIORITY_INHERIT, 0) > 0);
    /* NULL is fine here: the value is optional (bad_pointers[0]). */
    check_output_pointer("thread_join", KS_SYS_THREAD_JOIN, (uint64_t)t.tid, 1, sizeof(int64_t),
                         KS_TIMEOUT_INFINITE, true);
    int64_t value = 0;
    CHECK_EQ(ks_thread_join(&t, &value), 0);
    CHECK_EQ(value, 5);
}

TEST(wait_checks_its_output_and_stays_waitable)
{
    const char *argv[] = { "bin/crasher", "exit-42" };
    int64_t child = ks_sys_spawn("bin/crasher", argv, 2, NULL, 0);
    CHECK(child > 0);
    struct ks_process_info info;
    CHECK_EQ(ks_sys_process_info(child, &info), 0);
    check_output_pointer("wait", KS_SYS_WAIT, (uint64_t)child, 1, sizeof(struct ks_exit_status),
                         KS_TIMEOUT_INFINITE, false);
    check_output_pointer("process_info", KS_SYS_PROCESS_INFO, (uint64_t)child, 1,
                         sizeof(struct ks_process_info), 0, false);
    struct ks_exit_status status;
    CHECK_EQ(ks_sys_wait(child, &status, 30000 * NS_PER_MS), 0);
    CHECK_EQ(status.pid, info.pid);
    CHECK_EQ(status.reason, KS_EXIT_NORMAL);
    CHECK_EQ(status.status, 42);
    CHECK_EQ(ks_sys_handle_close(child), 0);
}

TEST(futex_calls_check_their_address)
{
    for (int i = 0; i < BAD_POINTER_COUNT; i++) {
        check_fault("futex_wait", bad_pointers[i],
                    ks_syscall6(KS_SYS_FUTEX_WAIT, bad_pointers[i], 0, KS_TIMEOUT_POLL, 0, 0, 0));
        check_fault("futex_wake", bad_pointers[i],
                    ks_syscall6(KS_SYS_FUTEX_WAKE, bad_pointers[i], 1, 0, 0, 0, 0));
    }
    /* The last word of the user half: never mapped. */
    check_fault("futex_wait", ADDR_USER_TOP - 4,
                ks_syscall6(KS_SYS_FUTEX_WAIT, ADDR_USER_TOP - 4, 0, KS_TIMEOUT_POLL, 0, 0, 0));
    check_fault("futex_wake", ADDR_USER_TOP - 4,
                ks_syscall6(KS_SYS_FUTEX_WAKE, ADDR_USER_TOP - 4, 1, 0, 0, 0, 0));
}

TEST(spawn_checks_path_and_argv)
{
    const char *argv[] = { "bin/crasher", "exit-42" };
    for (int i = 0; i < BAD_POINTER_COUNT; i++) {
        check_fault("spawn path", bad_pointers[i],
                    ks_syscall6(KS_SYS_SPAWN, bad_pointers[i], (uintptr_t)argv, 2, 0, 0, 0));
        check_fault("spawn argv", bad_pointers[i],
                    ks_syscall6(KS_SYS_SPAWN, (uintptr_t)"bin/crasher", bad_pointers[i], 2, 0, 0,
                                0));
    }
    const char *bad_string[] = { "bin/crasher", (const char *)ADDR_KERNEL };
    check_fault("spawn argv[1]", ADDR_KERNEL,
                ks_sys_spawn("bin/crasher", bad_string, 2, NULL, 0));

    static char long_path[KS_PATH_MAX + 16];
    memset(long_path, 'a', sizeof(long_path) - 1);
    check_result("spawn long path", sizeof(long_path), ks_sys_spawn(long_path, argv, 2, NULL, 0),
                 -KS_ERR_INVALID_ARGUMENT);
    const char *many[KS_ARGV_MAX + 1];
    for (unsigned i = 0; i <= KS_ARGV_MAX; i++)
        many[i] = "x";
    check_result("spawn argc", KS_ARGV_MAX + 1,
                 ks_sys_spawn("bin/crasher", many, KS_ARGV_MAX + 1, NULL, 0),
                 -KS_ERR_INVALID_ARGUMENT);
}

TEST(spawn_refuses_missing_and_non_elf_files)
{
    const char *argv[] = { "x" };
    int64_t missing = ks_sys_spawn("bin/no-such-program", argv, 1, NULL, 0);
    CHECK(missing < 0);
    int64_t not_elf = ks_sys_spawn("etc/motd", argv, 1, NULL, 0);
    CHECK(not_elf < 0);
    int64_t empty = ks_sys_spawn("", argv, 1, NULL, 0);
    CHECK(empty < 0);
    printf("usertest: spawn missing %lld, not ELF %lld, empty %lld\n", (long long)missing,
           (long long)not_elf, (long long)empty);
}

TEST(unknown_syscall_numbers_are_not_supported)
{
    const uint64_t numbers[] = { KS_SYS_COUNT, 1000, ~0ull };
    for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
        check_result("syscall", numbers[i], ks_syscall6(numbers[i], 0, 0, 0, 0, 0, 0),
                     -KS_ERR_NOT_SUPPORTED);
}

TEST(unknown_thread_ids_are_not_found)
{
    struct ks_thread_info ti;
    int64_t value;
    check_result("thread_info", NO_SUCH_ID, ks_sys_thread_info(NO_SUCH_ID, &ti),
                 -KS_ERR_NOT_FOUND);
    check_result("thread_join", NO_SUCH_ID, ks_sys_thread_join(NO_SUCH_ID, &value, 0),
                 -KS_ERR_NOT_FOUND);
    check_result("set_priority", NO_SUCH_ID, ks_sys_thread_set_priority(NO_SUCH_ID, 100),
                 -KS_ERR_NOT_FOUND);
    check_result("set_affinity", NO_SUCH_ID, ks_sys_thread_set_affinity(NO_SUCH_ID, 1),
                 -KS_ERR_NOT_FOUND);
}

/* A pid is no handle: a child's pid names nothing in our handle table
 * (we hold only the child's handle here), and neither do other numbers. */
TEST(process_calls_take_handles_not_pids)
{
    const char *argv[] = { "bin/crasher", "exit-42" };
    int64_t child = ks_sys_spawn("bin/crasher", argv, 2, NULL, 0);
    CHECK(child > 0);
    struct ks_process_info pi;
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_process_info(child, &pi), 0);
    CHECK_EQ(ks_sys_wait(child, &st, 30000 * NS_PER_MS), 0);
    int64_t numbers[] = { NO_SUCH_ID, -1, pi.pid };
    /* The pid is tried unless it happens to be the value of a handle we
     * hold (the boot handles take the first values). */
    struct ks_handle_info hi;
    unsigned count = pi.pid != child && ks_sys_handle_info(pi.pid, &hi) < 0 ? 3 : 2;
    for (unsigned i = 0; i < count; i++) {
        uint64_t n = (uint64_t)numbers[i];
        check_result("process_info", n, ks_sys_process_info(numbers[i], &pi),
                     -KS_ERR_BAD_HANDLE);
        check_result("wait", n, ks_sys_wait(numbers[i], &st, 0), -KS_ERR_BAD_HANDLE);
        check_result("process_kill", n, ks_sys_process_kill(numbers[i]), -KS_ERR_BAD_HANDLE);
    }
    CHECK_EQ(ks_sys_handle_close(child), 0);
}

static int64_t idle_thread(void *arg)
{
    (void)arg;
    return 0;
}

TEST(bad_priorities_and_masks_are_refused)
{
    struct ks_thread t;
    const int bad_priorities[] = { KS_PRIORITY_LEVELS, -2, 1000 };
    for (unsigned i = 0; i < 3; i++) {
        check_result("thread_create priority", (uint64_t)(int64_t)bad_priorities[i],
                     ks_thread_create(&t, idle_thread, NULL, bad_priorities[i], 0),
                     -KS_ERR_INVALID_ARGUMENT);
        check_result("set_priority", (uint64_t)(int64_t)bad_priorities[i],
                     ks_sys_thread_set_priority(0, bad_priorities[i]), -KS_ERR_INVALID_ARGUMENT);
    }
    /* Above the process's limit: refused (invalid or denied). */
    CHECK(ks_sys_thread_set_priority(0, KS_PRIORITY_MAX_USER + 1) < 0);
    CHECK(ks_thread_create(&t, idle_thread, NULL, KS_PRIORITY_MAX_USER + 1, 0) < 0);
    struct ks_thread_info info;
    CHECK(ks_sys_thread_info(0, &info) == 0 && info.priority == KS_PRIORITY_DEFAULT);

    unsigned cpus = ks_cpu_count();
    if (cpus < 64) {
        uint64_t absent = 1ull << 63;
        check_result("thread_create mask", absent,
                     ks_thread_create(&t, idle_thread, NULL, KS_PRIORITY_INHERIT, absent),
                     -KS_ERR_INVALID_ARGUMENT);
        check_result("set_affinity", absent, ks_sys_thread_set_affinity(0, absent),
                     -KS_ERR_INVALID_ARGUMENT);
    }
}
