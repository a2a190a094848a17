/* SPDX-License-Identifier: MIT */
/*
 * Endpoints and synchronous IPC: a message (label, words, up to 4 KiB of
 * data) arrives byte-exact whichever side comes first; call and reply
 * round trip, and a reply_recv loop serves calls in order; senders are
 * served first come, first served; the server sees each client's badge
 * and minting is refused where it must be; timeouts never end early;
 * rights, bad pointers and sizes are refused before anything moves;
 * handles move or copy with a message, all or nothing.  Peer death,
 * closing and leaks are in test_ipc_lifetime.c.
 */
#include "ipc_test.h"


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
