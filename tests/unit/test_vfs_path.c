/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/vfs/vfs_path.c: what a VFS path may be (absolute,
 * bounded, no NUL, no "." or ".."), walking components across repeated
 * slashes, and splitting off the last component.
 */
#include <stdint.h>
#include "unit.h"
#include "kestrel/errors.h"
#include "../../initrd/vfs/vfs_path.h"

#define S(s) (s), (sizeof(s) - 1)
#define INVALID ((uint64_t)-KS_ERR_INVALID_ARGUMENT)

UNIT_TEST(path_check_accepts_and_rejects)
{
    CHECK_EQ_U(vfs_path_check(S("/")), 0);
    CHECK_EQ_U(vfs_path_check(S("/bin/sh")), 0);
    CHECK_EQ_U(vfs_path_check(S("//tmp///a/")), 0);
    CHECK_EQ_U(vfs_path_check(S("/tmp/.hidden")), 0);
    CHECK_EQ_U(vfs_path_check(S("/tmp/...")), 0);
    CHECK_EQ_U(vfs_path_check(S("")), INVALID);
    CHECK_EQ_U(vfs_path_check(S("bin/sh")), INVALID);
    CHECK_EQ_U(vfs_path_check(S("/tmp/./a")), INVALID);
    CHECK_EQ_U(vfs_path_check(S("/tmp/../etc")), INVALID);
    CHECK_EQ_U(vfs_path_check(S("/..")), INVALID);
    CHECK_EQ_U(vfs_path_check("/a\0b", 4), INVALID);
    CHECK_EQ_U(vfs_path_check(NULL, 4), INVALID);
    char long_path[300];
    long_path[0] = '/';
    memset(long_path + 1, 'a', sizeof(long_path) - 1);
    CHECK_EQ_U(vfs_path_check(long_path, 255), 0);          /* 254-byte name */
    CHECK_EQ_U(vfs_path_check(long_path, 256), INVALID);    /* no room for the NUL */
    for (int i = 50; i < 255; i += 50)
        long_path[i] = '/';
    CHECK_EQ_U(vfs_path_check(long_path, 255), 0);
}

UNIT_TEST(path_components)
{
    const char *p = "//tmp//dir/file/";
    size_t pos = 0, len;
    const char *name;
    CHECK(vfs_path_next(p, strlen(p), &pos, &name, &len));
    CHECK(len == 3 && memcmp(name, "tmp", 3) == 0);
    CHECK(vfs_path_next(p, strlen(p), &pos, &name, &len));
    CHECK(len == 3 && memcmp(name, "dir", 3) == 0);
    CHECK(vfs_path_next(p, strlen(p), &pos, &name, &len));
    CHECK(len == 4 && memcmp(name, "file", 4) == 0);
    CHECK(!vfs_path_next(p, strlen(p), &pos, &name, &len));
    pos = 0;
    CHECK(!vfs_path_next(S("///"), &pos, &name, &len));
}

UNIT_TEST(path_last_component)
{
    size_t parent, len;
    const char *name;
    CHECK(vfs_path_last(S("/tmp/a/b"), &parent, &name, &len));
    CHECK_EQ_U(parent, 7);
    CHECK(len == 1 && name[0] == 'b');
    CHECK(vfs_path_last(S("/tmp/"), &parent, &name, &len));
    CHECK_EQ_U(parent, 1);
    CHECK(len == 3 && memcmp(name, "tmp", 3) == 0);
    CHECK(!vfs_path_last(S("/"), &parent, &name, &len));
    CHECK(!vfs_path_last(S("///"), &parent, &name, &len));
}

UNIT_TEST(name_validity)
{
    CHECK(vfs_name_valid(S("a")));
    CHECK(vfs_name_valid(S("A b.c")));
    CHECK(!vfs_name_valid(S("")));
    CHECK(!vfs_name_valid(S(".")));
    CHECK(!vfs_name_valid(S("..")));
    CHECK(!vfs_name_valid(S("a/b")));
    CHECK(!vfs_name_valid("a\0", 2));
    char big[257];
    memset(big, 'x', sizeof(big));
    CHECK(vfs_name_valid(big, 255));
    CHECK(!vfs_name_valid(big, 256));
}

UNIT_MAIN(UNIT_CASE(path_check_accepts_and_rejects), UNIT_CASE(path_components),
          UNIT_CASE(path_last_component), UNIT_CASE(name_validity))
