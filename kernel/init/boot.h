/* SPDX-License-Identifier: MIT */
/*
 * Kestrel boot sequence shared state and steps.
 *
 * kernel_boot_info and kernel_options are set once by kernel_main before
 * anything else reads them and never change afterwards; any context may
 * read them.  boot_info_check() validates the loader's hand-off;
 * boot_report_*() print the boot facts and the memory map; initrd_load()
 * finds, validates and lists the initramfs.
 */
#ifndef KESTREL_INIT_BOOT_H
#define KESTREL_INIT_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include "kestrel/boot_info.h"
#include "lib/cmdline.h"

extern const struct ks_boot_info *kernel_boot_info;
extern struct cmdline_options kernel_options;

/* NULL when usable, else a reason for the fatal message; *readable says
 * whether the structure itself could be read (so its fields may be shown). */
const char *boot_info_check(const struct ks_boot_info *bi, bool *readable);

void boot_report_facts(const struct ks_boot_info *bi);
void boot_report_memory_map(const struct ks_boot_info *bi);
const char *boot_memory_type_name(uint32_t type);

void initrd_load(const struct ks_boot_info *bi);
/* A file of the (validated) initramfs by path ("bin/init", "/bin/init"
 * and "./bin/init" name the same file): 0, or -KS_ERR_NOT_FOUND (no such
 * regular file, or no usable initramfs). */
int initrd_find(const char *path, const void **data, size_t *size);

/* The boot sequence, entered from kernel_entry (entry.asm). */
void kernel_main(const struct ks_boot_info *bi);

/* Virtual address of physical memory through the direct map. */
static inline void *boot_phys_to_virt(uint64_t phys)
{
    return (void *)(uintptr_t)(KS_DIRECT_MAP_BASE + phys);
}

#endif /* KESTREL_INIT_BOOT_H */
