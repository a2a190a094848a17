/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the IPC tests (test_ipc.c, test_ipc_lifetime.c): an
 * endpoint, helper threads, message buffers, a server thread that
 * answers calls and a receiver thread.  Included once per test file.
 */
#ifndef KESTREL_TESTS_USER_IPC_TEST_H
#define KESTREL_TESTS_USER_IPC_TEST_H

#include "ks_ipc.h"
#include "usertest.h"

#define SETTLE_NS (10 * NS_PER_MS)   /* time for a helper thread to block */

/* Wait until thread tid is blocked (a helper server has reached its
 * receive), polling for at most 10 s: a fixed sleep is not enough on a
 * loaded host, where the emulated CPU may not run at all for a while. */
static __attribute__((unused)) void settle_until_blocked(int64_t tid)
{
    uint64_t start = ks_clock_ns();
    struct ks_thread_info info;
    ks_sys_sleep(NS_PER_MS);
    while (ks_sys_thread_info(tid, &info) == 0 && info.state != KS_THREAD_BLOCKED &&
           ks_clock_ns() - start < 10000 * NS_PER_MS)
        ks_sys_sleep(NS_PER_MS);
}

static __attribute__((unused)) uint8_t send_buf[KS_MSG_DATA_MAX];
static __attribute__((unused)) uint8_t recv_buf[KS_MSG_DATA_MAX];

static inline int64_t new_endpoint(void)
{
    int64_t h = ks_sys_endpoint_create();
    CHECK(h > 0);
    return h;
}

static inline void fill(uint8_t *buf, uint32_t len, uint8_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(seed + i * 7u + (i >> 8));
}

static inline int64_t start(struct ks_thread *t, ks_thread_fn fn, void *arg)
{
    int64_t tid = ks_thread_create(t, fn, arg, KS_PRIORITY_INHERIT, 0);
    CHECK(tid > 0);
    return tid;
}

static inline int64_t join(struct ks_thread *t)
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

static inline int64_t send_one(void *arg)
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

static inline void recv_into(struct ks_msg *m, uint32_t cap)
{
    memset(m, 0, sizeof(*m));
    m->data = (uint64_t)(uintptr_t)recv_buf;
    m->data_cap = cap;
}


struct server {
    int64_t ep;
    int calls;              /* how many to serve */
    int in_order;           /* calls that came with the label expected */
    uint8_t data[256];
};

static inline int64_t serve(void *arg)
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


struct receiver {
    int64_t ep;
    uint32_t cap;
    struct ks_msg m;
    uint8_t data[64];
};

static inline int64_t receive_one(void *arg)
{
    struct receiver *r = arg;
    memset(&r->m, 0, sizeof(r->m));
    r->m.data = (uint64_t)(uintptr_t)r->data;
    r->m.data_cap = r->cap;
    return ks_sys_ipc_recv(r->ep, &r->m, KS_TIMEOUT_INFINITE);
}


#endif /* KESTREL_TESTS_USER_IPC_TEST_H */
