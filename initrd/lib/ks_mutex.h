/* SPDX-License-Identifier: MIT */
/*
 * A mutex for the threads of one process, on the kernel's futex calls.
 * The word holds 0 (free), 1 (held, nobody waits) or 2 (held, maybe
 * waiters): an uncontended lock and unlock are one atomic instruction
 * each and never enter the kernel.  A zeroed struct ks_mutex is an
 * unlocked mutex.  Not recursive; only the holder unlocks.
 */
#ifndef KS_MUTEX_H
#define KS_MUTEX_H

#include <stdbool.h>
#include <stdint.h>

struct ks_mutex {
    uint32_t state;     /* 0 free, 1 held, 2 held and contended */
};

void ks_mutex_lock(struct ks_mutex *m);
/* true when it took the mutex, false when someone holds it. */
bool ks_mutex_trylock(struct ks_mutex *m);
void ks_mutex_unlock(struct ks_mutex *m);

#endif /* KS_MUTEX_H */
