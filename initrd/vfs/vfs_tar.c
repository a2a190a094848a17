/* SPDX-License-Identifier: MIT */
/*
 * Indexing the initramfs; see vfs_tar.h.  Field offsets are those of
 * the POSIX ustar header.  After a header whose checksum or magic is
 * wrong the size cannot be trusted, so the walk moves on one block at a
 * time until the next valid header (or the end marker); a header whose
 * data would run past the archive ends the walk.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "kestrel/errors.h"
#include "vfs_tar.h"

#define BLOCK 512u

static bool parse_octal(const uint8_t *field, size_t len, uint64_t *value)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < len && field[i] == ' ')
        i++;
    size_t first = i;
    for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
        if (v >> 60)
            return false;
        v = v * 8 + (uint64_t)(field[i] - '0');
    }
    if (i == first)
        return false;
    for (; i < len; i++) {
        if (field[i] != '\0' && field[i] != ' ')
            return false;
    }
    *value = v;
    return true;
}

static bool header_valid(const uint8_t *h)
{
    static const uint8_t posix[8] = { 'u', 's', 't', 'a', 'r', 0, '0', '0' };
    static const uint8_t gnu[8] = { 'u', 's', 't', 'a', 'r', ' ', ' ', 0 };
    if (memcmp(h + 257, posix, 8) != 0 && memcmp(h + 257, gnu, 8) != 0)
        return false;
    uint64_t stored, sum = 0;
    if (!parse_octal(h + 148, 8, &stored))
        return false;
    for (size_t i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? (uint8_t)' ' : h[i];
    return sum == stored;
}

static bool block_zero(const uint8_t *b)
{
    for (size_t i = 0; i < BLOCK; i++) {
        if (b[i])
            return false;
    }
    return true;
}

/* prefix "/" name without leading "./" or "/" and trailing "/". */
static size_t entry_name(const uint8_t *h, char *out)
{
    size_t n = 0;
    size_t plen = strnlen((const char *)h + 345, 155);
    size_t nlen = strnlen((const char *)h, 100);
    memcpy(out, h + 345, plen);
    n = plen;
    if (plen)
        out[n++] = '/';
    memcpy(out + n, h, nlen);
    n += nlen;
    out[n] = '\0';
    size_t start = 0;
    for (;;) {
        if (start < n && out[start] == '/')
            start++;
        else if (start + 1 < n && out[start] == '.' && out[start + 1] == '/')
            start += 2;
        else
            break;
    }
    while (n > start && out[n - 1] == '/')
        n--;
    memmove(out, out + start, n - start);
    n -= start;
    out[n] = '\0';
    return n;
}

static void say(vfs_tar_warn_fn warn, void *ctx, uint64_t off, const char *name,
                const char *why)
{
    if (warn)
        warn(ctx, off, name, why);
}

int vfs_tar_index(struct vfs_fs *fs, const uint8_t *image, uint64_t size, vfs_tar_warn_fn warn,
                  void *ctx)
{
    char name[160 + 100];
    int added = 0;
    uint64_t off = 0;
    bool lost = false;      /* after a bad header: looking for the next good one */
    while (image && size >= BLOCK && off <= size - BLOCK) {
        const uint8_t *h = image + off;
        if (block_zero(h))
            break;                      /* the end marker */
        if (!header_valid(h)) {
            if (!lost)
                say(warn, ctx, off, "", "bad header (magic or checksum), skipped");
            lost = true;
            off += BLOCK;
            continue;
        }
        lost = false;
        size_t len = entry_name(h, name);
        uint64_t data_size, mode = 0, mtime = 0;
        if (!parse_octal(h + 124, 12, &data_size)) {
            say(warn, ctx, off, name, "size is not octal; archive ends here");
            break;
        }
        uint64_t data = off + BLOCK;
        if (data_size > size - data) {
            say(warn, ctx, off, name, "data runs past the archive; archive ends here");
            break;
        }
        uint64_t next = data + (data_size + BLOCK - 1) / BLOCK * BLOCK;
        parse_octal(h + 100, 8, &mode);
        parse_octal(h + 136, 12, &mtime);
        uint8_t type = h[156];
        int err = 0;
        if (len == 0) {
            err = type == '5' ? 0 : -KS_ERR_INVALID_ARGUMENT;   /* "./" is the root */
        } else if (type == '0' || type == 0) {
            err = vfs_add_image(fs, name, len, VFS_FILE, image + data, data, data_size,
                                (uint32_t)(mode & 07777), mtime);
            added += err == 0;
        } else if (type == '5') {
            err = vfs_add_image(fs, name, len, VFS_DIR, NULL, 0, 0, (uint32_t)(mode & 07777),
                                mtime);
            added += err == 0;
        } else {
            say(warn, ctx, off, name, "not a regular file or directory, skipped");
        }
        if (err == -KS_ERR_EXISTS)
            say(warn, ctx, off, name, "duplicate entry, skipped");
        else if (err == -KS_ERR_DENIED)
            say(warn, ctx, off, name, "under /tmp, skipped");
        else if (err == -KS_ERR_NO_SPACE)
            say(warn, ctx, off, name, "node table full, skipped");
        else if (err < 0)
            say(warn, ctx, off, name, "bad path, skipped");
        off = next;
    }
    return added;
}
