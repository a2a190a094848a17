/* SPDX-License-Identifier: MIT */
/*
 * Kestrel I/O APIC driver (x86_64).
 *
 * Each I/O APIC has two registers, IOREGSEL at +0x00 and IOWIN at +0x10;
 * version in register 1 (maximum redirection entry in bits 23:16) and
 * redirection entry n at registers 0x10 + 2n (low) / 0x11 + 2n (high)
 * (82093AA I/O APIC datasheet, 3.2).  Reached through the direct map
 * (below 4 GiB, uncached by the firmware's MTRRs).
 *
 * ISA IRQs are identity-mapped to GSIs, edge-triggered and active high,
 * unless a MADT interrupt source override says otherwise (ACPI 6.5,
 * 5.2.12.5: "conforms to the bus" means ISA's edge/high).
 * Interrupts off; set-up on the boot CPU.  Redirection entries may be
 * written from any CPU (user drivers' lines): a spinlock keeps each
 * select-and-access pair whole.
 */
#include "acpi/acpi.h"
#include "arch.h"
#include "debug/kprintf.h"
#include "ioapic.h"
#include "kestrel/boot_info.h"
#include "kestrel/errors.h"

#define IOREGSEL          0x00
#define IOWIN             0x10
#define REG_ID            0x00
#define REG_VERSION       0x01
#define REG_REDIRECTION   0x10
#define ENTRY_MASKED      (1ull << 16)
#define ENTRY_LEVEL       (1ull << 15)
#define ENTRY_ACTIVE_LOW  (1ull << 13)
#define ISA_IRQS          16

struct ioapic {
    volatile uint32_t *regs;
    uint32_t gsi_base;
    uint32_t entries;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
/* IOREGSEL and IOWIN are a pair: once user drivers mask and unmask
 * lines from interrupt handlers and system calls on any CPU, a select
 * and its access must not interleave with another CPU's.  Every caller
 * has interrupts off, so a plain spinlock cannot deadlock. */
static uint32_t regs_lock;

static void regs_lock_take(void)
{
    while (__atomic_exchange_n(&regs_lock, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
}

static void regs_lock_release(void)
{
    __atomic_store_n(&regs_lock, 0, __ATOMIC_RELEASE);
}
static unsigned ioapic_count;
static struct {
    uint32_t gsi;
    unsigned flags;
} isa_routes[ISA_IRQS];

static uint32_t reg_read(const struct ioapic *io, uint32_t reg)
{
    io->regs[IOREGSEL / 4] = reg;
    return io->regs[IOWIN / 4];
}

static void reg_write(const struct ioapic *io, uint32_t reg, uint32_t value)
{
    io->regs[IOREGSEL / 4] = reg;
    io->regs[IOWIN / 4] = value;
}

static const struct ioapic *find(uint32_t gsi, uint32_t *pin)
{
    for (unsigned i = 0; i < ioapic_count; i++) {
        const struct ioapic *io = &ioapics[i];
        if (gsi >= io->gsi_base && gsi - io->gsi_base < io->entries) {
            *pin = gsi - io->gsi_base;
            return io;
        }
    }
    return NULL;
}

bool ioapic_has_gsi(uint32_t gsi)
{
    uint32_t pin;
    return find(gsi, &pin) != NULL;
}

/* The mask bit goes on first and comes off last, so the pin never
 * delivers through a half-written entry. */
static void write_entry(const struct ioapic *io, uint32_t pin, uint64_t entry)
{
    regs_lock_take();
    reg_write(io, REG_REDIRECTION + 2 * pin, ENTRY_MASKED);
    reg_write(io, REG_REDIRECTION + 2 * pin + 1, (uint32_t)(entry >> 32));
    reg_write(io, REG_REDIRECTION + 2 * pin, (uint32_t)entry);
    regs_lock_release();
}

int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest, unsigned flags)
{
    uint32_t pin;
    const struct ioapic *io = find(gsi, &pin);
    if (!io)
        return -KS_ERR_NOT_FOUND;
    /* Fixed delivery, physical destination mode: the APIC id in 63:56. */
    uint64_t entry = vector | (uint64_t)(dest & 0xFF) << 56;
    if (flags & ARCH_IRQ_LEVEL)
        entry |= ENTRY_LEVEL;
    if (flags & ARCH_IRQ_ACTIVE_LOW)
        entry |= ENTRY_ACTIVE_LOW;
    write_entry(io, pin, entry);
    return 0;
}

int ioapic_mask(uint32_t gsi)
{
    uint32_t pin;
    const struct ioapic *io = find(gsi, &pin);
    if (!io)
        return -KS_ERR_NOT_FOUND;
    write_entry(io, pin, ENTRY_MASKED);
    return 0;
}

uint64_t ioapic_entry(uint32_t gsi)
{
    uint32_t pin;
    const struct ioapic *io = find(gsi, &pin);
    if (!io)
        return 0;
    regs_lock_take();
    uint64_t entry = (uint64_t)reg_read(io, REG_REDIRECTION + 2 * pin + 1) << 32 |
                     reg_read(io, REG_REDIRECTION + 2 * pin);
    regs_lock_release();
    return entry;
}

int ioapic_isa_to_gsi(unsigned isa_irq, uint32_t *gsi, unsigned *flags)
{
    if (isa_irq >= ISA_IRQS)
        return -KS_ERR_INVALID_ARGUMENT;
    *gsi = isa_routes[isa_irq].gsi;
    *flags = isa_routes[isa_irq].flags;
    return 0;
}

static unsigned override_flags(uint16_t mps)
{
    unsigned flags = 0;
    if ((mps & ACPI_TRIGGER_MASK) == ACPI_TRIGGER_LEVEL)
        flags |= ARCH_IRQ_LEVEL;
    if ((mps & ACPI_POLARITY_MASK) == ACPI_POLARITY_LOW)
        flags |= ARCH_IRQ_ACTIVE_LOW;
    return flags;
}

static void init_isa_routes(const struct acpi_info *acpi)
{
    for (unsigned irq = 0; irq < ISA_IRQS; irq++) {
        isa_routes[irq].gsi = irq;
        isa_routes[irq].flags = 0;
    }
    for (unsigned i = 0; i < acpi->override_count && i < ACPI_MAX_OVERRIDES; i++) {
        const struct acpi_override *o = &acpi->overrides[i];
        if (o->bus_irq >= ISA_IRQS)
            continue;
        isa_routes[o->bus_irq].gsi = o->gsi;
        isa_routes[o->bus_irq].flags = override_flags(o->flags);
        kinfo("ioapic: ISA IRQ %u -> GSI %u%s%s\n", o->bus_irq, o->gsi,
              isa_routes[o->bus_irq].flags & ARCH_IRQ_LEVEL ? ", level" : ", edge",
              isa_routes[o->bus_irq].flags & ARCH_IRQ_ACTIVE_LOW ? ", active low" : "");
    }
}

static bool add_ioapic(const struct acpi_ioapic *desc)
{
    if (desc->address == 0 || desc->address >= 0x100000000ull || (desc->address & 0xF)) {
        kwarn("ioapic: warning: skipping I/O APIC %u at unusable address 0x%llx\n",
              desc->id, (unsigned long long)desc->address);
        return false;
    }
    struct ioapic *io = &ioapics[ioapic_count];
    io->regs = (volatile uint32_t *)(uintptr_t)(KS_DIRECT_MAP_BASE + desc->address);
    io->gsi_base = desc->gsi_base;
    uint32_t version = reg_read(io, REG_VERSION);
    if (version == 0xFFFFFFFFu) {
        kwarn("ioapic: warning: nothing answers at 0x%llx\n",
              (unsigned long long)desc->address);
        return false;
    }
    io->entries = ((version >> 16) & 0xFF) + 1;
    ioapic_count++;
    for (uint32_t pin = 0; pin < io->entries; pin++)
        write_entry(io, pin, ENTRY_MASKED);
    kinfo("ioapic: id %u at 0x%llx, version 0x%x, GSI %u-%u, all masked\n",
          (reg_read(io, REG_ID) >> 24) & 0xF, (unsigned long long)desc->address,
          version & 0xFF, io->gsi_base, io->gsi_base + io->entries - 1);
    return true;
}

unsigned ioapic_init(const struct acpi_info *acpi)
{
    ioapic_count = 0;
    for (unsigned i = 0; i < acpi->ioapic_count && i < ACPI_MAX_IOAPICS; i++)
        add_ioapic(&acpi->ioapics[i]);
    init_isa_routes(acpi);
    if (ioapic_count == 0)
        kwarn("ioapic: warning: no usable I/O APIC; device interrupts unavailable\n");
    return ioapic_count;
}
