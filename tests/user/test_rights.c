/* SPDX-License-Identifier: MIT */
/*
 * The rights matrix: every system call that takes a handle, tried with a
 * handle lacking exactly the right it needs (-KS_ERR_DENIED), with a
 * handle to the wrong kind of object (-KS_ERR_WRONG_TYPE), and with a
 * closed handle (-KS_ERR_BAD_HANDLE); then, as the control that makes
 * those refusals mean something, with every right (the call gets past
 * its checks: it succeeds or merely times out).  Nothing blocks: every
 * timeout is 0.
 */
#include "ks_ipc.h"
#include "usertest.h"

enum target { ON_NOTIFICATION, ON_ENDPOINT, ON_PROCESS };

struct matrix_row {
    const char *call;
    uint64_t number;
    enum target target;
    uint32_t right;          /* the one right the call needs */
    bool any_type;           /* the call takes a handle of any kind */
};

static const struct matrix_row rows[] = {
    { "notification_signal", KS_SYS_NOTIFICATION_SIGNAL, ON_NOTIFICATION, KS_RIGHT_SIGNAL, false },
    { "notification_wait", KS_SYS_NOTIFICATION_WAIT, ON_NOTIFICATION, KS_RIGHT_WAIT, false },
    { "handle_duplicate", KS_SYS_HANDLE_DUPLICATE, ON_NOTIFICATION, KS_RIGHT_DUPLICATE, true },
    { "handle_revoke", KS_SYS_HANDLE_REVOKE, ON_NOTIFICATION, KS_RIGHT_MANAGE, true },
    { "handle_mint", KS_SYS_HANDLE_MINT, ON_ENDPOINT, KS_RIGHT_DUPLICATE, false },
    { "ipc_send", KS_SYS_IPC_SEND, ON_ENDPOINT, KS_RIGHT_WRITE, false },
    { "ipc_call", KS_SYS_IPC_CALL, ON_ENDPOINT, KS_RIGHT_WRITE, false },
    { "ipc_recv", KS_SYS_IPC_RECV, ON_ENDPOINT, KS_RIGHT_READ, false },
    { "ipc_reply_recv", KS_SYS_IPC_REPLY_RECV, ON_ENDPOINT, KS_RIGHT_READ, false },
    { "process_info", KS_SYS_PROCESS_INFO, ON_PROCESS, KS_RIGHT_READ, false },
    { "wait", KS_SYS_WAIT, ON_PROCESS, KS_RIGHT_WAIT, false },
    { "process_kill", KS_SYS_PROCESS_KILL, ON_PROCESS, KS_RIGHT_MANAGE, false },
};

static uint64_t out_bits;
static struct ks_msg msg;
static struct ks_process_info info;
static struct ks_exit_status status;

/* The call with handle h and harmless other arguments (timeouts 0). */
static int64_t invoke(const struct matrix_row *row, int64_t h)
{
    uint64_t a1 = 0, a2 = 0;
    switch (row->number) {
    case KS_SYS_NOTIFICATION_SIGNAL: a1 = 1; break;
    case KS_SYS_NOTIFICATION_WAIT: a1 = 0; a2 = (uint64_t)(uintptr_t)&out_bits; break;
    case KS_SYS_HANDLE_DUPLICATE: a1 = KS_RIGHT_READ; break;
    case KS_SYS_HANDLE_MINT: a1 = KS_RIGHT_WRITE; a2 = 7; break;
    case KS_SYS_IPC_SEND: case KS_SYS_IPC_CALL: case KS_SYS_IPC_RECV: case KS_SYS_IPC_REPLY_RECV:
        msg = (struct ks_msg){ 0 };
        a1 = (uint64_t)(uintptr_t)&msg;
        a2 = KS_TIMEOUT_POLL;
        break;
    case KS_SYS_PROCESS_INFO: a1 = (uint64_t)(uintptr_t)&info; break;
    case KS_SYS_WAIT: a1 = (uint64_t)(uintptr_t)&status; a2 = KS_TIMEOUT_POLL; break;
    default: break;
    }
    return ks_syscall6(row->number, (uint64_t)h, a1, a2, 0, 0, 0);
}

static bool past_the_checks(int64_t r)
{
    return r != -KS_ERR_DENIED && r != -KS_ERR_WRONG_TYPE && r != -KS_ERR_BAD_HANDLE &&
           r != -KS_ERR_NOT_SUPPORTED;
}

static void report(const struct matrix_row *row, const char *what, int64_t got)
{
    printf("usertest: rights matrix: %s %s gave %lld\n", row->call, what, (long long)got);
}

TEST(every_handle_call_checks_type_rights_and_liveness)
{
    int64_t objects[3];
    objects[ON_NOTIFICATION] = ks_sys_notification_create();
    objects[ON_ENDPOINT] = ks_sys_endpoint_create();
    const char *argv[] = { "crasher", "sleep-forever" };
    objects[ON_PROCESS] = ks_sys_spawn("bin/crasher", argv, 2, NULL, 0);
    for (int i = 0; i < 3; i++)
        CHECK(objects[i] > 0);
    unsigned n = sizeof(rows) / sizeof(rows[0]);
    for (unsigned i = 0; i < n; i++) {
        const struct matrix_row *row = &rows[i];
        int64_t full = objects[row->target];
        /* A duplicate keeps a subset of the source's rights (a process
         * handle does not have them all). */
        struct ks_handle_info hi = { 0 };
        CHECK_EQ(ks_sys_handle_info(full, &hi), 0);
        CHECK(hi.rights & row->right);
        int64_t lacking = ks_sys_handle_duplicate(full, hi.rights & ~row->right);
        CHECK(lacking > 0);
        int64_t r = invoke(row, lacking);
        if (!CHECK_EQ(r, -KS_ERR_DENIED))
            report(row, "without its right", r);
        ks_sys_handle_close(lacking);

        if (!row->any_type) {
            int64_t other = objects[row->target == ON_NOTIFICATION ? ON_ENDPOINT : ON_NOTIFICATION];
            r = invoke(row, other);
            if (!CHECK_EQ(r, -KS_ERR_WRONG_TYPE))
                report(row, "on the wrong object", r);
        }

        int64_t closed = ks_sys_handle_duplicate(full, hi.rights);
        CHECK(closed > 0);
        CHECK_EQ(ks_sys_handle_close(closed), 0);
        r = invoke(row, closed);
        if (!CHECK_EQ(r, -KS_ERR_BAD_HANDLE))
            report(row, "on a closed handle", r);
    }
    /* The controls, in table order: kill comes last. */
    for (unsigned i = 0; i < n; i++) {
        const struct matrix_row *row = &rows[i];
        int64_t r = invoke(row, objects[row->target]);
        if (!CHECK(past_the_checks(r)))
            report(row, "with every right", r);
        if ((row->number == KS_SYS_HANDLE_DUPLICATE || row->number == KS_SYS_HANDLE_MINT) && r > 0)
            ks_sys_handle_close(r);
    }
    CHECK_EQ(ks_sys_wait(objects[ON_PROCESS], &status, 5000 * NS_PER_MS), 0);
    CHECK_EQ(status.reason, KS_EXIT_KILLED);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(ks_sys_handle_close(objects[i]), 0);
}
