/* SPDX-License-Identifier: MIT */
/*
 * malloc, free, calloc and realloc (stdlib.h): the core of
 * malloc_core.c under one mutex, on pages from anonymous memory objects
 * (a mapping keeps its object alive, so the handle is closed at once).
 * A bad or repeated free is a bug in the program: it is reported on the
 * kernel log (stdio may itself be what is broken) and the process
 * aborts.
 */
#include "ks.h"
#include "ks_heap.h"

static struct ks_mutex heap_lock;
static struct ks_heap heap;
static bool heap_ready;

static void *pages_get(size_t bytes, void *ctx)
{
    (void)ctx;
    int64_t mem = ks_memory_create(bytes);
    if (mem < 0)
        return NULL;
    int64_t addr = ks_memory_map((ks_handle_t)mem, 0, bytes, 0, KS_PROT_READ | KS_PROT_WRITE);
    ks_sys_handle_close((ks_handle_t)mem);
    return addr < 0 ? NULL : (void *)(uintptr_t)addr;
}

static void pages_put(void *addr, size_t bytes, void *ctx)
{
    (void)ctx;
    ks_memory_unmap((uint64_t)(uintptr_t)addr, bytes);
}

static void heap_enter(void)
{
    ks_mutex_lock(&heap_lock);
    if (!heap_ready) {
        struct ks_heap_pages pages = { pages_get, pages_put, NULL, 4096 };
        ks_heap_init(&heap, &pages);
        heap_ready = true;
    }
}

__attribute__((noreturn)) static void heap_fail(const char *what, enum ks_heap_status st,
                                                void *p)
{
    char line[128];
    int n = snprintf(line, sizeof(line), "%s(%p): %s\n", what, p,
                     st == KS_HEAP_DOUBLE_FREE ? "double free" : "not a heap block");
    ks_mutex_unlock(&heap_lock);
    ks_sys_log_write(line, (size_t)n);
    abort();
}

void *malloc(size_t size)
{
    heap_enter();
    void *p = ks_heap_alloc(&heap, size);
    ks_mutex_unlock(&heap_lock);
    if (!p)
        errno = ENOMEM;
    return p;
}

void free(void *p)
{
    if (!p)
        return;
    heap_enter();
    enum ks_heap_status st = ks_heap_free(&heap, p);
    if (st != KS_HEAP_OK)
        heap_fail("free", st, p);
    ks_mutex_unlock(&heap_lock);
}

void *calloc(size_t count, size_t size)
{
    heap_enter();
    void *p = ks_heap_calloc(&heap, count, size);
    ks_mutex_unlock(&heap_lock);
    if (!p)
        errno = ENOMEM;
    return p;
}

void *realloc(void *p, size_t size)
{
    enum ks_heap_status st;
    heap_enter();
    void *q = ks_heap_realloc(&heap, p, size, &st);
    if (st != KS_HEAP_OK)
        heap_fail("realloc", st, p);
    ks_mutex_unlock(&heap_lock);
    if (!q)
        errno = ENOMEM;
    return q;
}
