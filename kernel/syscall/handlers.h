/* SPDX-License-Identifier: MIT */
/*
 * The system call handlers (sys_*.c), as syscall.c's table calls them:
 * the six raw argument registers in, the result (>= 0, or a negative
 * KS_ERR_*) out.  Each checks its own arguments; all but the lockless
 * ones run under the kernel lock.
 */
#ifndef KESTREL_SYSCALL_HANDLERS_H
#define KESTREL_SYSCALL_HANDLERS_H

#include <stdint.h>

typedef int64_t (*syscall_handler_t)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                     uint64_t a4, uint64_t a5);

#define SYSCALL_HANDLER(name) \
    int64_t name(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)

SYSCALL_HANDLER(sys_null);
SYSCALL_HANDLER(sys_log_write);
SYSCALL_HANDLER(sys_exit);
SYSCALL_HANDLER(sys_yield);
SYSCALL_HANDLER(sys_sleep);
SYSCALL_HANDLER(sys_clock);
SYSCALL_HANDLER(sys_thread_create);
SYSCALL_HANDLER(sys_thread_exit);
SYSCALL_HANDLER(sys_thread_join);
SYSCALL_HANDLER(sys_futex_wait);
SYSCALL_HANDLER(sys_futex_wake);
SYSCALL_HANDLER(sys_process_info);
SYSCALL_HANDLER(sys_thread_info);
SYSCALL_HANDLER(sys_thread_set_priority);
SYSCALL_HANDLER(sys_thread_set_affinity);
SYSCALL_HANDLER(sys_mem_info);
SYSCALL_HANDLER(sys_spawn);
SYSCALL_HANDLER(sys_wait);
SYSCALL_HANDLER(sys_handle_close);
SYSCALL_HANDLER(sys_handle_duplicate);
SYSCALL_HANDLER(sys_handle_revoke);
SYSCALL_HANDLER(sys_handle_info);
SYSCALL_HANDLER(sys_notification_create);
SYSCALL_HANDLER(sys_notification_signal);
SYSCALL_HANDLER(sys_notification_wait);
SYSCALL_HANDLER(sys_process_kill);
SYSCALL_HANDLER(sys_endpoint_create);
SYSCALL_HANDLER(sys_handle_mint);
SYSCALL_HANDLER(sys_ipc_send);
SYSCALL_HANDLER(sys_ipc_recv);
SYSCALL_HANDLER(sys_ipc_call);
SYSCALL_HANDLER(sys_ipc_reply);
SYSCALL_HANDLER(sys_ipc_reply_recv);
SYSCALL_HANDLER(sys_memory_create);
SYSCALL_HANDLER(sys_memory_create_physical);
SYSCALL_HANDLER(sys_memory_read);
SYSCALL_HANDLER(sys_memory_write);
SYSCALL_HANDLER(sys_memory_map);
SYSCALL_HANDLER(sys_memory_unmap);
SYSCALL_HANDLER(sys_memory_protect);
SYSCALL_HANDLER(sys_memory_info);
SYSCALL_HANDLER(sys_interrupt_create);
SYSCALL_HANDLER(sys_interrupt_ack);
SYSCALL_HANDLER(sys_interrupt_info);
SYSCALL_HANDLER(sys_io_ports_create);
SYSCALL_HANDLER(sys_io_ports_enable);
SYSCALL_HANDLER(sys_io_ports_disable);
SYSCALL_HANDLER(sys_process_create);
SYSCALL_HANDLER(sys_process_start);
SYSCALL_HANDLER(sys_process_usage);
SYSCALL_HANDLER(sys_resource_info);
SYSCALL_HANDLER(sys_power);
SYSCALL_HANDLER(sys_handle_list);
SYSCALL_HANDLER(sys_boot_milestone);
SYSCALL_HANDLER(sys_log_read);
SYSCALL_HANDLER(sys_log_take);
SYSCALL_HANDLER(sys_ipc_call_regs);
SYSCALL_HANDLER(sys_ipc_reply_recv_regs);

/* Unused arguments of a handler. */
#define SYSCALL_UNUSED6() (void)a0; (void)a1; (void)a2; (void)a3; (void)a4; (void)a5

#endif /* KESTREL_SYSCALL_HANDLERS_H */
