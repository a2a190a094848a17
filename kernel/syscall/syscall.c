/* SPDX-License-Identifier: MIT */
/*
 * System call dispatch and user-memory copies; see syscall.h.  The
 * table maps each number of kestrel/syscall.h to its handler and says
 * whether it runs without the kernel lock (calls that touch no shared
 * kernel state).  Handlers live in sys_*.c.
 */
#include "arch.h"
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "mm/vm.h"
#include "sched/kernel_lock.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

struct syscall_entry {
    syscall_handler_t fn;
    bool lockless;
};

static const struct syscall_entry table[KS_SYS_COUNT] = {
    [KS_SYS_NULL] = { sys_null, true },
    [KS_SYS_LOG_WRITE] = { sys_log_write, false },
    [KS_SYS_EXIT] = { sys_exit, false },
    [KS_SYS_YIELD] = { sys_yield, false },
    [KS_SYS_SLEEP] = { sys_sleep, false },
    [KS_SYS_CLOCK] = { sys_clock, true },
    [KS_SYS_THREAD_CREATE] = { sys_thread_create, false },
    [KS_SYS_THREAD_EXIT] = { sys_thread_exit, false },
    [KS_SYS_THREAD_JOIN] = { sys_thread_join, false },
    [KS_SYS_FUTEX_WAIT] = { sys_futex_wait, false },
    [KS_SYS_FUTEX_WAKE] = { sys_futex_wake, false },
    [KS_SYS_PROCESS_INFO] = { sys_process_info, false },
    [KS_SYS_THREAD_INFO] = { sys_thread_info, false },
    [KS_SYS_THREAD_SET_PRIORITY] = { sys_thread_set_priority, false },
    [KS_SYS_THREAD_SET_AFFINITY] = { sys_thread_set_affinity, false },
    [KS_SYS_MEM_INFO] = { sys_mem_info, false },
    [KS_SYS_SPAWN] = { sys_spawn, false },
    [KS_SYS_WAIT] = { sys_wait, false },
    [KS_SYS_HANDLE_CLOSE] = { sys_handle_close, false },
    [KS_SYS_HANDLE_DUPLICATE] = { sys_handle_duplicate, false },
    [KS_SYS_HANDLE_REVOKE] = { sys_handle_revoke, false },
    [KS_SYS_HANDLE_INFO] = { sys_handle_info, false },
    [KS_SYS_NOTIFICATION_CREATE] = { sys_notification_create, false },
    [KS_SYS_NOTIFICATION_SIGNAL] = { sys_notification_signal, false },
    [KS_SYS_NOTIFICATION_WAIT] = { sys_notification_wait, false },
    [KS_SYS_PROCESS_KILL] = { sys_process_kill, false },
    [KS_SYS_ENDPOINT_CREATE] = { sys_endpoint_create, false },
    [KS_SYS_HANDLE_MINT] = { sys_handle_mint, false },
    [KS_SYS_IPC_SEND] = { sys_ipc_send, false },
    [KS_SYS_IPC_RECV] = { sys_ipc_recv, false },
    [KS_SYS_IPC_CALL] = { sys_ipc_call, false },
    [KS_SYS_IPC_REPLY] = { sys_ipc_reply, false },
    [KS_SYS_IPC_REPLY_RECV] = { sys_ipc_reply_recv, false },
    [KS_SYS_MEMORY_CREATE] = { sys_memory_create, false },
    [KS_SYS_MEMORY_CREATE_PHYSICAL] = { sys_memory_create_physical, false },
    [KS_SYS_MEMORY_READ] = { sys_memory_read, false },
    [KS_SYS_MEMORY_WRITE] = { sys_memory_write, false },
    [KS_SYS_MEMORY_MAP] = { sys_memory_map, false },
    [KS_SYS_MEMORY_UNMAP] = { sys_memory_unmap, false },
    [KS_SYS_MEMORY_PROTECT] = { sys_memory_protect, false },
    [KS_SYS_MEMORY_INFO] = { sys_memory_info, false },
    [KS_SYS_INTERRUPT_CREATE] = { sys_interrupt_create, false },
    [KS_SYS_INTERRUPT_ACK] = { sys_interrupt_ack, false },
    [KS_SYS_INTERRUPT_INFO] = { sys_interrupt_info, false },
    [KS_SYS_IO_PORTS_CREATE] = { sys_io_ports_create, false },
    [KS_SYS_IO_PORTS_ENABLE] = { sys_io_ports_enable, false },
    [KS_SYS_IO_PORTS_DISABLE] = { sys_io_ports_disable, false },
    [KS_SYS_PROCESS_CREATE] = { sys_process_create, false },
    [KS_SYS_PROCESS_START] = { sys_process_start, false },
    [KS_SYS_PROCESS_USAGE] = { sys_process_usage, false },
    [KS_SYS_IPC_CALL_REGS] = { sys_ipc_call_regs, false },
    [KS_SYS_IPC_REPLY_RECV_REGS] = { sys_ipc_reply_recv_regs, false },
    [KS_SYS_RESOURCE_INFO] = { sys_resource_info, false },
    [KS_SYS_POWER] = { sys_power, false },
    [KS_SYS_HANDLE_LIST] = { sys_handle_list, false },
    [KS_SYS_BOOT_MILESTONE] = { sys_boot_milestone, false },
    [KS_SYS_LOG_READ] = { sys_log_read, false },
    [KS_SYS_LOG_TAKE] = { sys_log_take, false },
};

int64_t syscall_dispatch(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5, uint64_t number)
{
    if (number >= KS_SYS_COUNT)
        return -KS_ERR_NOT_SUPPORTED;
    const struct syscall_entry *e = &table[number];
    if (e->lockless)
        return e->fn(a0, a1, a2, a3, a4, a5);
    kernel_lock();
    int64_t result = e->fn(a0, a1, a2, a3, a4, a5);
    sched_leave_kernel();
    return result;
}

static bool user_range_ok(uint64_t addr, size_t len)
{
    return addr <= VM_USER_TOP && len <= VM_USER_TOP - addr;
}

int copy_from_user(void *dst, uint64_t user_src, size_t len)
{
    if (len == 0)
        return 0;
    if (!user_range_ok(user_src, len))
        return -KS_ERR_FAULT;
    return arch_copy_from_user(dst, (const void *)(uintptr_t)user_src, len);
}

int copy_to_user(uint64_t user_dst, const void *src, size_t len)
{
    if (len == 0)
        return 0;
    if (!user_range_ok(user_dst, len))
        return -KS_ERR_FAULT;
    return arch_copy_to_user((void *)(uintptr_t)user_dst, src, len);
}

int64_t copy_string_from_user(char *dst, uint64_t user_src, size_t max)
{
    /* A byte at a time would cost a fault-checked copy per byte; copy up
     * to the end of each page instead and look for the NUL. */
    size_t done = 0;
    while (done < max) {
        uint64_t at = user_src + done;
        size_t chunk = PAGE_SIZE - (at & (PAGE_SIZE - 1));
        if (chunk > max - done)
            chunk = max - done;
        int err = copy_from_user(dst + done, at, chunk);
        if (err < 0)
            return err;
        for (size_t i = 0; i < chunk; i++)
            if (dst[done + i] == 0)
                return (int64_t)(done + i);
        done += chunk;
    }
    return -KS_ERR_INVALID_ARGUMENT;
}

int copy_argv_from_user(uint64_t user_argv, uint32_t argc, char *bytes, size_t size,
                        const char **argv)
{
    size_t used = 0;
    for (uint32_t i = 0; i < argc; i++) {
        uint64_t ptr;
        if (copy_from_user(&ptr, user_argv + i * sizeof(uint64_t), sizeof(ptr)) < 0)
            return -KS_ERR_FAULT;
        int64_t len = copy_string_from_user(bytes + used, ptr, size - used);
        if (len < 0)
            return (int)len;
        argv[i] = bytes + used;
        used += (size_t)len + 1;
    }
    return 0;
}
