/* SPDX-License-Identifier: MIT */
/*
 * The "init" protocol (ks_proto.h KS_INIT_*), served by the main thread
 * between its supervision steps: the shell's authority over services and
 * the machine.  Only holders of a mint of init's endpoint (the manifest's
 * `init` or `endpoint:init` capability) can call.
 */
#include "init.h"

static void reply_status(struct ks_msg *m, int64_t status)
{
    m->label = 0;
    m->words[0] = (uint64_t)status;
    m->data_len = 0;
    m->handle_count = 0;
    m->copy_mask = 0;
}

static void list(struct ks_msg *m, uint64_t index)
{
    static struct ks_service_info info;
    if (index >= g.count) {
        reply_status(m, -KS_ERR_NOT_FOUND);
        return;
    }
    const struct service *s = &g.svc[index];
    memset(&info, 0, sizeof(info));
    memcpy(info.name, s->m->name, strlen(s->m->name) + 1);
    memcpy(info.binary, s->m->bin, strlen(s->m->bin) + 1);
    info.pid = s->state == KS_SERVICE_RUNNING ? s->pid : 0;
    info.state = s->state;
    info.restarts = s->st.restarts;
    info.last_status = s->last_status;
    info.started_ns = s->started_ns;
    info.priority = s->m->priority >= 0 ? s->m->priority : KS_PRIORITY_DEFAULT;
    reply_status(m, 0);
    m->data = (uint64_t)(uintptr_t)&info;
    m->data_len = sizeof(info);
}

static void process(struct ks_msg *m, int64_t pid)
{
    struct service *s = service_by_pid(pid);
    if (!s) {
        reply_status(m, -KS_ERR_NOT_FOUND);
        return;
    }
    /* READ-only apart from TRANSFER, which the reply needs to carry it. */
    int64_t h = ks_sys_handle_duplicate(s->process, KS_RIGHT_READ | KS_RIGHT_TRANSFER);
    if (h < 0) {
        reply_status(m, h);
        return;
    }
    reply_status(m, 0);
    m->handles[0] = h;
    m->handle_count = 1;
}

static void power(struct ks_msg *m, uint64_t op)
{
    if (op != KS_POWER_OFF && op != KS_POWER_REBOOT) {
        reply_status(m, -KS_ERR_INVALID_ARGUMENT);
        return;
    }
    say(op == KS_POWER_OFF ? "init: powering off\n" : "init: rebooting\n");
    supervisor_stop_all();
    int64_t r = ks_syscall3(KS_SYS_POWER, (uint64_t)g.resource, op, 0);
    /* Still here: the machine refused; bring the services back. */
    say("init: the power operation failed (%s); services restart\n", ks_strerror(r));
    supervisor_resume_all();
    reply_status(m, r < 0 ? r : -KS_ERR_NOT_SUPPORTED);
}

void server_handle(struct ks_msg *m)
{
    /* Nothing here takes handles: drop any sent, never keep them. */
    for (uint32_t i = 0; i < m->handle_count && i < KS_MSG_HANDLES_MAX; i++)
        ks_sys_handle_close(m->handles[i]);
    uint64_t label = m->label, word = m->words[1];
    switch (label) {
    case KS_PROTO_PING:
        reply_status(m, 0);
        break;
    case KS_INIT_LIST:
        list(m, word);
        break;
    case KS_INIT_KILL: {
        struct service *s = service_by_pid((int64_t)word);
        if (s) {
            say("init: killing %s (pid %lld) on request\n", s->m->name, (long long)s->pid);
            supervisor_kill(s, true);
        }
        reply_status(m, s ? 0 : -KS_ERR_NOT_FOUND);
        break;
    }
    case KS_INIT_PROCESS:
        process(m, (int64_t)word);
        break;
    case KS_INIT_POWER:
        power(m, word);
        break;
    default:
        reply_status(m, -KS_ERR_NOT_SUPPORTED);
        break;
    }
    ks_sys_ipc_reply(m);
}
