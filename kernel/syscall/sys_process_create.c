/* SPDX-License-Identifier: MIT */
/*
 * Process creation from an ELF memory object: process_create and
 * process_start (kestrel/syscall.h, struct ks_process_create).
 *
 * process_create reads the arguments (the struct, the name, argv, the
 * start handles) into kernel buffers, finds the image and hands it to
 * process_create_handle (proc/process.h), which loads it like spawn
 * does.  The image must be one contiguous kernel range: a physical
 * object the direct map covers (the initramfs) gives it in place; an
 * anonymous object's bytes are copied into a temporary buffer of at
 * most PROCESS_IMAGE_MAX bytes, freed before the call returns.  The new
 * process does not run until process_start (MANAGE on its handle),
 * which works once: a second start, or a start after it was killed,
 * gets -KS_ERR_BUSY.
 *
 * Locking: the kernel lock (syscall.c); the static buffers below are
 * only touched under it.
 */
#include "cap/handle.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/memory_object.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

#define PROCESS_IMAGE_MAX (16ull << 20)   /* bytes copied from an anonymous object */

static char create_name[KS_PATH_MAX];
static char create_bytes[KS_ARG_BYTES_MAX];
static const char *create_argv[KS_ARGV_MAX];
static int64_t create_handles[KS_START_HANDLES_MAX];

static struct process *self(void)
{
    return sched_current()->process;
}

/* Everything args points at, into the buffers above. */
static int copy_arguments(const struct ks_process_create *args)
{
    if (args->argc > KS_ARGV_MAX || args->handle_count > KS_START_HANDLES_MAX)
        return -KS_ERR_INVALID_ARGUMENT;
    if (args->handle_count &&
        copy_from_user(create_handles, (uint64_t)(uintptr_t)args->handles,
                       args->handle_count * sizeof(create_handles[0])) < 0)
        return -KS_ERR_FAULT;
    if (args->name) {
        int64_t len = copy_string_from_user(create_name, (uint64_t)(uintptr_t)args->name,
                                            sizeof(create_name));
        if (len < 0)
            return (int)len;
    } else {
        memcpy(create_name, "process", sizeof("process"));
    }
    return copy_argv_from_user((uint64_t)(uintptr_t)args->argv, args->argc, create_bytes,
                               sizeof(create_bytes), create_argv);
}

SYSCALL_HANDLER(sys_process_create)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    struct ks_process_create args;
    if (copy_from_user(&args, a0, sizeof(args)) < 0)
        return -KS_ERR_FAULT;
    struct cap *cap;
    int err = handle_lookup(&self()->handles, args.image, KS_OBJECT_MEMORY, KS_RIGHT_READ, &cap);
    if (err < 0)
        return err;
    struct memory_object *mo = memory_object_of(cap->obj);
    uint64_t object_size = mo->pages * PAGE_SIZE;
    if (args.image_size == 0 || args.image_offset > object_size ||
        args.image_size > object_size - args.image_offset)
        return -KS_ERR_INVALID_ARGUMENT;
    err = copy_arguments(&args);
    if (err < 0)
        return err;
    const void *image = memory_object_direct(mo, args.image_offset, args.image_size);
    void *copy = NULL;
    if (!image) {
        if (mo->kind != KS_MEMORY_ANONYMOUS)
            return -KS_ERR_NOT_SUPPORTED;  /* device memory holds no programs */
        if (args.image_size > PROCESS_IMAGE_MAX)
            return -KS_ERR_INVALID_ARGUMENT;
        copy = kmalloc(args.image_size);
        if (!copy)
            return -KS_ERR_NO_MEMORY;
        (void)memory_object_read_kernel(mo, args.image_offset, copy, args.image_size);
        image = copy;
    }
    int64_t handle;
    err = process_create_handle(image, args.image_size, create_name, create_argv, args.argc,
                                self(), create_handles, args.handle_count, &args.limits,
                                &handle);
    kfree(copy);
    return err < 0 ? err : handle;
}

SYSCALL_HANDLER(sys_process_start)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(&self()->handles, (int64_t)a0, KS_OBJECT_PROCESS, KS_RIGHT_MANAGE,
                            &cap);
    if (err < 0)
        return err;
    return process_start(process_of(cap->obj));
}
