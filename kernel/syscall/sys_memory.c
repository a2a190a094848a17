/* SPDX-License-Identifier: MIT */
/*
 * Memory objects: create, read, write, map, unmap, protect, info (kestrel/memory.h).
 * Not implemented yet: every call answers -KS_ERR_NOT_SUPPORTED.
 */
#include "kestrel/errors.h"
#include "syscall/handlers.h"

SYSCALL_HANDLER(sys_memory_create)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_memory_create_physical)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_memory_read)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_memory_write)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_memory_map)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_memory_unmap)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_memory_protect)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_memory_info)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}
