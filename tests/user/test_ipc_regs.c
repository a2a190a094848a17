/* SPDX-License-Identifier: MIT */
/*
 * Register messages (KS_SYS_IPC_CALL_REGS, KS_SYS_IPC_REPLY_RECV_REGS):
 * label, 0..10 words and the badge arrive exactly, in both directions;
 * registers past the word count keep their values; register and struct
 * ks_msg calls meet on one endpoint (data and handles are refused to a
 * register receiver); bad handles, missing rights and word counts are
 * refused; a server that dies or an endpoint that goes wakes the other
 * side with -KS_ERR_PEER_GONE.  The suite runs with the kernel's fast
 * path on and (the ipc=slow boot cases) off: both must give the same
 * results.
 */
#include "ipc_test.h"

#define ECHO_STOP 0xdead   /* the label that ends an echo server */

/* An echo server: each call's words come back reversed in order, the
 * label plus one, and word 0 of the reply replaced by the badge seen. */
struct echo {
    int64_t ep;
    int served;
    int64_t result;
};

static int64_t echo_server(void *arg)
{
    struct echo *e = arg;
    struct ks_regs_msg m = { 0 };
    int64_t err = ks_ipc_reply_recv_regs(e->ep, &m);
    while (err == 0) {
        uint64_t label = KS_MSGINFO_LABEL(m.info);
        unsigned n = KS_MSGINFO_WORDS(m.info);
        if (label == ECHO_STOP) {
            /* Answer the stop call (a plain reply: no receive after it). */
            struct ks_msg r = { .label = ECHO_STOP };
            err = ks_sys_ipc_reply(&r);
            break;
        }
        uint64_t in[KS_MSG_WORDS];
        memcpy(in, m.words, sizeof(in));
        for (unsigned i = 0; i < n; i++)
            m.words[i] = in[n - 1 - i];
        if (n > 0)
            m.words[0] = m.badge;
        m.info = KS_MSGINFO(label + 1, n);
        e->served++;
        err = ks_ipc_reply_recv_regs(e->ep, &m);
    }
    e->result = err;
    return err;
}

static void stop_echo(int64_t ep)
{
    struct ks_regs_msg m = { .info = KS_MSGINFO(ECHO_STOP, 0) };
    (void)ks_ipc_call_regs(ep, &m);
}

TEST(register_calls_carry_label_every_word_count_and_the_badge)
{
    int64_t ep = new_endpoint();
    int64_t client = ks_sys_handle_mint(ep, KS_RIGHT_WRITE, 0x5eed);
    CHECK(client > 0);
    struct echo e = { .ep = ep };
    struct ks_thread t;
    start(&t, echo_server, &e);
    for (unsigned n = 0; n <= KS_MSG_WORDS; n++) {
        struct ks_regs_msg m = { .info = KS_MSGINFO(1000 + n, n) };
        for (unsigned i = 0; i < KS_MSG_WORDS; i++)
            m.words[i] = 0x1111111111111111ull * (i + 1);
        CHECK_EQ(ks_ipc_call_regs(client, &m), 0);
        CHECK_EQ(KS_MSGINFO_LABEL(m.info), 1001 + n);
        CHECK_EQ(KS_MSGINFO_WORDS(m.info), n);
        CHECK_EQ(m.badge, 0);                 /* a reply carries none */
        if (n > 0)
            CHECK_EQ(m.words[0], 0x5eed);    /* the badge the server saw */
        for (unsigned i = 1; i < n; i++)
            CHECK_EQ(m.words[i], 0x1111111111111111ull * (n - i));
        /* Registers past the count keep what they held. */
        for (unsigned i = n; i < KS_MSG_WORDS; i++)
            CHECK_EQ(m.words[i], 0x1111111111111111ull * (i + 1));
    }
    /* The largest label, and an unbadged caller. */
    struct ks_regs_msg m = { .info = KS_MSGINFO(KS_MSG_LABEL_MAX - 1, 1), .words = { 7 } };
    CHECK_EQ(ks_ipc_call_regs(ep, &m), 0);
    CHECK_EQ(KS_MSGINFO_LABEL(m.info), KS_MSG_LABEL_MAX);
    CHECK_EQ(m.words[0], 0);
    stop_echo(ep);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(e.served, KS_MSG_WORDS + 2);
    CHECK_EQ(ks_sys_handle_close(client), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

/* Two clients, distinct badges, many calls: every reply is the caller's. */
struct client {
    int64_t ep;
    uint64_t badge;
    int calls;
    int wrong;
};

static int64_t client_thread(void *arg)
{
    struct client *c = arg;
    for (int i = 0; i < c->calls; i++) {
        struct ks_regs_msg m = { .info = KS_MSGINFO((uint64_t)i, 3),
                                 .words = { 1, (uint64_t)i, c->badge } };
        int64_t err = ks_ipc_call_regs(c->ep, &m);
        if (err < 0)
            return err;
        c->wrong += m.words[0] != c->badge || m.words[1] != (uint64_t)i ||
                    KS_MSGINFO_LABEL(m.info) != (uint64_t)i + 1;
    }
    return 0;
}

TEST(register_calls_from_two_clients_each_get_their_own_replies)
{
    int64_t ep = new_endpoint();
    struct echo e = { .ep = ep };
    struct client a = { ks_sys_handle_mint(ep, KS_RIGHT_WRITE, 1), 1, 5000, 0 };
    struct client b = { ks_sys_handle_mint(ep, KS_RIGHT_WRITE, 2), 2, 5000, 0 };
    CHECK(a.ep > 0 && b.ep > 0);
    struct ks_thread ts, ta, tb;
    start(&ts, echo_server, &e);
    start(&ta, client_thread, &a);
    start(&tb, client_thread, &b);
    CHECK_EQ(join(&ta), 0);
    CHECK_EQ(join(&tb), 0);
    CHECK_EQ(a.wrong, 0);
    CHECK_EQ(b.wrong, 0);
    stop_echo(ep);
    CHECK_EQ(join(&ts), 0);
    CHECK_EQ(e.served, 10000);
    CHECK_EQ(ks_sys_handle_close(a.ep), 0);
    CHECK_EQ(ks_sys_handle_close(b.ep), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

/* A struct ks_msg server answering register calls. */
static int64_t msg_server(void *arg)
{
    int64_t ep = (int64_t)(intptr_t)arg;
    struct ks_msg m;
    recv_into(&m, 0);
    int64_t err = ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_INFINITE);
    if (err < 0)
        return err;
    /* label 5, words 1..3, the rest must be zero. */
    int64_t bad = m.label != 5 || m.words[0] != 1 || m.words[2] != 3 || m.data_len != 0;
    for (unsigned i = 3; i < KS_MSG_WORDS; i++)
        bad |= m.words[i] != 0;
    struct ks_msg r = { .label = 6 };
    for (unsigned i = 0; i < KS_MSG_WORDS; i++)
        r.words[i] = 100 + i;
    err = ks_sys_ipc_reply(&r);
    return err < 0 ? err : bad;
}

/* A register server taking one message and returning what it saw. */
struct regs_rx {
    int64_t ep;
    struct ks_regs_msg m;
};

static int64_t regs_receive_one(void *arg)
{
    struct regs_rx *r = arg;
    return ks_ipc_reply_recv_regs(r->ep, &r->m);
}

TEST(register_and_struct_calls_meet_on_one_endpoint)
{
    int64_t ep = new_endpoint();
    struct ks_thread t;
    /* Register call -> struct server: its words, the rest zero; the
     * struct reply's ten words come back with a count of ten. */
    start(&t, msg_server, (void *)(intptr_t)ep);
    struct ks_regs_msg m = { .info = KS_MSGINFO(5, 3), .words = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 } };
    CHECK_EQ(ks_ipc_call_regs(ep, &m), 0);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(KS_MSGINFO_LABEL(m.info), 6);
    CHECK_EQ(KS_MSGINFO_WORDS(m.info), KS_MSG_WORDS);
    for (unsigned i = 0; i < KS_MSG_WORDS; i++)
        CHECK_EQ(m.words[i], 100 + i);
    /* Struct send -> register receiver: label and ten words. */
    struct regs_rx rx = { .ep = ep };
    start(&t, regs_receive_one, &rx);
    ks_sys_sleep(SETTLE_NS);
    struct ks_msg s = { .label = 77, .words = { 9, 8, 7 } };
    CHECK_EQ(ks_sys_ipc_send(ep, &s, KS_TIMEOUT_INFINITE), 0);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(KS_MSGINFO_LABEL(rx.m.info), 77);
    CHECK_EQ(KS_MSGINFO_WORDS(rx.m.info), KS_MSG_WORDS);
    CHECK(rx.m.words[0] == 9 && rx.m.words[1] == 8 && rx.m.words[2] == 7 && rx.m.words[3] == 0);
    /* Data or handles cannot reach a register receiver: the sender is
     * refused and the receiver keeps waiting for a message it can take. */
    start(&t, regs_receive_one, &rx);
    ks_sys_sleep(SETTLE_NS);
    struct ks_msg d = { .label = 1, .data = (uint64_t)(uintptr_t)send_buf, .data_len = 1 };
    CHECK_EQ(ks_sys_ipc_send(ep, &d, KS_TIMEOUT_POLL), -KS_ERR_INVALID_ARGUMENT);
    int64_t n = ks_sys_notification_create();
    struct ks_msg h = { .label = 2, .handle_count = 1, .handles = { n } };
    CHECK_EQ(ks_sys_ipc_send(ep, &h, KS_TIMEOUT_POLL), -KS_ERR_INVALID_ARGUMENT);
    struct ks_handle_info info;
    CHECK_EQ(ks_sys_handle_info(n, &info), 0);   /* not moved */
    struct ks_msg ok = { .label = 3 };
    CHECK_EQ(ks_sys_ipc_send(ep, &ok, KS_TIMEOUT_INFINITE), 0);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(KS_MSGINFO_LABEL(rx.m.info), 3);
    /* A struct label too big for a register message is refused. */
    struct ks_msg big = { .label = KS_MSG_LABEL_MAX + 1 };
    CHECK_EQ(ks_sys_ipc_send(ep, &big, KS_TIMEOUT_POLL), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

TEST(register_calls_refuse_bad_handles_rights_and_word_counts)
{
    int64_t ep = new_endpoint();
    int64_t n = ks_sys_notification_create();
    int64_t read_only = ks_sys_handle_duplicate(ep, KS_RIGHT_READ);
    int64_t write_only = ks_sys_handle_duplicate(ep, KS_RIGHT_WRITE);
    CHECK(n > 0 && read_only > 0 && write_only > 0);
    struct ks_regs_msg m = { .info = KS_MSGINFO(1, 0) };
    CHECK_EQ(ks_ipc_call_regs(0, &m), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_ipc_call_regs(12345, &m), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_ipc_call_regs(n, &m), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_ipc_call_regs(read_only, &m), -KS_ERR_DENIED);
    CHECK_EQ(ks_ipc_reply_recv_regs(write_only, &m), -KS_ERR_DENIED);
    CHECK_EQ(ks_ipc_reply_recv_regs(n, &m), -KS_ERR_WRONG_TYPE);
    m.info = KS_MSGINFO(1, KS_MSG_WORDS + 1);
    CHECK_EQ(ks_ipc_call_regs(ep, &m), -KS_ERR_INVALID_ARGUMENT);
    /* A closed handle is stale. */
    CHECK_EQ(ks_sys_handle_close(write_only), 0);
    m.info = KS_MSGINFO(1, 0);
    CHECK_EQ(ks_ipc_call_regs(write_only, &m), -KS_ERR_BAD_HANDLE);
    /* A server thread that ends holding a call fails it. */
    struct ks_thread t;
    struct regs_rx rx = { .ep = ep };
    start(&t, regs_receive_one, &rx);
    ks_sys_sleep(SETTLE_NS);
    struct client c = { ep, 0, 1, 0 };
    struct ks_thread tc;
    start(&tc, client_thread, &c);
    CHECK_EQ(join(&t), 0);            /* the server took the call ... */
    CHECK_EQ(ks_sys_handle_close(ep), 0);
    /* ... and ended without replying: the client learns it. */
    CHECK_EQ(join(&tc), -KS_ERR_PEER_GONE);
    CHECK_EQ(ks_sys_handle_close(read_only), 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
}

/* A server whose reply carries a bad count keeps owing the reply. */
static int64_t bad_then_good_server(void *arg)
{
    int64_t ep = (int64_t)(intptr_t)arg;
    struct ks_regs_msg m = { 0 };
    int64_t err = ks_ipc_reply_recv_regs(ep, &m);
    if (err < 0)
        return err;
    m.info = KS_MSGINFO(50, 15);
    if (ks_ipc_reply_recv_regs(ep, &m) != -KS_ERR_INVALID_ARGUMENT)
        return -1000;
    m.info = KS_MSGINFO(51, 1);
    m.words[0] = 42;
    struct ks_msg r = { .label = 51, .words = { 42 } };
    return ks_sys_ipc_reply(&r);
}

TEST(a_refused_register_reply_leaves_the_reply_owed)
{
    int64_t ep = new_endpoint();
    struct ks_thread t;
    start(&t, bad_then_good_server, (void *)(intptr_t)ep);
    struct ks_regs_msg m = { .info = KS_MSGINFO(1, 0) };
    CHECK_EQ(ks_ipc_call_regs(ep, &m), 0);
    CHECK_EQ(KS_MSGINFO_LABEL(m.info), 51);
    CHECK_EQ(m.words[0], 42);
    CHECK_EQ(join(&t), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
}

static int64_t take_and_exit(void *arg)
{
    struct regs_rx *r = arg;
    int64_t err = ks_ipc_reply_recv_regs(r->ep, &r->m);
    return err < 0 ? err : 17;  /* exits owing the reply */
}

TEST(register_peers_that_go_away_wake_the_other_side)
{
    int64_t ep = new_endpoint();
    struct ks_thread t;
    /* The server thread ends holding the call. */
    struct regs_rx rx = { .ep = ep };
    start(&t, take_and_exit, &rx);
    struct ks_regs_msg m = { .info = KS_MSGINFO(1, 2), .words = { 1, 2 } };
    CHECK_EQ(ks_ipc_call_regs(ep, &m), -KS_ERR_PEER_GONE);
    CHECK_EQ(join(&t), 17);
    /* The endpoint's last handle goes while a server waits on it. */
    rx.ep = ks_sys_handle_duplicate(ep, KS_RIGHTS_ALL);
    CHECK(rx.ep > 0);
    start(&t, regs_receive_one, &rx);
    ks_sys_sleep(SETTLE_NS);
    CHECK_EQ(ks_sys_handle_close(rx.ep), 0);
    CHECK_EQ(ks_sys_handle_close(ep), 0);
    CHECK_EQ(join(&t), -KS_ERR_PEER_GONE);
}
