/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/lib/strconv.c (the strto* family's core, the
 * sort) and initrd/lib/env.c (the environment), compared with the host
 * C library where the C standard fixes the answer.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../initrd/lib/ks_strconv.h"

/* Our signed parse against the host's strtoll: value, end and range. */
#define SAME_LL(str, base) do { \
    char *e1_, *e2_; bool r_; \
    errno = 0; \
    long long host_ = strtoll(str, &e2_, base); \
    bool host_range_ = errno == ERANGE; \
    int64_t mine_ = ks_strto_signed(str, &e1_, base, INT64_MIN, INT64_MAX, &r_); \
    CHECK_EQ_U(mine_, host_); \
    CHECK_EQ_U(e1_ - (str), e2_ - (str)); \
    CHECK_EQ_U(r_, host_range_); \
} while (0)

#define SAME_ULL(str, base) do { \
    char *e1_, *e2_; bool r_; \
    errno = 0; \
    unsigned long long host_ = strtoull(str, &e2_, base); \
    bool host_range_ = errno == ERANGE; \
    uint64_t mine_ = ks_strto_unsigned(str, &e1_, base, UINT64_MAX, &r_); \
    CHECK_EQ_U(mine_, host_); \
    CHECK_EQ_U(e1_ - (str), e2_ - (str)); \
    CHECK_EQ_U(r_, host_range_); \
} while (0)

UNIT_TEST(strtol_decimal_and_signs)
{
    SAME_LL("0", 10);
    SAME_LL("42", 10);
    SAME_LL("  -17xyz", 10);
    SAME_LL("+8", 10);
    SAME_LL("\t\n 123 456", 10);
    SAME_LL("-", 10);
    SAME_LL("", 10);
    SAME_LL("abc", 10);
    SAME_LL("  +", 0);
}

UNIT_TEST(strtol_bases_and_prefixes)
{
    SAME_LL("0x1f", 16);
    SAME_LL("0x1f", 0);
    SAME_LL("0X1F", 0);
    SAME_LL("017", 0);
    SAME_LL("019", 0);
    SAME_LL("0x", 0);
    SAME_LL("0xg", 16);
    SAME_LL("-0x10", 0);
    SAME_LL("zz", 36);
    SAME_LL("101012", 2);
    SAME_LL("777", 8);
}

UNIT_TEST(strtol_overflow_clamps)
{
    SAME_LL("9223372036854775807", 10);
    SAME_LL("9223372036854775808", 10);
    SAME_LL("-9223372036854775808", 10);
    SAME_LL("-9223372036854775809", 10);
    SAME_LL("99999999999999999999999999 tail", 10);
    SAME_LL("-0x8000000000000000", 0);
    SAME_LL("0x7fffffffffffffff", 16);
    bool r;
    CHECK_EQ_U(ks_strto_signed("2147483648", NULL, 10, INT32_MIN, INT32_MAX, &r), INT32_MAX);
    CHECK(r);
    CHECK_EQ_U(ks_strto_signed("-2147483648", NULL, 10, INT32_MIN, INT32_MAX, &r),
               (uint64_t)(int64_t)INT32_MIN);
    CHECK(!r);
}

UNIT_TEST(strtoul_family)
{
    SAME_ULL("18446744073709551615", 10);
    SAME_ULL("18446744073709551616", 10);
    SAME_ULL("-1", 10);
    SAME_ULL("-18446744073709551615", 10);
    SAME_ULL("0xffffffffffffffff", 0);
    SAME_ULL("  12abc", 10);
    SAME_ULL("xyz", 0);
}

UNIT_TEST(strtol_bad_base_parses_nothing)
{
    const char *s = "123";
    char *end;
    bool r;
    CHECK_EQ_U(ks_strto_signed(s, &end, 1, INT64_MIN, INT64_MAX, &r), 0);
    CHECK(end == s);
    CHECK_EQ_U(ks_strto_signed(s, &end, 37, INT64_MIN, INT64_MAX, &r), 0);
    CHECK(end == s);
    CHECK_EQ_U(ks_strto_signed(s, NULL, -1, INT64_MIN, INT64_MAX, &r), 0);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

UNIT_TEST(sort_orders_any_input)
{
    int v[257];
    unsigned seed = 12345;
    for (int n = 0; n <= 257; n += 16) {
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            v[i] = (int)(seed >> 16) % 50 - 25;
        }
        ks_sort(v, (size_t)n, sizeof(int), cmp_int);
        for (int i = 1; i < n; i++)
            CHECK(v[i - 1] <= v[i]);
    }
    struct { char key; char pad[6]; } s[3] = { { 'c', "" }, { 'a', "" }, { 'b', "" } };
    ks_sort(s, 3, sizeof(s[0]), (int (*)(const void *, const void *))strcmp);
    CHECK(s[0].key == 'a' && s[1].key == 'b' && s[2].key == 'c');
}

static void env_free(struct ks_env *env)
{
    if (env->cap) {
        for (size_t i = 0; i < env->count; i++)
            if (env->owned[i])
                free(env->vec[i]);
        free(env->vec);
        free(env->owned);
    }
}

UNIT_TEST(env_reads_a_borrowed_vector)
{
    char a[] = "HOME=/", b[] = "PATH=/bin", c[] = "EMPTY=";
    char *vec[] = { a, b, c, NULL };
    struct ks_env env = { vec, 3, 0, NULL };
    CHECK_STR(ks_env_get(&env, "PATH"), "/bin");
    CHECK_STR(ks_env_get(&env, "EMPTY"), "");
    CHECK(ks_env_get(&env, "PAT") == NULL);
    CHECK(ks_env_get(&env, "PATH=") == NULL);
    CHECK(ks_env_get(&env, "") == NULL);
    CHECK(ks_env_get(&env, NULL) == NULL);
}

UNIT_TEST(env_set_unset_replace)
{
    char a[] = "HOME=/", b[] = "PATH=/bin";
    char *vec[] = { a, b, NULL };
    struct ks_env env = { vec, 2, 0, NULL };
    CHECK_EQ_U(ks_env_set(&env, "PATH", "/x", false), 0);
    CHECK_STR(ks_env_get(&env, "PATH"), "/bin");
    CHECK(env.cap == 0);                        /* untouched */
    CHECK_EQ_U(ks_env_set(&env, "PATH", "/x", true), 0);
    CHECK_STR(ks_env_get(&env, "PATH"), "/x");
    CHECK_STR(b, "PATH=/bin");                  /* borrowed strings stay */
    for (int i = 0; i < 50; i++) {
        char name[16];
        snprintf(name, sizeof(name), "V%d", i);
        CHECK_EQ_U(ks_env_set(&env, name, name, true), 0);
    }
    CHECK_EQ_U(env.count, 52);
    CHECK(env.vec[52] == NULL);
    CHECK_STR(ks_env_get(&env, "V49"), "V49");
    CHECK_EQ_U(ks_env_unset(&env, "HOME"), 0);
    CHECK(ks_env_get(&env, "HOME") == NULL);
    CHECK_EQ_U(ks_env_unset(&env, "V0"), 0);
    CHECK_EQ_U(ks_env_unset(&env, "NOPE"), 0);
    CHECK_EQ_U(env.count, 50);
    CHECK(env.vec[50] == NULL);
    CHECK_STR(ks_env_get(&env, "V1"), "V1");
    CHECK_EQ_U(ks_env_set(&env, "A=B", "x", true), (uint64_t)-1);
    CHECK_EQ_U(ks_env_set(&env, "", "x", true), (uint64_t)-1);
    CHECK_EQ_U(ks_env_unset(&env, "A=B"), (uint64_t)-1);
    CHECK_EQ_U(ks_env_set(&env, "N", NULL, true), 0);
    CHECK_STR(ks_env_get(&env, "N"), "");
    env_free(&env);
}

UNIT_TEST(env_starts_empty)
{
    struct ks_env env = { 0 };
    CHECK(ks_env_get(&env, "X") == NULL);
    CHECK_EQ_U(ks_env_unset(&env, "X"), 0);
    CHECK_EQ_U(ks_env_set(&env, "X", "1", false), 0);
    CHECK_STR(ks_env_get(&env, "X"), "1");
    CHECK_STR(env.vec[0], "X=1");
    env_free(&env);
}

UNIT_MAIN(UNIT_CASE(strtol_decimal_and_signs),
          UNIT_CASE(strtol_bases_and_prefixes),
          UNIT_CASE(strtol_overflow_clamps),
          UNIT_CASE(strtoul_family),
          UNIT_CASE(strtol_bad_base_parses_nothing),
          UNIT_CASE(sort_orders_any_input),
          UNIT_CASE(env_reads_a_borrowed_vector),
          UNIT_CASE(env_set_unset_replace),
          UNIT_CASE(env_starts_empty))
