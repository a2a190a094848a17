/* SPDX-License-Identifier: MIT */
/*
 * Device access for userspace drivers (ABI).
 *
 * The boot resource.  The first process starts with one handle to the
 * resource object (KS_OBJECT_RESOURCE, ks_start_info.handles[
 * KS_START_RESOURCE]); it is the only authority from which physical
 * memory objects (kestrel/memory.h), interrupt objects and I/O-port
 * objects can be made, each call needing KS_RIGHT_MANAGE on it.  It may
 * be duplicated (with fewer rights) and passed on like any handle.
 *
 * Interrupt objects bind one interrupt line to a notification: when the
 * line fires, the kernel masks it and signals the notification with the
 * object's bits; the driver does its work and calls interrupt_ack, which
 * unmasks the line.  Closing the last handle unbinds the line.
 *
 * I/O-port objects name a range of x86 I/O ports.  io_ports_enable lets
 * the calling process execute IN/OUT on the range directly (through its
 * I/O permission bitmap); without it, IN/OUT on the ports faults
 * (#GP, the process ends with KS_EXIT_FAULT).  Access ends with
 * io_ports_disable, when the handle that enabled it is closed or
 * revoked, or with the process.
 */
#ifndef KESTREL_ABI_DEVICE_H
#define KESTREL_ABI_DEVICE_H

#include <stdint.h>
#include "kestrel/boot_info.h"
#include "kestrel/handle.h"

/* Interrupt lines: the ISA lines 0..15 through the I/O APIC (or PIC);
 * lines the kernel keeps for itself (its timer, its serial console) are
 * refused with -KS_ERR_BUSY, as is a line already bound. */
#define KS_IRQ_LINES 24u

/* I/O ports: 0..0xFFFF. */
#define KS_IO_PORTS 0x10000u

struct ks_interrupt_info {
    uint32_t line;
    uint32_t masked;            /* 1 while a delivery waits for its ack */
    uint64_t count;             /* times delivered */
};

/* What resource_info reports: the screen the boot left (a linear
 * framebuffer or VGA text memory, to hand to a console driver as a
 * physical memory object; creating one over it ends the kernel's own
 * drawing there) and the machine's facts. */
struct ks_resource_info {
    struct ks_framebuffer screen;   /* type KS_FB_NONE: no screen */
    uint64_t screen_size;           /* bytes of screen memory from screen.base */
    uint32_t firmware;              /* enum ks_firmware */
    uint32_t cpus;                  /* CPUs online */
    uint64_t acpi_rsdp;             /* physical address, 0 if none */
    uint32_t acpi_power_off;        /* 1: ACPI S5 is known (FADT and \_S5) */
    uint32_t acpi_reset;            /* 1: the FADT has a reset register */
};

/* power operations */
#define KS_POWER_OFF    1u
#define KS_POWER_REBOOT 2u

#endif /* KESTREL_ABI_DEVICE_H */
