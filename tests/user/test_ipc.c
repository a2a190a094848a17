/* SPDX-License-Identifier: MIT */
/*
 * Endpoints and synchronous IPC: a message (label, words, up to 4 KiB of
 * data) arrives byte-exact whichever side comes first; call and reply
 * round trip, and a reply_recv loop serves calls in order; senders are
 * served first come, first served; the server sees each client's badge
 * and minting is refused where it must be; timeouts never end early;
 * rights, bad pointers and sizes are refused before anything moves;
 * handles move or copy with a message, all or nothing; a server thread
 * that dies or drops a call, or an endpoint whose last handle closes,
 * wakes whoever waits on it with -KS_ERR_PEER_GONE; a thousand calls
 * leave no frame behind.
 */
#include "ks_ipc.h"
#include "usertest.h"

#define SETTLE_NS (10 * NS_PER_MS)   /* time for a helper thread to block */

static uint8_t send_buf[KS_MSG_DATA_MAX];
static uint8_t recv_buf[KS_MSG_DATA_MAX];

static int64_t new_endpoint(void)
{
    int64_t h = ks_sys_endpoint_create();
    CHECK(h > 0);
    return h;
}

static void fill(uint8_t *buf, uint32_t len, uint8_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(seed + i * 7u + (i >> 8));
}

static int64_t start(struct ks_thread *t, ks_thread_fn fn, void *arg)
{
    int64_t tid = ks_thread_create(t, fn, arg, KS_PRIORITY_INHERIT, 0);
    CHECK(tid > 0);
    return tid;
}

static int64_t join(struct ks_thread *t)
{
    int64_t value = -999;
    CHECK_EQ(ks_thread_join(t, &value), 0);
    return value;
}

/* ---- a sender thread: sends one message, returns the result ---- */

struct sender {
    int64_t ep;
    uint64_t label;
    uint32_t len;
    uint64_t timeout;
    int64_t handle;         /* sent when > 0 */
    uint32_t copy_mask;
};

static int64_t send_one(void *arg)
{
    struct sender *s = arg;
    struct ks_msg m = { .label = s->label, .words = { 1, 2, 3, s->label },
                        .data = (uint64_t)(uintptr_t)send_buf, .data_len = s->len };
    if (s->handle > 0) {
        m.handle_count = 1;
        m.handles[0] = s->handle;
        m.copy_mask = s->copy_mask;
    }
    return ks_sys_ipc_send(s->ep, &m, s->timeout);
}

static void recv_into(struct ks_msg *m, uint32_t cap)
{
    memset(m, 0, sizeof(*m));
    m->data = (uint64_t)(uintptr_t)recv_buf;
    m->data_cap = cap;
}

TEST(endpoint_create_gives_an_unbadged_handle_with_every_right)
{
    int64_t ep = new_endpoint();
    struct ks_handle_info info;
    CHECK_EQ(ks_sys_handle_info(ep, &info), 0);
    CHECK_EQ(info.type, KS_OBJECT_ENDPOINT);
    CHECK_EQ(info.rights, KS_RIGHTS_ALL);
    CHECK_EQ(info.badge, 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

TEST(a_message_arrives_byte_exact_whoever_comes_first)
{
    int64_t ep = new_endpoint();
    struct ks_msg m;
    /* The sender comes first (it blocks; the receiver pulls). */
    fill(send_buf, KS_MSG_DATA_MAX, 3);
    struct sender s = { ep, 42, KS_MSG_DATA_MAX, KS_TIMEOUT_INFINITE, 0, 0 };
    struct ks_thread t;
    start(&t, send_one, &s);
    ks_sys_sleep(SETTLE_NS);
    recv_into(&m, KS_MSG_DATA_MAX);
    CHECK_EQ(ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_INFINITE), 0);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(m.label, 42);
    CHECK(m.words[0] == 1 && m.words[1] == 2 && m.words[2] == 3 && m.words[3] == 42);
    CHECK_EQ(m.badge, 0);
    CHECK_EQ(m.data_len, KS_MSG_DATA_MAX);
    CHECK_EQ(m.handle_count, 0);
    CHECK_EQ(memcmp(recv_buf, send_buf, KS_MSG_DATA_MAX), 0);
    /* The receiver comes first (it blocks; the sender pushes). */
    fill(send_buf, 1000, 99);
    s.label = 43;
    s.len = 1000;
    memset(recv_buf, 0, sizeof(recv_buf));
    CHECK_EQ(ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    start(&t, send_one, &s);
    recv_into(&m, KS_MSG_DATA_MAX);
    CHECK_EQ(ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_INFINITE), 0);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(m.label, 43);
    CHECK_EQ(m.data_len, 1000);
    CHECK_EQ(memcmp(recv_buf, send_buf, 1000), 0);
    CHECK_EQ(recv_buf[1000], 0);   /* nothing past the message */
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

/* ---- a server thread: answers label + 1000, data reversed ---- */

struct server {
    int64_t ep;
    int calls;              /* how many to serve */
    int in_order;           /* calls that came with the label expected */
    uint8_t data[256];
};

static int64_t serve(void *arg)
{
    struct server *s = arg;
    struct ks_msg m = { .data = (uint64_t)(uintptr_t)s->data, .data_cap = sizeof(s->data) };
    int64_t r = ks_sys_ipc_recv(s->ep, &m, KS_TIMEOUT_INFINITE);
    for (int i = 0; i < s->calls && r == 0; i++) {
        s->in_order += m.label == (uint64_t)i;
        for (uint32_t a = 0, b = m.data_len; a + 1 < b; a++, b--) {
            uint8_t c = s->data[a];
            s->data[a] = s->data[b - 1];
            s->data[b - 1] = c;
        }
        m.label += 1000;
        m.words[0] = m.badge;
        m.data_cap = sizeof(s->data);
        if (i + 1 == s->calls)
            r = ks_sys_ipc_reply(&m);
        else
            r = ks_sys_ipc_reply_recv(s->ep, &m, KS_TIMEOUT_INFINITE);
    }
    return r;
}

TEST(call_and_reply_round_trip)
{
    int64_t ep = new_endpoint();
    static struct server s;
    memset(&s, 0, sizeof(s));
    s.ep = ep;
    s.calls = 1;
    struct ks_thread t;
    start(&t, serve, &s);
    uint8_t out[5] = { 1, 2, 3, 4, 5 };
    uint8_t back[16] = { 0 };
    struct ks_msg m = { .label = 0, .data = (uint64_t)(uintptr_t)out, .data_len = 5 };
    memcpy(back, out, 5);
    m.data = (uint64_t)(uintptr_t)back;
    m.data_cap = sizeof(back);
    CHECK_EQ(ks_sys_ipc_call(ep, &m, KS_TIMEOUT_INFINITE), 0);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(m.label, 1000);
    CHECK_EQ(m.badge, 0);
    CHECK_EQ(m.data_len, 5);
    CHECK(back[0] == 5 && back[1] == 4 && back[2] == 3 && back[3] == 2 && back[4] == 1);
    CHECK_EQ(s.in_order, 1);
    /* The call was answered: nothing is owed any more. */
    CHECK_EQ(ks_sys_ipc_reply(&m), -KS_ERR_NOT_FOUND);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

TEST(reply_recv_serves_a_hundred_calls_in_order)
{
    int64_t ep = new_endpoint();
    static struct server s;
    memset(&s, 0, sizeof(s));
    s.ep = ep;
    s.calls = 100;
    struct ks_thread t;
    start(&t, serve, &s);
    int good = 0;
    for (int i = 0; i < 100; i++) {
        uint8_t d[2] = { (uint8_t)i, 0xAA };
        struct ks_msg m = { .label = (uint64_t)i, .data = (uint64_t)(uintptr_t)d,
                            .data_len = 2, .data_cap = 2 };
        good += ks_sys_ipc_call(ep, &m, KS_TIMEOUT_INFINITE) == 0 &&
                m.label == (uint64_t)i + 1000 && d[0] == 0xAA && d[1] == (uint8_t)i;
    }
    CHECK_EQ(good, 100);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(s.in_order, 100);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

TEST(senders_are_served_first_come_first_served)
{
    int64_t ep = new_endpoint();
    struct sender s[3];
    struct ks_thread t[3];
    for (int i = 0; i < 3; i++) {
        s[i] = (struct sender){ ep, (uint64_t)(10 + i), 0, KS_TIMEOUT_INFINITE, 0, 0 };
        start(&t[i], send_one, &s[i]);
        ks_sys_sleep(SETTLE_NS);   /* queued before the next one starts */
    }
    struct ks_msg m;
    int order = 0;
    for (int i = 0; i < 3; i++) {
        recv_into(&m, 0);
        order += ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_INFINITE) == 0 &&
                 m.label == (uint64_t)(10 + i);
    }
    CHECK_EQ(order, 3);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(join(&t[i]), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

TEST(the_server_sees_each_clients_badge_and_minting_is_checked)
{
    int64_t ep = new_endpoint();
    int64_t a = ks_sys_handle_mint(ep, KS_RIGHT_WRITE | KS_RIGHT_DUPLICATE, 0x11);
    int64_t b = ks_sys_handle_mint(ep, KS_RIGHT_WRITE, 0x22);
    CHECK(a > 0 && b > 0);
    struct ks_handle_info info;
    CHECK_EQ(ks_sys_handle_info(a, &info), 0);
    CHECK_EQ(info.badge, 0x11);
    /* A badged handle cannot be re-badged; badge 0 and other objects are refused. */
    CHECK_EQ(ks_sys_handle_mint(a, KS_RIGHT_WRITE, 0x33), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_sys_handle_mint(ep, KS_RIGHT_WRITE, 0), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_sys_handle_mint(b, KS_RIGHT_WRITE, 0x44), -KS_ERR_DENIED);
    int64_t n = ks_sys_notification_create();
    CHECK_EQ(ks_sys_handle_mint(n, KS_RIGHT_SIGNAL, 5), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    struct sender sa = { a, 1, 0, KS_TIMEOUT_INFINITE, 0, 0 };
    struct sender sb = { b, 2, 0, KS_TIMEOUT_INFINITE, 0, 0 };
    struct ks_thread ta, tb;
    start(&ta, send_one, &sa);
    ks_sys_sleep(SETTLE_NS);
    start(&tb, send_one, &sb);
    ks_sys_sleep(SETTLE_NS);
    struct ks_msg m;
    recv_into(&m, 0);
    CHECK_EQ(ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_INFINITE), 0);
    CHECK(m.label == 1 && m.badge == 0x11);
    recv_into(&m, 0);
    CHECK_EQ(ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_INFINITE), 0);
    CHECK(m.label == 2 && m.badge == 0x22);
    CHECK_EQ(join(&ta), 0);
    CHECK_EQ(join(&tb), 0);
    CHECK_EQ(ks_sys_handle_close(a), 0);
    CHECK_EQ(ks_sys_handle_close(b), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

TEST(waits_time_out_never_early_and_polls_at_once)
{
    int64_t ep = new_endpoint();
    struct ks_msg m;
    for (int i = 0; i < 3; i++) {
        recv_into(&m, 0);
        uint64_t t0 = ks_clock_ns();
        CHECK_EQ(ks_sys_ipc_recv(ep, &m, 5 * NS_PER_MS), -KS_ERR_TIMED_OUT);
        CHECK(ks_clock_ns() - t0 >= 5 * NS_PER_MS);
    }
    uint64_t t0 = ks_clock_ns();
    memset(&m, 0, sizeof(m));
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    CHECK_EQ(ks_sys_ipc_call(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    CHECK_EQ(ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    CHECK(ks_clock_ns() - t0 < 5 * NS_PER_MS);
    t0 = ks_clock_ns();
    CHECK_EQ(ks_sys_ipc_send(ep, &m, 5 * NS_PER_MS), -KS_ERR_TIMED_OUT);
    CHECK(ks_clock_ns() - t0 >= 5 * NS_PER_MS);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

TEST(send_needs_write_and_recv_needs_read)
{
    int64_t ep = new_endpoint();
    int64_t read_only = ks_sys_handle_duplicate(ep, KS_RIGHT_READ);
    int64_t write_only = ks_sys_handle_duplicate(ep, KS_RIGHT_WRITE);
    struct ks_msg m;
    memset(&m, 0, sizeof(m));
    CHECK_EQ(ks_sys_ipc_send(read_only, &m, KS_TIMEOUT_POLL), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_ipc_call(read_only, &m, KS_TIMEOUT_POLL), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_ipc_recv(write_only, &m, KS_TIMEOUT_POLL), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_ipc_reply_recv(write_only, &m, KS_TIMEOUT_POLL), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_ipc_send(write_only, &m, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    CHECK_EQ(ks_sys_ipc_recv(read_only, &m, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    int64_t n = ks_sys_notification_create();
    CHECK_EQ(ks_sys_ipc_send(n, &m, KS_TIMEOUT_POLL), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    CHECK_EQ(ks_sys_handle_close(read_only), 0);
    CHECK_EQ(ks_sys_handle_close(write_only), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

TEST(bad_messages_are_refused_and_a_small_room_refuses_the_sender)
{
    int64_t ep = new_endpoint();
    for (int i = 0; i < BAD_POINTER_COUNT; i++) {
        check_fault("ipc_send", bad_pointers[i],
                    ks_sys_ipc_send(ep, (const struct ks_msg *)bad_pointers[i], 0));
        check_fault("ipc_recv", bad_pointers[i],
                    ks_sys_ipc_recv(ep, (struct ks_msg *)bad_pointers[i], 0));
        check_fault("ipc_call", bad_pointers[i],
                    ks_sys_ipc_call(ep, (struct ks_msg *)bad_pointers[i], 0));
    }
    struct ks_msg m = { .data = ADDR_KERNEL, .data_len = 16, .data_cap = 16 };
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_FAULT);
    CHECK_EQ(ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_FAULT);
    m.data = (uint64_t)(uintptr_t)send_buf;
    m.data_len = KS_MSG_DATA_MAX + 1;
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_INVALID_ARGUMENT);
    m.data_len = 0;
    m.handle_count = KS_MSG_HANDLES_MAX + 1;
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

/* ---- a receiver thread with a room of a given size ---- */

struct receiver {
    int64_t ep;
    uint32_t cap;
    struct ks_msg m;
    uint8_t data[64];
};

static int64_t receive_one(void *arg)
{
    struct receiver *r = arg;
    memset(&r->m, 0, sizeof(r->m));
    r->m.data = (uint64_t)(uintptr_t)r->data;
    r->m.data_cap = r->cap;
    return ks_sys_ipc_recv(r->ep, &r->m, KS_TIMEOUT_INFINITE);
}

TEST(a_room_too_small_refuses_the_sender_and_the_receiver_keeps_waiting)
{
    int64_t ep = new_endpoint();
    static struct receiver r;
    r.ep = ep;
    r.cap = 16;
    struct ks_thread t;
    start(&t, receive_one, &r);
    ks_sys_sleep(SETTLE_NS);
    fill(send_buf, 100, 1);
    struct ks_msg m = { .label = 1, .data = (uint64_t)(uintptr_t)send_buf, .data_len = 100 };
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_INVALID_ARGUMENT);
    m.label = 2;
    m.data_len = 16;
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), 0);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(r.m.label, 2);
    CHECK_EQ(r.m.data_len, 16);
    CHECK_EQ(memcmp(r.data, send_buf, 16), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

TEST(handles_move_or_copy_with_a_message_all_or_nothing)
{
    int64_t ep = new_endpoint();
    static struct receiver r;
    struct ks_thread t;
    uint64_t bits;
    /* Move: the sender's handle is gone, the receiver's works. */
    int64_t n = ks_sys_notification_create();
    r.ep = ep;
    r.cap = 0;
    start(&t, receive_one, &r);
    ks_sys_sleep(SETTLE_NS);
    struct ks_msg m = { .label = 1, .handle_count = 1, .handles = { n } };
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), 0);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(r.m.handle_count, 1);
    int64_t moved = r.m.handles[0];
    CHECK(moved > 0 && moved != n);
    struct ks_handle_info info;
    CHECK_EQ(ks_sys_handle_info(n, &info), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_notification_signal(moved, 4), 0);
    CHECK_EQ(ks_sys_notification_wait(moved, KS_TIMEOUT_POLL, &bits), 0);
    CHECK_EQ(bits, 4);
    /* Copy: both work. */
    start(&t, receive_one, &r);
    ks_sys_sleep(SETTLE_NS);
    m = (struct ks_msg){ .label = 2, .handle_count = 1, .copy_mask = 1, .handles = { moved } };
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), 0);
    CHECK_EQ(join(&t), 0);
    int64_t copy = r.m.handles[0];
    CHECK(copy > 0 && copy != moved);
    CHECK_EQ(ks_sys_notification_signal(copy, 8), 0);
    CHECK_EQ(ks_sys_notification_wait(moved, KS_TIMEOUT_POLL, &bits), 0);
    CHECK_EQ(bits, 8);
    /* Without TRANSFER (or DUPLICATE for a copy): refused, nothing moved. */
    int64_t no_transfer = ks_sys_handle_duplicate(moved, KS_RIGHT_SIGNAL | KS_RIGHT_DUPLICATE);
    int64_t no_dup = ks_sys_handle_duplicate(moved, KS_RIGHT_SIGNAL | KS_RIGHT_TRANSFER);
    start(&t, receive_one, &r);
    ks_sys_sleep(SETTLE_NS);
    m = (struct ks_msg){ .label = 3, .handle_count = 2, .handles = { copy, no_transfer } };
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_DENIED);
    m = (struct ks_msg){ .label = 4, .handle_count = 2, .copy_mask = 2,
                         .handles = { copy, no_dup } };
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_handle_info(copy, &info), 0);
    CHECK_EQ(ks_sys_handle_info(no_transfer, &info), 0);
    /* The receiver is still waiting; a plain message ends it. */
    m = (struct ks_msg){ .label = 5 };
    CHECK_EQ(ks_sys_ipc_send(ep, &m, KS_TIMEOUT_POLL), 0);
    CHECK_EQ(join(&t), 0);
    CHECK(r.m.label == 5 && r.m.handle_count == 0);
    CHECK_EQ(ks_sys_handle_close(no_transfer), 0);
    CHECK_EQ(ks_sys_handle_close(no_dup), 0);
    CHECK_EQ(ks_sys_handle_close(copy), 0);
    CHECK_EQ(ks_sys_handle_close(moved), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

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
