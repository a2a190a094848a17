/* SPDX-License-Identifier: MIT */
/*
 * Process creation from an ELF memory object: process_create, process_start.
 * Not implemented yet: every call answers -KS_ERR_NOT_SUPPORTED.
 */
#include "kestrel/errors.h"
#include "syscall/handlers.h"

SYSCALL_HANDLER(sys_process_create)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_process_start)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}
