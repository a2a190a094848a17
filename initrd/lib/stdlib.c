/* SPDX-License-Identifier: MIT */
/*
 * stdlib.h beside the allocator: exit and atexit, abort, the
 * environment (env.c under a mutex), the strto* family (strconv.c),
 * qsort, abs and rand.
 */
#include "ks.h"
#include "ks_strconv.h"

int errno;
char **environ;

#define ATEXIT_MAX 32

static struct ks_mutex exit_lock;
static void (*atexit_fns[ATEXIT_MAX])(void);
static unsigned atexit_count;           /* guarded by exit_lock */

int atexit(void (*fn)(void))
{
    int result = -1;
    ks_mutex_lock(&exit_lock);
    if (fn && atexit_count < ATEXIT_MAX) {
        atexit_fns[atexit_count++] = fn;
        result = 0;
    }
    ks_mutex_unlock(&exit_lock);
    return result;
}

void exit(int status)
{
    /* A handler that calls exit does not run the handlers again: each
     * is taken off the list before it runs. */
    for (;;) {
        void (*fn)(void) = NULL;
        ks_mutex_lock(&exit_lock);
        if (atexit_count)
            fn = atexit_fns[--atexit_count];
        ks_mutex_unlock(&exit_lock);
        if (!fn)
            break;
        fn();
    }
    fflush(NULL);
    ks_sys_exit(status);
}

void _exit(int status)
{
    ks_sys_exit(status);
}

void abort(void)
{
    static const char msg[] = "abort() called\n";
    fflush(NULL);
    ks_sys_log_write(msg, sizeof(msg) - 1);
    ks_sys_exit(127);
}

/* ---- environment ---- */

static struct ks_mutex env_lock;
static struct ks_env env;               /* guarded by env_lock; vec mirrors environ */

/* crt0: the NULL-terminated vector of its NAME=VALUE strings. */
void ks_env_init(char **vec, size_t count)
{
    env.vec = vec;
    env.count = count;
    env.cap = 0;
    environ = vec;
}

char *getenv(const char *name)
{
    ks_mutex_lock(&env_lock);
    char *value = env.vec ? ks_env_get(&env, name) : NULL;
    ks_mutex_unlock(&env_lock);
    return value;
}

static int env_result(int r)
{
    if (r == 0)
        return 0;
    errno = r == -1 ? EINVAL : ENOMEM;
    return -1;
}

int setenv(const char *name, const char *value, int overwrite)
{
    ks_mutex_lock(&env_lock);
    int r = ks_env_set(&env, name, value, overwrite != 0);
    environ = env.vec;
    ks_mutex_unlock(&env_lock);
    return env_result(r);
}

int unsetenv(const char *name)
{
    ks_mutex_lock(&env_lock);
    int r = ks_env_unset(&env, name);
    environ = env.vec;
    ks_mutex_unlock(&env_lock);
    return env_result(r);
}

/* ---- numbers ---- */

long long strtoll(const char *s, char **end, int base)
{
    bool range;
    if (base < 0 || base == 1 || base > 36)
        errno = EINVAL;
    long long v = ks_strto_signed(s, end, base, INT64_MIN, INT64_MAX, &range);
    if (range)
        errno = ERANGE;
    return v;
}

long strtol(const char *s, char **end, int base)
{
    return (long)strtoll(s, end, base);
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    bool range;
    if (base < 0 || base == 1 || base > 36)
        errno = EINVAL;
    unsigned long long v = ks_strto_unsigned(s, end, base, UINT64_MAX, &range);
    if (range)
        errno = ERANGE;
    return v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    return (unsigned long)strtoull(s, end, base);
}

int atoi(const char *s)
{
    bool range;
    return (int)ks_strto_signed(s, NULL, 10, INT32_MIN, INT32_MAX, &range);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

long long atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}

int abs(int x)
{
    return x < 0 ? -x : x;
}

long labs(long x)
{
    return x < 0 ? -x : x;
}

long long llabs(long long x)
{
    return x < 0 ? -x : x;
}

void qsort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *))
{
    ks_sort(base, count, size, cmp);
}

static uint64_t rand_state = 0x853c49e6748fea9bull;

void srand(unsigned seed)
{
    rand_state = seed * 0x9e3779b97f4a7c15ull + 1;
}

int rand(void)
{
    /* xorshift64*: good enough for games and tests, not for secrets. */
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return (int)((rand_state * 0x2545f4914f6cdd1dull) >> 33);
}
