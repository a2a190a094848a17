/* SPDX-License-Identifier: MIT */
/*
 * The boot resource; see cap/resource.h.  The object is only a kobject:
 * holding a handle to it with MANAGE is the whole authority, so there
 * is nothing to keep beyond the header.  Kernel lock held.
 */
#include "cap/resource.h"
#include "init/boot_caps.h"
#include "kestrel/errors.h"
#include "mm/heap.h"

static void resource_destroy(struct kobject *obj)
{
    kfree(obj);
}

int resource_root_create(struct kobject **out, uint32_t *rights)
{
    struct kobject *obj = kmalloc(sizeof(*obj));
    if (!obj)
        return -KS_ERR_NO_MEMORY;
    kobject_init(obj, KS_OBJECT_RESOURCE, resource_destroy);
    *out = obj;
    *rights = RESOURCE_ROOT_RIGHTS;
    return 0;
}

int resource_check(struct handle_table *t, int64_t handle)
{
    struct cap *cap;
    return handle_lookup(t, handle, KS_OBJECT_RESOURCE, KS_RIGHT_MANAGE, &cap);
}
