/* SPDX-License-Identifier: MIT */
/*
 * Handles and notifications: a notification's bits accumulate until a
 * wait or poll takes (and clears) them; a wait times out, never early,
 * and a blocked waiter is woken by a signal from another thread; bits
 * signalled by racing threads reach racing waiters exactly once; handles
 * that were closed, are stale after their slot was reused, or never
 * existed are refused; duplicates carry fewer rights and never more;
 * revoke removes every derived handle in bounded steps; info tells the
 * truth; a waiter outlives the closing of its handle; thousands of
 * objects leave no frame behind; the handle quota is a clean error.
 */
#include "usertest.h"

#define HANDLE_QUOTA   1024   /* PROCESS_MAX_HANDLES of the kernel */
#define SLOT_MASK      ((1ull << 20) - 1)  /* the slot part of a handle value */
#define SIGNAL_ONLY    KS_RIGHT_SIGNAL
#define WAIT_ONLY      KS_RIGHT_WAIT

static int64_t new_notification(void)
{
    int64_t h = ks_sys_notification_create();
    CHECK(h > 0);
    return h;
}

TEST(notification_bits_accumulate_and_wait_clears_them)
{
    int64_t h = new_notification();
    uint64_t bits = 0xdead;
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits), -KS_ERR_TIMED_OUT);
    CHECK_EQ(ks_sys_notification_signal(h, 0x1), 0);
    CHECK_EQ(ks_sys_notification_signal(h, 0x4), 0);
    CHECK_EQ(ks_sys_notification_signal(h, 0x1), 0);
    CHECK_EQ(ks_sys_notification_signal(h, 0x8000000000000000ull), 0);
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits), 0);
    CHECK_EQ(bits, 0x8000000000000005ull);
    /* Taken: nothing is left for the next poll. */
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits), -KS_ERR_TIMED_OUT);
    /* Signalling no bits sets none. */
    CHECK_EQ(ks_sys_notification_signal(h, 0), 0);
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits), -KS_ERR_TIMED_OUT);
    /* A wait with a timeout returns at once when bits are set. */
    CHECK_EQ(ks_sys_notification_signal(h, 0x30), 0);
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_INFINITE, &bits), 0);
    CHECK_EQ(bits, 0x30);
    CHECK_EQ(ks_sys_handle_close(h), 0);
}

TEST(notification_wait_times_out_never_early)
{
    int64_t h = new_notification();
    uint64_t bits;
    for (int i = 0; i < 3; i++) {
        uint64_t start = ks_clock_ns();
        CHECK_EQ(ks_sys_notification_wait(h, 5 * NS_PER_MS, &bits), -KS_ERR_TIMED_OUT);
        CHECK(ks_clock_ns() - start >= 5 * NS_PER_MS);
    }
    CHECK_EQ(ks_sys_handle_close(h), 0);
}

struct waiter {
    int64_t handle;
    uint64_t timeout;
    uint64_t bits;
    int64_t result;
};

static int64_t wait_thread(void *arg)
{
    struct waiter *w = arg;
    int64_t r = ks_sys_notification_wait(w->handle, w->timeout, &w->bits);
    __atomic_store_n(&w->result, r, __ATOMIC_RELEASE);
    return r;
}

/* Start a thread waiting on handle and let it block. */
static bool start_waiter(struct ks_thread *t, struct waiter *w, int64_t handle, uint64_t timeout)
{
    w->handle = handle;
    w->timeout = timeout;
    w->bits = 0;
    w->result = 1;
    if (ks_thread_create(t, wait_thread, w, KS_PRIORITY_INHERIT, 0) <= 0)
        return false;
    ks_sleep_ns(20 * NS_PER_MS);
    struct ks_thread_info info;
    return ks_sys_thread_info(t->tid, &info) == 0 && info.state == KS_THREAD_BLOCKED;
}

/* Give the waiter 3 s to return, then join it.  A waiter that never
 * wakes is left blocked (the process's end takes it) so the suite goes
 * on and reports the failure instead of hanging. */
static bool finish_waiter(struct ks_thread *t, const struct waiter *w)
{
    uint64_t start = ks_clock_ns();
    while (__atomic_load_n(&w->result, __ATOMIC_ACQUIRE) == 1 &&
           ks_clock_ns() - start < 3000 * NS_PER_MS)
        ks_sleep_ns(NS_PER_MS);
    if (__atomic_load_n(&w->result, __ATOMIC_ACQUIRE) == 1)
        return false;
    return ks_thread_join(t, NULL) == 0;
}

TEST(blocked_waiter_is_woken_by_a_signal_and_gets_the_bits)
{
    int64_t h = new_notification();
    static struct ks_thread t;
    static struct waiter w;
    CHECK(start_waiter(&t, &w, h, KS_TIMEOUT_INFINITE));
    CHECK_EQ(ks_sys_notification_signal(h, 0x50), 0);
    CHECK(finish_waiter(&t, &w));
    CHECK_EQ(w.result, 0);
    CHECK_EQ(w.bits, 0x50);
    uint64_t bits;
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits), -KS_ERR_TIMED_OUT);

    /* A finite wait is cut short by the signal too. */
    uint64_t start = ks_clock_ns();
    CHECK(start_waiter(&t, &w, h, 5000 * NS_PER_MS));
    CHECK_EQ(ks_sys_notification_signal(h, 0x2), 0);
    CHECK(finish_waiter(&t, &w));
    CHECK_EQ(w.result, 0);
    CHECK_EQ(w.bits, 0x2);
    CHECK(ks_clock_ns() - start < 4000 * NS_PER_MS);
    CHECK_EQ(ks_sys_handle_close(h), 0);
}

struct bit_race {
    int64_t handle;
    unsigned first_bit;      /* signaller: its 8 bits start here */
    uint64_t taken;          /* collector: the bits it took */
    int duplicates;          /* collector: bits it took twice */
    uint32_t done;
};

static int64_t signal_eight_bits(void *arg)
{
    struct bit_race *r = arg;
    for (unsigned b = r->first_bit; b < r->first_bit + 8; b++) {
        if (ks_sys_notification_signal(r->handle, 1ull << b) != 0)
            return -1;
        ks_sys_yield();
    }
    return 0;
}

static void collect(struct bit_race *r, uint64_t timeout)
{
    uint64_t bits;
    if (ks_sys_notification_wait(r->handle, timeout, &bits) == 0) {
        r->duplicates += __builtin_popcountll(r->taken & bits);
        /* Atomic: the main thread watches the helper's bits. */
        __atomic_store_n(&r->taken, r->taken | bits, __ATOMIC_RELEASE);
    }
}

static int64_t collect_until_done(void *arg)
{
    struct bit_race *r = arg;
    while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE))
        collect(r, 2 * NS_PER_MS);
    collect(r, KS_TIMEOUT_POLL);
    return 0;
}

TEST(racing_signals_deliver_every_bit_exactly_once)
{
    /* Eight threads signal 64 distinct bits while two collectors wait:
     * each bit must reach exactly one of them, once. */
    static struct bit_race signallers[8], mine, helper;
    static struct ks_thread threads[8], helper_thread;
    int64_t h = new_notification();
    mine = (struct bit_race){ .handle = h };
    helper = (struct bit_race){ .handle = h };
    CHECK(ks_thread_create(&helper_thread, collect_until_done, &helper, KS_PRIORITY_INHERIT,
                           0) > 0);
    int bad = 0;
    for (unsigned i = 0; i < 8; i++) {
        signallers[i] = (struct bit_race){ .handle = h, .first_bit = i * 8 };
        bad += ks_thread_create(&threads[i], signal_eight_bits, &signallers[i],
                                KS_PRIORITY_INHERIT, 0) <= 0;
    }
    CHECK_EQ(bad, 0);
    uint64_t start = ks_clock_ns();
    while ((mine.taken | __atomic_load_n(&helper.taken, __ATOMIC_ACQUIRE)) != ~0ull &&
           ks_clock_ns() - start < 5000 * NS_PER_MS)
        collect(&mine, 2 * NS_PER_MS);
    for (unsigned i = 0; i < 8; i++) {
        int64_t value = -1;
        bad += ks_thread_join(&threads[i], &value) != 0 || value != 0;
    }
    __atomic_store_n(&helper.done, 1, __ATOMIC_RELEASE);
    CHECK_EQ(ks_thread_join(&helper_thread, NULL), 0);
    collect(&mine, KS_TIMEOUT_POLL);
    CHECK_EQ(bad, 0);
    CHECK_EQ(mine.taken | helper.taken, ~0ull);
    CHECK_EQ(mine.taken & helper.taken, 0);
    CHECK_EQ(mine.duplicates + helper.duplicates, 0);
    CHECK_EQ(ks_sys_handle_close(h), 0);
}

TEST(waiter_outlives_the_closing_of_its_handles)
{
    int64_t h = new_notification();
    int64_t waiting = ks_sys_handle_duplicate(h, WAIT_ONLY);
    int64_t signalling = ks_sys_handle_duplicate(h, SIGNAL_ONLY);
    CHECK(waiting > 0 && signalling > 0);
    static struct ks_thread t;
    static struct waiter w;
    CHECK(start_waiter(&t, &w, waiting, KS_TIMEOUT_INFINITE));
    /* The waiter's handle and the original go; the object stays for the
     * signalling handle and the waiter. */
    CHECK_EQ(ks_sys_handle_close(waiting), 0);
    CHECK_EQ(ks_sys_handle_close(h), 0);
    CHECK_EQ(ks_sys_notification_signal(signalling, 0x77), 0);
    CHECK(finish_waiter(&t, &w));
    CHECK_EQ(w.result, 0);
    CHECK_EQ(w.bits, 0x77);
    CHECK_EQ(ks_sys_handle_close(signalling), 0);

    /* Every handle closed under a waiter: it times out unharmed. */
    h = new_notification();
    CHECK(start_waiter(&t, &w, h, 100 * NS_PER_MS));
    CHECK_EQ(ks_sys_handle_close(h), 0);
    CHECK(finish_waiter(&t, &w));
    CHECK_EQ(w.result, -KS_ERR_TIMED_OUT);
}

TEST(closed_and_stale_handles_are_refused)
{
    int64_t h = new_notification();
    CHECK_EQ(ks_sys_handle_close(h), 0);
    uint64_t bits;
    struct ks_handle_info info;
    CHECK_EQ(ks_sys_notification_signal(h, 1), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_handle_info(h, &info), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_handle_close(h), -KS_ERR_BAD_HANDLE);

    /* The slot is reused by the next handle; the old value stays dead. */
    int64_t again = new_notification();
    CHECK((uint64_t)again != (uint64_t)h);
    CHECK_EQ((uint64_t)again & SLOT_MASK, (uint64_t)h & SLOT_MASK);
    CHECK_EQ(ks_sys_notification_signal(h, 1), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_handle_duplicate(h, SIGNAL_ONLY), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_handle_revoke(h), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_handle_close(h), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_notification_wait(again, KS_TIMEOUT_POLL, &bits), -KS_ERR_TIMED_OUT);
    CHECK_EQ(ks_sys_handle_close(again), 0);
}

TEST(malformed_handles_are_refused)
{
    static const int64_t bad[] = {
        0, -1, INT64_MIN, INT64_MAX, 1ll << 40, (int64_t)SLOT_MASK,
        (int64_t)(0xffffffffull << 20 | 1), 1ll << 52 | 1,
    };
    uint64_t bits;
    struct ks_handle_info info;
    int wrong = 0;
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t h = bad[i];
        int before = wrong;
        wrong += ks_sys_notification_signal(h, 1) != -KS_ERR_BAD_HANDLE;
        wrong += ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits) != -KS_ERR_BAD_HANDLE;
        wrong += ks_sys_handle_info(h, &info) != -KS_ERR_BAD_HANDLE;
        wrong += ks_sys_handle_duplicate(h, SIGNAL_ONLY) != -KS_ERR_BAD_HANDLE;
        wrong += ks_sys_handle_revoke(h) != -KS_ERR_BAD_HANDLE;
        wrong += ks_sys_handle_close(h) != -KS_ERR_BAD_HANDLE;
        if (wrong != before)
            printf("usertest: handle %#llx accepted\n", (unsigned long long)h);
    }
    CHECK_EQ(wrong, 0);
}

TEST(duplicates_carry_fewer_rights_never_more)
{
    int64_t h = new_notification();
    int64_t s = ks_sys_handle_duplicate(h, SIGNAL_ONLY);
    int64_t w = ks_sys_handle_duplicate(h, WAIT_ONLY);
    CHECK(s > 0 && w > 0 && s != h && w != s);
    uint64_t bits = 0;
    CHECK_EQ(ks_sys_notification_wait(s, KS_TIMEOUT_POLL, &bits), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_notification_signal(w, 1), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_notification_signal(s, 0x10), 0);
    CHECK_EQ(ks_sys_notification_wait(w, KS_TIMEOUT_POLL, &bits), 0);
    CHECK_EQ(bits, 0x10);

    /* Without the DUPLICATE right there is no duplicate at all. */
    CHECK_EQ(ks_sys_handle_duplicate(s, SIGNAL_ONLY), -KS_ERR_DENIED);
    int64_t d = ks_sys_handle_duplicate(h, SIGNAL_ONLY | KS_RIGHT_DUPLICATE);
    CHECK(d > 0);
    CHECK_EQ(ks_sys_handle_duplicate(d, SIGNAL_ONLY | WAIT_ONLY), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_sys_handle_duplicate(d, SIGNAL_ONLY | KS_RIGHT_MANAGE),
             -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_sys_handle_duplicate(h, KS_RIGHTS_ALL + 1), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_syscall6(KS_SYS_HANDLE_DUPLICATE, (uint64_t)h, 1ull << 40, 0, 0, 0, 0),
             -KS_ERR_INVALID_ARGUMENT);
    int64_t d2 = ks_sys_handle_duplicate(d, SIGNAL_ONLY);
    CHECK(d2 > 0);
    CHECK_EQ(ks_sys_notification_signal(d2, 0x20), 0);
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits), 0);
    CHECK_EQ(bits, 0x20);
    /* No rights at all is a subset too: such a handle can only be
     * looked at and closed. */
    int64_t none = ks_sys_handle_duplicate(h, 0);
    CHECK(none > 0);
    CHECK_EQ(ks_sys_notification_signal(none, 1), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_handle_close(h), 0);
    int64_t all[] = { s, w, d, d2, none };
    for (unsigned i = 0; i < 5; i++)
        CHECK_EQ(ks_sys_handle_close(all[i]), 0);
}

TEST(handle_info_tells_type_rights_and_object)
{
    int64_t h = new_notification();
    int64_t other = new_notification();
    int64_t s = ks_sys_handle_duplicate(h, SIGNAL_ONLY);
    struct ks_handle_info a, b, c;
    CHECK_EQ(ks_sys_handle_info(h, &a), 0);
    CHECK_EQ(ks_sys_handle_info(s, &b), 0);
    CHECK_EQ(ks_sys_handle_info(other, &c), 0);
    CHECK_EQ(a.type, KS_OBJECT_NOTIFICATION);
    CHECK_EQ(a.rights, KS_RIGHTS_ALL);
    CHECK_EQ(a.derived, 1);
    CHECK_EQ(b.type, KS_OBJECT_NOTIFICATION);
    CHECK_EQ(b.rights, SIGNAL_ONLY);
    CHECK_EQ(b.derived, 0);
    CHECK(a.object_id != 0);
    CHECK_EQ(b.object_id, a.object_id);
    CHECK(c.object_id != a.object_id);
    /* A handle with no rights may still be looked at. */
    int64_t none = ks_sys_handle_duplicate(h, 0);
    CHECK_EQ(ks_sys_handle_info(none, &b), 0);
    CHECK_EQ(b.rights, 0);
    CHECK_EQ(b.object_id, a.object_id);
    for (int i = 0; i < BAD_POINTER_COUNT; i++)
        check_fault("handle_info", bad_pointers[i],
                    ks_syscall6(KS_SYS_HANDLE_INFO, (uint64_t)h, bad_pointers[i], 0, 0, 0, 0));
    int64_t all[] = { h, other, s, none };
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(ks_sys_handle_close(all[i]), 0);
}

TEST(wait_checks_its_output_before_taking_bits)
{
    int64_t h = new_notification();
    CHECK_EQ(ks_sys_notification_signal(h, 0x9), 0);
    for (int i = 0; i < BAD_POINTER_COUNT; i++)
        check_fault("notification_wait", bad_pointers[i],
                    ks_syscall6(KS_SYS_NOTIFICATION_WAIT, (uint64_t)h, KS_TIMEOUT_INFINITE,
                                bad_pointers[i], 0, 0, 0));
    uint64_t bits = 0;
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits), 0);
    CHECK_EQ(bits, 0x9);
    CHECK_EQ(ks_sys_handle_close(h), 0);
}

TEST(revoke_removes_every_derived_handle)
{
    int64_t h = new_notification();
    int64_t a = ks_sys_handle_duplicate(h, KS_RIGHTS_ALL);
    int64_t b = ks_sys_handle_duplicate(a, SIGNAL_ONLY);
    int64_t c = ks_sys_handle_duplicate(h, WAIT_ONLY | KS_RIGHT_DUPLICATE);
    CHECK(a > 0 && b > 0 && c > 0);
    int64_t no_manage = ks_sys_handle_duplicate(a, KS_RIGHTS_ALL & ~KS_RIGHT_MANAGE);
    CHECK_EQ(ks_sys_handle_revoke(no_manage), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_handle_revoke(c), -KS_ERR_DENIED);
    CHECK_EQ(ks_sys_handle_revoke(h), 0);
    struct ks_handle_info info;
    int64_t gone[] = { a, b, c, no_manage };
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(ks_sys_handle_info(gone[i], &info), -KS_ERR_BAD_HANDLE);
    /* The revoked handle itself stays and works. */
    CHECK_EQ(ks_sys_handle_info(h, &info), 0);
    CHECK_EQ(info.derived, 0);
    uint64_t bits;
    CHECK_EQ(ks_sys_notification_signal(h, 3), 0);
    CHECK_EQ(ks_sys_notification_wait(h, KS_TIMEOUT_POLL, &bits), 0);
    CHECK_EQ(ks_sys_handle_revoke(h), 0);
    CHECK_EQ(ks_sys_handle_close(h), 0);
}

#define CHAIN 200

/* Revoke h until done: the number of calls, or -1 on an unexpected
 * result. */
static int revoke_all(int64_t h)
{
    for (int calls = 1; calls < 1000; calls++) {
        int64_t r = ks_sys_handle_revoke(h);
        if (r == 0)
            return calls;
        if (r != -KS_ERR_AGAIN)
            return -1;
    }
    return -1;
}

TEST(revoke_of_a_long_chain_runs_in_bounded_steps)
{
    static int64_t chain[CHAIN + 1];
    chain[0] = new_notification();
    int bad = 0;
    for (int i = 1; i <= CHAIN; i++) {
        chain[i] = ks_sys_handle_duplicate(chain[i - 1], KS_RIGHTS_ALL);
        bad += chain[i] <= 0;
    }
    CHECK_EQ(bad, 0);
    /* 200 handles at 64 a call: four calls, the first three -AGAIN. */
    int calls = revoke_all(chain[0]);
    CHECK(calls >= 4);
    struct ks_handle_info info;
    for (int i = 1; i <= CHAIN; i++)
        bad += ks_sys_handle_info(chain[i], &info) != -KS_ERR_BAD_HANDLE;
    CHECK_EQ(bad, 0);

    /* The same for a wide tree: 200 children of one handle. */
    for (int i = 1; i <= CHAIN; i++)
        bad += ks_sys_handle_duplicate(chain[0], SIGNAL_ONLY) <= 0;
    CHECK_EQ(bad, 0);
    CHECK_EQ(ks_sys_handle_info(chain[0], &info), 0);
    CHECK_EQ(info.derived, CHAIN);
    CHECK(revoke_all(chain[0]) >= 4);
    CHECK_EQ(ks_sys_handle_info(chain[0], &info), 0);
    CHECK_EQ(info.derived, 0);
    CHECK_EQ(ks_sys_handle_close(chain[0]), 0);
}

#define BATCH 500

/* Create BATCH notifications with a duplicate each, signal them, close
 * them all: the number of calls that failed. */
static int notification_batch(void)
{
    static int64_t handles[BATCH];
    int bad = 0;
    for (int i = 0; i < BATCH; i++) {
        handles[i] = ks_sys_notification_create();
        bad += handles[i] <= 0;
    }
    for (int i = 0; i < BATCH; i += 2) {
        int64_t d = ks_sys_handle_duplicate(handles[i], SIGNAL_ONLY);
        bad += d <= 0 || ks_sys_notification_signal(d, 1) != 0;
        bad += ks_sys_handle_close(d) != 0;
    }
    for (int i = 0; i < BATCH; i++)
        bad += ks_sys_handle_close(handles[i]) != 0;
    return bad;
}

TEST(two_thousand_notifications_leave_no_frame_behind)
{
    /* The first batch grows the handle table and the object caches to
     * what the rest needs; after it, nothing may change. */
    CHECK_EQ(notification_batch(), 0);
    struct ks_mem_info before, after;
    CHECK_EQ(ks_sys_mem_info(&before), 0);
    int bad = 0;
    for (int b = 0; b < 2000 / BATCH; b++)
        bad += notification_batch();
    CHECK_EQ(bad, 0);
    CHECK_EQ(ks_sys_mem_info(&after), 0);
    CHECK_EQ(after.free_frames, before.free_frames);
}

TEST(handle_quota_is_a_clean_error)
{
    static int64_t handles[HANDLE_QUOTA + 1];
    int count = 0;
    int64_t r = 0;
    while (count <= HANDLE_QUOTA) {
        r = ks_sys_notification_create();
        if (r <= 0)
            break;
        handles[count++] = r;
    }
    CHECK_EQ(r, -KS_ERR_DENIED);
    /* No other test leaves a handle open; the boot handles stay. */
    CHECK_EQ(count, HANDLE_QUOTA - (int)ks_start_info->handle_count);
    if (count > 0)
        CHECK_EQ(ks_sys_handle_duplicate(handles[0], SIGNAL_ONLY), -KS_ERR_DENIED);
    int bad = 0;
    for (int i = 0; i < count; i++)
        bad += ks_sys_handle_close(handles[i]) != 0;
    CHECK_EQ(bad, 0);
    int64_t h = new_notification();
    CHECK_EQ(ks_sys_handle_close(h), 0);
}
