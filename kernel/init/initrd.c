/* SPDX-License-Identifier: MIT */
/*
 * Kestrel initramfs discovery and listing.
 *
 * The initrd is the boot module of kind KS_MODULE_INITRD, a ustar
 * archive read with lib/tar.h through the direct map.  The whole archive
 * is validated first; only a sound archive is listed (`initrd: N files,
 * B bytes`, then `initrd:   <size> <name>` per entry).  A damaged one
 * gives `initrd: error: <entry name or offset>: <reason>` and the boot
 * goes on without it; a missing one gives a warning.  Boot CPU, once.
 */
#include <stdint.h>
#include "debug/kprintf.h"
#include "init/boot.h"
#include "kestrel/errors.h"
#include "lib/tar.h"

static const struct ks_module *find_initrd(const struct ks_boot_info *bi)
{
    for (uint32_t i = 0; i < bi->module_count; i++) {
        if (bi->modules[i].kind == KS_MODULE_INITRD)
            return &bi->modules[i];
    }
    return NULL;
}

/* Walk the archive; with list set, print each entry. */
static int walk_archive(const void *data, size_t size, bool list, uint32_t *files,
                        uint64_t *bytes, struct tar_error *error)
{
    struct tar_reader reader;
    struct tar_entry entry;
    int rc;
    *files = 0;
    *bytes = 0;
    tar_reader_init(&reader, data, size);
    while ((rc = tar_next(&reader, &entry, error)) == 1) {
        (*files)++;
        *bytes += entry.size;
        if (list)
            kinfo("initrd:   %llu %s\n", (unsigned long long)entry.size, entry.name);
    }
    return rc;
}

/* The archive once it has passed validation (NULL before or without). */
static const void *archive_data;
static size_t archive_size;

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

static bool same_path(const char *a, const char *b)
{
    a = skip_prefix(a);
    b = skip_prefix(b);
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == 0 && *b == 0;
}

int initrd_find(const char *path, const void **data, size_t *size)
{
    if (!archive_data || !path)
        return -KS_ERR_NOT_FOUND;
    struct tar_reader reader;
    struct tar_entry entry;
    struct tar_error error;
    tar_reader_init(&reader, archive_data, archive_size);
    while (tar_next(&reader, &entry, &error) == 1) {
        if (!entry.is_directory && same_path(entry.name, path)) {
            *data = entry.data;
            *size = (size_t)entry.size;
            return 0;
        }
    }
    return -KS_ERR_NOT_FOUND;
}

void initrd_load(const struct ks_boot_info *bi)
{
    const struct ks_module *module = find_initrd(bi);
    if (!module) {
        kwarn("initrd: warning: no initrd module (GRUB module2 string \"initrd\"); "
              "continuing without one\n");
        return;
    }
    if (module->base + module->size > bi->direct_map_size ||
        module->base + module->size < module->base) {
        kerror("initrd: error: offset 0x0: module at 0x%llx (%llu bytes) is outside "
               "the direct map\n", (unsigned long long)module->base,
               (unsigned long long)module->size);
        return;
    }

    const void *data = boot_phys_to_virt(module->base);
    uint32_t files;
    uint64_t bytes;
    struct tar_error error;
    if (walk_archive(data, (size_t)module->size, false, &files, &bytes, &error) < 0) {
        if (error.name[0])
            kerror("initrd: error: %s: %s\n", error.name, error.reason);
        else
            kerror("initrd: error: offset 0x%llx: %s\n",
                   (unsigned long long)error.offset, error.reason);
        return;
    }
    kinfo("initrd: %u files, %llu bytes\n", files, (unsigned long long)bytes);
    archive_data = data;
    archive_size = (size_t)module->size;
    walk_archive(data, (size_t)module->size, true, &files, &bytes, &error);
}
