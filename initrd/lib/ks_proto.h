/* SPDX-License-Identifier: MIT */
/*
 * The protocols of Kestrel's user services: the messages that init, the
 * name service, the VFS, the console and the drivers exchange over
 * endpoints (struct ks_msg, kestrel/ipc.h).  docs/userspace.md describes
 * the system they make up.
 *
 * Conventions for every service:
 *  - A request's label names the operation.  The reply's label is 0 and
 *    words[0] is the status: 0 or -KS_ERR_*; results follow in words[1..]
 *    and in the data and handles the operation names.  An unknown label
 *    gets -KS_ERR_NOT_SUPPORTED, a malformed request (short data, a
 *    missing handle, a bad index) -KS_ERR_INVALID_ARGUMENT: a service
 *    never dies of a bad request.
 *  - KS_PROTO_PING (label 1) is answered at once with status 0 by every
 *    service, from anyone: it is init's heartbeat.
 *  - Names and paths travel as data without a terminating NUL.
 *  - The badge tells a service who is calling.  Handles looked up in the
 *    name service carry KS_BADGE_CLIENT; init mints other badges for the
 *    capabilities its manifest names (e.g. console input for drivers).
 *    Badge 0 (an unbadged handle) is the service's own endpoint, which
 *    only the service and init hold.
 */
#ifndef KS_PROTO_H
#define KS_PROTO_H

#include <stdint.h>
#include "kestrel/ipc.h"

#define KS_PROTO_PING        1u

#define KS_BADGE_CLIENT      1u      /* handles from a name lookup */
#define KS_BADGE_INPUT       2u      /* console: a driver that feeds input */

#define KS_SERVICE_NAME_MAX  31u     /* bytes of a service name */

/* ---- Start handles --------------------------------------------------
 * Every process that init or the shell starts finds, in
 * ks_start_info.handles[]:
 *   [0] the name service (KS_BADGE_CLIENT, or the badge init gave the
 *       service for registering its names), WRITE|DUPLICATE|TRANSFER
 *   [1..] the capabilities its manifest line lists, in that order
 * (the first process, init, instead gets KS_START_RESOURCE and
 * KS_START_INITRD of kestrel/syscall.h). */
#define KS_START_NAMES       0

/* ---- Name service ("names") ----------------------------------------
 * Maps service names (1..KS_SERVICE_NAME_MAX bytes of [a-z0-9._-]) to
 * endpoint handles.  Who may register: init (KS_NAMES_BADGE_INIT) any
 * name; another badge only the names init allowed for it
 * (NAMES_ALLOW).  Everyone may look up and list. */
#define KS_NAMES_BADGE_INIT  0x10u   /* init's handle to the name service */

enum ks_names_op {
    KS_NAMES_LOOKUP = 0x100,    /* data: name -> handles[0]: a copy of the
                                   registered handle; -KS_ERR_NOT_FOUND */
    KS_NAMES_REGISTER,          /* data: name, handles[0]: the endpoint
                                   handle to hand out (needs DUPLICATE and
                                   TRANSFER).  Replaces an earlier one */
    KS_NAMES_UNREGISTER,        /* data: name */
    KS_NAMES_ALLOW,             /* init only.  words[1]: a badge, data: a
                                   name that badge may register */
    KS_NAMES_LIST               /* words[1]: index -> data: the index-th
                                   name; -KS_ERR_NOT_FOUND past the last */
};

/* ---- init, the service manager ("init") ----------------------------
 * The shell's authority over services and the machine. */
enum ks_init_op {
    KS_INIT_LIST = 0x200,       /* words[1]: index -> data: struct
                                   ks_service_info; -KS_ERR_NOT_FOUND past
                                   the last service */
    KS_INIT_KILL,               /* words[1]: pid of a supervised process ->
                                   killed (init restarts it per its policy) */
    KS_INIT_PROCESS,            /* words[1]: pid -> handles[0]: a handle to
                                   that supervised process with READ (and
                                   TRANSFER, which the reply needs) */
    KS_INIT_POWER               /* words[1]: KS_POWER_OFF or KS_POWER_REBOOT:
                                   services are stopped, then the machine */
};

enum ks_service_state {
    KS_SERVICE_WAITING = 1,     /* its dependencies are not up yet */
    KS_SERVICE_RUNNING,
    KS_SERVICE_BACKOFF,         /* ended; restarts after a delay */
    KS_SERVICE_STOPPED,         /* ended for good (policy, or retries used up) */
    KS_SERVICE_FAILED           /* could not be started */
};

struct ks_service_info {
    char name[KS_SERVICE_NAME_MAX + 1];
    char binary[64];
    int64_t pid;                /* 0 when not running */
    uint32_t state;             /* enum ks_service_state */
    uint32_t restarts;
    int64_t last_status;        /* exit status, or -vector for a fault */
    uint64_t started_ns;        /* clock of the last start */
    int32_t priority;           /* the manifest's priority= (main thread) */
    uint32_t reserved;
};

/* ---- VFS ("vfs") ----------------------------------------------------
 * The initramfs read-only at /, a RAM file system at /tmp.  Paths are
 * absolute, normalised by the client ("." and ".." resolved), at most
 * KS_PATH_MAX - 1 bytes.  An open file is a capability: OPEN replies
 * with a new endpoint handle (badged by the VFS) and every file
 * operation is a call on that handle; CLOSE ends it (then close the
 * handle).  Errors: -KS_ERR_NOT_FOUND, -KS_ERR_EXISTS, -KS_ERR_DENIED
 * (writing under /), -KS_ERR_NOT_DIRECTORY, -KS_ERR_IS_DIRECTORY,
 * -KS_ERR_NOT_EMPTY, -KS_ERR_NO_SPACE, -KS_ERR_INVALID_ARGUMENT. */
#define KS_VFS_O_READ     0x1u
#define KS_VFS_O_WRITE    0x2u
#define KS_VFS_O_CREATE   0x4u
#define KS_VFS_O_TRUNCATE 0x8u
#define KS_VFS_O_APPEND   0x10u
#define KS_VFS_O_EXCL     0x20u
#define KS_VFS_O_DIRECTORY 0x40u

enum ks_vfs_type { KS_VFS_FILE = 1, KS_VFS_DIR = 2 };

struct ks_vfs_stat {
    uint64_t size;
    uint32_t type;              /* enum ks_vfs_type */
    uint32_t mode;              /* permission bits as stored (tar) */
    uint64_t mtime;             /* seconds since 1970 (tar); 0 in /tmp */
    uint64_t inode;             /* unique within the VFS */
};

struct ks_vfs_dirent {
    uint64_t inode;
    uint32_t type;              /* enum ks_vfs_type */
    uint32_t name_len;
    char name[KS_PATH_MAX];     /* NUL-terminated */
};

enum ks_vfs_op {
    /* On the VFS's own handle (from the name service). */
    KS_VFS_OPEN = 0x300,        /* words[1]: KS_VFS_O_*, data: path ->
                                   handles[0]: the open file; words[1]:
                                   its size */
    KS_VFS_STAT,                /* data: path -> data: struct ks_vfs_stat */
    KS_VFS_MKDIR,               /* data: path */
    KS_VFS_UNLINK,              /* data: path (a file or an empty dir) */
    KS_VFS_RENAME,              /* words[1]: length of the first path, data:
                                   old path then new path (within /tmp) */
    /* On an open file's handle. */
    KS_VFS_READ = 0x320,        /* words[1]: bytes (<= KS_MSG_DATA_MAX) ->
                                   data: what was read from the position
                                   (0 bytes at the end) */
    KS_VFS_WRITE,               /* data: bytes -> words[1]: bytes written */
    KS_VFS_SEEK,                /* words[1]: offset (int64), words[2]:
                                   0 set, 1 current, 2 end -> words[1]: the
                                   new position */
    KS_VFS_FSTAT,               /* -> data: struct ks_vfs_stat */
    KS_VFS_READDIR,             /* (a directory) -> data: struct
                                   ks_vfs_dirent of the next entry;
                                   -KS_ERR_NOT_FOUND after the last */
    KS_VFS_CLOSE,               /* ends the open file */
    KS_VFS_ATTACH,              /* handles[0]: a memory object (READ, WRITE,
                                   MAP) the client shares for bulk data */
    KS_VFS_READ_BULK,           /* words[1]: bytes, words[2]: offset in the
                                   attached object -> words[1]: bytes read
                                   there */
    KS_VFS_WRITE_BULK,          /* words[1]: bytes, words[2]: offset in the
                                   attached object -> words[1]: written */
    KS_VFS_IMAGE                /* -> handles[0]: a READ-only memory object
                                   holding the file, words[1]: offset of the
                                   file in it, words[2]: its size (for
                                   process_create) */
};

/* ---- Console ("console") --------------------------------------------
 * The text console: draws on the framebuffer or VGA text memory,
 * understands the ANSI sequences docs/console.md lists, and mirrors its
 * output to the serial driver.  Input from the keyboard and serial
 * drivers is merged into one queue of bytes (keys as a terminal sends
 * them: '\r' for Enter, 0x7f for Backspace, ESC [ A..D for arrows). */
enum ks_console_op {
    KS_CONSOLE_WRITE = 0x400,   /* data: bytes -> words[1]: bytes taken */
    KS_CONSOLE_READ,            /* words[1]: most bytes -> data: the input
                                   queued (maybe none); never blocks */
    KS_CONSOLE_NOTIFY,          /* handles[0]: a notification (SIGNAL),
                                   words[1]: bits -> signalled whenever
                                   input arrives (up to 16 readers) */
    KS_CONSOLE_INFO,            /* -> words[1]: columns, words[2]: rows,
                                   words[3]: enum ks_console_kind */
    KS_CONSOLE_INPUT,           /* badge KS_BADGE_INPUT only.  data: bytes
                                   typed -> queued */
    KS_CONSOLE_INTERRUPT        /* handles[0]: a notification (SIGNAL),
                                   words[1]: bits -> Ctrl-C typed (0x03)
                                   signals it instead of being queued, until
                                   replaced; no handle: 0x03 is queued again
                                   (the shell, while a program runs) */
};

enum ks_console_kind { KS_CONSOLE_SERIAL_ONLY = 0, KS_CONSOLE_FRAMEBUFFER = 1,
                       KS_CONSOLE_VGA_TEXT = 2 };

/* ---- Serial driver ("serial") ---------------------------------------
 * COM1, interrupt-driven both ways.  What arrives is pushed to the
 * console (KS_CONSOLE_INPUT). */
enum ks_serial_op {
    KS_SERIAL_WRITE = 0x500,    /* data: bytes -> words[1]: bytes queued */
    KS_SERIAL_STATS             /* -> words[1]: bytes received, words[2]:
                                   bytes sent, words[3]: interrupts */
};

/* ---- Keyboard driver ("kbd") -----------------------------------------
 * PS/2, scancode set 1 or 2 as the controller translates, US layout;
 * keys are pushed to the console as bytes. */
enum ks_kbd_op {
    KS_KBD_STATS = 0x600        /* -> words[1]: keys, words[2]: interrupts */
};

/* ---- PCI ("pci") ------------------------------------------------------ */
#define KS_PCI_BARS 6

struct ks_pci_device {
    uint8_t bus, device, function, header_type;
    uint16_t vendor, device_id;
    uint8_t class_code, subclass, prog_if, revision;
    uint8_t irq_line;           /* 0xFF: none */
    uint8_t irq_pin;            /* 0 none, 1..4 INTA..INTD */
    uint16_t reserved;
    uint64_t bar_base[KS_PCI_BARS];
    uint64_t bar_size[KS_PCI_BARS];
    uint8_t bar_kind[KS_PCI_BARS];   /* 0 none, 1 memory, 2 I/O ports */
    uint8_t reserved2[2];
};

enum ks_pci_op {
    KS_PCI_LIST = 0x700,        /* words[1]: index -> data: struct
                                   ks_pci_device; -KS_ERR_NOT_FOUND past
                                   the last */
    KS_PCI_CLAIM                /* words[1]: index, words[2]: BAR number,
                                   handles[0] (optional): a notification
                                   (SIGNAL) for the device's interrupt ->
                                   handles[0]: the BAR (a physical memory
                                   object or an I/O-port object),
                                   handles[1]: the interrupt object (bits
                                   0x1) when a notification was given.
                                   Each BAR, and a device's interrupt, is
                                   handed out once (-KS_ERR_BUSY after) */
};

/* ---- Real-time clock ("rtc") -----------------------------------------
 * The PC's CMOS clock (ports 0x70..0x71), read as UTC. */
enum ks_rtc_op {
    KS_RTC_TIME = 0x800         /* -> words[1]: seconds since 1970-01-01
                                   UTC, words[2]: ks_sys_clock() when the
                                   clock was read.  -KS_ERR_CORRUPT: the
                                   CMOS holds no valid date */
};

#endif /* KS_PROTO_H */
