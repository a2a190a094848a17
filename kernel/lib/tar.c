/* SPDX-License-Identifier: MIT */
/*
 * Kestrel ustar reader; see tar.h.  Field offsets follow the POSIX
 * ustar header (IEEE Std 1003.1, "pax" utility, ustar Interchange
 * Format).  Pure code shared with tests/unit/test_tar.c.
 */
#include "kestrel/errors.h"
#include "lib/tar.h"

enum {
    TAR_NAME_OFF = 0,     TAR_NAME_LEN = 100,
    TAR_SIZE_OFF = 124,   TAR_SIZE_LEN = 12,
    TAR_CHKSUM_OFF = 148, TAR_CHKSUM_LEN = 8,
    TAR_TYPE_OFF = 156,
    TAR_MAGIC_OFF = 257,  /* "ustar\0" + "00", or GNU's "ustar  \0" */
    TAR_PREFIX_OFF = 345, TAR_PREFIX_LEN = 155
};

void tar_reader_init(struct tar_reader *reader, const void *data, size_t size)
{
    reader->base = data;
    reader->size = data ? size : 0;
    reader->offset = 0;
}

static bool block_is_zero(const uint8_t *block)
{
    for (size_t i = 0; i < TAR_BLOCK_SIZE; i++) {
        if (block[i])
            return false;
    }
    return true;
}

static size_t bounded_length(const uint8_t *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Octal numeric field: optional leading blanks, at least one octal
 * digit, then only NUL or space up to the end of the field. */
static bool parse_octal(const uint8_t *field, size_t len, uint64_t *value)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < len && field[i] == ' ')
        i++;
    size_t first_digit = i;
    for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
        if (v >> 60)
            return false;
        v = v * 8 + (uint64_t)(field[i] - '0');
    }
    if (i == first_digit)
        return false;
    for (; i < len; i++) {
        if (field[i] != '\0' && field[i] != ' ')
            return false;
    }
    *value = v;
    return true;
}

static bool magic_is_ustar(const uint8_t *h)
{
    static const char posix[8] = { 'u', 's', 't', 'a', 'r', '\0', '0', '0' };
    static const char gnu[8] = { 'u', 's', 't', 'a', 'r', ' ', ' ', '\0' };
    bool is_posix = true, is_gnu = true;
    for (size_t i = 0; i < 8; i++) {
        is_posix &= h[TAR_MAGIC_OFF + i] == (uint8_t)posix[i];
        is_gnu &= h[TAR_MAGIC_OFF + i] == (uint8_t)gnu[i];
    }
    return is_posix || is_gnu;
}

static bool checksum_matches(const uint8_t *h)
{
    uint64_t stored;
    if (!parse_octal(h + TAR_CHKSUM_OFF, TAR_CHKSUM_LEN, &stored))
        return false;
    uint64_t sum = 0;
    for (size_t i = 0; i < TAR_BLOCK_SIZE; i++) {
        bool in_field = i >= TAR_CHKSUM_OFF && i < TAR_CHKSUM_OFF + TAR_CHKSUM_LEN;
        sum += in_field ? (uint8_t)' ' : h[i];
    }
    return sum == stored;
}

/* Join prefix and name; false if the name is empty. */
static bool join_name(const uint8_t *h, char *out)
{
    size_t prefix_len = bounded_length(h + TAR_PREFIX_OFF, TAR_PREFIX_LEN);
    size_t name_len = bounded_length(h + TAR_NAME_OFF, TAR_NAME_LEN);
    size_t n = 0;
    if (name_len == 0)
        return false;
    for (size_t i = 0; i < prefix_len; i++)
        out[n++] = (char)h[TAR_PREFIX_OFF + i];
    if (prefix_len)
        out[n++] = '/';
    for (size_t i = 0; i < name_len; i++)
        out[n++] = (char)h[TAR_NAME_OFF + i];
    out[n] = '\0';
    return true;
}

static int fail(struct tar_error *error, size_t offset, const char *name, const char *reason)
{
    error->offset = offset;
    size_t i = 0;
    for (; name && name[i] && i < TAR_NAME_MAX; i++)
        error->name[i] = name[i];
    error->name[i] = '\0';
    error->reason = reason;
    return -KS_ERR_CORRUPT;
}

/* Two zero blocks end the archive; one alone is damage. */
static int check_end_marker(const struct tar_reader *r, struct tar_error *error)
{
    size_t next = r->offset + TAR_BLOCK_SIZE;
    if (r->size - next < TAR_BLOCK_SIZE)
        return fail(error, next, NULL, "truncated archive (end marker cut short)");
    if (!block_is_zero(r->base + next))
        return fail(error, r->offset, NULL, "zero block inside the archive");
    return 0;
}

static int validate_header(const uint8_t *h, size_t offset, struct tar_entry *entry,
                           struct tar_error *error)
{
    if (!magic_is_ustar(h))
        return fail(error, offset, NULL, "not a ustar header (bad magic)");
    if (!checksum_matches(h))
        return fail(error, offset, NULL, "header checksum mismatch");
    if (!join_name(h, entry->name))
        return fail(error, offset, NULL, "empty name");
    if (!parse_octal(h + TAR_SIZE_OFF, TAR_SIZE_LEN, &entry->size))
        return fail(error, offset, entry->name, "size field is not octal");

    uint8_t type = h[TAR_TYPE_OFF];
    if (type == '0' || type == '\0') {
        entry->is_directory = false;
    } else if (type == '5') {
        entry->is_directory = true;
        if (entry->size != 0)
            return fail(error, offset, entry->name, "directory with data");
    } else {
        return fail(error, offset, entry->name,
                    "unsupported entry type (only files and directories)");
    }
    return 0;
}

int tar_next(struct tar_reader *r, struct tar_entry *entry, struct tar_error *error)
{
    if (r->offset > r->size || r->size - r->offset < TAR_BLOCK_SIZE) {
        return fail(error, r->offset, NULL, r->offset == r->size ?
                    "truncated archive (no end-of-archive marker)" :
                    "truncated archive (partial header)");
    }
    const uint8_t *h = r->base + r->offset;
    if (block_is_zero(h))
        return check_end_marker(r, error);

    int rc = validate_header(h, r->offset, entry, error);
    if (rc < 0)
        return rc;

    size_t data_offset = r->offset + TAR_BLOCK_SIZE;
    if (entry->size > r->size - data_offset)
        return fail(error, r->offset, entry->name, "data runs past the end (truncated archive)");
    entry->data = r->base + data_offset;
    entry->header_offset = r->offset;

    /* Data is padded to whole blocks; the padding may be the last bytes. */
    uint64_t padded = (entry->size + TAR_BLOCK_SIZE - 1) / TAR_BLOCK_SIZE * TAR_BLOCK_SIZE;
    r->offset = padded > r->size - data_offset ? r->size + 1 : data_offset + (size_t)padded;
    if (r->offset > r->size)
        r->offset = r->size;
    return 1;
}
