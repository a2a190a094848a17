/* SPDX-License-Identifier: MIT */
/*
 * Kestrel ustar (POSIX.1-1988 tar) reader for the initramfs (pure,
 * host-tested).
 *
 * Interface: tar_reader_init() over a byte range, then tar_next() until
 * it returns 0 (end-of-archive marker reached) or -KS_ERR_CORRUPT (then
 * *error says where and why).  Every header is validated before use:
 * the "ustar" magic, the header checksum, an octal size, a non-empty
 * name read within its field (POSIX lets a 100-byte name fill the field
 * without a NUL; nothing beyond the field is ever read), the prefix
 * joined with '/', the data inside the range, only regular files and
 * directories, two zero blocks at the end.  An archive that stops early
 * is reported as truncated.  The reader never writes to the archive and
 * entries point into it.  No globals: callable from any context.
 */
#ifndef KESTREL_LIB_TAR_H
#define KESTREL_LIB_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TAR_BLOCK_SIZE 512u
#define TAR_NAME_MAX   256u  /* prefix (155) + '/' + name (100) */

struct tar_entry {
    char name[TAR_NAME_MAX + 1];
    uint64_t size;            /* bytes of data (0 for directories) */
    bool is_directory;
    const uint8_t *data;      /* inside the archive */
    size_t header_offset;     /* of this entry's header block */
};

struct tar_error {
    size_t offset;            /* header offset where validation failed */
    char name[TAR_NAME_MAX + 1]; /* entry name when known, else "" */
    const char *reason;
};

struct tar_reader {
    const uint8_t *base;
    size_t size;
    size_t offset;            /* next header */
};

void tar_reader_init(struct tar_reader *reader, const void *data, size_t size);

/* 1 = *entry filled, 0 = end of archive, -KS_ERR_CORRUPT = *error filled. */
int tar_next(struct tar_reader *reader, struct tar_entry *entry, struct tar_error *error);

#endif /* KESTREL_LIB_TAR_H */
