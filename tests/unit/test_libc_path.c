/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/lib/path.c: resolving a path against the
 * current directory, folding ".", ".." and repeated slashes, and the
 * bounds of the output buffer.
 */
#include <stdint.h>
#include <string.h>
#include "unit.h"
#include "../../initrd/lib/ks_path.h"

#define NORM(cwd, path, want) do { \
    char out_[256]; \
    long n_ = ks_path_normalize(cwd, path, out_, sizeof(out_)); \
    CHECK(n_ >= 0); \
    CHECK_STR(out_, want); \
    CHECK_EQ_U((unsigned long)n_, strlen(want)); \
} while (0)

UNIT_TEST(path_absolute_paths)
{
    NORM("/tmp", "/", "/");
    NORM("/tmp", "/bin/sh", "/bin/sh");
    NORM("/tmp", "//bin///sh//", "/bin/sh");
    NORM("/tmp", "/bin/./sh/.", "/bin/sh");
    NORM("/tmp", "/a/b/../c", "/a/c");
    NORM("/tmp", "/a/b/../../..", "/");
    NORM("/tmp", "/..", "/");
    NORM("/tmp", "/../../etc", "/etc");
    NORM("/tmp", "/.hidden/..x/...", "/.hidden/..x/...");
}

UNIT_TEST(path_relative_paths)
{
    NORM("/", "bin", "/bin");
    NORM("/tmp", "a", "/tmp/a");
    NORM("/tmp", ".", "/tmp");
    NORM("/tmp", "./", "/tmp");
    NORM("/tmp", "..", "/");
    NORM("/tmp", "../..", "/");
    NORM("/tmp/x", "../y/./z/", "/tmp/y/z");
    NORM("/a/b", "../../../c", "/c");
    NORM(NULL, "rel", "/rel");
}

UNIT_TEST(path_errors_and_bounds)
{
    char out[8];
    CHECK(ks_path_normalize("/", "", out, sizeof(out)) < 0);
    CHECK(ks_path_normalize("/", NULL, out, sizeof(out)) < 0);
    CHECK(ks_path_normalize("/", "/a", NULL, 8) < 0);
    CHECK(ks_path_normalize("/", "/a", out, 1) < 0);
    /* "/abcdef" and its NUL fill 8 bytes exactly; one more does not fit. */
    CHECK_EQ_U(ks_path_normalize("/", "/abcdef", out, sizeof(out)), 7);
    CHECK_STR(out, "/abcdef");
    CHECK(ks_path_normalize("/", "/abcdefg", out, sizeof(out)) < 0);
    CHECK(ks_path_normalize("/abcd", "efgh", out, sizeof(out)) < 0);
    /* Folding happens before the length counts. */
    CHECK_EQ_U(ks_path_normalize("/", "/x/../../y/./././", out, sizeof(out)), 2);
    CHECK_STR(out, "/y");
    char big[300];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char out2[256];
    CHECK(ks_path_normalize("/", big, out2, sizeof(out2)) < 0);
}

UNIT_TEST(path_basename)
{
    CHECK_STR(ks_path_basename("/bin/sh"), "sh");
    CHECK_STR(ks_path_basename("/"), "");
    CHECK_STR(ks_path_basename("name"), "name");
}

UNIT_MAIN(UNIT_CASE(path_absolute_paths),
          UNIT_CASE(path_relative_paths),
          UNIT_CASE(path_errors_and_bounds),
          UNIT_CASE(path_basename))
