/* SPDX-License-Identifier: MIT */
/*
 * The boot resource (kestrel/device.h): a KS_OBJECT_RESOURCE kobject
 * with no state of its own.  It is the authority from which device
 * objects are made (physical memory, interrupts, I/O ports): a call
 * that makes one names a resource handle with KS_RIGHT_MANAGE.  Only
 * resource_root_create (init/boot_caps.h) makes one, for the first
 * process; everyone else holds duplicates.
 *
 * Interface:
 *   resource_root_create  (declared in init/boot_caps.h) the object
 *   resource_check        handle names a resource with MANAGE in t:
 *                         0, or -BAD_HANDLE, -WRONG_TYPE, -DENIED
 *
 * Locking: the kernel lock.
 */
#ifndef KESTREL_CAP_RESOURCE_H
#define KESTREL_CAP_RESOURCE_H

#include <stdint.h>
#include "cap/handle.h"

/* The rights of the first process's handle. */
#define RESOURCE_ROOT_RIGHTS (KS_RIGHT_MANAGE | KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER)

int resource_check(struct handle_table *t, int64_t handle);

#endif /* KESTREL_CAP_RESOURCE_H */
