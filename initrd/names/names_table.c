/* SPDX-License-Identifier: MIT */
/*
 * The name service's table; see names_table.h.  Linear searches: the
 * table holds at most NAMES_MAX names and lookups are rare next to the
 * calls clients then make on the endpoints they got.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "kestrel/errors.h"
#include "names_table.h"

void names_init(struct names_table *t)
{
    memset(t, 0, sizeof(*t));
}

bool names_valid(const char *name, size_t len)
{
    if (!name || len == 0 || len > NAMES_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
        if (!ok)
            return false;
    }
    return true;
}

static int find(const struct names_table *t, const char *name, size_t len)
{
    for (unsigned i = 0; i < NAMES_MAX; i++) {
        const struct names_entry *e = &t->entries[i];
        if (e->used && e->len == len && memcmp(e->name, name, len) == 0)
            return (int)i;
    }
    return -1;
}

int64_t names_lookup(const struct names_table *t, const char *name, size_t len)
{
    if (!names_valid(name, len))
        return -KS_ERR_INVALID_ARGUMENT;
    int i = find(t, name, len);
    return i < 0 ? -KS_ERR_NOT_FOUND : t->entries[i].handle;
}

int names_may_register(const struct names_table *t, enum names_role role, uint64_t badge,
                       const char *name, size_t len)
{
    if (!names_valid(name, len))
        return -KS_ERR_INVALID_ARGUMENT;
    if (role == NAMES_ROLE_INIT)
        return 0;
    if (role == NAMES_ROLE_CLIENT)
        return -KS_ERR_DENIED;
    for (unsigned i = 0; i < NAMES_ALLOW_MAX; i++) {
        const struct names_allow *a = &t->allows[i];
        if (a->used && a->badge == badge && a->len == len && memcmp(a->name, name, len) == 0)
            return 0;
    }
    return -KS_ERR_DENIED;
}

int names_register(struct names_table *t, const char *name, size_t len, int64_t handle,
                   int64_t *old)
{
    *old = 0;
    if (!names_valid(name, len) || handle <= 0)
        return -KS_ERR_INVALID_ARGUMENT;
    int i = find(t, name, len);
    if (i >= 0) {
        *old = t->entries[i].handle;
        t->entries[i].handle = handle;
        return 0;
    }
    for (unsigned j = 0; j < NAMES_MAX; j++) {
        struct names_entry *e = &t->entries[j];
        if (!e->used) {
            e->used = true;
            e->len = (uint8_t)len;
            memcpy(e->name, name, len);
            e->name[len] = '\0';
            e->handle = handle;
            return 0;
        }
    }
    return -KS_ERR_NO_SPACE;
}

int names_unregister(struct names_table *t, const char *name, size_t len, int64_t *old)
{
    *old = 0;
    if (!names_valid(name, len))
        return -KS_ERR_INVALID_ARGUMENT;
    int i = find(t, name, len);
    if (i < 0)
        return -KS_ERR_NOT_FOUND;
    *old = t->entries[i].handle;
    memset(&t->entries[i], 0, sizeof(t->entries[i]));
    return 0;
}

int names_allow(struct names_table *t, uint64_t badge, const char *name, size_t len)
{
    if (!names_valid(name, len))
        return -KS_ERR_INVALID_ARGUMENT;
    struct names_allow *free_slot = NULL;
    for (unsigned i = 0; i < NAMES_ALLOW_MAX; i++) {
        struct names_allow *a = &t->allows[i];
        if (a->used && a->badge == badge && a->len == len && memcmp(a->name, name, len) == 0)
            return 0;
        if (!a->used && !free_slot)
            free_slot = a;
    }
    if (!free_slot)
        return -KS_ERR_NO_SPACE;
    free_slot->used = true;
    free_slot->badge = badge;
    free_slot->len = (uint8_t)len;
    memcpy(free_slot->name, name, len);
    free_slot->name[len] = '\0';
    return 0;
}

int names_list(const struct names_table *t, uint64_t index, char *out)
{
    uint64_t seen = 0;
    for (unsigned i = 0; i < NAMES_MAX; i++) {
        const struct names_entry *e = &t->entries[i];
        if (!e->used)
            continue;
        if (seen++ == index) {
            memcpy(out, e->name, e->len);
            return e->len;
        }
    }
    return -KS_ERR_NOT_FOUND;
}
