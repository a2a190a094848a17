/* SPDX-License-Identifier: MIT */
/*
 * Processes by handle: spawn gives a handle, and only its rights let the
 * holder read (READ), wait for (WAIT) or kill (MANAGE) the process; a
 * pid grants nothing.  kill ends a sleeping, a spinning, or a waiting
 * child with KS_EXIT_KILLED; wait returns the same status every time and
 * frees nothing; the process is freed with its last handle, and its own
 * handles are closed when it ends, so hundreds of children leave every
 * frame free.
 */
#include "usertest.h"

#define CHILD_TIMEOUT (30000 * NS_PER_MS)

static int64_t spawn_crasher(const char *kind)
{
    const char *argv[] = { "bin/crasher", kind };
    return ks_sys_spawn("bin/crasher", argv, 2);
}

static uint64_t free_frames(void)
{
    struct ks_mem_info info;
    CHECK_EQ(ks_sys_mem_info(&info), 0);
    return info.free_frames;
}

/* Kill a child that runs `kind` and check how it ended. */
static void kill_and_check(const char *kind)
{
    int64_t child = spawn_crasher(kind);
    CHECK(child > 0);
    if (child <= 0)
        return;
    ks_sleep_ns(20 * NS_PER_MS);
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_wait(child, &st, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    CHECK_EQ(ks_sys_process_kill(child), 0);
    memset(&st, 0, sizeof(st));
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    check_result(kind, st.reason, st.reason, KS_EXIT_KILLED);
    CHECK_EQ(st.status, -1);
    /* Killing what has ended is no error. */
    CHECK_EQ(ks_sys_process_kill(child), 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
}

TEST(kill_ends_a_sleeping_child)
{
    kill_and_check("sleep-forever");
}

TEST(kill_ends_a_spinning_child)
{
    kill_and_check("spin-forever");
}

/* The child is blocked in its own wait (for a grandchild) when killed. */
TEST(kill_ends_a_child_blocked_in_wait)
{
    kill_and_check("wait-on-child");
    /* Its grandchild, whose handle died with it, still ends by itself. */
    ks_sleep_ns(400 * NS_PER_MS);
}

TEST(process_rights_are_enforced)
{
    int64_t child = spawn_crasher("sleep-forever");
    CHECK(child > 0);
    int64_t read_wait = ks_sys_handle_duplicate(child, KS_RIGHT_READ | KS_RIGHT_WAIT);
    int64_t read_manage = ks_sys_handle_duplicate(child, KS_RIGHT_READ | KS_RIGHT_MANAGE);
    int64_t wait_only = ks_sys_handle_duplicate(child, KS_RIGHT_WAIT);
    CHECK(read_wait > 0 && read_manage > 0 && wait_only > 0);
    struct ks_exit_status st;
    struct ks_process_info info;
    CHECK_EQ(ks_sys_process_kill(read_wait), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_wait(read_manage, &st, KS_TIMEOUT_POLL), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_process_info(wait_only, &info), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_wait(read_wait, &st, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    CHECK_EQ(ks_sys_process_info(read_manage, &info), 0);
    CHECK_EQ(info.threads, 1);

    /* Another kind of object is not a process. */
    int64_t n = ks_sys_notification_create();
    CHECK(n > 0);
    CHECK_EQ(ks_sys_process_kill(n), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_wait(n, &st, KS_TIMEOUT_POLL), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_process_info(n, &info), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_handle_close(n), 0);

    /* Closing the spawn handle neither kills the child nor the others. */
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(ks_sys_process_info(read_manage, &info), 0);
    CHECK_EQ(info.threads, 1);
    CHECK_EQ(ks_sys_process_kill(read_manage), 0);
    CHECK_EQ(ks_sys_wait(read_wait, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(st.reason, KS_EXIT_KILLED);
    CHECK_EQ(ks_sys_handle_close(read_wait), 0);
    CHECK_EQ(ks_sys_handle_close(read_manage), 0);
    CHECK_EQ(ks_sys_handle_close(wait_only), 0);
}

TEST(process_info_on_a_child_by_handle)
{
    struct ks_process_info self, child_info;
    CHECK_EQ(ks_sys_process_info(0, &self), 0);
    int64_t child = spawn_crasher("sleep-forever");
    CHECK(child > 0);
    CHECK_EQ(ks_sys_process_info(child, &child_info), 0);
    CHECK(child_info.pid > 0 && child_info.pid != self.pid);
    CHECK_EQ(child_info.parent, self.pid);
    CHECK(!strcmp(child_info.name, "crasher"));
    CHECK_EQ(child_info.threads, 1);
    CHECK(child_info.user_pages > 0);

    CHECK_EQ(ks_sys_process_kill(child), 0);
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(st.pid, child_info.pid);
    /* Ended: the status and the name stay, threads and memory do not. */
    struct ks_process_info ended;
    CHECK_EQ(ks_sys_process_info(child, &ended), 0);
    CHECK_EQ(ended.pid, child_info.pid);
    CHECK_EQ(ended.threads, 0);
    CHECK_EQ(ended.user_pages, 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
}

TEST(a_closed_process_handle_is_bad)
{
    int64_t child = spawn_crasher("exit-42");
    CHECK(child > 0);
    struct ks_exit_status st;
    struct ks_process_info info;
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(ks_sys_process_info(child, &info), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_wait(child, &st, KS_TIMEOUT_POLL), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_process_kill(child), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_handle_close(child), -KS_ERR_BAD_HANDLE);
}

TEST(wait_twice_returns_the_same_status)
{
    int64_t child = spawn_crasher("exit-42");
    CHECK(child > 0);
    int64_t copy = ks_sys_handle_duplicate(child, KS_RIGHT_WAIT);
    CHECK(copy > 0);
    struct ks_exit_status first, second, third;
    memset(&second, 0xaa, sizeof(second));
    memset(&third, 0x55, sizeof(third));
    CHECK_EQ(ks_sys_wait(child, &first, CHILD_TIMEOUT), 0);
    CHECK_EQ(first.reason, KS_EXIT_NORMAL);
    CHECK_EQ(first.status, 42);
    CHECK_EQ(ks_sys_wait(child, &second, KS_TIMEOUT_POLL), 0);
    CHECK(!memcmp(&first, &second, sizeof(first)));
    /* The object lives while any handle does: the copy still waits. */
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(ks_sys_wait(copy, &third, KS_TIMEOUT_POLL), 0);
    CHECK(!memcmp(&first, &third, sizeof(first)));
    CHECK_EQ(ks_sys_handle_close(copy), 0);
}

TEST(two_hundred_children_leave_every_frame_free)
{
    struct ks_exit_status st;
    CHECK_EQ(run_crasher("exit-42", &st), 0);  /* warm the kernel's caches */
    uint64_t before = free_frames();
    for (unsigned i = 0; i < 200; i++) {
        int64_t child = spawn_crasher("exit-42");
        check_result("spawn", i, child > 0, 1);
        if (child <= 0)
            break;
        check_result("wait", i, ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
        check_result("status", i, st.status, 42);
        check_result("close", i, ks_sys_handle_close(child), 0);
    }
    CHECK_EQ(free_frames(), before);
}

TEST(handles_of_an_ended_process_are_closed)
{
    struct ks_exit_status st;
    CHECK_EQ(run_crasher("leak-handles", &st), 0);  /* warm the kernel's caches */
    CHECK_EQ(st.status, 0);
    uint64_t before = free_frames();
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(run_crasher("leak-handles", &st), 0);
        check_result("leak-handles status", i, st.status, 0);
    }
    CHECK_EQ(free_frames(), before);
}
