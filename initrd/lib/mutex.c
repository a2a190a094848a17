/* SPDX-License-Identifier: MIT */
/*
 * The three-state futex mutex; see ks_mutex.h.  A locker that finds the
 * mutex held marks it contended (2) before sleeping, so the unlocker
 * knows it must wake someone; a woken locker takes it as contended too,
 * because it cannot know whether others still sleep (at worst one
 * needless wake).
 */
#include "ks_mutex.h"
#include "ks_syscall.h"

static uint32_t mutex_cas(struct ks_mutex *m, uint32_t expected, uint32_t desired)
{
    __atomic_compare_exchange_n(&m->state, &expected, desired, false, __ATOMIC_ACQUIRE,
                                __ATOMIC_RELAXED);
    return expected;
}

void ks_mutex_lock(struct ks_mutex *m)
{
    uint32_t seen = mutex_cas(m, 0, 1);
    if (seen == 0)
        return;
    do {
        if (seen == 2 || mutex_cas(m, 1, 2) != 0)
            ks_sys_futex_wait(&m->state, 2, KS_TIMEOUT_INFINITE);
    } while ((seen = mutex_cas(m, 0, 2)) != 0);
}

bool ks_mutex_trylock(struct ks_mutex *m)
{
    return mutex_cas(m, 0, 1) == 0;
}

void ks_mutex_unlock(struct ks_mutex *m)
{
    if (__atomic_fetch_sub(&m->state, 1, __ATOMIC_RELEASE) != 1) {
        __atomic_store_n(&m->state, 0, __ATOMIC_RELEASE);
        ks_sys_futex_wake(&m->state, 1);
    }
}
