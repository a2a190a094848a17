/* SPDX-License-Identifier: MIT */
/*
 * Device access system calls: interrupt objects and I/O-port objects
 * (the ABI is kestrel/device.h and kestrel/syscall.h; the design is in
 * docs/devices.md).  Making either needs a handle to the boot resource
 * with KS_RIGHT_MANAGE (cap/resource.h).  Each handler decodes every
 * handle, right and argument first; only then does it change anything.
 *
 * Locking: every handler runs under the kernel lock (syscall.c).
 */
#include "cap/handle.h"
#include "cap/interrupt.h"
#include "cap/io_ports.h"
#include "cap/notification.h"
#include "cap/resource.h"
#include "kestrel/device.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

static struct handle_table *own_handles(void)
{
    return &sched_current()->process->handles;
}

/* Install obj with rights, dropping the creation reference (the object
 * goes with it when the install fails). */
static int64_t install_new(struct kobject *obj, uint32_t rights)
{
    int64_t handle;
    int err = handle_install(own_handles(), obj, rights, 0, &handle);
    kobject_unref(obj);
    return err < 0 ? err : handle;
}

SYSCALL_HANDLER(sys_interrupt_create)
{
    (void)a4; (void)a5;
    struct handle_table *t = own_handles();
    int err = resource_check(t, (int64_t)a0);
    if (err < 0)
        return err;
    struct cap *ncap;
    err = handle_lookup(t, (int64_t)a2, KS_OBJECT_NOTIFICATION, KS_RIGHT_SIGNAL, &ncap);
    if (err < 0)
        return err;
    struct interrupt *irq;
    err = interrupt_create(a1, notification_of(ncap->obj), a3, &irq);
    if (err < 0)
        return err;
    return install_new(&irq->obj, INTERRUPT_RIGHTS);
}

SYSCALL_HANDLER(sys_interrupt_ack)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_INTERRUPT, KS_RIGHT_WAIT, &cap);
    if (err < 0)
        return err;
    interrupt_ack(interrupt_of(cap->obj));
    return 0;
}

SYSCALL_HANDLER(sys_interrupt_info)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_INTERRUPT, KS_RIGHT_READ, &cap);
    if (err < 0)
        return err;
    struct ks_interrupt_info info;
    memset(&info, 0, sizeof(info));
    interrupt_info(interrupt_of(cap->obj), &info);
    return copy_to_user(a1, &info, sizeof(info));
}

SYSCALL_HANDLER(sys_io_ports_create)
{
    (void)a3; (void)a4; (void)a5;
    int err = resource_check(own_handles(), (int64_t)a0);
    if (err < 0)
        return err;
    struct io_ports *ports;
    err = io_ports_create(a1, a2, &ports);
    if (err < 0)
        return err;
    return install_new(&ports->obj, IO_PORTS_RIGHTS);
}

SYSCALL_HANDLER(sys_io_ports_enable)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_IO_PORTS,
                            KS_RIGHT_READ | KS_RIGHT_WRITE, &cap);
    if (err < 0)
        return err;
    return io_ports_enable(cap);
}

SYSCALL_HANDLER(sys_io_ports_disable)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_IO_PORTS, 0, &cap);
    if (err < 0)
        return err;
    return io_ports_disable(cap);
}
