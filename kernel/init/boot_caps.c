/* SPDX-License-Identifier: MIT */
/*
 * The first process's boot capabilities; see boot_caps.h.
 */
#include "init/boot_caps.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"

_Static_assert(KS_START_RESOURCE < BOOT_CAPS_COUNT && KS_START_INITRD < BOOT_CAPS_COUNT,
               "boot handles fit");

int boot_caps_install(struct handle_table *t, int64_t out[BOOT_CAPS_COUNT])
{
    int (*const make[BOOT_CAPS_COUNT])(struct kobject **, uint32_t *) = {
        [KS_START_RESOURCE] = resource_root_create,
        [KS_START_INITRD] = memory_object_create_initrd,
    };
    for (unsigned i = 0; i < BOOT_CAPS_COUNT; i++)
        out[i] = 0;
    for (unsigned i = 0; i < BOOT_CAPS_COUNT; i++) {
        struct kobject *obj;
        uint32_t rights;
        int err = make[i](&obj, &rights);
        if (err == 0) {
            err = handle_install(t, obj, rights, 0, &out[i]);
            /* The handle holds the object now (or the install failed and
             * this drop frees it). */
            kobject_unref(obj);
        }
        if (err == -KS_ERR_NOT_SUPPORTED)
            continue;            /* not built yet: that handle stays 0 */
        if (err < 0) {
            for (unsigned j = 0; j < i; j++)
                (void)handle_close(t, out[j]);
            return err;
        }
    }
    return 0;
}
