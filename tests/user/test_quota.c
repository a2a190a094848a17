/* SPDX-License-Identifier: MIT */
/*
 * Quotas (docs/quotas.md): process_usage reports the limits and the use
 * of the caller or of a process handle with READ; creating and closing
 * handles, notifications and threads moves the use by exact, repeatable
 * amounts and back; a child's use counts against its creator while it
 * lives and is given back, to the byte, once it is gone; a child that
 * exhausts its handle quota gets -KS_ERR_DENIED, the kernel and the
 * parent carry on, and the parent's use is back where it was.
 * Limits set at process_create bind the child: a lower handle, thread,
 * memory or kernel-memory limit is reached exactly where it was set, and
 * one above the creator's is refused.  Bad input (pointers, handles,
 * rights, types) gets a clear error.
 */
#include "ks_memory.h"
#include "ks_quota.h"
#include "usertest.h"

#define CHILD_TIMEOUT (30000 * NS_PER_MS)

static bool usage_equal(const struct ks_process_usage *a, const struct ks_process_usage *b)
{
    return memcmp(a, b, sizeof(*a)) == 0;
}

/* The caller's usage once nothing moves any more: a thread or process
 * of an earlier test may still be on its way out (its CPU leaving its
 * stack) for a moment. */
static void settled_usage(ks_handle_t process, struct ks_process_usage *out)
{
    struct ks_process_usage again;
    CHECK_EQ(ks_sys_process_usage(process, out), 0);
    for (int tries = 0; tries < 200; tries++) {
        ks_sleep_ns(2 * NS_PER_MS);
        CHECK_EQ(ks_sys_process_usage(process, &again), 0);
        if (usage_equal(out, &again))
            return;
        *out = again;
    }
}

/* Wait (a little) until the caller's usage is back to *want; whether it is. */
static bool usage_returns_to(const struct ks_process_usage *want)
{
    struct ks_process_usage now;
    for (int tries = 0; tries < 500; tries++) {
        if (ks_sys_process_usage(0, &now) == 0 && usage_equal(&now, want))
            return true;
        ks_sleep_ns(2 * NS_PER_MS);
    }
    return false;
}

static void check_usage_back(const struct ks_process_usage *want)
{
    bool back = usage_returns_to(want);
    CHECK(back);
    if (!back) {
        struct ks_process_usage now;
        ks_sys_process_usage(0, &now);
        CHECK_EQ(now.used.handles, want->used.handles);
        CHECK_EQ(now.used.threads, want->used.threads);
        CHECK_EQ(now.used.memory_bytes, want->used.memory_bytes);
        CHECK_EQ(now.used.kernel_bytes, want->used.kernel_bytes);
    }
}

TEST(quota_usage_of_self_is_within_limits)
{
    struct ks_process_usage u;
    CHECK_EQ(ks_sys_process_usage(0, &u), 0);
    CHECK_EQ(u.limits.handles, 1024);
    CHECK_EQ(u.limits.threads, 1024);
    struct ks_mem_info mem;
    CHECK_EQ(ks_sys_mem_info(&mem), 0);
    CHECK_EQ(u.limits.memory_bytes, mem.total_frames * mem.page_size);
    CHECK_EQ(u.limits.kernel_bytes, mem.total_frames * mem.page_size);
    CHECK(u.used.threads >= 1 && u.used.threads <= u.limits.threads);
    CHECK(u.used.handles <= u.limits.handles);
    /* At least the main stack and one page of program. */
    CHECK(u.used.memory_bytes >= 256 * 1024 + 4096);
    CHECK(u.used.kernel_bytes > 0 && u.used.kernel_bytes < u.limits.kernel_bytes);
}

TEST(quota_usage_refuses_bad_input)
{
    struct ks_process_usage u;
    for (int i = 0; i < BAD_POINTER_COUNT; i++)
        check_fault("process_usage", bad_pointers[i],
                    ks_sys_process_usage(0, (void *)bad_pointers[i]));
    /* Not a handle, a closed one, another kind of object. */
    check_result("process_usage", 12345, ks_sys_process_usage(12345, &u), -KS_ERR_BAD_HANDLE);
    int64_t n = ks_sys_notification_create();
    CHECK(n > 0);
    check_result("process_usage", (uint64_t)n, ks_sys_process_usage(n, &u), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    check_result("process_usage", (uint64_t)n, ks_sys_process_usage(n, &u), -KS_ERR_BAD_HANDLE);
    /* A process handle without READ. */
    const char *argv[] = { "bin/crasher", "sleep-forever" };
    int64_t child = ks_sys_spawn("bin/crasher", argv, 2, NULL, 0);
    CHECK(child > 0);
    int64_t no_read = ks_sys_handle_duplicate(child, KS_RIGHT_WAIT | KS_RIGHT_MANAGE);
    CHECK(no_read > 0);
    check_result("process_usage", (uint64_t)no_read, ks_sys_process_usage(no_read, &u),
                 -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_process_usage(child, &u), 0);
    CHECK_EQ(ks_sys_process_kill(child), 0);
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(ks_sys_handle_close(no_read), 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
}

TEST(quota_counts_handles_and_notifications_exactly)
{
    struct ks_process_usage base, one, two, dup;
    settled_usage(0, &base);
    int64_t a = ks_sys_notification_create();
    CHECK(a > 0);
    CHECK_EQ(ks_sys_process_usage(0, &one), 0);
    CHECK_EQ(one.used.handles, base.used.handles + 1);
    CHECK_EQ(one.used.threads, base.used.threads);
    CHECK_EQ(one.used.memory_bytes, base.used.memory_bytes);
    uint64_t cost = one.used.kernel_bytes - base.used.kernel_bytes;
    CHECK(one.used.kernel_bytes > base.used.kernel_bytes && cost < 4096);
    int64_t b = ks_sys_notification_create();
    CHECK(b > 0);
    CHECK_EQ(ks_sys_process_usage(0, &two), 0);
    CHECK_EQ(two.used.handles, base.used.handles + 2);
    CHECK_EQ(two.used.kernel_bytes, base.used.kernel_bytes + 2 * cost);
    /* A duplicate is a handle, not an object. */
    int64_t c = ks_sys_handle_duplicate(a, KS_RIGHT_SIGNAL);
    CHECK(c > 0);
    CHECK_EQ(ks_sys_process_usage(0, &dup), 0);
    CHECK_EQ(dup.used.handles, base.used.handles + 3);
    CHECK_EQ(dup.used.kernel_bytes, two.used.kernel_bytes);
    /* The object lives while the duplicate does. */
    CHECK_EQ(ks_sys_handle_close(a), 0);
    CHECK_EQ(ks_sys_process_usage(0, &dup), 0);
    CHECK_EQ(dup.used.handles, base.used.handles + 2);
    CHECK_EQ(dup.used.kernel_bytes, two.used.kernel_bytes);
    CHECK_EQ(ks_sys_handle_close(c), 0);
    CHECK_EQ(ks_sys_handle_close(b), 0);
    check_usage_back(&base);
}

static uint32_t thread_gate;

static void wait_at_gate(void *arg)
{
    (void)arg;
    while (__atomic_load_n(&thread_gate, __ATOMIC_ACQUIRE) == 0)
        ks_sys_futex_wait(&thread_gate, 0, KS_TIMEOUT_INFINITE);
    ks_sys_thread_exit(0);
}

TEST(quota_counts_threads_and_their_stacks_exactly)
{
    struct ks_process_usage base, one, two;
    settled_usage(0, &base);
    thread_gate = 0;
    int64_t t1 = ks_sys_thread_create(wait_at_gate, NULL, KS_PRIORITY_INHERIT, 0);
    CHECK(t1 > 0);
    CHECK_EQ(ks_sys_process_usage(0, &one), 0);
    CHECK_EQ(one.used.threads, base.used.threads + 1);
    CHECK_EQ(one.used.memory_bytes, base.used.memory_bytes + KS_THREAD_STACK_SIZE);
    CHECK_EQ(one.used.handles, base.used.handles);
    uint64_t cost = one.used.kernel_bytes - base.used.kernel_bytes;
    /* At least its kernel stack. */
    CHECK(one.used.kernel_bytes > base.used.kernel_bytes && cost >= 16 * 1024);
    int64_t t2 = ks_sys_thread_create(wait_at_gate, NULL, KS_PRIORITY_INHERIT, 0);
    CHECK(t2 > 0);
    CHECK_EQ(ks_sys_process_usage(0, &two), 0);
    CHECK_EQ(two.used.threads, base.used.threads + 2);
    CHECK_EQ(two.used.memory_bytes, base.used.memory_bytes + 2 * KS_THREAD_STACK_SIZE);
    CHECK_EQ(two.used.kernel_bytes, base.used.kernel_bytes + 2 * cost);
    __atomic_store_n(&thread_gate, 1, __ATOMIC_RELEASE);
    ks_sys_futex_wake(&thread_gate, 2);
    CHECK_EQ(ks_sys_thread_join(t1, NULL, CHILD_TIMEOUT), 0);
    CHECK_EQ(ks_sys_thread_join(t2, NULL, CHILD_TIMEOUT), 0);
    check_usage_back(&base);
}

TEST(quota_child_use_counts_against_its_creator_until_it_is_gone)
{
    struct ks_process_usage base, child_use, with_child, ended;
    settled_usage(0, &base);
    const char *argv[] = { "bin/crasher", "sleep-forever" };
    int64_t child = ks_sys_spawn("bin/crasher", argv, 2, NULL, 0);
    CHECK(child > 0);
    if (child <= 0)
        return;
    settled_usage(child, &child_use);
    CHECK_EQ(ks_sys_process_usage(0, &with_child), 0);
    /* The child inherits its creator's limits. */
    CHECK(memcmp(&child_use.limits, &base.limits, sizeof(base.limits)) == 0);
    CHECK_EQ(child_use.used.threads, 1);
    CHECK(child_use.used.memory_bytes >= 256 * 1024 + 4096);
    CHECK(child_use.used.kernel_bytes > 0);
    CHECK_EQ(child_use.used.handles, 0);
    /* Its creator carries it all; its own table holds one more handle. */
    CHECK_EQ(with_child.used.threads, base.used.threads + 1);
    CHECK_EQ(with_child.used.memory_bytes, base.used.memory_bytes + child_use.used.memory_bytes);
    CHECK_EQ(with_child.used.kernel_bytes, base.used.kernel_bytes + child_use.used.kernel_bytes);
    CHECK_EQ(with_child.used.handles, base.used.handles + 1);
    CHECK_EQ(ks_sys_process_kill(child), 0);
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    /* Ended: only its struct is left, kept by the handle. */
    CHECK_EQ(ks_sys_process_usage(child, &ended), 0);
    CHECK_EQ(ended.used.threads, 0);
    CHECK_EQ(ended.used.memory_bytes, 0);
    CHECK_EQ(ended.used.handles, 0);
    CHECK(ended.used.kernel_bytes > 0 && ended.used.kernel_bytes < child_use.used.kernel_bytes);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    check_usage_back(&base);
}

/* Run a crasher kind that exhausts a quota: it must end normally with
 * status 0 (it saw -KS_ERR_DENIED where it should), and leave its
 * creator as it was and able to make objects. */
static void child_exhausts(const char *kind)
{
    struct ks_process_usage base;
    settled_usage(0, &base);
    struct ks_exit_status st;
    CHECK_EQ(run_crasher(kind, &st), 0);
    check_result(kind, st.reason, st.reason, KS_EXIT_NORMAL);
    check_result(kind, (uint64_t)st.status, (uint64_t)st.status, 0);
    check_usage_back(&base);
    int64_t n = ks_sys_notification_create();
    CHECK(n > 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    int64_t t = ks_sys_thread_create(wait_at_gate, NULL, KS_PRIORITY_INHERIT, 0);
    CHECK(t > 0);
    __atomic_store_n(&thread_gate, 1, __ATOMIC_RELEASE);
    ks_sys_futex_wake(&thread_gate, 1);
    CHECK_EQ(ks_sys_thread_join(t, NULL, CHILD_TIMEOUT), 0);
    check_usage_back(&base);
}

TEST(quota_child_exhausting_its_handles_is_denied_and_contained)
{
    child_exhausts("quota-handles");
}


/* Limits chosen at creation (process_create): a child of bin/crasher
 * KIND, created but not started, with limits; its handle or an error. */
static int64_t create_crasher(const char *kind, const struct ks_limits *limits)
{
    ks_handle_t initrd = ks_start_info ? ks_start_info->handles[KS_START_INITRD] : 0;
    uint64_t offset = 0, size = 0;
    int64_t err = ks_initrd_find(initrd, "bin/crasher", &offset, &size);
    if (err < 0)
        return err;
    const char *argv[] = { "bin/crasher", kind };
    struct ks_process_create args = {
        .image = initrd, .image_offset = offset, .image_size = size, .name = "crasher",
        .argv = argv, .argc = 2, .limits = *limits,
    };
    return ks_process_create(&args);
}

/* Start child, wait for it and close its handle: its exit status, or
 * -1000 when it did not end normally. */
static int run_created(int64_t child)
{
    CHECK_EQ(ks_process_start(child), 0);
    struct ks_exit_status st = { 0 };
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(st.reason, KS_EXIT_NORMAL);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    return st.reason == KS_EXIT_NORMAL ? st.status : -1000;
}

/* What a running crasher with its creator's limits is charged before
 * it does anything: its image, main stack, struct and main thread. */
static void running_child_use(struct ks_process_usage *out)
{
    struct ks_limits same = { 0 };
    int64_t child = create_crasher("sleep-forever", &same);
    CHECK(child > 0);
    if (child <= 0)
        return;
    CHECK_EQ(ks_process_start(child), 0);
    settled_usage(child, out);
    CHECK_EQ(ks_sys_process_kill(child), 0);
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
}

TEST(quota_limits_above_the_creators_are_denied)
{
    struct ks_process_usage base;
    settled_usage(0, &base);
    struct ks_limits want[4] = {
        { .handles = base.limits.handles + 1 },
        { .threads = base.limits.threads + 1 },
        { .memory_bytes = base.limits.memory_bytes + 1 },
        { .kernel_bytes = base.limits.kernel_bytes + 1 },
    };
    for (int i = 0; i < 4; i++)
        check_result("process_create limits", (uint64_t)i, create_crasher("exit-42", &want[i]),
                     -KS_ERR_DENIED);
    check_usage_back(&base);
    /* Equal is allowed, and a child made with it runs. */
    int64_t child = create_crasher("exit-42", &base.limits);
    CHECK(child > 0);
    struct ks_process_usage u;
    CHECK_EQ(ks_sys_process_usage(child, &u), 0);
    CHECK(memcmp(&u.limits, &base.limits, sizeof(u.limits)) == 0);
    CHECK_EQ(run_created(child), 42);
    check_usage_back(&base);
}

TEST(quota_lower_handle_and_thread_limits_bind_the_child)
{
    struct ks_process_usage base, u;
    settled_usage(0, &base);
    struct ks_limits handles = { .handles = 10 };
    int64_t child = create_crasher("quota-handles", &handles);
    CHECK(child > 0);
    CHECK_EQ(ks_sys_process_usage(child, &u), 0);
    CHECK_EQ(u.limits.handles, 10);
    CHECK_EQ(u.limits.threads, base.limits.threads);
    CHECK_EQ(run_created(child), 0);
    struct ks_limits threads = { .threads = 4 };
    child = create_crasher("quota-threads", &threads);
    CHECK(child > 0);
    CHECK_EQ(ks_sys_process_usage(child, &u), 0);
    CHECK_EQ(u.limits.threads, 4);
    CHECK_EQ(u.limits.handles, base.limits.handles);
    CHECK_EQ(run_created(child), 0);
    check_usage_back(&base);
}

TEST(quota_child_memory_limit_denies_the_stack_past_it)
{
    struct ks_process_usage base, child_use;
    settled_usage(0, &base);
    running_child_use(&child_use);
    /* Too small for its own image and main stack: not created at all. */
    struct ks_limits tiny = { .memory_bytes = child_use.used.memory_bytes - 4096 };
    CHECK_EQ(create_crasher("exit-42", &tiny), -KS_ERR_DENIED);
    struct ks_limits three = { .memory_bytes = child_use.used.memory_bytes +
                                               3 * KS_THREAD_STACK_SIZE };
    int64_t child = create_crasher("quota-memory", &three);
    CHECK(child > 0);
    CHECK_EQ(run_created(child), 10 + 3);
    check_usage_back(&base);
}

TEST(quota_child_kernel_limit_denies_the_object_past_it)
{
    struct ks_process_usage base, one, child_use;
    settled_usage(0, &base);
    int64_t n = ks_sys_notification_create();
    CHECK(n > 0);
    CHECK_EQ(ks_sys_process_usage(0, &one), 0);
    uint64_t notification = one.used.kernel_bytes - base.used.kernel_bytes;
    CHECK_EQ(ks_sys_handle_close(n), 0);
    running_child_use(&child_use);
    /* Its struct and main thread, and four and a half notifications. */
    struct ks_limits four = { .kernel_bytes = child_use.used.kernel_bytes +
                                              4 * notification + notification / 2 };
    int64_t child = create_crasher("quota-kernel", &four);
    CHECK(child > 0);
    CHECK_EQ(run_created(child), 10 + 4);
    check_usage_back(&base);
}

TEST(quota_grandchild_threads_count_against_the_childs_limit)
{
    struct ks_process_usage base;
    settled_usage(0, &base);
    /* The child holds 3 of its 6; its own child gets 2 more and is
     * refused the next (crasher quota-tree and quota-memory: 10 + 2). */
    struct ks_limits six = { .threads = 6 };
    int64_t child = create_crasher("quota-tree", &six);
    CHECK(child > 0);
    CHECK_EQ(run_created(child), 10 + 2);
    check_usage_back(&base);
    int64_t t = ks_sys_thread_create(wait_at_gate, NULL, KS_PRIORITY_INHERIT, 0);
    CHECK(t > 0);
    __atomic_store_n(&thread_gate, 1, __ATOMIC_RELEASE);
    ks_sys_futex_wake(&thread_gate, 1);
    CHECK_EQ(ks_sys_thread_join(t, NULL, CHILD_TIMEOUT), 0);
    check_usage_back(&base);
}
