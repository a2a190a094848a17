/* SPDX-License-Identifier: MIT */
/*
 * Kestrel system calls (ABI): numbers, argument conventions and the
 * structures they read or write.  Userspace includes this header
 * unchanged (initrd/lib), so it uses only fixed-width types.
 *
 * Calling convention (x86_64, SYSCALL): the number in RAX, arguments in
 * RDI, RSI, RDX, R10, R8, R9; the result in RAX.  RCX and R11 are
 * clobbered (the CPU uses them); every other register is preserved.  A
 * result >= 0 is success (a value or a count), a negative result is the
 * negative of a KS_ERR_* code of kestrel/errors.h.  An unknown number
 * returns -KS_ERR_NOT_SUPPORTED.  Every pointer argument is checked: one
 * outside the user half, a range that wraps or crosses into the kernel
 * half, or memory that is not mapped with the access the call needs gets
 * -KS_ERR_FAULT and changes nothing; the kernel never faults on it.
 *
 * Timeouts are nanoseconds relative to the call: KS_TIMEOUT_POLL (0)
 * never blocks, KS_TIMEOUT_INFINITE waits for ever.  A wait that runs
 * out returns -KS_ERR_TIMED_OUT.
 */
#ifndef KESTREL_ABI_SYSCALL_H
#define KESTREL_ABI_SYSCALL_H

#include <stdint.h>
#include "kestrel/errors.h"
#include "kestrel/handle.h"

#define KS_TIMEOUT_POLL      0ull
#define KS_TIMEOUT_INFINITE  (~0ull)

/* Scheduling priorities: 0 lowest .. 255 highest.  A new process's first
 * thread runs at KS_PRIORITY_DEFAULT; a thread may give itself or a
 * thread of its process any priority up to its process's limit
 * (KS_PRIORITY_MAX_USER). */
#define KS_PRIORITY_LEVELS   256
#define KS_PRIORITY_DEFAULT  100
#define KS_PRIORITY_MAX_USER 200
#define KS_PRIORITY_INHERIT  (-1)  /* thread_create: the creator's priority */

/* Limits of the calls below. */
#define KS_LOG_WRITE_MAX     4096u  /* bytes per log_write */
#define KS_PATH_MAX          256u   /* bytes of a path, with its NUL */
#define KS_ARGV_MAX          32u    /* arguments of a spawned program */
#define KS_ARG_BYTES_MAX     4096u  /* their bytes, NULs included */
#define KS_NAME_LEN          32u    /* process name field, NUL-padded */
#define KS_THREAD_STACK_SIZE (64u * 1024u)  /* a created thread's stack */

enum ks_syscall {
    KS_SYS_NULL = 0,            /* () -> 0: the cheapest round trip */
    KS_SYS_LOG_WRITE,           /* (const char *buf, size_t len) -> len */
    KS_SYS_EXIT,                /* (int status): end the process; no return */
    KS_SYS_YIELD,               /* () -> 0: to the next thread of equal priority */
    KS_SYS_SLEEP,               /* (uint64_t ns) -> 0 after at least ns */
    KS_SYS_CLOCK,               /* () -> monotonic nanoseconds since boot */
    KS_SYS_THREAD_CREATE,       /* (entry, arg, int priority, uint64_t cpu_mask)
                                   -> thread id; entry(arg) runs on a new
                                   stack of KS_THREAD_STACK_SIZE with a guard
                                   page below; cpu_mask 0 = any CPU */
    KS_SYS_THREAD_EXIT,         /* (int64_t value): end this thread; no return.
                                   The last thread's exit ends the process
                                   with status value. */
    KS_SYS_THREAD_JOIN,         /* (tid, int64_t *value, uint64_t timeout)
                                   -> 0; frees the thread; a thread can be
                                   joined once, not itself */
    KS_SYS_FUTEX_WAIT,          /* (const uint32_t *addr, uint32_t expected,
                                   uint64_t timeout) -> 0 when woken,
                                   -KS_ERR_AGAIN when *addr != expected */
    KS_SYS_FUTEX_WAKE,          /* (const uint32_t *addr, uint32_t count)
                                   -> threads woken */
    KS_SYS_PROCESS_INFO,        /* (process handle, or 0 = self,
                                   struct ks_process_info *out) -> 0; needs
                                   KS_RIGHT_READ */
    KS_SYS_THREAD_INFO,         /* (tid or 0 = self, struct ks_thread_info *out) */
    KS_SYS_THREAD_SET_PRIORITY, /* (tid or 0 = self, int priority) -> 0 */
    KS_SYS_THREAD_SET_AFFINITY, /* (tid or 0 = self, uint64_t cpu_mask) -> 0;
                                   moves the thread at once */
    KS_SYS_MEM_INFO,            /* (struct ks_mem_info *out) -> 0 */
    KS_SYS_SPAWN,               /* (const char *path, const char *const *argv,
                                   uint32_t argc, const ks_handle_t *handles,
                                   uint32_t count) -> a process handle (READ,
                                   WAIT, MANAGE, DUPLICATE, TRANSFER) to a new
                                   process running the initramfs file at
                                   path.  The child starts with copies of the
                                   count (<= KS_START_HANDLES_MAX) handles
                                   listed (each needs DUPLICATE and TRANSFER;
                                   same rights and badge), in that order in
                                   ks_start_info.handles, and with nothing
                                   else.  Provisional: creation from an ELF
                                   memory object replaces it. */
    KS_SYS_WAIT,                /* (process handle, struct ks_exit_status *out,
                                   uint64_t timeout) -> 0 once the process
                                   has ended; needs KS_RIGHT_WAIT.  The ended
                                   process is freed when its last handle is
                                   closed. */
    /* Handles (kestrel/handle.h). */
    KS_SYS_HANDLE_CLOSE,        /* (handle) -> 0 */
    KS_SYS_HANDLE_DUPLICATE,    /* (handle, uint32_t rights) -> a new handle to
                                   the same object with those rights (a subset
                                   of the source's; needs KS_RIGHT_DUPLICATE),
                                   derived from the source */
    KS_SYS_HANDLE_REVOKE,       /* (handle) -> 0 once every handle derived from
                                   it (in any process) is gone; -KS_ERR_AGAIN
                                   when a bounded batch was removed and more
                                   remain: call again.  Needs KS_RIGHT_MANAGE */
    KS_SYS_HANDLE_INFO,         /* (handle, struct ks_handle_info *out) -> 0 */
    KS_SYS_NOTIFICATION_CREATE, /* () -> a handle with KS_RIGHTS_ALL */
    KS_SYS_NOTIFICATION_SIGNAL, /* (handle, uint64_t bits) -> 0: OR the bits
                                   in, wake a waiter.  Needs KS_RIGHT_SIGNAL */
    KS_SYS_NOTIFICATION_WAIT,   /* (handle, uint64_t timeout, uint64_t *bits)
                                   -> 0 with the bits set so far, which are
                                   cleared; waits while none are set
                                   (timeout 0: poll).  Needs KS_RIGHT_WAIT */
    /* Processes by handle (replace pids: no ambient authority). */
    KS_SYS_PROCESS_KILL,        /* (process handle) -> 0; needs KS_RIGHT_MANAGE;
                                   the process ends with KS_EXIT_KILLED */
    /* IPC (kestrel/ipc.h). */
    KS_SYS_ENDPOINT_CREATE,     /* () -> an endpoint handle with KS_RIGHTS_ALL */
    KS_SYS_HANDLE_MINT,         /* (handle, uint32_t rights, uint64_t badge) ->
                                   a derived endpoint handle carrying badge
                                   (source unbadged; needs KS_RIGHT_DUPLICATE) */
    KS_SYS_IPC_SEND,            /* (endpoint, struct ks_msg *msg, timeout) -> 0
                                   once a receiver took it; needs WRITE */
    KS_SYS_IPC_RECV,            /* (endpoint, struct ks_msg *msg, timeout) -> 0
                                   with the message in *msg; needs READ */
    KS_SYS_IPC_CALL,            /* (endpoint, struct ks_msg *msg, timeout) ->
                                   0 with the reply in *msg; needs WRITE */
    KS_SYS_IPC_REPLY,           /* (struct ks_msg *msg) -> 0: answers the call
                                   this thread received last */
    KS_SYS_IPC_REPLY_RECV,      /* (endpoint, struct ks_msg *msg, timeout):
                                   reply with *msg, then receive into it */
    /* Memory objects (kestrel/memory.h). */
    KS_SYS_MEMORY_CREATE,       /* (uint64_t size, uint32_t flags = 0) -> a
                                   handle (READ, WRITE, MAP, DUPLICATE,
                                   TRANSFER, MANAGE) to a new anonymous
                                   object of size bytes rounded up to pages
                                   (<= KS_MEMORY_SIZE_MAX), zero-filled on
                                   demand */
    KS_SYS_MEMORY_CREATE_PHYSICAL, /* (resource handle, uint64_t phys,
                                   uint64_t size, uint32_t flags) -> a handle
                                   to the physical range (page-aligned);
                                   needs MANAGE on the boot resource; RAM the
                                   kernel owns is refused (-KS_ERR_DENIED) */
    KS_SYS_MEMORY_READ,         /* (handle, uint64_t offset, void *buf,
                                   uint64_t len) -> 0; needs READ */
    KS_SYS_MEMORY_WRITE,        /* (handle, uint64_t offset, const void *buf,
                                   uint64_t len) -> 0; needs WRITE */
    KS_SYS_MEMORY_MAP,          /* (handle, uint64_t offset, uint64_t size,
                                   uint64_t addr, uint32_t prot | flags) ->
                                   the address mapped; addr 0 = the kernel
                                   picks; needs MAP and the rights prot
                                   implies (READ, WRITE, EXECUTE) */
    KS_SYS_MEMORY_UNMAP,        /* (uint64_t addr, uint64_t size) -> 0: whole
                                   mappings only */
    KS_SYS_MEMORY_PROTECT,      /* (uint64_t addr, uint64_t size, uint32_t
                                   prot) -> 0; never wider than the mapping
                                   was allowed */
    KS_SYS_MEMORY_INFO,         /* (handle, struct ks_memory_info *out) -> 0;
                                   needs READ */
    /* Device access (kestrel/device.h). */
    KS_SYS_INTERRUPT_CREATE,    /* (resource handle, uint32_t line,
                                   notification handle, uint64_t bits) -> an
                                   interrupt handle (READ, WAIT, MANAGE,
                                   DUPLICATE, TRANSFER); the notification
                                   handle needs SIGNAL */
    KS_SYS_INTERRUPT_ACK,       /* (interrupt handle) -> 0: unmask the line;
                                   needs WAIT */
    KS_SYS_INTERRUPT_INFO,      /* (interrupt handle, struct
                                   ks_interrupt_info *out) -> 0; needs READ */
    KS_SYS_IO_PORTS_CREATE,     /* (resource handle, uint32_t base, uint32_t
                                   count) -> an I/O-port handle (READ, WRITE,
                                   DUPLICATE, TRANSFER, MANAGE) */
    KS_SYS_IO_PORTS_ENABLE,     /* (I/O-port handle) -> 0: IN/OUT on the range
                                   allowed to this process; needs READ and
                                   WRITE */
    KS_SYS_IO_PORTS_DISABLE,    /* (I/O-port handle) -> 0 */
    /* Process creation from a memory object. */
    KS_SYS_PROCESS_CREATE,      /* (const struct ks_process_create *args) -> a
                                   process handle (PROCESS_RIGHTS) to a new
                                   process, not yet running */
    KS_SYS_PROCESS_START,       /* (process handle) -> 0: its first thread
                                   runs; needs MANAGE; once */
    KS_SYS_PROCESS_USAGE,       /* (process handle or 0 = self, struct
                                   ks_process_usage *out) -> 0; needs READ */
    /* IPC through registers (kestrel/ipc.h, "Register messages"). */
    KS_SYS_IPC_CALL_REGS,
    KS_SYS_IPC_REPLY_RECV_REGS,
    /* The system as a whole (kestrel/device.h, kestrel/handle.h). */
    KS_SYS_RESOURCE_INFO,       /* (resource handle, struct ks_resource_info
                                   *out) -> 0: the screen the boot left and
                                   the machine's facts; any handle to the
                                   resource (no right needed).  Wrappers
                                   of this block: initrd/lib/ks_system.h */
    KS_SYS_POWER,               /* (resource handle, uint32_t op) -> no return
                                   on success (KS_POWER_OFF: ACPI S5, then
                                   the emulators' exits; KS_POWER_REBOOT:
                                   the ACPI reset register, then the 8042,
                                   then a triple fault); needs MANAGE */
    KS_SYS_HANDLE_LIST,         /* (process handle or 0 = self, uint32_t index,
                                   struct ks_handle_entry *out) -> 0 with the
                                   index-th handle of the process's table (in
                                   slot order); -KS_ERR_NOT_FOUND past the
                                   last.  Needs READ on the process */
    KS_SYS_BOOT_MILESTONE,      /* (const char *what) -> nanoseconds since the
                                   loader's entry; the kernel logs
                                   "boot: WHAT after N.NNN ms from loader
                                   entry" (what: <= 64 bytes) */
    /* The kernel log (kestrel/log.h; wrappers in initrd/lib/ks_system.h). */
    KS_SYS_LOG_READ,            /* (handle, struct ks_log_read *args) -> bytes
                                   copied (0: nothing newer).  The handle:
                                   the boot resource with MANAGE, or I/O ports
                                   with READ covering the kernel's log UART.
                                   -KS_ERR_INVALID_ARGUMENT for from or done
                                   past the newest byte, done going back */
    KS_SYS_LOG_TAKE,            /* (I/O-port handle, notification handle,
                                   uint64_t bits) -> the sequence number the
                                   handover starts at: the kernel stops
                                   writing its log to the UART those ports
                                   (WRITE) cover and signals bits (not 0)
                                   on the notification (SIGNAL) at each
                                   line, until that handle leaves the
                                   table.  -KS_ERR_NOT_FOUND: no log UART
                                   there; -KS_ERR_EXISTS: already taken */
    KS_SYS_COUNT
};

/* How a process ended. */
enum ks_exit_reason {
    KS_EXIT_NORMAL = 1,         /* exit() or its last thread's exit */
    KS_EXIT_FAULT  = 2,         /* a CPU exception in user mode killed it */
    KS_EXIT_KILLED = 3          /* killed by the kernel (e.g. out of memory) */
};

struct ks_exit_status {
    int64_t pid;
    uint32_t reason;            /* enum ks_exit_reason */
    int32_t status;             /* KS_EXIT_NORMAL: the exit status */
    uint32_t fault_vector;      /* KS_EXIT_FAULT: the exception vector */
    uint32_t fault_error;       /*   and its error code */
    uint64_t fault_rip;         /*   where it happened */
    uint64_t fault_address;     /*   the address (page faults), else 0 */
    int64_t fault_tid;          /*   the thread */
};

struct ks_process_info {
    int64_t pid;
    int64_t parent;             /* 0 for the first process */
    char name[KS_NAME_LEN];     /* the program's file name */
    uint32_t threads;           /* live threads */
    uint32_t reserved;
    uint64_t user_pages;        /* pages mapped in its address space */
};

enum ks_thread_state {
    KS_THREAD_READY = 1,
    KS_THREAD_RUNNING,
    KS_THREAD_BLOCKED,
    KS_THREAD_DEAD
};

struct ks_thread_info {
    int64_t tid;
    int64_t pid;
    uint32_t state;             /* enum ks_thread_state */
    int32_t priority;
    uint32_t cpu;               /* CPU it runs or last ran on */
    uint32_t reserved;
    uint64_t cpu_mask;          /* allowed CPUs (bit n = CPU n); all ones = any */
    uint64_t switches;          /* times it was switched in */
    uint64_t run_ns;            /* time spent running */
};

struct ks_mem_info {
    uint64_t page_size;
    uint64_t total_frames;      /* usable RAM the kernel manages */
    uint64_t free_frames;
    uint32_t cpus;              /* CPUs online */
    uint32_t reserved;
};

/* What a new process finds at its initial stack pointer (16-byte
 * aligned): argc, then argv[0..argc-1], a NULL, then a pointer to a
 * struct ks_start_info; the strings and the block sit above. */
#define KS_START_INFO_MAGIC 0x4b53544152543031ull  /* "KSTART01" */
#define KS_START_HANDLES_MAX 8u

struct ks_start_info {
    uint64_t magic;
    int64_t pid;
    int64_t tid;
    uint64_t page_size;
    uint64_t stack_base;        /* lowest mapped byte of the main stack */
    uint64_t stack_size;
    uint32_t cpus;              /* CPUs online at start */
    uint32_t reserved;
    uint64_t cycles_khz;        /* the cycle counter's (RDTSC) rate; 0 unknown */
    uint32_t handle_count;      /* handles the creator gave (spawn) */
    uint32_t reserved2;
    int64_t handles[KS_START_HANDLES_MAX];
};

/* Resource limits of a process (quotas).  Each is at most the
 * creator's own limit; 0 in ks_process_create means "the creator's". */
struct ks_limits {
    uint32_t handles;           /* capability slots */
    uint32_t threads;           /* live threads */
    uint64_t memory_bytes;      /* user memory: its image and stacks, and the
                                   committed pages of memory objects it
                                   created */
    uint64_t kernel_bytes;      /* kernel memory for the objects it created
                                   (threads, endpoints, notifications, memory
                                   objects' page lists, handle tables) */
};

struct ks_process_usage {
    struct ks_limits limits;
    struct ks_limits used;
};

/* The arguments of process_create.  The image is an ELF64 executable at
 * [image_offset, image_offset + image_size) of the memory object named by
 * image (needs READ).  The child starts with copies of the handles
 * listed (each needs DUPLICATE and TRANSFER) and nothing else; an entry
 * of 0 (KS_HANDLE_INVALID) is an empty slot that stays 0 in the child's
 * ks_start_info.handles[], so the others keep their places. */
struct ks_process_create {
    ks_handle_t image;
    uint64_t image_offset;
    uint64_t image_size;
    const char *name;           /* NUL-terminated, shown in logs; may be NULL */
    const char *const *argv;
    uint32_t argc;              /* <= KS_ARGV_MAX */
    uint32_t handle_count;      /* <= KS_START_HANDLES_MAX */
    const ks_handle_t *handles;
    struct ks_limits limits;    /* 0 fields: the creator's */
};

/* The first process's start handles (ks_start_info.handles[]). */
#define KS_START_RESOURCE 0     /* the boot resource (kestrel/device.h) */
#define KS_START_INITRD   1     /* the initramfs, a read-only memory object */

#endif /* KESTREL_ABI_SYSCALL_H */
