/* SPDX-License-Identifier: MIT */
/*
 * IPC lifetimes: a reply without a call is refused; a server thread that
 * dies or drops a call, or an endpoint whose last handle closes, wakes
 * whoever waits on it with -KS_ERR_PEER_GONE; a thousand calls leave no
 * frame behind.
 */
#include "ipc_test.h"

TEST(reply_without_a_call_is_not_found)
{
    struct ks_msg m;
    memset(&m, 0, sizeof(m));
    CHECK_EQ(ks_sys_ipc_reply(&m), -KS_ERR_NOT_FOUND);
}

/* ---- a server thread that takes calls and never answers ---- */

struct deserter {
    int64_t ep;
    int drop_by_recv;       /* 1: drop the call with a second recv; 0: exit */
};

static int64_t desert(void *arg)
{
    struct deserter *d = arg;
    struct ks_msg m;
    memset(&m, 0, sizeof(m));
    int64_t r = ks_sys_ipc_recv(d->ep, &m, KS_TIMEOUT_INFINITE);
    if (r == 0 && d->drop_by_recv) {
        memset(&m, 0, sizeof(m));
        r = ks_sys_ipc_recv(d->ep, &m, 5 * NS_PER_MS);
        return r == -KS_ERR_TIMED_OUT ? 0 : -1;
    }
    ks_sys_thread_exit(r);
}

TEST(a_caller_whose_server_dies_or_drops_the_call_gets_peer_gone)
{
    int64_t ep = new_endpoint();
    struct ks_thread t;
    for (int drop = 0; drop < 2; drop++) {
        struct deserter d = { ep, drop };
        start(&t, desert, &d);
        struct ks_msg m;
        memset(&m, 0, sizeof(m));
        CHECK_EQ(ks_sys_ipc_call(ep, &m, KS_TIMEOUT_INFINITE), -KS_ERR_PEER_GONE);
        CHECK_EQ(join(&t), 0);
    }
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

static int64_t send_on(void *arg)
{
    struct ks_msg m;
    memset(&m, 0, sizeof(m));
    return ks_sys_ipc_send(*(int64_t *)arg, &m, KS_TIMEOUT_INFINITE);
}

TEST(closing_the_last_endpoint_handle_wakes_its_waiters_with_peer_gone)
{
    static struct receiver r;
    struct ks_thread t;
    r.ep = new_endpoint();
    r.cap = 0;
    int64_t dup = ks_sys_handle_duplicate(r.ep, KS_RIGHTS_ALL);
    start(&t, receive_one, &r);
    ks_sys_sleep(SETTLE_NS);
    /* One handle of two closed: the receiver waits on. */
    CHECK_EQ(ks_sys_handle_close(dup), 0);
    ks_sys_sleep(SETTLE_NS);
    struct ks_thread_info info;
    CHECK_EQ(ks_sys_thread_info(t.tid, &info), 0);
    CHECK_EQ(info.state, KS_THREAD_BLOCKED);
    CHECK_EQ(ks_sys_handle_close(r.ep), 0);
    CHECK_EQ(join(&t), -KS_ERR_PEER_GONE);
    /* The same for a blocked sender. */
    int64_t ep = new_endpoint();
    start(&t, send_on, &ep);
    ks_sys_sleep(SETTLE_NS);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
    CHECK_EQ(join(&t), -KS_ERR_PEER_GONE);
}

TEST(a_thousand_calls_leave_no_frame_behind)
{
    int64_t ep = new_endpoint();
    static struct server s;
    memset(&s, 0, sizeof(s));
    s.ep = ep;
    s.calls = 1100;
    struct ks_thread t;
    start(&t, serve, &s);
    uint8_t d[200];
    struct ks_mem_info before, after;
    int good = 0;
    for (int i = 0; i < 1100; i++) {
        if (i == 100)   /* the first hundred warm the caches up */
            CHECK_EQ(ks_sys_mem_info(&before), 0);
        /* Before the last call: after it the server thread ends and
         * its stacks go back. */
        if (i == 1099)
            CHECK_EQ(ks_sys_mem_info(&after), 0);
        struct ks_msg m = { .label = (uint64_t)i, .data = (uint64_t)(uintptr_t)d,
                            .data_len = sizeof(d), .data_cap = sizeof(d) };
        good += ks_sys_ipc_call(ep, &m, KS_TIMEOUT_INFINITE) == 0 && m.label == (uint64_t)i + 1000;
    }
    CHECK_EQ(good, 1100);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(after.free_frames, before.free_frames);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}
