/* SPDX-License-Identifier: MIT */
/*
 * Process creation from an ELF image in a memory object: a process made
 * from the initramfs object does not run until process_start, gets its
 * arguments and exactly the start handles listed, and ends with the
 * status its program gives; start works once (-KS_ERR_BUSY after); a
 * process killed or dropped before its start frees everything; an image
 * copied into an anonymous object runs too; a bad ELF, an image range
 * outside the object, bad pointers and bad counts are refused with a
 * clear error and leave every frame free; a child's memory quota bounds
 * the pages of the memory objects it creates.
 */
#include "usertest.h"

#define PAGE 4096ull
#define CHILD_TIMEOUT (30000 * NS_PER_MS)

static uint64_t free_frames(void)
{
    struct ks_mem_info info;
    CHECK_EQ(ks_sys_mem_info(&info), 0);
    return info.free_frames;
}

static int64_t initrd_handle(void)
{
    return ks_start_info ? ks_start_info->handles[KS_START_INITRD] : 0;
}

/* Arguments for bin/crasher from the initramfs with argv. */
static bool crasher_args(struct ks_process_create *args, const char *const *argv, uint32_t argc)
{
    memset(args, 0, sizeof(*args));
    args->image = initrd_handle();
    args->name = "crasher";
    args->argv = argv;
    args->argc = argc;
    return ks_initrd_find(args->image, "bin/crasher", &args->image_offset,
                          &args->image_size) == 0;
}

static void check_exit(int64_t process, uint32_t reason, int32_t status)
{
    struct ks_exit_status st;
    memset(&st, 0, sizeof(st));
    CHECK_EQ(ks_sys_wait(process, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(st.reason, reason);
    CHECK_EQ(st.status, status);
}

TEST(process_create_runs_only_after_start)
{
    uint64_t before = free_frames();
    const char *argv[] = { "bin/crasher", "exit-42" };
    struct ks_process_create args;
    CHECK(crasher_args(&args, argv, 2));
    int64_t child = ks_process_create(&args);
    CHECK(child > 0);
    if (child <= 0)
        return;
    struct ks_process_info info;
    CHECK_EQ(ks_sys_process_info(child, &info), 0);
    CHECK_EQ(memcmp(info.name, "crasher", 8), 0);
    CHECK_EQ(info.threads, 0);
    struct ks_exit_status st;
    ks_sleep_ns(30 * NS_PER_MS);
    CHECK_EQ(ks_sys_wait(child, &st, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    /* MANAGE is what starts it. */
    int64_t weak = ks_sys_handle_duplicate(child, KS_RIGHT_READ | KS_RIGHT_WAIT);
    CHECK_EQ(ks_process_start(weak), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_handle_close(weak), 0);
    int64_t n = ks_sys_notification_create();
    CHECK_EQ(ks_process_start(n), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    CHECK_EQ(ks_process_start(child), 0);
    check_exit(child, KS_EXIT_NORMAL, 42);
    CHECK_EQ(ks_process_start(child), -KS_ERR_BUSY);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(ks_process_start(child), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(free_frames(), before);
}

TEST(process_create_passes_arguments_and_only_listed_handles)
{
    const char *argv[] = { "bin/crasher", "args-echo", "hello", "world" };
    struct ks_process_create args;
    CHECK(crasher_args(&args, argv, 4));
    int64_t child = ks_process_create(&args);
    CHECK(child > 0);
    CHECK_EQ(ks_process_start(child), 0);
    check_exit(child, KS_EXIT_NORMAL, 4 * 16 + 1);
    CHECK_EQ(ks_sys_handle_close(child), 0);

    /* Two handles listed: the child holds exactly those. */
    int64_t listed[2] = { ks_sys_notification_create(), ks_memory_create(PAGE) };
    const char *argv2[] = { "bin/crasher", "start-handles" };
    CHECK(crasher_args(&args, argv2, 2));
    args.handles = listed;
    args.handle_count = 2;
    child = ks_process_create(&args);
    CHECK(child > 0);
    CHECK_EQ(ks_process_start(child), 0);
    check_exit(child, KS_EXIT_NORMAL, 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    /* An empty slot (0) stays empty and keeps the others in place. */
    int64_t gapped[3] = { listed[0], KS_HANDLE_INVALID, listed[1] };
    args.handles = gapped;
    args.handle_count = 3;
    child = ks_process_create(&args);
    CHECK(child > 0);
    CHECK_EQ(ks_process_start(child), 0);
    check_exit(child, KS_EXIT_NORMAL, 41);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    /* A handle without TRANSFER is refused before anything is made. */
    int64_t stuck = ks_sys_handle_duplicate(listed[0], KS_RIGHT_DUPLICATE | KS_RIGHT_SIGNAL);
    args.handles = &stuck;
    args.handle_count = 1;
    CHECK_EQ(ks_process_create(&args), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_handle_close(stuck), 0);
    CHECK_EQ(ks_sys_handle_close(listed[0]), 0);
    CHECK_EQ(ks_sys_handle_close(listed[1]), 0);
}

TEST(process_create_killed_or_dropped_before_start_frees_everything)
{
    uint64_t before = free_frames();
    const char *argv[] = { "bin/crasher", "exit-42" };
    struct ks_process_create args;
    CHECK(crasher_args(&args, argv, 2));
    int64_t child = ks_process_create(&args);
    CHECK(child > 0);
    CHECK_EQ(ks_sys_process_kill(child), 0);
    check_exit(child, KS_EXIT_KILLED, -1);
    CHECK_EQ(ks_process_start(child), -KS_ERR_BUSY);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(free_frames(), before);
    /* Never started, never killed: the last handle's close frees it,
     * with the handles it was given. */
    int64_t mem = ks_memory_create(PAGE);
    args.handles = &mem;
    args.handle_count = 1;
    for (int i = 0; i < 20; i++) {
        child = ks_process_create(&args);
        CHECK(child > 0);
        CHECK_EQ(ks_sys_handle_close(child), 0);
    }
    struct ks_handle_info hi;
    CHECK_EQ(ks_sys_handle_info(mem, &hi), 0);
    CHECK_EQ(hi.derived, 0);
    CHECK_EQ(ks_sys_handle_close(mem), 0);
    CHECK_EQ(free_frames(), before);
}

TEST(process_create_from_an_anonymous_object)
{
    uint64_t before = free_frames();
    int64_t initrd = initrd_handle();
    uint64_t offset = 0, size = 0;
    CHECK_EQ(ks_initrd_find(initrd, "bin/crasher", &offset, &size), 0);
    if (size == 0)
        return;
    /* The image goes into a mapping of a fresh object straight from
     * memory_read: the kernel commits its pages as it copies. */
    int64_t mem = ks_memory_create(size + PAGE);
    int64_t at = ks_memory_map(mem, 0, size + PAGE, 0, KS_PROT_READ | KS_PROT_WRITE);
    CHECK(mem > 0 && at > 0);
    if (at <= 0)
        return;
    CHECK_EQ(ks_memory_read(initrd, offset, (void *)(uintptr_t)(at + PAGE), size), 0);
    const char *argv[] = { "bin/crasher", "exit-42" };
    struct ks_process_create args = {
        .image = mem, .image_offset = PAGE, .image_size = size, .name = "copy",
        .argv = argv, .argc = 2,
    };
    int64_t child = ks_process_create(&args);
    CHECK(child > 0);
    CHECK_EQ(ks_process_start(child), 0);
    check_exit(child, KS_EXIT_NORMAL, 42);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    /* Damage the ELF header: a clear error, nothing made. */
    uint64_t after_good = free_frames();
    ((volatile char *)(uintptr_t)(at + PAGE))[1] = 'X';
    CHECK_EQ(ks_process_create(&args), -KS_ERR_CORRUPT);
    args.image_offset = 0;   /* a page of zeros */
    CHECK_EQ(ks_process_create(&args), -KS_ERR_CORRUPT);
    CHECK_EQ(free_frames(), after_good);
    /* Without READ, the image is refused. */
    int64_t map_only = ks_sys_handle_duplicate(mem, KS_RIGHT_MAP);
    args.image = map_only;
    args.image_offset = PAGE;
    CHECK_EQ(ks_process_create(&args), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_handle_close(map_only), 0);
    CHECK_EQ(ks_memory_unmap((uint64_t)at, size + PAGE), 0);
    CHECK_EQ(ks_sys_handle_close(mem), 0);
    CHECK_EQ(free_frames(), before);
}

TEST(process_create_refuses_bad_arguments)
{
    uint64_t before = free_frames();
    const char *argv[] = { "bin/crasher", "exit-42" };
    struct ks_process_create args;
    CHECK(crasher_args(&args, argv, 2));
    struct ks_memory_info info;
    CHECK_EQ(ks_memory_info(args.image, &info), 0);
    struct ks_process_create bad = args;
    bad.image_size = 0;
    CHECK_EQ(ks_process_create(&bad), -KS_ERR_INVALID_ARGUMENT);
    bad = args;
    bad.image_offset = info.size;
    CHECK_EQ(ks_process_create(&bad), -KS_ERR_INVALID_ARGUMENT);
    bad = args;
    bad.image_size = info.size - args.image_offset + 1;
    CHECK_EQ(ks_process_create(&bad), -KS_ERR_INVALID_ARGUMENT);
    bad = args;
    bad.image_offset = ~0ull - 8;
    CHECK_EQ(ks_process_create(&bad), -KS_ERR_INVALID_ARGUMENT);
    bad = args;
    bad.argc = KS_ARGV_MAX + 1;
    CHECK_EQ(ks_process_create(&bad), -KS_ERR_INVALID_ARGUMENT);
    bad = args;
    bad.handle_count = KS_START_HANDLES_MAX + 1;
    CHECK_EQ(ks_process_create(&bad), -KS_ERR_INVALID_ARGUMENT);
    bad = args;
    bad.image = 0;
    CHECK_EQ(ks_process_create(&bad), -KS_ERR_BAD_HANDLE);
    int64_t n = ks_sys_notification_create();
    bad.image = n;
    CHECK_EQ(ks_process_create(&bad), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    /* Everything it points at is checked. */
    for (unsigned i = 0; i < BAD_POINTER_COUNT; i++) {
        uint64_t p = bad_pointers[i];
        check_fault("process_create", p,
                    ks_process_create((const struct ks_process_create *)(uintptr_t)p));
        bad = args;
        bad.argv = (const char *const *)(uintptr_t)p;
        check_fault("process_create argv", p, ks_process_create(&bad));
        bad = args;
        bad.handles = (const ks_handle_t *)(uintptr_t)p;
        bad.handle_count = 1;
        check_fault("process_create handles", p, ks_process_create(&bad));
        if (p == 0)
            continue;   /* a NULL name is allowed */
        bad = args;
        bad.name = (const char *)(uintptr_t)p;
        check_fault("process_create name", p, ks_process_create(&bad));
    }
    /* A NULL name is fine. */
    bad = args;
    bad.name = NULL;
    int64_t child = ks_process_create(&bad);
    CHECK(child > 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(free_frames(), before);
}

TEST(process_create_memory_quota_binds_memory_objects)
{
    struct ks_process_usage mine, after;
    CHECK_EQ(ks_sys_process_usage(0, &mine), 0);
    const char *argv[] = { "bin/crasher", "memory-quota" };
    struct ks_process_create args;
    CHECK(crasher_args(&args, argv, 2));
    args.limits.memory_bytes = 2ull << 20;
    int64_t child = ks_process_create(&args);
    CHECK(child > 0);
    CHECK_EQ(ks_process_start(child), 0);
    /* Writes stop at the limit with DENIED; the touch past it faults. */
    struct ks_exit_status st;
    memset(&st, 0, sizeof(st));
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    check_result("memory-quota", st.status, st.reason, KS_EXIT_FAULT);
    CHECK_EQ(st.fault_vector, 14);
    CHECK(st.fault_address >= 0x200000000000ull && st.fault_address < 0x500000000000ull);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    /* Its object went with it, and so did the charge. */
    CHECK_EQ(ks_sys_process_usage(0, &after), 0);
    CHECK_EQ(after.used.memory_bytes, mine.used.memory_bytes);
    CHECK_EQ(after.used.kernel_bytes, mine.used.kernel_bytes);
}

TEST(process_create_initrd_spawn_helper_runs_a_program)
{
    const char *argv[] = { "bin/crasher", "args-echo", "hello", "world" };
    int64_t child = ks_initrd_spawn(initrd_handle(), "/bin/crasher", argv, 4, NULL, 0);
    CHECK(child > 0);
    check_exit(child, KS_EXIT_NORMAL, 4 * 16 + 1);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(ks_initrd_spawn(initrd_handle(), "bin/nothing", argv, 1, NULL, 0),
             -KS_ERR_NOT_FOUND);
    CHECK_EQ(ks_initrd_spawn(initrd_handle(), "etc/motd", argv, 1, NULL, 0), -KS_ERR_CORRUPT);
}

/* The runtime's start: KS_PRIORITY=N in the environment (init's
 * manifest priority=N) becomes the main thread's priority and leaves the
 * environment; a bad value changes nothing. */
static int64_t priority_with(const char *env)
{
    const char *argv[] = { "bin/crasher", "priority", KS_ENV_MARK, env };
    struct ks_process_create args;
    CHECK(crasher_args(&args, argv, env ? 4 : 2));
    int64_t child = ks_process_create(&args);
    CHECK(child > 0);
    CHECK_EQ(ks_process_start(child), 0);
    struct ks_exit_status st;
    memset(&st, 0, sizeof(st));
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(st.reason, KS_EXIT_NORMAL);
    return st.status;
}

TEST(runtime_takes_its_priority_from_the_environment)
{
    CHECK_EQ(priority_with(NULL), KS_PRIORITY_DEFAULT);
    CHECK_EQ(priority_with("KS_PRIORITY=150"), 150);
    CHECK_EQ(priority_with("KS_PRIORITY=0"), 0);
    CHECK_EQ(priority_with("KS_PRIORITY=200"), 200);
    CHECK_EQ(priority_with("KS_PRIORITY=201"), KS_PRIORITY_DEFAULT);
    CHECK_EQ(priority_with("KS_PRIORITY=12x"), KS_PRIORITY_DEFAULT);
    CHECK_EQ(priority_with("KS_PRIORITY="), KS_PRIORITY_DEFAULT);
}
