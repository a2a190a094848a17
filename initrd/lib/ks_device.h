/* SPDX-License-Identifier: MIT */
/*
 * Wrappers of the device access calls (kestrel/device.h): interrupt
 * objects and I/O-port objects, and port I/O itself.  Each returns what
 * the kernel returned: >= 0 success, -KS_ERR_* failure.  The port
 * instructions fault (#GP, the process ends) unless io_ports_enable
 * allowed the port to this process.  Safe from any thread.
 */
#ifndef KS_DEVICE_H
#define KS_DEVICE_H

#include <stdint.h>
#include "kestrel/device.h"
#include "ks_syscall.h"

/* Bind line to notification (needs SIGNAL on it): an interrupt
 * signals bits there and masks the line until ks_sys_interrupt_ack. */
static inline int64_t ks_sys_interrupt_create(ks_handle_t resource, uint32_t line,
                                              ks_handle_t notification, uint64_t bits)
{
    return ks_syscall6(KS_SYS_INTERRUPT_CREATE, (uint64_t)resource, line,
                       (uint64_t)notification, bits, 0, 0);
}

static inline int64_t ks_sys_interrupt_ack(ks_handle_t interrupt)
{
    return ks_syscall3(KS_SYS_INTERRUPT_ACK, (uint64_t)interrupt, 0, 0);
}

static inline int64_t ks_sys_interrupt_info(ks_handle_t interrupt, struct ks_interrupt_info *out)
{
    return ks_syscall3(KS_SYS_INTERRUPT_INFO, (uint64_t)interrupt, KS_ARG(out), 0);
}

/* Ports [base, base + count), within 0..0xFFFF. */
static inline int64_t ks_sys_io_ports_create(ks_handle_t resource, uint32_t base,
                                             uint32_t count)
{
    return ks_syscall3(KS_SYS_IO_PORTS_CREATE, (uint64_t)resource, base, count);
}

static inline int64_t ks_sys_io_ports_enable(ks_handle_t ports)
{
    return ks_syscall3(KS_SYS_IO_PORTS_ENABLE, (uint64_t)ports, 0, 0);
}

static inline int64_t ks_sys_io_ports_disable(ks_handle_t ports)
{
    return ks_syscall3(KS_SYS_IO_PORTS_DISABLE, (uint64_t)ports, 0, 0);
}

static inline uint8_t ks_inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline void ks_outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint32_t ks_inl(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline void ks_outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

#endif /* KS_DEVICE_H */
