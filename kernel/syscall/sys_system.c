/* SPDX-License-Identifier: MIT */
/*
 * System calls about the machine as a whole: what the boot resource
 * knows (the screen, the firmware), power off and reboot, a process's
 * handle table for the capability graph, and boot milestones.
 *
 * Locking: every handler runs under the kernel lock (syscall.c).
 */
#include "acpi/acpi.h"
#include "arch.h"
#include "cap/handle.h"
#include "debug/kprintf.h"
#include "init/boot.h"
#include "kestrel/device.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "syscall/handlers.h"
#include "syscall/syscall.h"

#define MILESTONE_MAX 64

static struct handle_table *own_handles(void)
{
    return &sched_current()->process->handles;
}

/* Any handle to the boot resource: the facts are not secret, and a
 * console driver's geometry comes from them. */
SYSCALL_HANDLER(sys_resource_info)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_RESOURCE, 0, &cap);
    if (err < 0)
        return err;
    const struct ks_boot_info *bi = kernel_boot_info;
    const struct acpi_info *acpi = acpi_info();
    struct ks_resource_info info;
    memset(&info, 0, sizeof(info));
    if (bi) {
        info.screen = bi->framebuffer;
        if (info.screen.type != KS_FB_NONE)
            info.screen_size = (uint64_t)info.screen.pitch * info.screen.height;
        info.firmware = bi->firmware;
        info.acpi_rsdp = bi->rsdp_length ? bi->rsdp_phys : 0;
    }
    info.cpus = arch_cpu_count();
    info.acpi_power_off = acpi->has_fadt && acpi->has_s5 && acpi->pm1a_control;
    info.acpi_reset = acpi->has_reset_register;
    return copy_to_user(a1, &info, sizeof(info));
}

SYSCALL_HANDLER(sys_power)
{
    (void)a2; (void)a3; (void)a4; (void)a5;
    struct cap *cap;
    int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_RESOURCE, KS_RIGHT_MANAGE,
                            &cap);
    if (err < 0)
        return err;
    if (a1 != KS_POWER_OFF && a1 != KS_POWER_REBOOT)
        return -KS_ERR_INVALID_ARGUMENT;
    struct process *p = sched_current()->process;
    kinfo("power: %s, asked by process %lld (%s)\n", a1 == KS_POWER_OFF ? "power off" : "reboot",
          (long long)p->pid, p->name);
    if (a1 == KS_POWER_OFF)
        arch_power_off(acpi_info());
    arch_reboot(acpi_info());
}

/* The index-th capability of a process's table, in slot order.  A
 * table has at most HANDLE_MAX_CHUNKS * HANDLE_CHUNK_SLOTS slots, which
 * bounds the walk. */
SYSCALL_HANDLER(sys_handle_list)
{
    (void)a3; (void)a4; (void)a5;
    struct process *p = sched_current()->process;
    if (a0 != 0) {
        struct cap *pcap;
        int err = handle_lookup(own_handles(), (int64_t)a0, KS_OBJECT_PROCESS, KS_RIGHT_READ,
                                &pcap);
        if (err < 0)
            return err;
        p = process_of(pcap->obj);
    }
    if (a1 > UINT32_MAX)
        return -KS_ERR_NOT_FOUND;
    struct handle_table *t = &p->handles;
    uint64_t seen = 0;
    uint32_t slots = t->chunk_count * HANDLE_CHUNK_SLOTS;
    for (uint32_t slot = 0; slot < slots; slot++) {
        struct cap *cap = handle_slot_cap(t, slot);
        if (!cap->obj || seen++ != a1)
            continue;
        struct ks_handle_entry entry;
        memset(&entry, 0, sizeof(entry));
        entry.handle = handle_value(cap);
        entry.info.type = cap->obj->type;
        entry.info.rights = cap->rights;
        entry.info.object_id = cap->obj->id;
        entry.info.badge = cap->badge;
        entry.info.derived = handle_children(cap);
        return copy_to_user(a2, &entry, sizeof(entry));
    }
    return -KS_ERR_NOT_FOUND;
}

SYSCALL_HANDLER(sys_boot_milestone)
{
    (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
    char what[MILESTONE_MAX + 1];
    int64_t len = copy_string_from_user(what, a0, sizeof(what));
    if (len < 0)
        return len;
    uint64_t us = klog_uptime_us();
    kinfo("boot: %s after %llu.%03llu ms from loader entry\n", what,
          (unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
    return (int64_t)(us * 1000);
}
