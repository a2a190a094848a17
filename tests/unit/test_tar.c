/* SPDX-License-Identifier: MIT */
/*
 * Host tests for kernel/lib/tar.c: a well-formed archive lists every
 * entry (prefix joined, full-width names, directories), and each kind
 * of damage (magic, checksum, size field, type, truncation anywhere,
 * missing or broken end marker) is reported with the right place.
 */
#include <stdint.h>
#include "unit.h"
#include "kestrel/errors.h"
#include "lib/tar.h"

static uint8_t archive[16 * TAR_BLOCK_SIZE];
static size_t archive_len;

static void set_checksum(uint8_t *h)
{
    unsigned sum = 0;
    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
}

/* Append one ustar header (and data) the way POSIX tar lays it out. */
static uint8_t *add_entry(const char *prefix, const char *name, char type,
                          const char *data, size_t size)
{
    uint8_t *h = archive + archive_len;
    memset(h, 0, TAR_BLOCK_SIZE);
    memcpy(h, name, strnlen(name, 100));
    memcpy(h + 100, "0000644", 8);
    snprintf((char *)h + 124, 12, "%011zo", size);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    if (prefix)
        memcpy(h + 345, prefix, strlen(prefix));
    set_checksum(h);
    archive_len += TAR_BLOCK_SIZE;
    if (data) {
        memset(archive + archive_len, 0, (size + 511) / 512 * 512);
        memcpy(archive + archive_len, data, size);
    }
    archive_len += (size + 511) / 512 * 512;
    return h;
}

static void add_end(void)
{
    memset(archive + archive_len, 0, 2 * TAR_BLOCK_SIZE);
    archive_len += 2 * TAR_BLOCK_SIZE;
}

static void build_sample(void)
{
    archive_len = 0;
    add_entry(NULL, "etc/", '5', NULL, 0);
    add_entry(NULL, "etc/motd", '0', "hello kestrel\n", 14);
    add_end();
}

/* Run the reader to the end; returns the final status. */
static int walk(size_t len, int *entries, struct tar_error *err)
{
    struct tar_reader r;
    struct tar_entry e;
    int rc;
    *entries = 0;
    tar_reader_init(&r, archive, len);
    while ((rc = tar_next(&r, &e, err)) == 1)
        (*entries)++;
    return rc;
}

UNIT_TEST(tar_lists_files_and_directories)
{
    build_sample();
    struct tar_reader r;
    struct tar_entry e;
    struct tar_error err;
    tar_reader_init(&r, archive, archive_len);
    CHECK_EQ_U(tar_next(&r, &e, &err), 1);
    CHECK_STR(e.name, "etc/");
    CHECK(e.is_directory);
    CHECK_EQ_U(tar_next(&r, &e, &err), 1);
    CHECK_STR(e.name, "etc/motd");
    CHECK(!e.is_directory);
    CHECK_EQ_U(e.size, 14);
    CHECK(memcmp(e.data, "hello kestrel\n", 14) == 0);
    CHECK_EQ_U(e.header_offset, 512);
    CHECK_EQ_U(tar_next(&r, &e, &err), 0);
}

UNIT_TEST(tar_joins_prefix_and_accepts_full_width_name)
{
    char long_name[101];
    memset(long_name, 'n', 100);
    long_name[100] = '\0';
    archive_len = 0;
    add_entry("usr/share/kestrel", long_name, '0', "x", 1);
    add_end();
    struct tar_reader r;
    struct tar_entry e;
    struct tar_error err;
    tar_reader_init(&r, archive, archive_len);
    CHECK_EQ_U(tar_next(&r, &e, &err), 1);
    CHECK_EQ_U(strlen(e.name), 18 + 100);
    CHECK(strncmp(e.name, "usr/share/kestrel/nnn", 21) == 0);
    CHECK_EQ_U(tar_next(&r, &e, &err), 0);
}

UNIT_TEST(tar_empty_archive_is_valid)
{
    archive_len = 0;
    add_end();
    int n;
    struct tar_error err;
    CHECK_EQ_U(walk(archive_len, &n, &err), 0);
    CHECK_EQ_U(n, 0);
}

UNIT_TEST(tar_rejects_bad_magic_and_checksum)
{
    struct tar_error err;
    int n;
    build_sample();
    archive[512 + 257] = 'x';
    set_checksum(archive + 512);
    CHECK_EQ_U(walk(archive_len, &n, &err), -KS_ERR_CORRUPT);
    CHECK_EQ_U(n, 1);
    CHECK_EQ_U(err.offset, 512);
    CHECK(strstr(err.reason, "magic"));

    build_sample();
    archive[512 + 5] ^= 1; /* a name byte: the checksum no longer matches */
    CHECK_EQ_U(walk(archive_len, &n, &err), -KS_ERR_CORRUPT);
    CHECK(strstr(err.reason, "checksum"));
    CHECK_STR(err.name, "");
}

UNIT_TEST(tar_rejects_non_octal_size_and_odd_types)
{
    struct tar_error err;
    int n;
    build_sample();
    memcpy(archive + 512 + 124, "0000000001x", 11);
    set_checksum(archive + 512);
    CHECK_EQ_U(walk(archive_len, &n, &err), -KS_ERR_CORRUPT);
    CHECK_STR(err.name, "etc/motd");
    CHECK(strstr(err.reason, "octal"));

    build_sample();
    archive[512 + 156] = '2'; /* symbolic link */
    set_checksum(archive + 512);
    CHECK_EQ_U(walk(archive_len, &n, &err), -KS_ERR_CORRUPT);
    CHECK(strstr(err.reason, "unsupported"));

    build_sample();
    memset(archive, 0, 100);
    set_checksum(archive);
    CHECK_EQ_U(walk(archive_len, &n, &err), -KS_ERR_CORRUPT);
    CHECK(strstr(err.reason, "empty name"));
}

UNIT_TEST(tar_detects_truncation_everywhere)
{
    struct tar_error err;
    int n;
    build_sample();
    /* Every cut point short of the full archive must be an error. */
    for (size_t len = 0; len < archive_len; len++) {
        int rc = walk(len, &n, &err);
        if (rc != -KS_ERR_CORRUPT)
            printf("  cut at %zu gave %d\n", len, rc);
        CHECK_EQ_U(rc, -KS_ERR_CORRUPT);
        CHECK(strstr(err.reason, "truncated"));
    }
}

UNIT_TEST(tar_rejects_data_past_end)
{
    struct tar_error err;
    int n;
    build_sample();
    snprintf((char *)archive + 512 + 124, 12, "%011o", 4096u);
    set_checksum(archive + 512);
    CHECK_EQ_U(walk(archive_len, &n, &err), -KS_ERR_CORRUPT);
    CHECK_STR(err.name, "etc/motd");
    CHECK(strstr(err.reason, "past the end"));
}

UNIT_TEST(tar_rejects_lone_zero_block)
{
    struct tar_error err;
    int n;
    archive_len = 0;
    add_entry(NULL, "a", '0', "1", 1);
    memset(archive + archive_len, 0, TAR_BLOCK_SIZE);
    archive_len += TAR_BLOCK_SIZE;
    add_entry(NULL, "b", '0', "2", 1);
    add_end();
    CHECK_EQ_U(walk(archive_len, &n, &err), -KS_ERR_CORRUPT);
    CHECK_EQ_U(err.offset, 1024);
    CHECK(strstr(err.reason, "zero block"));
}

UNIT_TEST(tar_null_archive_is_truncated_not_crash)
{
    struct tar_reader r;
    struct tar_entry e;
    struct tar_error err;
    tar_reader_init(&r, NULL, 4096);
    CHECK_EQ_U(tar_next(&r, &e, &err), -KS_ERR_CORRUPT);
}

UNIT_MAIN(
    UNIT_CASE(tar_lists_files_and_directories),
    UNIT_CASE(tar_joins_prefix_and_accepts_full_width_name),
    UNIT_CASE(tar_empty_archive_is_valid),
    UNIT_CASE(tar_rejects_bad_magic_and_checksum),
    UNIT_CASE(tar_rejects_non_octal_size_and_odd_types),
    UNIT_CASE(tar_detects_truncation_everywhere),
    UNIT_CASE(tar_rejects_data_past_end),
    UNIT_CASE(tar_rejects_lone_zero_block),
    UNIT_CASE(tar_null_archive_is_truncated_not_crash)
)
