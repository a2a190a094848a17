/* SPDX-License-Identifier: MIT */
/*
 * The threads that call services (init.h): the heartbeat pings every
 * running service that has an endpoint each INIT_PING_PERIOD_NS; the
 * registrar registers every service endpoint in the name service (and
 * allows the names of register=) whenever the name service starts, as
 * a new instance knows nothing.  A call can block as long as the callee
 * pleases, so each thread publishes whom it waits for; the main thread's
 * watchdog_check kills a callee that keeps one waiting too long, which
 * also ends the call (-KS_ERR_PEER_GONE).
 */
#include "init.h"

static struct ks_thread pinger_thread, registrar_thread;

/* A call of h (the service pid answers it) with *m, published in c. */
static int64_t call(struct caller *c, int64_t pid, ks_handle_t h, struct ks_msg *m)
{
    c->reported = false;
    __atomic_store_n(&c->since, ks_clock_ns(), __ATOMIC_SEQ_CST);
    __atomic_store_n(&c->pid, pid, __ATOMIC_SEQ_CST);
    /* Longer than INIT_ANSWER_NS: the main thread decides, not a timeout. */
    int64_t r = ks_sys_ipc_call(h, m, INIT_ANSWER_NS + MS_NS(1000));
    __atomic_store_n(&c->pid, 0, __ATOMIC_SEQ_CST);
    if (r == 0 && m->words[0] != 0)
        r = (int64_t)m->words[0];
    return r;
}

static int64_t pinger(void *arg)
{
    (void)arg;
    for (;;) {
        ks_sleep_ns(INIT_PING_PERIOD_NS);
        for (uint32_t i = 0; i < g.count; i++) {
            ks_mutex_lock(&g.lock);
            struct service *s = &g.svc[i];
            bool due = s->state == KS_SERVICE_RUNNING && s->ping && !g.powering &&
                       ks_clock_ns() - s->started_ns >= INIT_PING_GRACE_NS;
            int64_t pid = s->pid;
            ks_handle_t h = s->ping;
            ks_mutex_unlock(&g.lock);
            if (!due)
                continue;
            struct ks_msg m;
            memset(&m, 0, sizeof(m));
            m.label = KS_PROTO_PING;
            call(&g.pinger, pid, h, &m);
        }
    }
    return 0;
}

static int64_t names_call(int64_t pid, uint64_t label, uint64_t word, const char *name,
                          ks_handle_t handle)
{
    struct ks_msg m;
    memset(&m, 0, sizeof(m));
    m.label = label;
    m.words[1] = word;
    m.data = (uint64_t)(uintptr_t)name;
    m.data_len = (uint32_t)strlen(name);
    if (handle) {
        m.handles[0] = handle;
        m.handle_count = 1;
        m.copy_mask = 1;
    }
    return call(&g.registrar, pid, g.names_init, &m);
}

/* Register everything once: 0, or the first failure. */
static int64_t sync_names(int64_t pid)
{
    for (uint32_t i = 0; i < g.ep_count; i++) {
        const struct endpoint *e = &g.ep[i];
        if (!e->client || strcmp(e->name, MF_NAMES_SERVICE) == 0 ||
            strcmp(e->name, MF_INIT_ENDPOINT) == 0)
            continue;
        int64_t r = names_call(pid, KS_NAMES_REGISTER, 0, e->name, e->client);
        if (r < 0) {
            say("init: registering %s with the name service failed (%s)\n", e->name,
                ks_strerror(r));
            return r;
        }
    }
    for (uint32_t i = 0; i < g.count; i++)
        for (uint32_t n = 0; n < g.svc[i].m->reg_count; n++) {
            int64_t r = names_call(pid, KS_NAMES_ALLOW, INIT_REGISTER_BADGE + i,
                                   g.svc[i].m->reg[n], 0);
            if (r < 0) {
                say("init: allowing %s to register %s failed (%s)\n", g.svc[i].m->name,
                    g.svc[i].m->reg[n], ks_strerror(r));
                return r;
            }
        }
    return 0;
}

static int64_t registrar(void *arg)
{
    (void)arg;
    for (;;) {
        uint64_t bits;
        ks_sys_notification_wait(g.wake, MS_NS(200), &bits);
        if (!g.names_dirty || g.names < 0 || !g.names_init)
            continue;
        ks_mutex_lock(&g.lock);
        const struct service *names = &g.svc[g.names];
        int64_t pid = names->state == KS_SERVICE_RUNNING ? names->pid : 0;
        ks_mutex_unlock(&g.lock);
        if (!pid)
            continue;
        g.names_dirty = false;
        if (sync_names(pid) == 0) {
            g.names_synced = true;
            /* Wake the main loop, which holds back the other services
             * until now: a ping on init's own endpoint (the reply to a
             * send goes nowhere; when the loop is busy it sees the flag
             * on its next round anyway). */
            struct ks_msg wake = { .label = KS_PROTO_PING };
            ks_sys_ipc_send(g.self, &wake, KS_TIMEOUT_POLL);
            if (g.svc[g.names].st.restarts)
                say("init: names registered again with the name service (pid %lld)\n",
                    (long long)pid);
        } else {
            g.names_dirty = true;
            ks_sleep_ns(MS_NS(100));
        }
    }
    return 0;
}

void watchdog_start(void)
{
    if (ks_thread_create(&pinger_thread, pinger, NULL, KS_PRIORITY_INHERIT, 0) < 0)
        say("init: cannot start the heartbeat thread; services are not pinged\n");
    if (g.names >= 0 &&
        ks_thread_create(&registrar_thread, registrar, NULL, KS_PRIORITY_INHERIT, 0) < 0)
        say("init: cannot start the registrar thread; no names are registered\n");
}

static void check(struct caller *c, uint64_t now)
{
    int64_t pid = __atomic_load_n(&c->pid, __ATOMIC_SEQ_CST);
    uint64_t since = __atomic_load_n(&c->since, __ATOMIC_SEQ_CST);
    if (!pid || c->reported || now < since || now - since < INIT_ANSWER_NS)
        return;
    c->reported = true;
    struct service *s = service_by_pid(pid);
    if (!s)
        return;
    say("init: %s stopped answering; killing it\n", s->m->name);
    s->hung = true;
    supervisor_kill(s, false);
}

void watchdog_check(uint64_t now)
{
    check(&g.pinger, now);
    check(&g.registrar, now);
}
