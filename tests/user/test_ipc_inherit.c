/* SPDX-License-Identifier: MIT */
/*
 * Priority inheritance through IPC calls.  The classic inversion, on
 * CPU 0 alone: a high-priority client calls a low-priority server while
 * a medium-priority thread spins.  Without inheritance the server never
 * runs until the spinner gives up (2 s), so the reply would come after
 * it; with inheritance the server runs at the client's priority and the
 * reply comes first.  The same through a chain (the server calls a
 * second, lower server), with both register and struct ks_msg calls,
 * and each server reads its own priority while it handles the call:
 * the client's, then back to its own once it replied.
 */
#include "ipc_test.h"

#define P_CLIENT 150
#define P_HOG    100
#define P_SERVER 10
#define P_DEEP   5
#define HOG_LIMIT_NS (10000 * NS_PER_MS)  /* wall time under TCG: generous for a loaded host */

struct inversion {
    int64_t ep;               /* client -> server */
    int64_t ep2;              /* server -> deep server (the chain), or 0 */
    bool regs;                /* register calls, else struct ks_msg calls */
    volatile bool stop_hog;
    volatile bool hog_done;
    volatile bool reply_first;   /* the client's reply came before the hog ended */
    volatile int64_t server_priority;  /* as the server saw it, handling */
    volatile int64_t deep_priority;
    int64_t client_result;
};

static int64_t my_priority(void)
{
    struct ks_thread_info info;
    return ks_sys_thread_info(0, &info) == 0 ? info.priority : -1;
}

/* Receive one call on ep, note the priority, call on (when next), reply. */
static int64_t serve_one(int64_t ep, int64_t next, bool regs, volatile int64_t *seen)
{
    if (regs) {
        struct ks_regs_msg m = { 0 };
        int64_t err = ks_ipc_reply_recv_regs(ep, &m);
        if (err < 0)
            return err;
        *seen = my_priority();
        if (next) {
            struct ks_regs_msg n = { .info = KS_MSGINFO(2, 0) };
            if ((err = ks_ipc_call_regs(next, &n)) < 0)
                return err;
        }
        struct ks_msg r = { .label = 1 };
        return ks_sys_ipc_reply(&r);
    }
    struct ks_msg m;
    recv_into(&m, 0);
    int64_t err = ks_sys_ipc_recv(ep, &m, KS_TIMEOUT_INFINITE);
    if (err < 0)
        return err;
    *seen = my_priority();
    if (next) {
        struct ks_msg n = { .label = 2 };
        if ((err = ks_sys_ipc_call(next, &n, KS_TIMEOUT_INFINITE)) < 0)
            return err;
    }
    struct ks_msg r = { .label = 1 };
    return ks_sys_ipc_reply(&r);
}

static int64_t server_thread(void *arg)
{
    struct inversion *v = arg;
    return serve_one(v->ep, v->ep2, v->regs, &v->server_priority);
}

static int64_t deep_thread(void *arg)
{
    struct inversion *v = arg;
    return serve_one(v->ep2, 0, v->regs, &v->deep_priority);
}

static int64_t hog_thread(void *arg)
{
    struct inversion *v = arg;
    int64_t end = ks_sys_clock() + (int64_t)HOG_LIMIT_NS;
    while (!v->stop_hog && ks_sys_clock() < end)
        ;
    v->hog_done = true;
    return 0;
}

static int64_t client_thread(void *arg)
{
    struct inversion *v = arg;
    if (v->regs) {
        struct ks_regs_msg m = { .info = KS_MSGINFO(1, 1), .words = { 7 } };
        v->client_result = ks_ipc_call_regs(v->ep, &m);
    } else {
        struct ks_msg m = { .label = 1 };
        v->client_result = ks_sys_ipc_call(v->ep, &m, KS_TIMEOUT_INFINITE);
    }
    v->reply_first = !v->hog_done;
    return 0;
}

static int64_t start_on_cpu0(struct ks_thread *t, ks_thread_fn fn, void *arg, int priority)
{
    int64_t tid = ks_thread_create(t, fn, arg, priority, 1);
    CHECK(tid > 0);
    return tid;
}

static void run_inversion(bool chain, bool regs)
{
    struct inversion v = { .ep = new_endpoint(), .regs = regs };
    if (chain)
        v.ep2 = new_endpoint();
    v.server_priority = v.deep_priority = -1;
    /* The test thread outranks everything and stays on CPU 0 with them. */
    CHECK_EQ(ks_sys_thread_set_priority(0, P_CLIENT + 40), 0);
    CHECK_EQ(ks_sys_thread_set_affinity(0, 1), 0);
    struct ks_thread server, deep, hog, client;
    int64_t server_tid = start_on_cpu0(&server, server_thread, &v, P_SERVER);
    int64_t deep_tid = chain ? start_on_cpu0(&deep, deep_thread, &v, P_DEEP) : 0;
    settle_until_blocked(server_tid);             /* the servers wait */
    if (chain)
        settle_until_blocked(deep_tid);
    start_on_cpu0(&hog, hog_thread, &v, P_HOG);
    start_on_cpu0(&client, client_thread, &v, P_CLIENT);
    CHECK_EQ(join(&client), 0);                   /* the client and then the hog run */
    v.stop_hog = true;
    CHECK_EQ(join(&hog), 0);
    CHECK_EQ(join(&server), 0);
    if (chain)
        CHECK_EQ(join(&deep), 0);
    CHECK_EQ(v.client_result, 0);
    CHECK(v.reply_first);                         /* the inversion did not happen */
    CHECK_EQ(v.server_priority, P_CLIENT);        /* inherited while handling */
    if (chain)
        CHECK_EQ(v.deep_priority, P_CLIENT);      /* and down the chain */
    (void)server_tid;
    (void)deep_tid;
    CHECK_EQ(ks_sys_thread_set_affinity(0, all_cpus_mask()), 0);
    CHECK_EQ(ks_sys_thread_set_priority(0, KS_PRIORITY_DEFAULT), 0);
    CHECK_EQ(ks_sys_handle_close(v.ep), 0);
    if (chain)
        CHECK_EQ(ks_sys_handle_close(v.ep2), 0);
}

TEST(a_server_inherits_its_callers_priority_register_calls)
{
    run_inversion(false, true);
}

TEST(a_server_inherits_its_callers_priority_struct_calls)
{
    run_inversion(false, false);
}

TEST(priority_passes_down_a_chain_of_calls_register_calls)
{
    run_inversion(true, true);
}

TEST(priority_passes_down_a_chain_of_calls_struct_calls)
{
    run_inversion(true, false);
}

/* A server waiting for calls is back at its own priority, and a
 * priority set while it inherits applies once the call is over. */
static int64_t slow_server(void *arg)
{
    struct inversion *v = arg;
    struct ks_msg m;
    recv_into(&m, 0);
    int64_t err = ks_sys_ipc_recv(v->ep, &m, KS_TIMEOUT_INFINITE);
    if (err < 0)
        return err;
    /* Its own base moves to 20 while it inherits the caller's 150. */
    if (ks_sys_thread_set_priority(0, 20) < 0)
        return -1000;
    v->server_priority = my_priority();
    struct ks_msg r = { .label = 1 };
    err = ks_sys_ipc_reply(&r);
    v->deep_priority = my_priority();            /* after the reply */
    return err;
}

TEST(inherited_priority_ends_with_the_reply)
{
    struct inversion v = { .ep = new_endpoint() };
    CHECK_EQ(ks_sys_thread_set_priority(0, P_CLIENT + 40), 0);
    struct ks_thread server, client;
    start(&server, slow_server, &v);
    CHECK_EQ(ks_sys_thread_set_priority(server.tid, P_SERVER), 0);
    settle_until_blocked(server.tid);
    int64_t tid = ks_thread_create(&client, client_thread, &v, P_CLIENT, 0);
    CHECK(tid > 0);
    CHECK_EQ(join(&client), 0);
    CHECK_EQ(join(&server), 0);
    CHECK_EQ(v.client_result, 0);
    CHECK_EQ(v.server_priority, P_CLIENT);
    CHECK_EQ(v.deep_priority, 20);
    CHECK_EQ(ks_sys_thread_set_priority(0, KS_PRIORITY_DEFAULT), 0);
    CHECK_EQ(ks_sys_handle_close(v.ep), 0);
}
