/* SPDX-License-Identifier: MIT */
/*
 * Kestrel in-kernel self-tests (HelenOS style).
 *
 * A test is a function returning NULL on success or a short string
 * saying what went wrong.  KTEST(name) defines one and registers it in
 * the .ktest_cases section, so the files in tests/kernel need no list;
 * they run in link order.  ktest_run() prints `ktest: PASS <name>` or
 * `ktest: FAIL <name>: <why>` per test and `ktest: N passed, N failed`,
 * and returns the failure count.  Boot CPU, after boot is complete.
 *
 * KTEST_CRASH(name) defines a test that proves a fatal path (a panic
 * report, say): it never returns, so it runs only when the command line
 * names it (`ktest=NAME`) and the boot test judges its output.
 */
#ifndef KESTREL_KTEST_KTEST_H
#define KESTREL_KTEST_KTEST_H

#include <stddef.h>

struct ktest_case {
    const char *name;
    const char *(*run)(void);
    unsigned long crashes;  /* nonzero: a KTEST_CRASH, run only by name */
};

#define KTEST_DEFINE(test_name, crash) \
    static const char *test_name(void); \
    static const struct ktest_case ktest_case_##test_name \
        __attribute__((used, section(".ktest_cases"), aligned(8))) = \
        { #test_name, test_name, crash }; \
    static const char *test_name(void)

#define KTEST(test_name)       KTEST_DEFINE(test_name, 0)
#define KTEST_CRASH(test_name) KTEST_DEFINE(test_name, 1)

/* Fail the test with `why` unless cond holds. */
#define KTEST_EXPECT(cond, why) do { if (!(cond)) return (why); } while (0)

/* Run every ordinary test, or with only != NULL just the test named by
 * the only_len bytes at only (unknown name: one failure). */
unsigned ktest_run(const char *only, size_t only_len);

#endif /* KESTREL_KTEST_KTEST_H */
