/* SPDX-License-Identifier: MIT */
/*
 * A tiny test harness for in-guest userspace suites (tests/user).
 * TEST(name) { ... } defines and registers a test (in the ks_tests
 * section the linker script keeps); CHECK(expr) and CHECK_EQ(a, b)
 * count one check each: a failure prints
 *   usertest: FAIL name: expr (file:line)
 * and the test goes on.  ks_test_run_all() runs every test in link
 * order, prints `usertest: PASS: name (N checks)` for a test without a
 * failure, and ends with exactly `usertest: N passed, N failed` (checks);
 * it returns the exit status: 0 when none failed, 1 otherwise.
 * Tests run one after another on the main thread; CHECK may be used
 * from other threads too (the counters are atomic).
 */
#ifndef KS_TEST_H
#define KS_TEST_H

#include <stdbool.h>
#include <stdint.h>

struct ks_test {
    const char *name;
    void (*fn)(void);
};

#define TEST(name)                                                                     \
    static void ks_test_fn_##name(void);                                               \
    static const struct ks_test ks_test_desc_##name                                    \
        __attribute__((used, section("ks_tests"), aligned(8))) = { #name,              \
                                                                   ks_test_fn_##name }; \
    static void ks_test_fn_##name(void)

/* Count one check; print a failure.  Returns ok. */
bool ks_test_check(bool ok, const char *expr, const char *file, int line);
/* The same, printing both values in the failure line. */
bool ks_test_check_eq(int64_t a, int64_t b, const char *expr, const char *file, int line);

#define CHECK(expr) ks_test_check(!!(expr), #expr, __FILE__, __LINE__)
#define CHECK_EQ(a, b) \
    ks_test_check_eq((int64_t)(a), (int64_t)(b), #a " == " #b, __FILE__, __LINE__)

/* Run every registered test; see above. */
int ks_test_run_all(const char *suite);

#endif /* KS_TEST_H */
