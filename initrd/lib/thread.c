/* SPDX-License-Identifier: MIT */
/*
 * Threads; see ks_thread.h.  The kernel starts a thread at an entry
 * with one argument and no return address, so every thread enters at
 * ks_thread_entry, which aligns its stack and calls ks_thread_main:
 * that runs fn(arg) and turns the return into a thread exit.
 */
#include "ks.h"

__attribute__((noreturn, used)) void ks_thread_main(struct ks_thread *t);
void ks_thread_entry(void *t);

__asm__(".text\n"
        ".globl ks_thread_entry\n"
        ".type ks_thread_entry, @function\n"
        "ks_thread_entry:\n"
        "    xorl %ebp, %ebp\n"
        "    andq $-16, %rsp\n"
        "    call ks_thread_main\n"
        "    ud2\n"
        ".size ks_thread_entry, . - ks_thread_entry\n");

void ks_thread_main(struct ks_thread *t)
{
    ks_sys_thread_exit(t->fn(t->arg));
}

int64_t ks_thread_create(struct ks_thread *t, ks_thread_fn fn, void *arg, int priority,
                         uint64_t cpu_mask)
{
    t->fn = fn;
    t->arg = arg;
    t->tid = 0;
    int64_t tid = ks_sys_thread_create(ks_thread_entry, t, priority, cpu_mask);
    if (tid > 0)
        t->tid = tid;
    return tid;
}

int64_t ks_thread_join(struct ks_thread *t, int64_t *value)
{
    return ks_sys_thread_join(t->tid, value, KS_TIMEOUT_INFINITE);
}

int64_t ks_thread_self(void)
{
    struct ks_thread_info info;
    int64_t err = ks_sys_thread_info(0, &info);
    return err < 0 ? err : info.tid;
}

/* At start (crt0): KS_PRIORITY=N in the environment (init's manifest,
 * priority=N) is the main thread's priority; the variable is removed so
 * the program's own children do not take it.  A bad value is ignored. */
void ks_start_priority(void)
{
    const char *v = getenv("KS_PRIORITY");
    if (!v)
        return;
    char *end;
    unsigned long p = strtoul(v, &end, 10);
    if (end != v && *end == '\0' && p <= KS_PRIORITY_MAX_USER)
        ks_sys_thread_set_priority(0, (int)p);
    unsetenv("KS_PRIORITY");
}
