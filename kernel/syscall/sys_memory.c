/* SPDX-License-Identifier: MIT */
/*
 * Memory objects: create, create_physical, read, write, map, unmap,
 * protect, info (kestrel/memory.h; the objects are mm/memory_object.h,
 * the mappings mm/user_map.h).  Each call decodes first (handle, type,
 * rights, ranges) and only then acts; a bad user buffer in read or
 * write gives -KS_ERR_FAULT after the bytes before it were copied.
 *
 * Locking: the kernel lock (syscall.c), which also guards the handle
 * tables, the objects and the mapping lists.
 */
#include "cap/handle.h"
#include "kestrel/errors.h"
#include "kestrel/memory.h"
#include "mm/memory_object.h"
#include "mm/user_map.h"
#include "proc/process.h"
#include "proc/quota.h"
#include "sched/sched.h"
#include "console/console.h"
#include "debug/kprintf.h"
#include "init/boot.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

static struct process *self(void)
{
    return sched_current()->process;
}

static int lookup_memory(uint64_t handle, uint32_t rights, struct cap **out)
{
    return handle_lookup(&self()->handles, (int64_t)handle, KS_OBJECT_MEMORY, rights, out);
}

/* Hand a new object to the caller: a handle, or the install's error
 * (the object goes with the caller's reference either way). */
static int64_t install(struct memory_object *mo, uint32_t rights)
{
    int64_t handle;
    int err = handle_install(&self()->handles, &mo->obj, rights, 0, &handle);
    kobject_unref(&mo->obj);
    return err < 0 ? err : handle;
}

SYSCALL_HANDLER(sys_memory_create)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    if (a1 != 0)
        return -KS_ERR_INVALID_ARGUMENT;  /* no flags defined yet */
    struct memory_object *mo;
    int err = memory_object_create_anonymous(a0, process_quota(self()), &mo);
    if (err < 0)
        return err;
    return install(mo, MEMORY_ANONYMOUS_RIGHTS);
}

/* A physical object over the boot screen is a user console driver
 * taking it: the kernel's own screen consoles stop drawing there. */
static void screen_handover(uint64_t phys, uint64_t size)
{
    const struct ks_boot_info *bi = kernel_boot_info;
    if (!bi || bi->framebuffer.type == KS_FB_NONE)
        return;
    uint64_t base = bi->framebuffer.base;
    uint64_t end = base + (uint64_t)bi->framebuffer.pitch * bi->framebuffer.height;
    static bool handed_over;
    if (phys < end && base < phys + size && !handed_over) {
        handed_over = true;
        kinfo("console: the screen is handed to userspace; the kernel log goes on on serial\n");
        console_release_screen();
    }
}

SYSCALL_HANDLER(sys_memory_create_physical)
{
    (void)a4; (void)a5;
    struct cap *resource;
    int err = handle_lookup(&self()->handles, (int64_t)a0, KS_OBJECT_RESOURCE, KS_RIGHT_MANAGE,
                            &resource);
    if (err < 0)
        return err;
    if (a3 & ~(uint64_t)KS_MEMORY_UNCACHED)
        return -KS_ERR_INVALID_ARGUMENT;
    int kind = memory_object_phys_allowed(a1, a2);
    if (kind < 0)
        return kind;
    struct memory_object *mo;
    err = memory_object_create_physical(a1, a2, (uint32_t)a3, &mo);
    if (err < 0)
        return err;
    screen_handover(a1, a2);
    /* Inside the initramfs (kind 1): read-only, like the boot handle. */
    return install(mo, kind == 1 ? MEMORY_INITRD_RIGHTS : MEMORY_DEVICE_RIGHTS);
}

static int64_t memory_copy(uint64_t handle, uint64_t offset, uint64_t user, uint64_t len,
                           bool to_user)
{
    struct cap *cap;
    int err = lookup_memory(handle, to_user ? KS_RIGHT_READ : KS_RIGHT_WRITE, &cap);
    if (err < 0)
        return err;
    if (len == 0)
        return 0;
    if (user >= VM_USER_TOP || len > VM_USER_TOP - user)
        return -KS_ERR_FAULT;
    return memory_object_copy(memory_object_of(cap->obj), offset, user, len, to_user);
}

SYSCALL_HANDLER(sys_memory_read)
{
    (void)a4; (void)a5;
    return memory_copy(a0, a1, a2, a3, true);
}

SYSCALL_HANDLER(sys_memory_write)
{
    (void)a4; (void)a5;
    return memory_copy(a0, a1, a2, a3, false);
}

SYSCALL_HANDLER(sys_memory_map)
{
    (void)a5;
    struct cap *cap;
    int err = lookup_memory(a0, KS_RIGHT_MAP, &cap);
    if (err < 0)
        return err;
    uint32_t prot = (uint32_t)a4 & 0xffffu;
    uint32_t flags = (uint32_t)(a4 >> 16);
    if (a4 >> 32 || flags & ~(KS_MAP_FIXED >> 16))
        return -KS_ERR_INVALID_ARGUMENT;
    uintptr_t at;
    err = user_map(self(), memory_object_of(cap->obj), a1, a2, a3, flags != 0, prot,
                   user_map_max_prot(cap->rights), &at);
    return err < 0 ? err : (int64_t)at;
}

SYSCALL_HANDLER(sys_memory_unmap)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    return user_unmap(self(), a0, a1);
}

SYSCALL_HANDLER(sys_memory_protect)
{
    (void)a3; (void)a4; (void)a5;
    if (a2 >> 32)
        return -KS_ERR_INVALID_ARGUMENT;
    return user_protect(self(), a0, a1, (uint32_t)a2);
}

SYSCALL_HANDLER(sys_memory_info)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = lookup_memory(a0, KS_RIGHT_READ, &cap);
    if (err < 0)
        return err;
    struct ks_memory_info info;
    memory_object_info(memory_object_of(cap->obj), &info);
    return copy_to_user(a1, &info, sizeof(info));
}
