/* SPDX-License-Identifier: MIT */
/*
 * The name service's client and the service cache (ks_services.h,
 * ks_client.h), and the messages for error codes.
 *
 * The names handle is start handle KS_START_NAMES only when that is a
 * badged endpoint: the first process finds the boot resource there, the
 * name service its own endpoint, and neither may call it; a process with
 * no names handle falls back at once (ks_service returns 0 without a
 * call).  ks_service keeps up to
 * KS_SERVICE_CACHE names; a name not found is remembered for a moment
 * so that a program printing before the console exists does not ask
 * the name service on every line.
 */
#include "ks.h"

#define KS_SERVICE_CACHE 16
#define MISS_RETRY_NS (200ull * 1000 * 1000)

struct service_entry {
    char name[KS_SERVICE_NAME_MAX + 1];
    ks_handle_t handle;                 /* 0: not found at miss_ns */
    uint64_t miss_ns;
    uint64_t used;                      /* for eviction */
};

static struct ks_mutex names_lock;
static bool names_known;
static ks_handle_t names;               /* guarded by names_lock */
static struct service_entry cache[KS_SERVICE_CACHE];
static uint64_t cache_clock;

ks_handle_t ks_names_handle(void)
{
    ks_mutex_lock(&names_lock);
    if (!names_known) {
        names_known = true;
        names = 0;
        if (ks_start_info && ks_start_info->handle_count > KS_START_NAMES) {
            ks_handle_t h = (ks_handle_t)ks_start_info->handles[KS_START_NAMES];
            struct ks_handle_info info;
            /* An unbadged endpoint is the name service's own (its
             * start handle 0): calling it from itself would hang. */
            if (h > 0 && ks_sys_handle_info(h, &info) == 0 &&
                info.type == KS_OBJECT_ENDPOINT && info.badge != 0)
                names = h;
        }
    }
    ks_handle_t h = names;
    ks_mutex_unlock(&names_lock);
    return h;
}

void ks_names_set_handle(ks_handle_t handle)
{
    ks_mutex_lock(&names_lock);
    names = handle;
    names_known = true;
    ks_mutex_unlock(&names_lock);
}

int64_t ks_service_call(ks_handle_t endpoint, struct ks_msg *m)
{
    int64_t r = ks_sys_ipc_call(endpoint, m, KS_SERVICE_TIMEOUT_NS);
    if (r < 0)
        return r;
    return (int64_t)m->words[0];
}

static int64_t name_check(const char *name, size_t *len)
{
    if (!name)
        return -KS_ERR_INVALID_ARGUMENT;
    *len = strnlen(name, KS_SERVICE_NAME_MAX + 1);
    if (*len == 0 || *len > KS_SERVICE_NAME_MAX)
        return -KS_ERR_INVALID_ARGUMENT;
    return 0;
}

/* A request naming a service: *m with label and the name as data, and
 * the name service's handle; -KS_ERR_NOT_FOUND without one. */
static int64_t names_request(const char *name, uint64_t label, struct ks_msg *m,
                             ks_handle_t *names)
{
    size_t len;
    int64_t r = name_check(name, &len);
    if (r < 0)
        return r;
    *names = ks_names_handle();
    if (!*names)
        return -KS_ERR_NOT_FOUND;
    memset(m, 0, sizeof(*m));
    m->label = label;
    m->data = (uint64_t)(uintptr_t)name;
    m->data_len = (uint32_t)len;
    return 0;
}

int64_t ks_names_lookup(const char *name, ks_handle_t *out)
{
    struct ks_msg m;
    ks_handle_t h;
    int64_t r = names_request(name, KS_NAMES_LOOKUP, &m, &h);
    if (r == 0)
        r = ks_service_call(h, &m);
    if (r < 0)
        return r;
    if (m.handle_count < 1)
        return -KS_ERR_NOT_FOUND;
    for (uint32_t i = 1; i < m.handle_count; i++)
        ks_sys_handle_close(m.handles[i]);
    *out = m.handles[0];
    return 0;
}

int64_t ks_names_register(const char *name, ks_handle_t endpoint)
{
    struct ks_msg m;
    ks_handle_t h;
    int64_t r = names_request(name, KS_NAMES_REGISTER, &m, &h);
    if (r < 0)
        return r;
    m.handle_count = 1;
    m.copy_mask = 1;
    m.handles[0] = endpoint;
    r = ks_service_call(h, &m);
    for (uint32_t i = 0; r >= 0 && i < m.handle_count; i++)
        ks_sys_handle_close(m.handles[i]);
    return r < 0 ? r : 0;
}

ks_handle_t ks_service(const char *name)
{
    size_t len;
    if (name_check(name, &len) < 0 || !ks_names_handle())
        return 0;
    uint64_t now = (uint64_t)ks_sys_clock();
    ks_mutex_lock(&names_lock);
    struct service_entry *e = NULL, *victim = &cache[0];
    for (unsigned i = 0; i < KS_SERVICE_CACHE; i++) {
        if (cache[i].name[0] && strcmp(cache[i].name, name) == 0) {
            e = &cache[i];
            break;
        }
        if (!cache[i].name[0] || cache[i].used < victim->used)
            victim = &cache[i];
    }
    if (e && (e->handle || now - e->miss_ns < MISS_RETRY_NS)) {
        e->used = ++cache_clock;
        ks_handle_t h = e->handle;
        ks_mutex_unlock(&names_lock);
        return h;
    }
    /* Look up without the lock (the name service may be slow); a
     * thread racing on the same name may look up too, and the loser's
     * handle is closed. */
    ks_mutex_unlock(&names_lock);
    ks_handle_t h = 0;
    if (ks_names_lookup(name, &h) < 0)
        h = 0;
    ks_mutex_lock(&names_lock);
    e = NULL;
    for (unsigned i = 0; i < KS_SERVICE_CACHE; i++)
        if (cache[i].name[0] && strcmp(cache[i].name, name) == 0)
            e = &cache[i];
    if (e && e->handle) {
        if (h)
            ks_sys_handle_close(h);
        h = e->handle;
    } else {
        if (!e) {
            e = victim;
            if (e->handle)
                ks_sys_handle_close(e->handle);
            memcpy(e->name, name, len + 1);
        }
        e->handle = h;
        e->miss_ns = now;
    }
    e->used = ++cache_clock;
    ks_mutex_unlock(&names_lock);
    return h;
}

void ks_service_forget(const char *name)
{
    ks_mutex_lock(&names_lock);
    for (unsigned i = 0; i < KS_SERVICE_CACHE; i++) {
        if (cache[i].name[0] && strcmp(cache[i].name, name) == 0) {
            if (cache[i].handle)
                ks_sys_handle_close(cache[i].handle);
            memset(&cache[i], 0, sizeof(cache[i]));
        }
    }
    ks_mutex_unlock(&names_lock);
}

static const char *const messages[KS_ERR_COUNT] = {
    [KS_OK] = "success",
    [KS_ERR_INVALID_ARGUMENT] = "invalid argument",
    [KS_ERR_FAULT] = "bad address",
    [KS_ERR_NOT_FOUND] = "not found",
    [KS_ERR_CORRUPT] = "corrupt data",
    [KS_ERR_NO_MEMORY] = "out of memory",
    [KS_ERR_EXISTS] = "already exists",
    [KS_ERR_NOT_OWNER] = "not the owner",
    [KS_ERR_NOT_SUPPORTED] = "not supported",
    [KS_ERR_TIMED_OUT] = "timed out",
    [KS_ERR_AGAIN] = "try again",
    [KS_ERR_BUSY] = "busy",
    [KS_ERR_DENIED] = "permission denied",
    [KS_ERR_BAD_HANDLE] = "bad handle",
    [KS_ERR_WRONG_TYPE] = "wrong object type",
    [KS_ERR_PEER_GONE] = "peer gone",
    [KS_ERR_NOT_DIRECTORY] = "not a directory",
    [KS_ERR_IS_DIRECTORY] = "is a directory",
    [KS_ERR_NOT_EMPTY] = "directory not empty",
    [KS_ERR_NO_SPACE] = "no space left",
    [KS_ERR_NOT_EXECUTABLE] = "not executable",
};

const char *ks_strerror(int64_t err)
{
    if (err < 0)
        err = -err;
    if (err >= KS_ERR_COUNT || !messages[err])
        return "unknown error";
    return messages[err];
}

char *strerror(int err)
{
    return (char *)ks_strerror(err);
}
