/* SPDX-License-Identifier: MIT */
/*
 * The test harness's runner and check counters; see ks_test.h.  The
 * table is the ks_tests section between the linker script's
 * ks_tests_start and ks_tests_end.
 */
#include "ks.h"
#include "ks_test.h"

extern const struct ks_test ks_tests_start[];
extern const struct ks_test ks_tests_end[];

static const char *current_test = "?";
static const char *suite_name = "usertest";
static uint32_t checks_passed;
static uint32_t checks_failed;

bool ks_test_check(bool ok, const char *expr, const char *file, int line)
{
    if (ok) {
        __atomic_fetch_add(&checks_passed, 1, __ATOMIC_RELAXED);
    } else {
        __atomic_fetch_add(&checks_failed, 1, __ATOMIC_RELAXED);
        printf("%s: FAIL %s: %s (%s:%d)\n", suite_name, current_test, expr, file, line);
    }
    return ok;
}

bool ks_test_check_eq(int64_t a, int64_t b, const char *expr, const char *file, int line)
{
    if (a == b)
        return ks_test_check(true, expr, file, line);
    __atomic_fetch_add(&checks_failed, 1, __ATOMIC_RELAXED);
    printf("%s: FAIL %s: %s (%s:%d): %lld != %lld\n", suite_name, current_test, expr, file,
           line, (long long)a, (long long)b);
    return false;
}

int ks_test_run_all(const char *suite)
{
    suite_name = suite;
    for (const struct ks_test *t = ks_tests_start; t < ks_tests_end; t++) {
        uint32_t passed_before = checks_passed, failed_before = checks_failed;
        current_test = t->name;
        t->fn();
        uint32_t passed = checks_passed - passed_before;
        if (checks_failed == failed_before)
            printf("%s: PASS: %s (%u checks)\n", suite, t->name, passed);
    }
    printf("%s: %u passed, %u failed\n", suite, checks_passed, checks_failed);
    ks_log_flush();
    return checks_failed ? 1 : 0;
}
