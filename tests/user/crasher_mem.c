/* SPDX-License-Identifier: MIT */
/*
 * crasher's memory-object kinds (tests/user/test_memory.c) (run by the tests named in each kind).
 *
 *   map-shared                     maps its start handle 0 (a memory
 *                                  object), checks word 0 == 0x1111,
 *                                  writes 0x2222 to word 1, waits for
 *                                  0x3333 in word 2; exits 0 (4-7: a
 *                                  failed step)
 *   map-unmap-touch                #PF: writes a page it unmapped
 *   map-readonly-write             #PF: writes a read-only mapping
 *   map-protect-write              #PF: writes a mapping made read-only
 *   map-unmap-while-read           #PF in a thread reading a page (on
 *                                  another CPU) that the main thread
 *                                  unmaps
 *   memory-quota                   commits pages of a memory object up
 *                                  to its memory quota (the next write
 *                                  is DENIED), then #PF touching past it
 */
#include "crasher.h"

#define MAP_WORDS(addr) ((volatile uint64_t *)(uintptr_t)(addr))

/* Map the start handle 0 (a memory object the test wrote 0x1111 at word
 * 0 of), check it, write 0x2222 at word 1, then wait (5 s at most) for
 * the test to write 0x3333 at word 2 through its own mapping. */
static int map_shared(void)
{
    int64_t mem = start_handle(0);
    if (mem <= 0)
        return 4;
    int64_t at = ks_memory_map(mem, 0, 4096, 0, KS_PROT_READ | KS_PROT_WRITE);
    if (at <= 0)
        return 5;
    volatile uint64_t *words = MAP_WORDS(at);
    if (words[0] != 0x1111)
        return 6;
    words[1] = 0x2222;
    for (int i = 0; i < 500 && words[2] != 0x3333; i++)
        ks_sleep_ns(10000000ull);
    return words[2] == 0x3333 ? 0 : 7;
}

/* A mapping of a fresh object, set up for the bad touch that follows;
 * 0 when it could not be made. */
static uint64_t map_fresh(uint32_t prot)
{
    int64_t mem = ks_memory_create(4096);
    if (mem <= 0)
        return 0;
    int64_t at = ks_memory_map(mem, 0, 4096, 0, prot);
    return at > 0 ? (uint64_t)at : 0;
}

static int map_unmap_touch(void)
{
    uint64_t at = map_fresh(KS_PROT_READ | KS_PROT_WRITE);
    if (!at)
        return 4;
    MAP_WORDS(at)[0] = 1;
    if (ks_memory_unmap(at, 4096) != 0)
        return 5;
    do_write(at);
    return 3;
}

static int map_readonly_write(void)
{
    uint64_t at = map_fresh(KS_PROT_READ);
    if (!at || MAP_WORDS(at)[0] != 0)
        return 4;
    do_write(at);
    return 3;
}

static int map_protect_write(void)
{
    uint64_t at = map_fresh(KS_PROT_READ | KS_PROT_WRITE);
    if (!at)
        return 4;
    MAP_WORDS(at)[0] = 1;
    if (ks_memory_protect(at, 4096, KS_PROT_READ) != 0)
        return 5;
    do_write(at);
    return 3;
}

static volatile uint64_t reader_started;

static void spin_reading(void *arg)
{
    volatile uint64_t *word = arg;
    reader_started = 1;
    while (*word == 1)
        ;
    ks_sys_thread_exit(0);
}

/* A second thread spins reading a mapped word (on another CPU when
 * there is one) while this one unmaps it: the reader must fault at
 * once, so the unmap reached that CPU's TLB. */
static int map_unmap_while_read(void)
{
    uint64_t at = map_fresh(KS_PROT_READ | KS_PROT_WRITE);
    if (!at)
        return 4;
    MAP_WORDS(at)[0] = 1;
    uint64_t others = ks_start_info && ks_start_info->cpus > 1 ? ~1ull : 0;
    if (ks_sys_thread_create(spin_reading, (void *)(uintptr_t)at, KS_PRIORITY_INHERIT,
                             others) < 0)
        return 5;
    while (!reader_started)
        ks_sleep_ns(1000000ull);
    ks_sleep_ns(20000000ull);
    if (ks_memory_unmap(at, 4096) != 0)
        return 6;
    ks_sleep_ns(2000000000ull);
    return 3;
}

/* Fill a memory object past this process's memory quota: memory_write
 * commits pages until -KS_ERR_DENIED exactly at the limit; then a touch
 * through a mapping past the limit must end the process (#PF). */
static int memory_quota(void)
{
    struct ks_process_usage usage;
    if (ks_sys_process_usage(0, &usage) != 0)
        return 4;
    uint64_t room = (usage.limits.memory_bytes - usage.used.memory_bytes) / 4096;
    int64_t mem = ks_memory_create((room + 4) * 4096);
    if (mem <= 0)
        return 5;
    uint64_t one = 1, page = 0;
    int64_t err = 0;
    for (; page < room + 4; page++)
        if ((err = ks_memory_write(mem, page * 4096, &one, 8)) != 0)
            break;
    if (page != room || err != -KS_ERR_DENIED)
        return 6;
    int64_t at = ks_memory_map(mem, 0, (room + 4) * 4096, 0, KS_PROT_READ | KS_PROT_WRITE);
    if (at <= 0)
        return 7;
    if (MAP_WORDS(at)[0] != 1)
        return 8;
    do_write((uintptr_t)at + (room + 1) * 4096);
    return 3;
}

int crasher_memory(const char *kind)
{
    if (!strcmp(kind, "map-shared"))
        return map_shared();
    else if (!strcmp(kind, "map-unmap-touch"))
        return map_unmap_touch();
    else if (!strcmp(kind, "map-readonly-write"))
        return map_readonly_write();
    else if (!strcmp(kind, "map-protect-write"))
        return map_protect_write();
    else if (!strcmp(kind, "map-unmap-while-read"))
        return map_unmap_while_read();
    else if (!strcmp(kind, "memory-quota"))
        return memory_quota();
    return 2;
}
