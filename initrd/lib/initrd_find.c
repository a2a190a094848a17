/* SPDX-License-Identifier: MIT */
/*
 * Finding a file in the initramfs memory object (ks_memory.h): the
 * archive is ustar, 512-byte headers each followed by the file's data
 * rounded up to 512 bytes, ended by a zero block.  Only the fields
 * needed are read: the name (with the ustar prefix), the size (octal)
 * and the type flag.  Any thread may call these.
 */
#include "ks.h"
#include "ks_memory.h"

#define TAR_BLOCK 512u

static const char *skip_prefix(const char *path)
{
    for (;;) {
        if (path[0] == '/')
            path++;
        else if (path[0] == '.' && path[1] == '/')
            path += 2;
        else
            return path;
    }
}

/* Whether the header's name (prefix "/" name, each NUL-padded) is path. */
static int name_matches(const uint8_t *header, const char *path)
{
    char full[256];
    size_t n = 0;
    if (header[345]) {
        for (size_t i = 0; i < 155 && header[345 + i]; i++)
            full[n++] = (char)header[345 + i];
        full[n++] = '/';
    }
    for (size_t i = 0; i < 100 && header[i]; i++)
        full[n++] = (char)header[i];
    full[n] = 0;
    return strcmp(skip_prefix(full), skip_prefix(path)) == 0;
}

static int parse_octal(const uint8_t *field, size_t len, uint64_t *out)
{
    uint64_t value = 0;
    size_t i = 0;
    while (i < len && field[i] == ' ')
        i++;
    for (; i < len && field[i] >= '0' && field[i] <= '7'; i++)
        value = value * 8 + (uint64_t)(field[i] - '0');
    if (i < len && field[i] != 0 && field[i] != ' ')
        return -KS_ERR_CORRUPT;
    *out = value;
    return 0;
}

int64_t ks_initrd_find(ks_handle_t initrd, const char *path, uint64_t *offset,
                       uint64_t *size)
{
    struct ks_memory_info info;
    int64_t err = ks_memory_info(initrd, &info);
    if (err < 0)
        return err;
    uint8_t header[TAR_BLOCK];
    for (uint64_t at = 0; at + TAR_BLOCK <= info.size;) {
        err = ks_memory_read(initrd, at, header, TAR_BLOCK);
        if (err < 0)
            return err;
        if (header[0] == 0)
            return -KS_ERR_NOT_FOUND;  /* the end-of-archive block */
        uint64_t file_size;
        if (parse_octal(header + 124, 12, &file_size) < 0)
            return -KS_ERR_CORRUPT;
        uint64_t data = at + TAR_BLOCK;
        if (file_size > info.size - data)
            return -KS_ERR_CORRUPT;
        char type = (char)header[156];
        if ((type == '0' || type == 0) && name_matches(header, path)) {
            *offset = data;
            *size = file_size;
            return 0;
        }
        at = data + (file_size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
    }
    return -KS_ERR_NOT_FOUND;
}

int64_t ks_initrd_spawn(ks_handle_t initrd, const char *path, const char *const *argv,
                        uint32_t argc, const ks_handle_t *handles, uint32_t count)
{
    struct ks_process_create args = {
        .image = initrd, .name = path, .argv = argv, .argc = argc,
        .handle_count = count, .handles = handles,
    };
    int64_t err = ks_initrd_find(initrd, path, &args.image_offset, &args.image_size);
    if (err < 0)
        return err;
    int64_t process = ks_process_create(&args);
    if (process < 0)
        return process;
    err = ks_process_start(process);
    if (err < 0) {
        ks_sys_handle_close(process);
        return err;
    }
    return process;
}
