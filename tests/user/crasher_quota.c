/* SPDX-License-Identifier: MIT */
/*
 * crasher's quota kinds (tests/user/test_quota.c) (run by the tests named in each kind).
 *
 *   quota-handles                  creates notifications until its handle
 *                                  quota refuses one: exits 0 when that
 *                                  was -KS_ERR_DENIED exactly at its limit
 *                                  and a slot freed is usable again
 *   quota-threads                  creates threads (each exits at once,
 *                                  none joined) until the thread quota
 *                                  refuses one: exits 0 when that was
 *                                  -KS_ERR_DENIED with its usage at what it
 *                                  made, and a joined slot is usable again
 *   quota-tree                     holds 3 threads, then spawns `crasher
 *                                  quota-memory` and exits with its status
 *                                  (its creator limits it to 6 threads, so
 *                                  the grandchild is refused after 2 threads
 *                                  of its own: 12)
 *   quota-memory                   creates threads that sleep until the
 *                                  process ends, until refused: exits with
 *                                  10 + the threads made when that was
 *                                  -KS_ERR_DENIED (its creator set a memory
 *                                  limit for so many stacks)
 *   quota-kernel                   creates notifications until refused:
 *                                  exits with 10 + the number made when
 *                                  that was -KS_ERR_DENIED below its handle
 *                                  limit (the kernel-memory limit bound)
 */
#include "crasher.h"

/* Creates notifications until refused; exit status 0 when the handle
 * quota refused (DENIED) at its limit and a freed slot works again. */
static int quota_handles(void)
{
    struct ks_process_usage usage;
    if (ks_sys_process_usage(0, &usage) != 0)
        return 4;
    uint32_t made = 0;
    int64_t h, last = 0;
    while ((h = ks_sys_notification_create()) > 0 && made <= usage.limits.handles) {
        last = h;
        made++;
    }
    if (h != -KS_ERR_DENIED)
        return 5;
    if (made + usage.used.handles != usage.limits.handles)
        return 6;
    if (ks_sys_handle_close(last) != 0 || ks_sys_notification_create() <= 0)
        return 7;
    return 0;
}

static void exit_at_once(void *arg)
{
    (void)arg;
    ks_sys_thread_exit(0);
}

/* Creates threads until refused; exit status 0 when the quota refused
 * (DENIED), its usage counts every thread made (dead, not joined) and
 * one join makes room for one more. */
static int quota_threads(void)
{
    static int64_t tids[1024];
    uint32_t made = 0;
    int64_t tid;
    while ((tid = ks_sys_thread_create(exit_at_once, NULL, KS_PRIORITY_INHERIT, 0)) > 0) {
        if (made == sizeof(tids) / sizeof(tids[0]))
            return 4;
        tids[made++] = tid;
    }
    if (tid != -KS_ERR_DENIED || made == 0)
        return 5;
    struct ks_process_usage usage;
    if (ks_sys_process_usage(0, &usage) != 0 || usage.used.threads != made + 1)
        return 6;
    if (ks_sys_thread_join(tids[0], NULL, KS_TIMEOUT_INFINITE) != 0)
        return 7;
    /* The joined thread gives its place back once its CPU has left its
     * stack, which on another CPU may be a moment after the join. */
    for (int tries = 0; tries < 1000; tries++) {
        tid = ks_sys_thread_create(exit_at_once, NULL, KS_PRIORITY_INHERIT, 0);
        if (tid != -KS_ERR_DENIED)
            break;
        ks_sys_sleep(1000 * 1000);
    }
    if (tid <= 0 || ks_sys_thread_create(exit_at_once, NULL, KS_PRIORITY_INHERIT, 0) !=
                        -KS_ERR_DENIED)
        return 8;
    return 0;
}

/* ---- memory objects (tests/user/test_memory.c) ---- */

static void sleep_until_killed(void *arg)
{
    (void)arg;
    for (;;)
        ks_sys_sleep(1000ull * 1000 * 1000);
}

/* A grandchild's threads count against this process's limit too: with
 * 3 of 6 held here, `quota-memory` below gets 2 besides its main one. */
static int quota_tree(void)
{
    for (int i = 0; i < 2; i++)
        if (ks_sys_thread_create(sleep_until_killed, NULL, KS_PRIORITY_INHERIT, 0) <= 0)
            return 4;
    struct ks_process_usage usage;
    if (ks_sys_process_usage(0, &usage) != 0 || usage.used.threads != 3)
        return 5;
    const char *argv[] = { "bin/crasher", "quota-memory" };
    int64_t child = ks_sys_spawn("bin/crasher", argv, 2, NULL, 0);
    if (child < 0)
        return 6;
    struct ks_exit_status status;
    if (ks_sys_wait(child, &status, KS_TIMEOUT_INFINITE) < 0 ||
        status.reason != KS_EXIT_NORMAL)
        return 7;
    return status.status;
}

/* Threads until refused: 10 + how many, when the refusal was DENIED. */
static int quota_memory(void)
{
    int made = 0;
    int64_t tid;
    while ((tid = ks_sys_thread_create(sleep_until_killed, NULL, KS_PRIORITY_INHERIT, 0)) > 0)
        if (++made > 200)
            return 4;
    return tid == -KS_ERR_DENIED ? 10 + made : 5;
}

/* Notifications until refused: 10 + how many, when the refusal was
 * DENIED while handle slots were still free. */
static int quota_kernel(void)
{
    int made = 0;
    int64_t h;
    while ((h = ks_sys_notification_create()) > 0)
        if (++made > 200)
            return 4;
    struct ks_process_usage usage;
    if (h != -KS_ERR_DENIED || ks_sys_process_usage(0, &usage) != 0 ||
        usage.used.handles >= usage.limits.handles)
        return 5;
    return 10 + made;
}

int crasher_quota(const char *kind)
{
    if (!strcmp(kind, "quota-handles"))
        return quota_handles();
    else if (!strcmp(kind, "quota-threads"))
        return quota_threads();
    else if (!strcmp(kind, "quota-tree"))
        return quota_tree();
    else if (!strcmp(kind, "quota-memory"))
        return quota_memory();
    else if (!strcmp(kind, "quota-kernel"))
        return quota_kernel();
    return 2;
}
