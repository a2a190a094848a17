/* SPDX-License-Identifier: MIT */
/*
 * The name service's table (pure logic, host-tested by
 * tests/unit/test_names_table.c): service names mapped to endpoint
 * handles, and the list of which badge may register which name.  The
 * server (names.c) owns the handles; this table only stores their
 * numbers, and every call that drops one hands it back so the server
 * can close it.
 */
#ifndef NAMES_TABLE_H
#define NAMES_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NAMES_MAX        64u     /* registered names */
#define NAMES_ALLOW_MAX  64u     /* (badge, name) permissions */
#define NAMES_NAME_MAX   31u     /* bytes of a name */

/* Who is asking: init (or the unbadged endpoint) may do anything, a
 * client only look up and list, any other badge register what init
 * allowed for it. */
enum names_role { NAMES_ROLE_INIT, NAMES_ROLE_CLIENT, NAMES_ROLE_OTHER };

struct names_entry {
    bool used;
    uint8_t len;
    char name[NAMES_NAME_MAX + 1];
    int64_t handle;
};

struct names_allow {
    bool used;
    uint8_t len;
    char name[NAMES_NAME_MAX + 1];
    uint64_t badge;
};

struct names_table {
    struct names_entry entries[NAMES_MAX];
    struct names_allow allows[NAMES_ALLOW_MAX];
};

/* Results are 0 or a negative KS_ERR_* code (kestrel/errors.h). */
void names_init(struct names_table *t);
bool names_valid(const char *name, size_t len);
/* The handle registered under name, or a negative error. */
int64_t names_lookup(const struct names_table *t, const char *name, size_t len);
/* Whether role/badge may register or unregister name: 0 or -DENIED. */
int names_may_register(const struct names_table *t, enum names_role role, uint64_t badge,
                       const char *name, size_t len);
/* Store handle under name; *old receives a replaced handle (0 if none)
 * for the caller to close.  -NO_SPACE when the table is full. */
int names_register(struct names_table *t, const char *name, size_t len, int64_t handle,
                   int64_t *old);
/* Remove name; *old receives its handle to close. */
int names_unregister(struct names_table *t, const char *name, size_t len, int64_t *old);
/* Let badge register name (idempotent). */
int names_allow(struct names_table *t, uint64_t badge, const char *name, size_t len);
/* The index-th registered name (in table order): its length, copied to
 * out (room for NAMES_NAME_MAX bytes, no NUL), or -NOT_FOUND. */
int names_list(const struct names_table *t, uint64_t index, char *out);

#endif /* NAMES_TABLE_H */
