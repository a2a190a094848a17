/* SPDX-License-Identifier: MIT */
/*
 * crashy: a service that crashes at once, for the scripted session
 * crashy.session.  init starts it from tests/session/etc/services.d/ with
 * restart=always and a high retry count, so the session can watch a
 * hundred crashes and restarts and check that the kernel's free memory
 * does not shrink across them (a process that dies must give back all
 * it had).  It reads a null pointer: a page fault, the commonest crash.
 */
#include <stdint.h>

int main(void)
{
    /* volatile: the compiler must not prove the load undefined and drop it. */
    volatile uint64_t *nothing = (volatile uint64_t *)0;
    return (int)*nothing;
}
