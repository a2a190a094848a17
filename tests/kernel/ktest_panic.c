/* SPDX-License-Identifier: MIT */
/*
 * Deliberate crashes that prove the kernel's fatal paths report what a
 * developer needs.  They never return, so they run only when named on
 * the command line (ktest=NAME); tests/boot/cases.sh boots each one and
 * checks the serial log for the PANIC line, the decoded error, the
 * registers and a symbolised backtrace naming the test itself.
 */
#include <stdint.h>

#include "debug/panic.h"
#include "ktest/ktest.h"

/* Kept out of line so the backtrace has a frame of its own to name. */
static __attribute__((noinline)) void write_to_unmapped_address(void)
{
    /* Below 4 GiB nothing is mapped once the identity map is dropped. */
    volatile uint64_t *nowhere = (volatile uint64_t *)(uintptr_t)0xdead000;
    *nowhere = 0x4b45535452454cULL;
}

KTEST_CRASH(crash_kernel_page_fault_reports_panic)
{
    write_to_unmapped_address();
    return "a write to an unmapped address did not fault";
}

KTEST_CRASH(crash_explicit_panic_reports_backtrace)
{
    panic("deliberate panic from ktest (value %d)", 42);
}
