/* SPDX-License-Identifier: MIT */
/*
 * The boot capabilities: what the first process starts with and nobody
 * else can make.  ks_start_info.handles[KS_START_RESOURCE] is the boot
 * resource (cap/resource.h: the authority for device memory, interrupts
 * and I/O ports), handles[KS_START_INITRD] the initramfs as a read-only
 * memory object (mm/memory_object.h), from which init creates processes.
 *
 *   boot_caps_install   make both objects and install a handle to each
 *                       in t; values in out[]; 0 or a negative KS_ERR_*
 *                       (nothing left installed on error)
 *
 * Locking: the kernel lock.
 */
#ifndef KESTREL_INIT_BOOT_CAPS_H
#define KESTREL_INIT_BOOT_CAPS_H

#include <stdint.h>
#include "cap/handle.h"

#define BOOT_CAPS_COUNT 2u

int boot_caps_install(struct handle_table *t, int64_t out[BOOT_CAPS_COUNT]);

/* Provided by cap/resource.c and mm/memory_object.c: a new object with
 * one reference (the caller's), or a negative KS_ERR_*.  *rights gets
 * the rights the first process's handle carries. */
int resource_root_create(struct kobject **out, uint32_t *rights);
int memory_object_create_initrd(struct kobject **out, uint32_t *rights);

#endif /* KESTREL_INIT_BOOT_CAPS_H */
