/* SPDX-License-Identifier: MIT */
/*
 * Device access: interrupt and I/O-port objects (kestrel/device.h).
 * Not implemented yet: every call answers -KS_ERR_NOT_SUPPORTED.
 */
#include "kestrel/errors.h"
#include "syscall/handlers.h"

SYSCALL_HANDLER(sys_interrupt_create)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_interrupt_ack)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_interrupt_info)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_io_ports_create)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_io_ports_enable)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}

SYSCALL_HANDLER(sys_io_ports_disable)
{
    SYSCALL_UNUSED6();
    return -KS_ERR_NOT_SUPPORTED;
}
