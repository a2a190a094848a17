/* SPDX-License-Identifier: MIT */
/*
 * Threads of the user runtime: ks_thread_create runs fn(arg) in a new
 * thread of this process (on a kernel-made stack of
 * KS_THREAD_STACK_SIZE); when fn returns, its value is the thread's
 * exit value, which ks_thread_join collects.  The struct ks_thread must
 * stay in place until the thread has started (keep it until the join).
 * A thread may also end early with ks_sys_thread_exit(value).
 */
#ifndef KS_THREAD_H
#define KS_THREAD_H

#include <stdint.h>

typedef int64_t (*ks_thread_fn)(void *arg);

struct ks_thread {
    ks_thread_fn fn;
    void *arg;
    int64_t tid;        /* > 0 once created */
};

/* priority: 0..KS_PRIORITY_MAX_USER or KS_PRIORITY_INHERIT; cpu_mask:
 * bit n allows CPU n, 0 any.  The new tid, or -KS_ERR_*. */
int64_t ks_thread_create(struct ks_thread *t, ks_thread_fn fn, void *arg, int priority,
                         uint64_t cpu_mask);
/* Wait for it to end and free it: 0 and *value (may be NULL), or -KS_ERR_*. */
int64_t ks_thread_join(struct ks_thread *t, int64_t *value);
/* This thread's id. */
int64_t ks_thread_self(void);

#endif /* KS_THREAD_H */
