/* SPDX-License-Identifier: MIT */
/*
 * Minimal host unit-test harness for Kestrel's pure kernel/loader logic.
 *
 * Each tests/unit/test_*.c is one program built for the host with
 * -fsanitize=address,undefined.  It defines test functions with
 * UNIT_TEST(name) and lists them in UNIT_MAIN(...).  Every test prints
 * exactly one line, "PASS: <file>: <name>" or
 * "FAIL: <file>: <name>: <where>: <what>", which tests/run-tests counts.
 * The program exits 1 if any test failed.
 */
#ifndef KESTREL_TESTS_UNIT_H
#define KESTREL_TESTS_UNIT_H

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

struct unit_case {
    const char *name;
    void (*fn)(int *failed);
};

#define UNIT_TEST(name) static void name(int *unit_failed_)

/* Record a failure and leave the test at once. */
#define CHECK(cond) do { \
    if (!(cond)) { \
        printf("FAIL: %s: %s: %s:%d: %s\n", unit_file_(), unit_current_, \
               __FILE__, __LINE__, #cond); \
        *unit_failed_ = 1; return; \
    } } while (0)

#define CHECK_EQ_U(a, b) do { \
    unsigned long long unit_a_ = (unsigned long long)(a), unit_b_ = (unsigned long long)(b); \
    if (unit_a_ != unit_b_) { \
        printf("FAIL: %s: %s: %s:%d: %s == %s (0x%llx != 0x%llx)\n", unit_file_(), \
               unit_current_, __FILE__, __LINE__, #a, #b, unit_a_, unit_b_); \
        *unit_failed_ = 1; return; \
    } } while (0)

#define CHECK_STR(a, b) do { \
    const char *unit_a_ = (a), *unit_b_ = (b); \
    if (strcmp(unit_a_, unit_b_) != 0) { \
        printf("FAIL: %s: %s: %s:%d: %s == \"%s\" (got \"%s\")\n", unit_file_(), \
               unit_current_, __FILE__, __LINE__, #a, unit_b_, unit_a_); \
        *unit_failed_ = 1; return; \
    } } while (0)

static const char *unit_current_ = "";
/* A macro, so __FILE__ names the test file rather than this header. */
#define unit_file_() (strrchr(__FILE__, '/') ? strrchr(__FILE__, '/') + 1 : __FILE__)

#define UNIT_CASE(fn) { #fn, fn }

#define UNIT_MAIN(...) \
    int main(void) { \
        static const struct unit_case cases[] = { __VA_ARGS__ }; \
        int any = 0; \
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) { \
            int failed = 0; \
            unit_current_ = cases[i].name; \
            cases[i].fn(&failed); \
            if (!failed) printf("PASS: %s: %s\n", unit_file_(), cases[i].name); \
            any |= failed; \
        } \
        return any; \
    }

#endif /* KESTREL_TESTS_UNIT_H */
