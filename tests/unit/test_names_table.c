/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/names/names_table.c: name syntax, register,
 * replace, unregister, the permission rule (init any name, a client
 * none, another badge only what init allowed), listing, and a full
 * table.
 */
#include <stdint.h>
#include "unit.h"
#include "kestrel/errors.h"
#include "../../initrd/names/names_table.h"

static struct names_table t;

#define S(s) (s), (sizeof(s) - 1)

UNIT_TEST(names_syntax)
{
    CHECK(names_valid(S("vfs")));
    CHECK(names_valid(S("serve.x_y-9")));
    CHECK(!names_valid(S("")));
    CHECK(!names_valid(S("Vfs")));
    CHECK(!names_valid(S("a/b")));
    CHECK(!names_valid(S("a b")));
    CHECK(!names_valid("a\0b", 3));
    CHECK(names_valid(S("0123456789012345678901234567890")));   /* 31 */
    CHECK(!names_valid(S("01234567890123456789012345678901"))); /* 32 */
    CHECK(!names_valid(NULL, 3));
}

UNIT_TEST(names_register_lookup_replace)
{
    names_init(&t);
    int64_t old = -1;
    CHECK_EQ_U(names_lookup(&t, S("vfs")), (uint64_t)-KS_ERR_NOT_FOUND);
    CHECK_EQ_U(names_register(&t, S("vfs"), 5, &old), 0);
    CHECK_EQ_U(old, 0);
    CHECK_EQ_U(names_lookup(&t, S("vfs")), 5);
    CHECK_EQ_U(names_lookup(&t, S("vf")), (uint64_t)-KS_ERR_NOT_FOUND);
    CHECK_EQ_U(names_lookup(&t, S("vfs!")), (uint64_t)-KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(names_register(&t, S("vfs"), 9, &old), 0);
    CHECK_EQ_U(old, 5);
    CHECK_EQ_U(names_lookup(&t, S("vfs")), 9);
    CHECK_EQ_U(names_register(&t, S("bad name"), 9, &old), (uint64_t)-KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(names_register(&t, S("zero"), 0, &old), (uint64_t)-KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(names_unregister(&t, S("vfs"), &old), 0);
    CHECK_EQ_U(old, 9);
    CHECK_EQ_U(names_unregister(&t, S("vfs"), &old), (uint64_t)-KS_ERR_NOT_FOUND);
    CHECK_EQ_U(names_lookup(&t, S("vfs")), (uint64_t)-KS_ERR_NOT_FOUND);
}

UNIT_TEST(names_permissions)
{
    names_init(&t);
    CHECK_EQ_U(names_may_register(&t, NAMES_ROLE_INIT, 0x10, S("any")), 0);
    CHECK_EQ_U(names_may_register(&t, NAMES_ROLE_CLIENT, 1, S("any")),
               (uint64_t)-KS_ERR_DENIED);
    CHECK_EQ_U(names_may_register(&t, NAMES_ROLE_OTHER, 0x55, S("console")),
               (uint64_t)-KS_ERR_DENIED);
    CHECK_EQ_U(names_allow(&t, 0x55, S("console")), 0);
    CHECK_EQ_U(names_allow(&t, 0x55, S("console")), 0);     /* idempotent */
    CHECK_EQ_U(names_may_register(&t, NAMES_ROLE_OTHER, 0x55, S("console")), 0);
    CHECK_EQ_U(names_may_register(&t, NAMES_ROLE_OTHER, 0x56, S("console")),
               (uint64_t)-KS_ERR_DENIED);
    CHECK_EQ_U(names_may_register(&t, NAMES_ROLE_OTHER, 0x55, S("consol")),
               (uint64_t)-KS_ERR_DENIED);
    CHECK_EQ_U(names_may_register(&t, NAMES_ROLE_OTHER, 0x55, S("BAD")),
               (uint64_t)-KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ_U(names_allow(&t, 0x55, S("")), (uint64_t)-KS_ERR_INVALID_ARGUMENT);
    char name[8];
    for (unsigned i = 1; i < NAMES_ALLOW_MAX; i++) {
        snprintf(name, sizeof(name), "n%u", i);
        CHECK_EQ_U(names_allow(&t, 0x55, name, strlen(name)), 0);
    }
    CHECK_EQ_U(names_allow(&t, 0x57, S("more")), (uint64_t)-KS_ERR_NO_SPACE);
}

UNIT_TEST(names_list_and_full_table)
{
    names_init(&t);
    char name[NAMES_NAME_MAX + 1];
    int64_t old;
    CHECK_EQ_U(names_list(&t, 0, name), (uint64_t)-KS_ERR_NOT_FOUND);
    for (unsigned i = 0; i < NAMES_MAX; i++) {
        char n[8];
        snprintf(n, sizeof(n), "s%u", i);
        CHECK_EQ_U(names_register(&t, n, strlen(n), 100 + i, &old), 0);
    }
    CHECK_EQ_U(names_register(&t, S("extra"), 7, &old), (uint64_t)-KS_ERR_NO_SPACE);
    /* Replacing still works on a full table. */
    CHECK_EQ_U(names_register(&t, S("s3"), 7, &old), 0);
    CHECK_EQ_U(old, 103);
    CHECK_EQ_U(names_list(&t, 0, name), 2);
    CHECK(memcmp(name, "s0", 2) == 0);
    CHECK_EQ_U(names_list(&t, NAMES_MAX - 1, name), 3);
    CHECK(memcmp(name, "s63", 3) == 0);
    CHECK_EQ_U(names_list(&t, NAMES_MAX, name), (uint64_t)-KS_ERR_NOT_FOUND);
    CHECK_EQ_U(names_unregister(&t, S("s0"), &old), 0);
    CHECK_EQ_U(names_list(&t, 0, name), 2);
    CHECK(memcmp(name, "s1", 2) == 0);
    CHECK_EQ_U(names_register(&t, S("extra"), 7, &old), 0);
}

UNIT_MAIN(UNIT_CASE(names_syntax), UNIT_CASE(names_register_lookup_replace),
          UNIT_CASE(names_permissions), UNIT_CASE(names_list_and_full_table))
