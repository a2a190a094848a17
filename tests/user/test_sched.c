/* SPDX-License-Identifier: MIT */
/*
 * Scheduling: round robin between busy threads of one priority on one
 * CPU (preemption), a higher-priority thread runs before its creator
 * continues and a lower one does not, sleeps never end early, yield
 * returns, priority and affinity changes show in thread_info.
 */
#include "usertest.h"

struct busy_state {
    volatile uint32_t stop;
    volatile uint64_t count[2];
};

struct busy_arg {
    struct busy_state *state;
    int index;
};

static int64_t busy_thread(void *p)
{
    struct busy_arg *arg = p;
    while (!arg->state->stop)
        arg->state->count[arg->index]++;
    return 0;
}

TEST(busy_threads_on_one_cpu_share_it)
{
    static struct busy_state state;
    struct busy_arg args[2] = { { &state, 0 }, { &state, 1 } };
    struct ks_thread t[2];
    for (int i = 0; i < 2; i++)
        CHECK(ks_thread_create(&t[i], busy_thread, &args[i], KS_PRIORITY_DEFAULT, 1) > 0);
    ks_sleep_ns(100 * NS_PER_MS);
    uint64_t first[2] = { state.count[0], state.count[1] };
    ks_sleep_ns(100 * NS_PER_MS);
    uint64_t second[2] = { state.count[0], state.count[1] };
    state.stop = 1;
    for (int i = 0; i < 2; i++)
        CHECK_EQ(ks_thread_join(&t[i], NULL), 0);
    CHECK(first[0] > 0 && first[1] > 0);
    CHECK(second[0] > first[0] && second[1] > first[1]);
}

static int64_t set_flag(void *p)
{
    *(volatile uint32_t *)p = 1;
    return 0;
}

TEST(priority_decides_who_runs_first_on_a_cpu)
{
    CHECK_EQ(ks_sys_thread_set_affinity(0, 1), 0);
    volatile uint32_t flag = 0;
    struct ks_thread t;
    CHECK(ks_thread_create(&t, set_flag, (void *)&flag, KS_PRIORITY_DEFAULT + 10, 1) > 0);
    CHECK_EQ(flag, 1);          /* it ran before create returned to us */
    CHECK_EQ(ks_thread_join(&t, NULL), 0);

    flag = 0;
    CHECK(ks_thread_create(&t, set_flag, (void *)&flag, KS_PRIORITY_DEFAULT - 10, 1) > 0);
    ks_yield();
    CHECK_EQ(flag, 0);          /* not while we can run */
    CHECK_EQ(ks_thread_join(&t, NULL), 0);
    CHECK_EQ(flag, 1);
    CHECK_EQ(ks_sys_thread_set_affinity(0, all_cpus_mask()), 0);
}

TEST(sleep_never_returns_early)
{
    for (int i = 0; i < 5; i++) {
        uint64_t start = ks_clock_ns();
        CHECK_EQ(ks_sys_sleep(10 * NS_PER_MS), 0);
        uint64_t slept = ks_clock_ns() - start;
        if (!CHECK(slept >= 10 * NS_PER_MS))
            printf("usertest: slept only %llu ns\n", (unsigned long long)slept);
    }
    CHECK_EQ(ks_sys_sleep(0), 0);
}

TEST(clock_and_yield_and_null)
{
    uint64_t a = ks_clock_ns();
    CHECK_EQ(ks_sys_yield(), 0);
    CHECK_EQ(ks_sys_null(), 0);
    uint64_t b = ks_clock_ns();
    CHECK(b >= a);
    CHECK(a > 0);
}

TEST(priority_changes_show_in_thread_info)
{
    struct ks_thread_info info;
    CHECK_EQ(ks_sys_thread_set_priority(0, 150), 0);
    CHECK(ks_sys_thread_info(0, &info) == 0 && info.priority == 150);
    CHECK_EQ(ks_sys_thread_set_priority(0, KS_PRIORITY_DEFAULT), 0);
    CHECK(ks_sys_thread_info(0, &info) == 0 && info.priority == KS_PRIORITY_DEFAULT);
}

TEST(affinity_moves_the_thread)
{
    unsigned cpus = ks_cpu_count();
    int moved_everywhere = 1;
    for (unsigned cpu = 0; cpu < cpus && cpu < 64; cpu++) {
        struct ks_thread_info info = { 0 };
        if (ks_sys_thread_set_affinity(0, 1ull << cpu) != 0 || ks_sys_thread_info(0, &info) != 0 ||
            info.cpu != cpu || info.cpu_mask != 1ull << cpu) {
            printf("usertest: affinity to CPU %u: thread_info says CPU %u mask %#llx\n", cpu,
                   info.cpu, (unsigned long long)info.cpu_mask);
            moved_everywhere = 0;
        }
    }
    CHECK(moved_everywhere);
    CHECK_EQ(ks_sys_thread_set_affinity(0, all_cpus_mask()), 0);
}

static int64_t report_cpu(void *arg)
{
    (void)arg;
    struct ks_thread_info info;
    if (ks_sys_thread_info(0, &info) != 0)
        return -1;
    return info.cpu;
}

TEST(created_threads_run_where_their_mask_says)
{
    unsigned last = ks_cpu_count() - 1;
    if (last > 63)
        last = 63;
    struct ks_thread t;
    int64_t cpu = -1;
    CHECK(ks_thread_create(&t, report_cpu, NULL, KS_PRIORITY_INHERIT, 1ull << last) > 0);
    CHECK_EQ(ks_thread_join(&t, &cpu), 0);
    CHECK_EQ(cpu, last);
}

/* Work stealing.  Y (CPUs 0 and 1, below our priority) is queued on
 * CPU 0, where we keep running and so never give way to it; X holds
 * CPU 1 until told to stop.  When X ends, CPU 1 has nothing of its own
 * and must take Y from CPU 0's queue.  We spin (never block) until Y
 * says where it ran, or give up after two seconds. */
struct steal_state {
    volatile uint32_t stop_x;
    volatile uint32_t y_ran;
    volatile uint32_t y_cpu;
};

static int64_t steal_holder(void *p)
{
    struct steal_state *s = p;
    while (!s->stop_x)
        ks_cpu_relax();
    return 0;
}

static int64_t steal_target(void *p)
{
    struct steal_state *s = p;
    struct ks_thread_info info;
    if (ks_sys_thread_info(0, &info) == 0)
        s->y_cpu = info.cpu;
    __atomic_store_n(&s->y_ran, 1, __ATOMIC_RELEASE);
    return 0;
}

TEST(an_idle_cpu_steals_queued_work)
{
    if (ks_cpu_count() < 2) {
        printf("usertest: an_idle_cpu_steals_queued_work: one CPU, nothing to steal from\n");
        return;
    }
    static struct steal_state s;
    s = (struct steal_state){ 0 };
    CHECK_EQ(ks_sys_thread_set_affinity(0, 1), 0);
    struct ks_thread x, y;
    CHECK(ks_thread_create(&x, steal_holder, &s, KS_PRIORITY_DEFAULT, 2) > 0);
    /* Let X take CPU 1 before Y is placed. */
    struct ks_thread_info info;
    uint64_t deadline = ks_clock_ns() + 2000 * NS_PER_MS;
    do
        CHECK_EQ(ks_sys_thread_info(x.tid, &info), 0);
    while (info.state != KS_THREAD_RUNNING && ks_clock_ns() < deadline);
    CHECK_EQ(info.state, KS_THREAD_RUNNING);
    CHECK(ks_thread_create(&y, steal_target, &s, KS_PRIORITY_DEFAULT - 10, 3) > 0);
    CHECK_EQ(ks_sys_thread_info(y.tid, &info), 0);
    CHECK_EQ(info.cpu, 0);      /* queued behind us: CPU 1 was busy */
    s.stop_x = 1;
    deadline = ks_clock_ns() + 2000 * NS_PER_MS;
    while (!__atomic_load_n(&s.y_ran, __ATOMIC_ACQUIRE) && ks_clock_ns() < deadline)
        ks_cpu_relax();
    uint32_t ran = s.y_ran;
    CHECK_EQ(ks_thread_join(&x, NULL), 0);
    CHECK_EQ(ks_thread_join(&y, NULL), 0);
    CHECK_EQ(ran, 1);           /* it ran while we never stopped: not on CPU 0 */
    CHECK_EQ(s.y_cpu, 1);
    CHECK_EQ(ks_sys_thread_set_affinity(0, all_cpus_mask()), 0);
}
