/* SPDX-License-Identifier: MIT */
/*
 * The kernel log's system calls (kestrel/log.h): log_read copies the
 * log ring to a user buffer; log_take hands the log's UART to the
 * driver holding its ports (console/log_handover.h).
 *
 * Locking: every handler runs under the kernel lock (syscall.c).
 */
#include "cap/handle.h"
#include "cap/io_ports.h"
#include "cap/notification.h"
#include "console/console.h"
#include "console/log_handover.h"
#include "debug/kprintf.h"
#include "kestrel/errors.h"
#include "kestrel/log.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

#define READ_CHUNK 256

static struct handle_table *own_handles(void)
{
    return &sched_current()->process->handles;
}

/* The boot resource with MANAGE, or I/O ports with READ on a UART the
 * kernel logs to. */
static int log_reader(int64_t handle, struct cap **out)
{
    struct cap *cap;
    int err = handle_lookup(own_handles(), handle, KS_OBJECT_NONE, 0, &cap);
    if (err < 0)
        return err;
    if (cap->obj->type == KS_OBJECT_RESOURCE) {
        if (!(cap->rights & KS_RIGHT_MANAGE))
            return -KS_ERR_DENIED;
    } else if (cap->obj->type == KS_OBJECT_IO_PORTS) {
        if (!(cap->rights & KS_RIGHT_READ))
            return -KS_ERR_DENIED;
        struct io_ports *ports = io_ports_of(cap->obj);
        if (!console_on_ports(ports->base, ports->count))
            return -KS_ERR_NOT_FOUND;
    } else {
        return -KS_ERR_WRONG_TYPE;
    }
    *out = cap;
    return 0;
}

SYSCALL_HANDLER(sys_log_read)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = log_reader((int64_t)a0, &cap);
    if (err < 0)
        return err;
    struct ks_log_read args;
    if ((err = copy_from_user(&args, a1, sizeof(args))) < 0)
        return err;
    if (args.from > klog_head())
        return -KS_ERR_INVALID_ARGUMENT;
    if ((err = log_handover_set_done(cap, args.done)) < 0)
        return err;
    /* Through a kernel buffer: a fault on the user's side never happens
     * with the ring's lock held. */
    char chunk[READ_CHUNK];
    uint64_t from = args.from, copied = 0, next, lost;
    args.lost = 0;
    while (copied < args.len) {
        uint64_t want = args.len - copied < READ_CHUNK ? args.len - copied : READ_CHUNK;
        int64_t n = klog_read(from, chunk, (size_t)want, &next, &lost);
        if (n < 0)
            break;
        if (lost) {
            if (copied)
                break;          /* overrun while copying: the caller reads on */
            args.lost = lost;
        }
        from = next;
        if (n == 0)
            break;
        if ((err = copy_to_user(args.buf + copied, chunk, (size_t)n)) < 0)
            return err;
        copied += (uint64_t)n;
    }
    args.next = from;
    if ((err = copy_to_user(a1, &args, sizeof(args))) < 0)
        return err;
    return (int64_t)copied;
}

SYSCALL_HANDLER(sys_log_take)
{
    (void)a3; (void)a4; (void)a5;
    struct handle_table *t = own_handles();
    struct cap *pcap, *ncap;
    int err = handle_lookup(t, (int64_t)a0, KS_OBJECT_IO_PORTS, KS_RIGHT_WRITE, &pcap);
    if (err < 0)
        return err;
    err = handle_lookup(t, (int64_t)a1, KS_OBJECT_NOTIFICATION, KS_RIGHT_SIGNAL, &ncap);
    if (err < 0)
        return err;
    struct io_ports *ports = io_ports_of(pcap->obj);
    int64_t start = log_handover_take(pcap, ports->base, ports->count,
                                      notification_of(ncap->obj), a2);
    if (start >= 0) {
        struct process *p = sched_current()->process;
        kinfo("log: ports 0x%x..0x%x handed to process %lld (%s) at sequence %llu\n",
              ports->base, ports->base + ports->count - 1, (long long)p->pid, p->name,
              (unsigned long long)start);
    }
    return start;
}
