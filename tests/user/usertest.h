/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the userspace test suite (the tests/user test files): the
 * addresses every pointer-taking call must refuse, CPU masks, and
 * running bin/crasher.  The suite's tests register with TEST() of
 * ks_test.h and run on usertest's main thread, one after another.
 */
#ifndef KESTREL_TESTS_USERTEST_H
#define KESTREL_TESTS_USERTEST_H

#include <stdint.h>
#include "ks.h"
#include "ks_test.h"

#define NS_PER_MS 1000000ull

#define ADDR_KERNEL        0xffffffff80000000ull
#define ADDR_NONCANON_LOW  0x0000800000000000ull
#define ADDR_NONCANON_HIGH 0x8000000000000000ull
#define ADDR_USER_TOP      0x0000800000000000ull   /* end of the user half */
#define ADDR_UNMAPPED      0x0000600000000000ull   /* nothing is mapped here */

/* Pointers no call may accept: NULL, kernel, non-canonical (both
 * sides), unmapped user memory. */
#define BAD_POINTER_COUNT 5
extern const uint64_t bad_pointers[BAD_POINTER_COUNT];

/* Check result == -KS_ERR_FAULT, naming the call and the address. */
void check_fault(const char *call, uint64_t address, int64_t result);
/* Check result == expected, naming the call and its argument. */
void check_result(const char *call, uint64_t argument, int64_t result, int64_t expected);

/* Bit n for every CPU online. */
uint64_t all_cpus_mask(void);

/* Run bin/crasher KIND and wait for it (30 s at most; one still running
 * then is killed): 0 and *status, or the error of spawn, wait or close.
 * The process handle is closed either way. */
int64_t run_crasher(const char *kind, struct ks_exit_status *status);

#endif /* KESTREL_TESTS_USERTEST_H */
