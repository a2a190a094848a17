/* SPDX-License-Identifier: MIT */
/*
 * Processes by handle: spawn gives a handle, and only its rights let the
 * holder read (READ), wait for (WAIT) or kill (MANAGE) the process; a
 * pid grants nothing.  kill ends a sleeping, a spinning, or a waiting
 * child with KS_EXIT_KILLED; wait returns the same status every time and
 * frees nothing; the process is freed with its last handle, and its own
 * handles are closed when it ends, so hundreds of children leave every
 * frame free.  Start handles: a child gets copies of the handles listed
 * at spawn (and nothing else) with their rights; a handle without
 * DUPLICATE or TRANSFER, too many handles or a bad list is refused
 * before any child is made.
 */
#include "ks_ipc.h"
#include "usertest.h"

#define CHILD_TIMEOUT (30000 * NS_PER_MS)

static int64_t spawn_crasher(const char *kind)
{
    const char *argv[] = { "bin/crasher", kind };
    return ks_sys_spawn("bin/crasher", argv, 2, NULL, 0);
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

/* Spawn crasher `kind` with start handles and wait for it: the spawn's
 * error, or 0 and *st. */
static int64_t run_with_handles(const char *kind, const ks_handle_t *handles, uint32_t count,
                                struct ks_exit_status *st)
{
    const char *argv[] = { "bin/crasher", kind };
    int64_t child = ks_sys_spawn("bin/crasher", argv, 2, handles, count);
    if (child < 0)
        return child;
    memset(st, 0, sizeof(*st));
    int64_t err = ks_sys_wait(child, st, CHILD_TIMEOUT);
    if (err < 0) {
        ks_sys_process_kill(child);
        ks_sys_wait(child, st, KS_TIMEOUT_INFINITE);
    }
    CHECK_EQ(ks_sys_handle_close(child), 0);
    return err;
}

TEST(a_child_signals_a_notification_it_was_started_with)
{
    int64_t n = ks_sys_notification_create();
    CHECK(n > 0);
    struct ks_exit_status st;
    CHECK_EQ(run_with_handles("start-signal", &n, 1, &st), 0);
    CHECK_EQ(st.reason, KS_EXIT_NORMAL);
    CHECK_EQ(st.status, 0);
    uint64_t bits = 0;
    CHECK_EQ(ks_sys_notification_wait(n, KS_TIMEOUT_POLL, &bits), 0);
    CHECK_EQ(bits, 0x5a);
    /* The child's copy was a derived one, and it went with the child. */
    struct ks_handle_info info;
    CHECK_EQ(ks_sys_handle_info(n, &info), 0);
    CHECK_EQ(info.derived, 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
}

TEST(a_read_only_endpoint_start_handle_cannot_send)
{
    int64_t ep = ks_sys_endpoint_create();
    CHECK(ep > 0);
    int64_t ro = ks_sys_handle_duplicate(ep, KS_RIGHT_READ | KS_RIGHT_DUPLICATE |
                                             KS_RIGHT_TRANSFER);
    CHECK(ro > 0);
    struct ks_exit_status st;
    CHECK_EQ(run_with_handles("start-send", &ro, 1, &st), 0);
    CHECK_EQ(st.reason, KS_EXIT_NORMAL);
    CHECK_EQ(st.status, -KS_ERR_DENIED);
    /* With WRITE the same send gets past the rights: nobody receives. */
    CHECK_EQ(run_with_handles("start-send", &ep, 1, &st), 0);
    CHECK(st.status != -KS_ERR_DENIED && st.status < 0);
    CHECK_EQ(ks_sys_handle_close(ro), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

/* The pid of a fresh child: the next one handed out. */
static int64_t next_child_pid(void)
{
    int64_t child = spawn_crasher("exit-42");
    CHECK(child > 0);
    struct ks_process_info info = { 0 };
    CHECK_EQ(ks_sys_process_info(child, &info), 0);
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    return info.pid;
}

TEST(spawn_refuses_bad_start_handles_and_makes_no_child)
{
    const char *argv[] = { "bin/crasher", "exit-42" };
    int64_t n = ks_sys_notification_create();
    CHECK(n > 0);
    int64_t no_dup = ks_sys_handle_duplicate(n, KS_RIGHT_SIGNAL | KS_RIGHT_TRANSFER);
    int64_t no_transfer = ks_sys_handle_duplicate(n, KS_RIGHT_SIGNAL | KS_RIGHT_DUPLICATE);
    CHECK(no_dup > 0 && no_transfer > 0);
    ks_handle_t many[KS_START_HANDLES_MAX + 1];
    for (unsigned i = 0; i <= KS_START_HANDLES_MAX; i++)
        many[i] = n;
    ks_handle_t stale = ks_sys_handle_duplicate(n, KS_RIGHT_SIGNAL);
    CHECK(stale > 0);
    CHECK_EQ(ks_sys_handle_close(stale), 0);

    uint64_t frames = free_frames();
    int64_t pid = next_child_pid();
    ks_handle_t list[2] = { n, no_dup };
    CHECK_EQ(ks_sys_spawn("bin/crasher", argv, 2, list, 2), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_spawn("bin/crasher", argv, 2, &no_transfer, 1), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_spawn("bin/crasher", argv, 2, &stale, 1), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_spawn("bin/crasher", argv, 2, many, KS_START_HANDLES_MAX + 1),
             -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_sys_spawn("bin/crasher", argv, 2, NULL, 1), -KS_ERR_FAULT);
    CHECK_EQ(ks_sys_spawn("bin/crasher", argv, 2, (const ks_handle_t *)ADDR_KERNEL, 1),
             -KS_ERR_FAULT);
    /* No child was made: no pid was used, no frame is held, and the
     * listed handles have no copies. */
    CHECK_EQ(next_child_pid(), pid + 1);
    CHECK_EQ(free_frames(), frames);
    struct ks_handle_info info;
    CHECK_EQ(ks_sys_handle_info(n, &info), 0);
    CHECK_EQ(info.derived, 2);  /* no_dup and no_transfer only */
    /* Eight is allowed, and they all arrive. */
    struct ks_exit_status st;
    CHECK_EQ(run_with_handles("start-handles", many, KS_START_HANDLES_MAX, &st), 0);
    CHECK_EQ(st.status, 0);
    CHECK_EQ(ks_sys_handle_close(no_dup), 0);
    CHECK_EQ(ks_sys_handle_close(no_transfer), 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
}

TEST(a_child_starts_with_its_start_handles_and_nothing_else)
{
    int64_t n = ks_sys_notification_create();
    int64_t ep = ks_sys_endpoint_create();
    CHECK(n > 0 && ep > 0);
    struct ks_exit_status st;
    CHECK_EQ(run_with_handles("start-handles", NULL, 0, &st), 0);
    CHECK_EQ(st.status, 0);
    ks_handle_t list[2] = { ep, n };
    CHECK_EQ(run_with_handles("start-handles", list, 2, &st), 0);
    CHECK_EQ(st.status, 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}
