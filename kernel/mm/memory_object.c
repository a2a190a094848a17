/* SPDX-License-Identifier: MIT */
/* Memory objects (kestrel/memory.h).  Not implemented yet. */
#include "init/boot_caps.h"
#include "kestrel/errors.h"

int memory_object_create_initrd(struct kobject **out, uint32_t *rights)
{
    (void)out; (void)rights;
    return -KS_ERR_NOT_SUPPORTED;
}
