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

#endif /* KESTREL_ABI_DEVICE_H */
