/* SPDX-License-Identifier: MIT */
/* The boot resource (kestrel/device.h).  Not implemented yet. */
#include "init/boot_caps.h"
#include "kestrel/errors.h"

int resource_root_create(struct kobject **out, uint32_t *rights)
{
    (void)out; (void)rights;
    return -KS_ERR_NOT_SUPPORTED;
}
