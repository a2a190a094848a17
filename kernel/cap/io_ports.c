/* SPDX-License-Identifier: MIT */
/*
 * I/O-port objects and the grants io_ports_enable makes; see
 * io_ports.h.  A process's grants are a short singly linked list keyed
 * by the capability that made them (a struct cap stays put while it is
 * in its slot, and the removal hook drops the grant before the slot is
 * reused).  Any change rebuilds the bitmap from the list and publishes
 * it to the CPUs that hold it.  Kernel lock held throughout.
 */
#include "cap/io_ports.h"
#include "console/log_handover.h"
#include "kestrel/device.h"
#include "kestrel/errors.h"
#include "mm/heap.h"
#include "proc/process.h"
#include "sched/sched.h"

struct io_grant {
    struct cap *cap;             /* the handle that enabled it */
    uint32_t base;
    uint32_t count;
    struct io_grant *next;
};

static struct process *process_of_table(struct handle_table *t)
{
    return (struct process *)((char *)t - __builtin_offsetof(struct process, handles));
}

/* Make p's bitmap the union of its grants; free it when none is left. */
static void rebuild(struct process *p)
{
    struct arch_io_bitmap *b = p->io_bitmap;
    if (!b)
        return;
    if (!p->io_grants) {
        p->io_bitmap = NULL;
        arch_io_bitmap_destroy(b);
        return;
    }
    arch_io_bitmap_deny_all(b);
    for (struct io_grant *g = p->io_grants; g; g = g->next)
        arch_io_bitmap_allow(b, g->base, g->count);
    arch_io_bitmap_publish(b);
}

/* Unlink cap's grant from p's list; true when there was one. */
static bool grant_remove(struct process *p, struct cap *cap)
{
    for (struct io_grant **link = &p->io_grants; *link; link = &(*link)->next) {
        struct io_grant *g = *link;
        if (g->cap == cap) {
            *link = g->next;
            kfree(g);
            return true;
        }
    }
    return false;
}

static void io_ports_cap_removed(struct kobject *obj, struct cap *cap)
{
    (void)obj;
    log_handover_cap_removed(cap);      /* the kernel log's UART, if cap took it */
    struct process *p = process_of_table(cap->table);
    if (grant_remove(p, cap))
        rebuild(p);
}

static void io_ports_destroy(struct kobject *obj)
{
    kfree(io_ports_of(obj));
}

int io_ports_create(uint64_t base, uint64_t count, struct io_ports **out)
{
    if (count == 0 || base >= KS_IO_PORTS || count > KS_IO_PORTS - base)
        return -KS_ERR_INVALID_ARGUMENT;
    struct io_ports *ports = kmalloc(sizeof(*ports));
    if (!ports)
        return -KS_ERR_NO_MEMORY;
    kobject_init(&ports->obj, KS_OBJECT_IO_PORTS, io_ports_destroy);
    ports->obj.cap_removed = io_ports_cap_removed;
    ports->base = (uint32_t)base;
    ports->count = (uint32_t)count;
    *out = ports;
    return 0;
}

int io_ports_enable(struct cap *cap)
{
    struct process *p = process_of_table(cap->table);
    for (struct io_grant *g = p->io_grants; g; g = g->next)
        if (g->cap == cap)
            return 0;
    struct io_grant *g = kmalloc(sizeof(*g));
    if (!g)
        return -KS_ERR_NO_MEMORY;
    if (!p->io_bitmap) {
        p->io_bitmap = arch_io_bitmap_create();
        if (!p->io_bitmap) {
            kfree(g);
            return -KS_ERR_NO_MEMORY;
        }
    }
    struct io_ports *ports = io_ports_of(cap->obj);
    *g = (struct io_grant){ .cap = cap, .base = ports->base, .count = ports->count,
                            .next = p->io_grants };
    p->io_grants = g;
    arch_io_bitmap_allow(p->io_bitmap, g->base, g->count);
    arch_io_bitmap_publish(p->io_bitmap);
    /* CPUs running p now (this one among them) switched to it before
     * the bitmap existed: turn it on there, not at their next switch. */
    arch_io_bitmap_attach(p->io_bitmap, sched_cpus_running(p));
    return 0;
}

int io_ports_disable(struct cap *cap)
{
    struct process *p = process_of_table(cap->table);
    if (grant_remove(p, cap))
        rebuild(p);
    return 0;
}

void io_ports_process_end(struct process *p)
{
    while (p->io_grants) {
        struct io_grant *g = p->io_grants;
        p->io_grants = g->next;
        kfree(g);
    }
    rebuild(p);
}
