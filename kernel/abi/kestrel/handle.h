/* SPDX-License-Identifier: MIT */
/*
 * Handles and rights (ABI).  Everything a process can touch it reaches
 * through a handle: a number naming a slot of its own handle table, which
 * holds a reference to a kernel object and the rights this handle grants
 * on it.  A handle value carries its slot's generation, so a handle that
 * was closed (or revoked) stays invalid even after its slot is reused.
 *
 * Handles form a derivation tree: a duplicate is a child of its source.
 * Revoking a handle removes every handle derived from it, in every
 * process, and keeps the handle itself.  Closing a handle removes only
 * it; what was derived from it stays, now derived from its parent.
 * An object lives while any handle (or kernel use) refers to it.
 */
#ifndef KESTREL_ABI_HANDLE_H
#define KESTREL_ABI_HANDLE_H

#include <stdint.h>

typedef int64_t ks_handle_t;
#define KS_HANDLE_INVALID 0

/* Rights.  A duplicate may have the same or fewer. */
#define KS_RIGHT_READ      (1u << 0)
#define KS_RIGHT_WRITE     (1u << 1)
#define KS_RIGHT_TRANSFER  (1u << 2)  /* may be sent in a message */
#define KS_RIGHT_DUPLICATE (1u << 3)  /* may be duplicated */
#define KS_RIGHT_MAP       (1u << 4)
#define KS_RIGHT_EXECUTE   (1u << 5)
#define KS_RIGHT_SIGNAL    (1u << 6)
#define KS_RIGHT_WAIT      (1u << 7)
#define KS_RIGHT_MANAGE    (1u << 8)  /* revoke, and an object's own controls */
#define KS_RIGHTS_ALL      0x1FFu

enum ks_object_type {
    KS_OBJECT_NONE = 0,
    KS_OBJECT_NOTIFICATION = 1,
    KS_OBJECT_ENDPOINT,
    KS_OBJECT_MEMORY,
    KS_OBJECT_PROCESS,
    KS_OBJECT_THREAD,
    KS_OBJECT_INTERRUPT,
    KS_OBJECT_IO_PORTS,
    KS_OBJECT_RESOURCE,         /* the boot resource (kestrel/device.h) */
    KS_OBJECT_TYPE_COUNT
};

struct ks_handle_info {
    uint32_t type;              /* enum ks_object_type */
    uint32_t rights;
    uint64_t object_id;         /* the same for every handle to one object */
    uint64_t badge;             /* set when an endpoint handle is minted */
    uint32_t derived;           /* handles derived from this one, directly */
    uint32_t reserved;
};

/* One entry of a process's handle table (handle_list). */
struct ks_handle_entry {
    ks_handle_t handle;         /* the value the owner uses */
    struct ks_handle_info info;
};

#endif /* KESTREL_ABI_HANDLE_H */
