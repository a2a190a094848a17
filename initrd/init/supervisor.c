/* SPDX-License-Identifier: MIT */
/*
 * Starting services and keeping them running (docs/init.md).  Each
 * start builds the service's start handles afresh from its manifest
 * capabilities (the endpoints are init's and stay the same across
 * restarts; device capabilities are made new and init drops its own
 * copies, so a dead driver's interrupt line and ports are free again
 * once its process is gone).  Ends are noticed by polling each process
 * with ks_sys_wait from the main loop.
 */
#include "init.h"
#include "ks_memory.h"

static uint64_t names_first_start;      /* 0: the name service never started */
static uint64_t power_mask;             /* services running when POWER began */

struct endpoint *endpoint_find(const char *name)
{
    for (uint32_t i = 0; i < g.ep_count; i++)
        if (strcmp(g.ep[i].name, name) == 0)
            return &g.ep[i];
    return NULL;
}

static struct endpoint *endpoint_add(const char *name, ks_handle_t serve)
{
    struct endpoint *e = endpoint_find(name);
    if (e || g.ep_count == INIT_MAX_ENDPOINTS)
        return e;
    if (!serve) {
        int64_t h = ks_sys_endpoint_create();
        if (h < 0) {
            say("init: cannot create the endpoint of %s (%s)\n", name, ks_strerror(h));
            return NULL;
        }
        serve = h;
    }
    e = &g.ep[g.ep_count++];
    memcpy(e->name, name, strlen(name) + 1);
    e->serve = serve;
    int64_t client = ks_sys_handle_mint(serve, KS_RIGHT_WRITE | KS_RIGHT_DUPLICATE |
                                        KS_RIGHT_TRANSFER, KS_BADGE_CLIENT);
    e->client = client > 0 ? client : 0;
    return e;
}

struct service *service_by_pid(int64_t pid)
{
    for (uint32_t i = 0; i < g.count; i++)
        if (g.svc[i].pid == pid && g.svc[i].state == KS_SERVICE_RUNNING)
            return &g.svc[i];
    return NULL;
}

void supervisor_setup(void)
{
    int64_t err = ks_syscall3(KS_SYS_RESOURCE_INFO, (uint64_t)g.resource, KS_ARG(&g.res), 0);
    g.have_screen = err == 0 && g.res.screen.type != KS_FB_NONE && g.res.screen_size > 0;
    endpoint_add(MF_INIT_ENDPOINT, g.self);
    g.names = -1;
    g.count = g_manifest.order_count;
    for (uint32_t i = 0; i < g.count; i++) {
        struct service *s = &g.svc[i];
        memset(s, 0, sizeof(*s));
        s->m = &g_manifest.svc[g_manifest.order[i]];
        s->policy.restart = s->m->restart;
        s->policy.retries = s->m->retries;
        s->policy.backoff_ms = s->m->backoff_ms;
        policy_reset(&s->policy, &s->st);
        s->state = KS_SERVICE_WAITING;
        if (strcmp(s->m->name, MF_NAMES_SERVICE) == 0) {
            g.names = (int)i;
            endpoint_add(MF_NAMES_SERVICE, 0);
        }
        for (uint32_t c = 0; c < s->m->cap_count; c++)
            if (s->m->caps[c].kind == MF_CAP_SERVE) {
                struct endpoint *e = endpoint_add(s->m->caps[c].svc, 0);
                if (e && !s->ping)
                    s->ping = e->client;
            }
        /* Dependencies come earlier in the order: find them there. */
        for (uint32_t d = 0; d < s->m->dep_count; d++)
            for (uint32_t j = 0; j < i; j++)
                if (strcmp(g.svc[j].m->name, s->m->deps[d]) == 0)
                    s->deps[d] = j;
    }
    struct endpoint *names = endpoint_find(MF_NAMES_SERVICE);
    if (!names)
        return;
    int64_t h = ks_sys_handle_mint(names->serve, KS_RIGHT_WRITE | KS_RIGHT_DUPLICATE |
                                   KS_RIGHT_TRANSFER, KS_NAMES_BADGE_INIT);
    g.names_init = h > 0 ? h : 0;
    for (uint32_t i = 0; i < g.count; i++) {
        struct service *s = &g.svc[i];
        if ((int)i == g.names) {
            s->names = names->serve;
            s->ping = names->client;
        } else if (s->m->reg_count) {
            h = ks_sys_handle_mint(names->serve, KS_RIGHT_WRITE | KS_RIGHT_DUPLICATE |
                                   KS_RIGHT_TRANSFER, INIT_REGISTER_BADGE + i);
            s->names = h > 0 ? h : 0;
        } else {
            s->names = names->client;
        }
    }
}

/* One capability's handles into h (1 or 2); made ones also go to tmp. */
static uint32_t make_cap(const struct service *s, const struct mf_cap *c, ks_handle_t *h,
                         ks_handle_t *tmp, uint32_t *ntmp)
{
    const uint32_t client = KS_RIGHT_WRITE | KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER;
    int64_t r = 0, r2 = 0;
    struct endpoint *e;
    switch (c->kind) {
    case MF_CAP_SERVE:
        e = endpoint_find(c->svc);
        h[0] = e ? e->serve : 0;
        return 1;
    case MF_CAP_ENDPOINT:
    case MF_CAP_INIT:
        e = endpoint_find(c->svc);
        r = e ? ks_sys_handle_mint(e->serve, client, c->badge) : -KS_ERR_NOT_FOUND;
        break;
    case MF_CAP_INITRD:
        r = ks_sys_handle_duplicate(g.initrd, KS_RIGHT_READ | KS_RIGHT_MAP |
                                    KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER);
        break;
    case MF_CAP_RESOURCE:
        r = ks_sys_handle_duplicate(g.resource, KS_RIGHT_MANAGE | KS_RIGHT_DUPLICATE |
                                    KS_RIGHT_TRANSFER);
        break;
    case MF_CAP_IOPORTS:
        r = ks_sys_io_ports_create(g.resource, c->base, c->count);
        break;
    case MF_CAP_SCREEN:
        if (!g.have_screen) {
            h[0] = 0;
            return 1;
        }
        {
            uint64_t base = g.res.screen.base & ~0xFFFull;
            uint64_t size = (g.res.screen.base - base + g.res.screen_size + 0xFFF) & ~0xFFFull;
            r = ks_memory_create_physical(g.resource, base, size, 0);
        }
        break;
    case MF_CAP_IRQ:
        r = ks_sys_notification_create();
        if (r > 0) {
            tmp[(*ntmp)++] = r;
            r2 = ks_sys_interrupt_create(g.resource, c->base, r, 1);
            if (r2 > 0)
                tmp[(*ntmp)++] = r2;
            else
                say("init: %s: irq:%u: %s\n", s->m->name, c->base, ks_strerror(r2));
        }
        h[0] = r > 0 ? r : 0;
        h[1] = r2 > 0 ? r2 : 0;
        if (r <= 0)
            say("init: %s: irq:%u: %s\n", s->m->name, c->base, ks_strerror(r));
        return 2;
    }
    if (r > 0) {
        tmp[(*ntmp)++] = r;
        h[0] = r;
    } else {
        say("init: %s: capability %u: %s\n", s->m->name, (unsigned)(c - s->m->caps) + 1,
            ks_strerror(r));
        h[0] = 0;
    }
    return 1;
}

/* The start handles: the count; tmp lists what to close afterwards. */
static uint32_t build_handles(const struct service *s, ks_handle_t *h, ks_handle_t *tmp,
                              uint32_t *ntmp)
{
    uint32_t n = 0;
    bool is_names = (int)(s - g.svc) == g.names;
    h[n++] = s->names;
    for (uint32_t c = 0; c < s->m->cap_count && n < KS_START_HANDLES_MAX; c++) {
        const struct mf_cap *cap = &s->m->caps[c];
        if (is_names && cap->kind == MF_CAP_SERVE && strcmp(cap->svc, MF_NAMES_SERVICE) == 0)
            continue;
        if (cap->kind == MF_CAP_IRQ && n + 2 > KS_START_HANDLES_MAX)
            break;
        n += make_cap(s, cap, h + n, tmp, ntmp);
    }
    return n;
}

/* Create and start s's process: its handle, or -KS_ERR_*. */
static int64_t spawn(struct service *s)
{
    static char screen_arg[160], priority_env[24];
    const char *argv[MF_MAX_ARGS + 5];
    uint32_t argc = 0;
    argv[argc++] = s->m->name;
    for (uint32_t i = 0; i < s->m->argc; i++)
        argv[argc++] = mf_arg(s->m, i);
    for (uint32_t c = 0; c < s->m->cap_count; c++)
        if (s->m->caps[c].kind == MF_CAP_SCREEN && g.have_screen) {
            const struct ks_framebuffer *f = &g.res.screen;
            snprintf(screen_arg, sizeof(screen_arg), "%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u",
                     f->type, f->width, f->height, f->pitch, f->bpp, f->red_pos, f->red_size,
                     f->green_pos, f->green_size, f->blue_pos, f->blue_size);
            argv[argc++] = "--screen";
            argv[argc++] = screen_arg;
            break;
        }
    /* priority=N: the runtime gives its main thread that priority. */
    if (s->m->priority >= 0) {
        snprintf(priority_env, sizeof(priority_env), "KS_PRIORITY=%d", (int)s->m->priority);
        argv[argc++] = KS_ENV_MARK;
        argv[argc++] = priority_env;
    }
    ks_handle_t h[KS_START_HANDLES_MAX], tmp[2 * KS_START_HANDLES_MAX];
    uint32_t ntmp = 0;
    uint32_t n = build_handles(s, h, tmp, &ntmp);
    struct ks_process_create args = {
        .name = s->m->name, .argv = argv, .argc = argc, .handle_count = n, .handles = h,
    };
    int64_t r = ks_initrd_find(g.initrd, s->m->bin, &args.image_offset, &args.image_size);
    args.image = g.initrd;
    if (r == 0) {
        r = ks_process_create(&args);
        /* A kernel that refuses an empty slot gets a stand-in (a bare
         * notification), so the slots keep their numbers. */
        bool empty = false;
        for (uint32_t i = 0; i < n; i++)
            empty |= h[i] == 0;
        if (r == -KS_ERR_BAD_HANDLE && empty) {
            for (uint32_t i = 0; i < n; i++) {
                if (h[i])
                    continue;
                int64_t stand_in = ks_sys_notification_create();
                if (stand_in < 0)
                    break;      /* the create below fails as before */
                h[i] = stand_in;
                tmp[ntmp++] = stand_in;
            }
            r = ks_process_create(&args);
        }
    }
    if (r > 0) {
        int64_t err = ks_process_start(r);
        if (err < 0) {
            ks_sys_handle_close(r);
            r = err;
        }
    }
    for (uint32_t i = 0; i < ntmp; i++)
        ks_sys_handle_close(tmp[i]);
    return r;
}

static void schedule(struct service *s, uint64_t now, bool failure, uint64_t up_ns)
{
    if (g.powering) {
        s->state = KS_SERVICE_STOPPED;
        return;
    }
    int64_t delay = policy_on_end(&s->policy, &s->st, failure, s->kill_requested,
                                  up_ns / 1000000ull);
    if (delay >= 0) {
        s->state = KS_SERVICE_BACKOFF;
        s->restart_at_ns = now + MS_NS(delay);
    } else if (delay == POLICY_GIVE_UP) {
        s->state = KS_SERVICE_STOPPED;
        say("init: %s: gave up after %u restarts\n", s->m->name, s->st.streak);
    } else {
        s->state = KS_SERVICE_STOPPED;
        say("init: %s: not restarted (restart policy)\n", s->m->name);
    }
}

static void start(struct service *s, uint64_t now)
{
    int64_t r = spawn(s);
    if (r < 0) {
        say("init: %s: cannot start %s: %s\n", s->m->name, s->m->bin, ks_strerror(r));
        s->last_status = r;
        if (s->st.restarts == 0 && s->state == KS_SERVICE_WAITING) {
            s->state = KS_SERVICE_FAILED;
            return;
        }
        schedule(s, now, true, 0);
        return;
    }
    struct ks_process_info info;
    ks_mutex_lock(&g.lock);
    s->process = r;
    s->pid = ks_sys_process_info(r, &info) == 0 ? info.pid : -1;
    s->started_ns = now;
    s->kill_requested = false;
    s->hung = false;
    s->state = KS_SERVICE_RUNNING;
    ks_mutex_unlock(&g.lock);
    say("init: started %s (pid %lld)\n", s->m->name, (long long)s->pid);
    if ((int)(s - g.svc) == g.names) {
        if (!names_first_start)
            names_first_start = now;
        g.names_synced = false;
        g.names_dirty = true;
        ks_sys_notification_signal(g.wake, 1);
    }
}

static const char *vector_name(uint32_t v)
{
    static const char *const names[] = { "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD",
                                         "#NM", "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP",
                                         "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE",
                                         "#CP" };
    return v < sizeof(names) / sizeof(names[0]) ? names[v] : "#?";
}

/* s's process ended with st (NULL: its handle went bad). */
static void ended(struct service *s, const struct ks_exit_status *st, uint64_t now)
{
    const char *name = s->m->name;
    long long pid = (long long)s->pid;
    bool failure = true;
    if (!st) {
        say("init: %s (pid %lld) was lost\n", name, pid);
        s->last_status = INIT_STATUS_KILLED;
    } else if (st->reason == KS_EXIT_NORMAL) {
        say("init: %s (pid %lld) exited with status %d\n", name, pid, st->status);
        s->last_status = st->status;
        failure = st->status != 0;
    } else if (st->reason == KS_EXIT_FAULT) {
        uint64_t at = st->fault_vector == 14 ? st->fault_address : st->fault_rip;
        say("init: %s (pid %lld) died: fault %s at 0x%llx (vector %u)\n", name, pid,
            vector_name(st->fault_vector), (unsigned long long)at, st->fault_vector);
        s->last_status = -(int64_t)st->fault_vector;
    } else {
        say("init: %s (pid %lld) was killed\n", name, pid);
        s->last_status = INIT_STATUS_KILLED;
    }
    ks_mutex_lock(&g.lock);
    ks_sys_handle_close(s->process);
    s->process = 0;
    s->pid = 0;
    ks_mutex_unlock(&g.lock);
    if ((int)(s - g.svc) == g.names)
        g.names_synced = false;
    schedule(s, now, failure || s->hung, now - s->started_ns);
}

static bool deps_running(const struct service *s)
{
    for (uint32_t d = 0; d < s->m->dep_count; d++)
        if (g.svc[s->deps[d]].state != KS_SERVICE_RUNNING)
            return false;
    if (g.names < 0 || (int)(s - g.svc) == g.names || g.names_synced)
        return true;
    uint32_t names_state = g.svc[g.names].state;
    if (names_state == KS_SERVICE_FAILED || names_state == KS_SERVICE_STOPPED)
        return true;
    /* Wait a moment for the names to be registered, not for ever. */
    return names_first_start && ks_clock_ns() - names_first_start >= INIT_NAMES_WAIT_NS;
}

void supervisor_step(uint64_t now)
{
    for (uint32_t i = 0; i < g.count; i++) {
        struct service *s = &g.svc[i];
        if (s->state != KS_SERVICE_RUNNING)
            continue;
        struct ks_exit_status st;
        int64_t r = ks_sys_wait(s->process, &st, KS_TIMEOUT_POLL);
        if (r == 0)
            ended(s, &st, now);
        else if (r != -KS_ERR_TIMED_OUT)
            ended(s, NULL, now);
    }
    if (g.powering)
        return;
    for (uint32_t i = 0; i < g.count; i++) {
        struct service *s = &g.svc[i];
        if (s->state == KS_SERVICE_WAITING && deps_running(s)) {
            start(s, now);
        } else if (s->state == KS_SERVICE_BACKOFF && now >= s->restart_at_ns) {
            struct ks_mem_info mem;
            uint64_t free_frames = ks_sys_mem_info(&mem) == 0 ? mem.free_frames : 0;
            say("init: restarting %s (restart %u, free frames %llu)\n", s->m->name,
                s->st.restarts, (unsigned long long)free_frames);
            start(s, now);
        }
    }
}

uint64_t supervisor_next_due(uint64_t now)
{
    uint64_t due = INIT_RECV_NS;
    for (uint32_t i = 0; i < g.count; i++) {
        const struct service *s = &g.svc[i];
        if (s->state == KS_SERVICE_BACKOFF)
            due = s->restart_at_ns <= now ? 0 : (s->restart_at_ns - now < due ?
                                                 s->restart_at_ns - now : due);
        else if (s->state == KS_SERVICE_WAITING && g.names >= 0 && !g.names_synced &&
                 now - names_first_start <= INIT_NAMES_WAIT_NS)
            due = due < MS_NS(5) ? due : MS_NS(5);  /* the names are being registered */
    }
    return due ? due : 1;
}

void supervisor_kill(struct service *s, bool by_request)
{
    if (s->state != KS_SERVICE_RUNNING)
        return;
    s->kill_requested |= by_request;
    ks_sys_process_kill(s->process);
}

void supervisor_stop_all(void)
{
    g.powering = true;
    power_mask = 0;
    for (uint32_t i = g.count; i-- > 0;) {
        struct service *s = &g.svc[i];
        if (s->state != KS_SERVICE_RUNNING)
            continue;
        power_mask |= 1ull << i;
        say("init: stopping %s (pid %lld)\n", s->m->name, (long long)s->pid);
        ks_sys_process_kill(s->process);
        struct ks_exit_status st;
        if (ks_sys_wait(s->process, &st, MS_NS(500)) == 0)
            ended(s, &st, ks_clock_ns());
    }
}

void supervisor_resume_all(void)
{
    g.powering = false;
    uint64_t now = ks_clock_ns();
    for (uint32_t i = 0; i < g.count; i++) {
        struct service *s = &g.svc[i];
        if ((power_mask >> i) & 1 && s->state == KS_SERVICE_STOPPED) {
            s->state = KS_SERVICE_BACKOFF;
            s->restart_at_ns = now;
        }
    }
}
