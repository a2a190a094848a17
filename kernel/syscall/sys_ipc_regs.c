/* SPDX-License-Identifier: MIT */
/*
 * IPC through registers (slow-path versions of the register calls).
 * Not implemented yet: every call answers -KS_ERR_NOT_SUPPORTED.
 */
#include "kestrel/errors.h"
#include "syscall/handlers.h"

SYSCALL_HANDLER(sys_ipc_call_regs)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_ipc_reply_recv_regs)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}
