/* SPDX-License-Identifier: MIT */
/*
 * The kernel lock (see kernel_lock.h): a ticket lock.  A try-lock fails
 * whenever a ticket is out, so a nested path on the holding CPU fails it
 * too, which is what interrupt handlers want.
 */
#include <stdint.h>
#include "arch.h"
#include "sched/kernel_lock.h"

struct kernel_lock kernel_lock_word;

__attribute__((no_caller_saved_registers)) void kernel_lock_wait(uint32_t ticket)
{
    while (__atomic_load_n(&kernel_lock_word.serving, __ATOMIC_ACQUIRE) != ticket)
        arch_interrupts_poll();
}

bool kernel_trylock(void)
{
    uint32_t serving = __atomic_load_n(&kernel_lock_word.serving, __ATOMIC_ACQUIRE);
    uint32_t expected = serving;
    return __atomic_compare_exchange_n(&kernel_lock_word.next, &expected, serving + 1, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
