/* SPDX-License-Identifier: MIT */
/*
 * Quotas: process_usage.
 * Not implemented yet: every call answers -KS_ERR_NOT_SUPPORTED.
 */
#include "kestrel/errors.h"
#include "syscall/handlers.h"

SYSCALL_HANDLER(sys_process_usage)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}
