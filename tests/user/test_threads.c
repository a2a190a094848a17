/* SPDX-License-Identifier: MIT */
/*
 * Threads and futexes: join returns the exit value (a return or an
 * explicit thread_exit) once and only once, never of the joiner itself;
 * futex wait checks the value and times out; a futex mutex keeps a
 * counter exact under four threads; thread_info and process_info tell
 * the truth; a thousand threads leave no frame behind.
 */
#include "usertest.h"

static int64_t return_arg(void *arg)
{
    return (int64_t)(intptr_t)arg;
}

static int64_t exit_early(void *arg)
{
    ks_sys_thread_exit((int64_t)(intptr_t)arg);
}

TEST(join_returns_the_exit_value_once)
{
    struct ks_thread t;
    int64_t value = 0;
    CHECK(ks_thread_create(&t, return_arg, (void *)1234, KS_PRIORITY_INHERIT, 0) > 0);
    CHECK_EQ(ks_thread_join(&t, &value), 0);
    CHECK_EQ(value, 1234);
    CHECK(ks_thread_join(&t, &value) < 0);
    struct ks_thread_info info;
    CHECK_EQ(ks_sys_thread_info(t.tid, &info), -KS_ERR_NOT_FOUND);

    CHECK(ks_thread_create(&t, exit_early, (void *)77, KS_PRIORITY_INHERIT, 0) > 0);
    CHECK_EQ(ks_thread_join(&t, &value), 0);
    CHECK_EQ(value, 77);
    CHECK_EQ(ks_sys_thread_join(t.tid, NULL, 0), -KS_ERR_NOT_FOUND);
}

TEST(join_self_is_refused)
{
    int64_t self = ks_thread_self();
    CHECK(self > 0);
    CHECK(ks_sys_thread_join(self, NULL, KS_TIMEOUT_POLL) < 0);
    CHECK(ks_sys_thread_join(0, NULL, KS_TIMEOUT_POLL) < 0);
}

static int64_t wait_for_word(void *p)
{
    uint32_t *word = p;
    while (__atomic_load_n(word, __ATOMIC_ACQUIRE) == 0)
        ks_sys_futex_wait(word, 0, KS_TIMEOUT_INFINITE);
    return 9;
}

TEST(futex_wait_checks_value_and_times_out)
{
    static uint32_t word = 5;
    CHECK_EQ(ks_sys_futex_wait(&word, 6, KS_TIMEOUT_INFINITE), -KS_ERR_AGAIN);
    uint64_t start = ks_clock_ns();
    CHECK_EQ(ks_sys_futex_wait(&word, 5, 5 * NS_PER_MS), -KS_ERR_TIMED_OUT);
    CHECK(ks_clock_ns() - start >= 5 * NS_PER_MS);
    CHECK_EQ(ks_sys_futex_wait(&word, 5, KS_TIMEOUT_POLL), -KS_ERR_TIMED_OUT);
    CHECK_EQ(ks_sys_futex_wake(&word, 1), 0);
}

TEST(futex_wake_wakes_a_waiter)
{
    static uint32_t word;
    struct ks_thread t;
    int64_t value = 0;
    CHECK(ks_thread_create(&t, wait_for_word, &word, KS_PRIORITY_INHERIT, 0) > 0);
    ks_sleep_ns(20 * NS_PER_MS);
    struct ks_thread_info info;
    CHECK(ks_sys_thread_info(t.tid, &info) == 0 && info.state == KS_THREAD_BLOCKED);
    __atomic_store_n(&word, 1, __ATOMIC_RELEASE);
    CHECK_EQ(ks_sys_futex_wake(&word, 1), 1);
    CHECK_EQ(ks_thread_join(&t, &value), 0);
    CHECK_EQ(value, 9);
}

struct counter {
    struct ks_mutex lock;
    uint64_t value;
};

static int64_t count_up(void *p)
{
    struct counter *c = p;
    for (int i = 0; i < 10000; i++) {
        ks_mutex_lock(&c->lock);
        uint64_t v = c->value;
        /* Widen the window a racing thread would need. */
        if ((i & 63) == 0)
            ks_yield();
        c->value = v + 1;
        ks_mutex_unlock(&c->lock);
    }
    return 0;
}

TEST(mutex_keeps_a_shared_counter_exact)
{
    static struct counter c;
    struct ks_thread t[4];
    for (int i = 0; i < 4; i++)
        CHECK(ks_thread_create(&t[i], count_up, &c, KS_PRIORITY_INHERIT, 0) > 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(ks_thread_join(&t[i], NULL), 0);
    CHECK_EQ(c.value, 40000);
    CHECK_EQ(c.lock.state, 0);
    CHECK(ks_mutex_trylock(&c.lock));
    CHECK(!ks_mutex_trylock(&c.lock));
    ks_mutex_unlock(&c.lock);
    CHECK_EQ(c.lock.state, 0);
}

static int contains(const char *haystack, size_t size, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= size; i++) {
        if (!strncmp(haystack + i, needle, n))
            return 1;
    }
    return 0;
}

TEST(info_calls_report_sane_values)
{
    struct ks_thread_info t;
    CHECK_EQ(ks_sys_thread_info(0, &t), 0);
    CHECK(ks_start_info != NULL);
    if (ks_start_info) {
        CHECK_EQ(t.tid, ks_start_info->tid);
        CHECK_EQ(t.pid, ks_start_info->pid);
        CHECK_EQ(ks_start_info->page_size, 4096);
        CHECK(ks_start_info->stack_size > 0);
    }
    CHECK_EQ(t.state, KS_THREAD_RUNNING);
    CHECK_EQ(t.priority, KS_PRIORITY_DEFAULT);
    CHECK(t.cpu < ks_cpu_count());
    CHECK(t.switches >= 1);

    struct ks_process_info p;
    CHECK_EQ(ks_sys_process_info(0, &p), 0);
    CHECK_EQ(p.pid, t.pid);
    CHECK(contains(p.name, sizeof(p.name), "usertest"));
    CHECK_EQ(p.threads, 1);
    CHECK(p.user_pages > 0);

    struct ks_mem_info m;
    CHECK_EQ(ks_sys_mem_info(&m), 0);
    CHECK_EQ(m.page_size, 4096);
    CHECK(m.total_frames > 0 && m.free_frames <= m.total_frames);
    CHECK(m.cpus >= 1 && (!ks_start_info || m.cpus == ks_start_info->cpus));
}

static int64_t dead_soon(void *arg)
{
    (void)arg;
    return 3;
}

TEST(thread_info_of_another_thread)
{
    /* Same CPU, lower priority: it cannot run (and end) before the join. */
    CHECK_EQ(ks_sys_thread_set_affinity(0, 1), 0);
    struct ks_thread t;
    CHECK(ks_thread_create(&t, dead_soon, NULL, KS_PRIORITY_DEFAULT - 1, 1) > 0);
    struct ks_thread_info info;
    CHECK_EQ(ks_sys_thread_info(t.tid, &info), 0);
    CHECK_EQ(info.tid, t.tid);
    CHECK_EQ(info.priority, KS_PRIORITY_DEFAULT - 1);
    CHECK_EQ(ks_sys_thread_set_priority(t.tid, KS_PRIORITY_DEFAULT - 2), 0);
    CHECK(ks_sys_thread_info(t.tid, &info) == 0 && info.priority == KS_PRIORITY_DEFAULT - 2);
    CHECK_EQ(info.state, KS_THREAD_READY);
    CHECK_EQ(ks_thread_join(&t, NULL), 0);
    CHECK_EQ(ks_sys_thread_set_affinity(0, all_cpus_mask()), 0);
}

#define BATCH 50

static int64_t quick_thread(void *arg)
{
    return (int64_t)(intptr_t)arg;
}

/* BATCH threads created, then all joined; counts what went wrong. */
static int run_batch(int first)
{
    struct ks_thread t[BATCH];
    int bad = 0, created = 0;
    for (int i = 0; i < BATCH; i++) {
        if (ks_thread_create(&t[i], quick_thread, (void *)(intptr_t)(first + i),
                             KS_PRIORITY_INHERIT, 0) <= 0)
            break;
        created++;
    }
    bad += BATCH - created;
    for (int i = 0; i < created; i++) {
        int64_t value = -1;
        if (ks_thread_join(&t[i], &value) != 0 || value != first + i)
            bad++;
    }
    return bad;
}

TEST(thousand_threads_leave_no_frame_behind)
{
    /* A first batch lets the kernel grow what it keeps (object caches,
     * page tables of the stack area); after it, nothing may change. */
    CHECK_EQ(run_batch(0), 0);
    struct ks_mem_info before, after;
    CHECK_EQ(ks_sys_mem_info(&before), 0);
    int bad = 0;
    for (int b = 0; b < 1000 / BATCH; b++)
        bad += run_batch(b * BATCH);
    CHECK_EQ(bad, 0);
    CHECK_EQ(ks_sys_mem_info(&after), 0);
    CHECK_EQ(after.free_frames, before.free_frames);
}
