/* SPDX-License-Identifier: MIT */
/*
 * The environment's logic (ks_strconv.h): lookups and edits of a
 * NULL-terminated array of NAME=VALUE strings.  Pure logic with malloc,
 * built on the host by the unit tests.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "ks_strconv.h"

static bool name_ok(const char *name)
{
    return name && name[0] && !strchr(name, '=');
}

/* The index of name's entry, or count. */
static size_t env_find(const struct ks_env *env, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < env->count; i++)
        if (strncmp(env->vec[i], name, n) == 0 && env->vec[i][n] == '=')
            return i;
    return env->count;
}

char *ks_env_get(const struct ks_env *env, const char *name)
{
    if (!name_ok(name) || !env->vec)
        return NULL;
    size_t i = env_find(env, name);
    return i < env->count ? env->vec[i] + strlen(name) + 1 : NULL;
}

/* Own the vector, with room for one more entry and the NULL. */
static int env_reserve(struct ks_env *env)
{
    if (env->cap && env->count + 2 <= env->cap)
        return 0;
    size_t cap = (env->count + 2) * 2;
    char **vec = malloc(cap * sizeof(*vec));
    bool *owned = calloc(cap, sizeof(*owned));
    if (!vec || !owned) {
        free(vec);
        free(owned);
        return -2;
    }
    for (size_t i = 0; i < env->count; i++) {
        vec[i] = env->vec[i];
        owned[i] = env->cap ? env->owned[i] : false;
    }
    vec[env->count] = NULL;
    if (env->cap) {
        free(env->vec);
        free(env->owned);
    }
    env->vec = vec;
    env->owned = owned;
    env->cap = cap;
    return 0;
}

int ks_env_set(struct ks_env *env, const char *name, const char *value, bool overwrite)
{
    if (!name_ok(name))
        return -1;
    if (!value)
        value = "";
    size_t i = env_find(env, name);
    if (i < env->count && !overwrite)
        return 0;
    if (env_reserve(env) != 0)
        return -2;
    size_t n = strlen(name), v = strlen(value);
    char *entry = malloc(n + v + 2);
    if (!entry)
        return -2;
    memcpy(entry, name, n);
    entry[n] = '=';
    memcpy(entry + n + 1, value, v + 1);
    if (i < env->count) {
        if (env->owned[i])
            free(env->vec[i]);
    } else {
        env->count++;
        env->vec[env->count] = NULL;
    }
    env->vec[i] = entry;
    env->owned[i] = true;
    return 0;
}

int ks_env_unset(struct ks_env *env, const char *name)
{
    if (!name_ok(name))
        return -1;
    size_t i = env_find(env, name);
    if (i == env->count)
        return 0;
    if (env_reserve(env) != 0)
        return -2;
    if (env->owned[i])
        free(env->vec[i]);
    for (; i < env->count; i++) {
        env->vec[i] = env->vec[i + 1];
        env->owned[i] = i + 1 < env->count ? env->owned[i + 1] : false;
    }
    env->count--;
    return 0;
}
