/* SPDX-License-Identifier: MIT */
/*
 * Memory-object and process-creation wrappers of the user runtime (the
 * ABI is kestrel/memory.h and kestrel/syscall.h; the design is
 * docs/memory.md).  Every call returns 0, a handle or an address on
 * success and -KS_ERR_* on failure.
 *
 * ks_initrd_find looks a file up in the initramfs for a program holding
 * the initrd handle (the first process's ks_start_info->handles[
 * KS_START_INITRD]): it walks the archive's ustar headers with
 * memory_read, so the result is the file's place in that object, ready
 * for ks_process_create's image_offset and image_size.
 */
#ifndef KS_MEMORY_H
#define KS_MEMORY_H

#include <stdint.h>
#include "kestrel/memory.h"
#include "kestrel/syscall.h"
#include "ks_syscall.h"

/* A new anonymous object of size bytes (rounded up to pages). */
static inline int64_t ks_memory_create(uint64_t size)
{
    return ks_syscall3(KS_SYS_MEMORY_CREATE, size, 0, 0);
}

/* A physical object over [phys, phys+size); needs MANAGE on resource. */
static inline int64_t ks_memory_create_physical(ks_handle_t resource, uint64_t phys,
                                                uint64_t size, uint32_t flags)
{
    return ks_syscall6(KS_SYS_MEMORY_CREATE_PHYSICAL, (uint64_t)resource, phys, size, flags,
                       0, 0);
}

static inline int64_t ks_memory_read(ks_handle_t memory, uint64_t offset, void *buf,
                                     uint64_t len)
{
    return ks_syscall6(KS_SYS_MEMORY_READ, (uint64_t)memory, offset, (uint64_t)(uintptr_t)buf,
                       len, 0, 0);
}

static inline int64_t ks_memory_write(ks_handle_t memory, uint64_t offset, const void *buf,
                                      uint64_t len)
{
    return ks_syscall6(KS_SYS_MEMORY_WRITE, (uint64_t)memory, offset, (uint64_t)(uintptr_t)buf,
                       len, 0, 0);
}

/* Map [offset, offset+size) of memory with prot (KS_PROT_*, with
 * KS_MAP_FIXED to demand addr): the address, or -KS_ERR_*. */
static inline int64_t ks_memory_map(ks_handle_t memory, uint64_t offset, uint64_t size,
                                    uint64_t addr, uint32_t prot)
{
    return ks_syscall6(KS_SYS_MEMORY_MAP, (uint64_t)memory, offset, size, addr, prot, 0);
}

static inline int64_t ks_memory_unmap(uint64_t addr, uint64_t size)
{
    return ks_syscall3(KS_SYS_MEMORY_UNMAP, addr, size, 0);
}

static inline int64_t ks_memory_protect(uint64_t addr, uint64_t size, uint32_t prot)
{
    return ks_syscall3(KS_SYS_MEMORY_PROTECT, addr, size, prot);
}

static inline int64_t ks_memory_info(ks_handle_t memory, struct ks_memory_info *out)
{
    return ks_syscall3(KS_SYS_MEMORY_INFO, (uint64_t)memory, (uint64_t)(uintptr_t)out, 0);
}

/* A new process from args (not running yet): its handle. */
static inline int64_t ks_process_create(const struct ks_process_create *args)
{
    return ks_syscall3(KS_SYS_PROCESS_CREATE, (uint64_t)(uintptr_t)args, 0, 0);
}

/* Start a process ks_process_create made (once). */
static inline int64_t ks_process_start(ks_handle_t process)
{
    return ks_syscall3(KS_SYS_PROCESS_START, (uint64_t)process, 0, 0);
}

/* The regular file at path ("bin/crasher", a leading "/" or "./" is
 * ignored) in the initramfs object initrd: 0 with its byte offset in
 * the object and its size, -KS_ERR_NOT_FOUND, -KS_ERR_CORRUPT (a
 * damaged header), or memory_read's error. */
int64_t ks_initrd_find(ks_handle_t initrd, const char *path, uint64_t *offset,
                       uint64_t *size);

/* Create a process from the initramfs file at path with argv and the
 * start handles listed (limits: the creator's), and start it: its
 * handle, or -KS_ERR_*. */
int64_t ks_initrd_spawn(ks_handle_t initrd, const char *path, const char *const *argv,
                        uint32_t argc, const ks_handle_t *handles, uint32_t count);

#endif /* KS_MEMORY_H */
