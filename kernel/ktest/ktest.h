/* SPDX-License-Identifier: MIT */
/*
 * Kestrel in-kernel self-tests (HelenOS style).
 *
 * A test is a function returning NULL on success or a short string
 * saying what went wrong.  KTEST(name) defines one and registers it in
 * the .ktest_cases section, so the files in tests/kernel need no list;
 * they run in link order.  ktest_run_all() prints `ktest: PASS <name>` or
 * `ktest: FAIL <name>: <why>` per test and `ktest: N passed, N failed`,
 * and returns the failure count.  Boot CPU, after boot is complete.
 */
#ifndef KESTREL_KTEST_KTEST_H
#define KESTREL_KTEST_KTEST_H

#include <stddef.h>

struct ktest_case {
    const char *name;
    const char *(*run)(void);
};

#define KTEST(test_name) \
    static const char *test_name(void); \
    static const struct ktest_case ktest_case_##test_name \
        __attribute__((used, section(".ktest_cases"), aligned(8))) = \
        { #test_name, test_name }; \
    static const char *test_name(void)

/* Fail the test with `why` unless cond holds. */
#define KTEST_EXPECT(cond, why) do { if (!(cond)) return (why); } while (0)

unsigned ktest_run_all(void);

#endif /* KESTREL_KTEST_KTEST_H */
