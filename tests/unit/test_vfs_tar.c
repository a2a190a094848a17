/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/vfs/vfs_tar.c: a good archive is indexed with
 * implied directories, "./" prefixes and ustar prefixes; damaged
 * headers (checksum, magic, size field, data past the end), entries of
 * other types, duplicates and entries under tmp/ are reported and
 * skipped without stopping the walk where the rest can be trusted.
 */
#include <stdint.h>
#include "unit.h"
#include "kestrel/errors.h"
#include "../../initrd/vfs/vfs_tar.h"

#define S(s) (s), (sizeof(s) - 1)

static uint8_t archive[64 * 512];
static size_t archive_len;
static struct vfs_fs fs;
static int warnings;
static char last_reason[128];

static void warn(void *ctx, uint64_t offset, const char *name, const char *reason)
{
    (void)ctx;
    (void)offset;
    (void)name;
    warnings++;
    snprintf(last_reason, sizeof(last_reason), "%s", reason);
}

static void set_checksum(uint8_t *h)
{
    unsigned sum = 0;
    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
}

static uint8_t *add(const char *prefix, const char *name, char type, const char *data,
                    size_t size)
{
    uint8_t *h = archive + archive_len;
    memset(h, 0, 512);
    memcpy(h, name, strnlen(name, 100));
    memcpy(h + 100, "0000755", 8);
    snprintf((char *)h + 124, 12, "%011zo", size);
    snprintf((char *)h + 136, 12, "%011o", 1234567u);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    if (prefix)
        memcpy(h + 345, prefix, strlen(prefix));
    set_checksum(h);
    archive_len += 512;
    size_t padded = (size + 511) / 512 * 512;
    memset(archive + archive_len, 0, padded);
    if (data)
        memcpy(archive + archive_len, data, size);
    archive_len += padded;
    return h;
}

static void end(void)
{
    memset(archive + archive_len, 0, 1024);
    archive_len += 1024;
}

static int index_archive(void)
{
    static const struct vfs_alloc a = { NULL, NULL, NULL };
    vfs_fs_init(&fs, &a, 0);
    warnings = 0;
    last_reason[0] = 0;
    return vfs_tar_index(&fs, archive, archive_len, warn, NULL);
}

static const struct vfs_node *at(const char *path)
{
    int32_t n;
    if (vfs_lookup(&fs, path, strlen(path), &n) != 0)
        return NULL;
    return vfs_node(&fs, n);
}

UNIT_TEST(tar_good_archive)
{
    archive_len = 0;
    add(NULL, "./", '5', NULL, 0);
    add(NULL, "./etc/", '5', NULL, 0);
    add(NULL, "./etc/motd", '0', "hello\n", 6);
    add(NULL, "bin/sh", '0', "ELF", 3);
    add("usr/share", "doc.txt", '0', "doc", 3);
    end();
    CHECK_EQ_U(index_archive(), 4);
    CHECK_EQ_U(warnings, 0);
    const struct vfs_node *n = at("/etc/motd");
    CHECK(n != NULL);
    CHECK_EQ_U(n->type, VFS_FILE);
    CHECK_EQ_U(n->size, 6);
    CHECK(memcmp(n->data, "hello\n", 6) == 0);
    CHECK_EQ_U(n->image_offset, 3 * 512);
    CHECK_EQ_U(n->mode, 0755);
    CHECK_EQ_U(n->mtime, 1234567);
    CHECK(at("/bin") && at("/bin")->type == VFS_DIR);
    CHECK(at("/bin/sh") && at("/bin/sh")->size == 3);
    CHECK(at("/usr/share/doc.txt") != NULL);
    CHECK(at("/tmp") != NULL);
}

UNIT_TEST(tar_bad_checksum_and_magic_skipped)
{
    archive_len = 0;
    uint8_t *h = add(NULL, "a", '0', "AAAA", 4);
    h[0] = 'b';                              /* checksum no longer matches */
    add(NULL, "c", '0', "CCCC", 4);
    h = add(NULL, "d", '0', "DDDD", 4);
    memcpy(h + 257, "ustaR", 5);
    set_checksum(h);
    add(NULL, "e", '0', "EEEE", 4);
    end();
    CHECK_EQ_U(index_archive(), 2);
    CHECK_EQ_U(warnings, 2);
    CHECK(at("/a") == NULL && at("/b") == NULL && at("/d") == NULL);
    CHECK(at("/c") != NULL && at("/e") != NULL);
}

UNIT_TEST(tar_size_past_end_stops)
{
    archive_len = 0;
    add(NULL, "ok", '0', "x", 1);
    uint8_t *h = add(NULL, "huge", '0', "y", 1);
    snprintf((char *)h + 124, 12, "%011o", 0777777u);
    set_checksum(h);
    end();
    CHECK_EQ_U(index_archive(), 1);
    CHECK_EQ_U(warnings, 1);
    CHECK(strstr(last_reason, "past") != NULL);
    CHECK(at("/ok") != NULL && at("/huge") == NULL);
}

UNIT_TEST(tar_bad_size_field_stops)
{
    archive_len = 0;
    uint8_t *h = add(NULL, "bad", '0', "y", 1);
    memcpy(h + 124, "12x", 3);
    set_checksum(h);
    add(NULL, "after", '0', "z", 1);
    end();
    CHECK_EQ_U(index_archive(), 0);
    CHECK_EQ_U(warnings, 1);
}

UNIT_TEST(tar_other_types_duplicates_and_tmp)
{
    archive_len = 0;
    add(NULL, "link", '2', NULL, 0);
    add(NULL, "f", '0', "1", 1);
    add(NULL, "f", '0', "2", 1);
    add(NULL, "tmp/x", '0', "3", 1);
    add(NULL, "f/inner", '0', "4", 1);
    add(NULL, "a/../b", '0', "5", 1);
    add(NULL, "g", '0', "6", 1);
    end();
    CHECK_EQ_U(index_archive(), 2);
    CHECK_EQ_U(warnings, 5);
    CHECK(at("/f") && at("/f")->data[0] == '1');
    CHECK(at("/g") != NULL);
    CHECK(at("/link") == NULL && at("/tmp/x") == NULL);
}

UNIT_TEST(tar_truncated_and_garbage)
{
    archive_len = 0;
    add(NULL, "one", '0', "1", 1);
    add(NULL, "two", '0', "22", 2);
    /* Cut anywhere: never reads past the end, never crashes. */
    for (size_t cut = 0; cut <= archive_len; cut += 7) {
        static const struct vfs_alloc a = { NULL, NULL, NULL };
        vfs_fs_init(&fs, &a, 0);
        int n = vfs_tar_index(&fs, archive, cut, NULL, NULL);
        CHECK(n >= 0 && n <= 2);
    }
    /* Random bytes. */
    uint32_t seed = 12345;
    for (size_t i = 0; i < sizeof(archive); i++) {
        seed = seed * 1103515245u + 12345u;
        archive[i] = (uint8_t)(seed >> 16);
    }
    archive_len = sizeof(archive);
    CHECK_EQ_U(index_archive(), 0);
    CHECK_EQ_U(vfs_tar_index(&fs, NULL, 100, NULL, NULL), 0);
}

UNIT_MAIN(UNIT_CASE(tar_good_archive), UNIT_CASE(tar_bad_checksum_and_magic_skipped),
          UNIT_CASE(tar_size_past_end_stops), UNIT_CASE(tar_bad_size_field_stops),
          UNIT_CASE(tar_other_types_duplicates_and_tmp), UNIT_CASE(tar_truncated_and_garbage))
