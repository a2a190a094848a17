/* SPDX-License-Identifier: MIT */
/*
 * Configuration space access and enumeration (pci.h).  A dword is read
 * by writing its address (enable bit, bus, device, function, register)
 * to 0xCF8 and reading 0xCFC; narrower fields are cut out of dwords, so
 * only 32-bit port accesses are needed.  Every bus is probed (256 x 32
 * vendor reads, a few milliseconds) rather than followed through the
 * bridges: firmware may leave bridges unnumbered, and this finds all.
 */
#include "ks.h"
#include "pci.h"
#include "pci_decode.h"

#define PCI_VENDOR_NONE   0xFFFFu
#define REG_ID            0x00
#define REG_COMMAND       0x04
#define REG_CLASS         0x08
#define REG_HEADER        0x0C
#define REG_BAR0          0x10
#define REG_INTERRUPT     0x3C
#define COMMAND_DECODE    0x3u      /* I/O space and memory space enable */
#define HEADER_MULTI_FN   0x80u

static uint32_t config_address(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
    return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 |
           (reg & 0xFCu);
}

static uint32_t config_read(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
    ks_outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, fn, reg));
    return ks_inl(PCI_CONFIG_DATA);
}

static void config_write(unsigned bus, unsigned dev, unsigned fn, unsigned reg, uint32_t value)
{
    ks_outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, fn, reg));
    ks_outl(PCI_CONFIG_DATA, value);
}

/* Read the BARs and their size masks.  Decoding is turned off while a
 * BAR holds all ones, so the device never answers at a bogus address,
 * then everything is put back.  Host bridges are left alone: turning
 * off their decoding could cut the CPU off from memory. */
static void size_bars(struct ks_pci_device *d)
{
    unsigned count = pci_bar_count(d->header_type);
    if (!count || (d->class_code == 0x06 && d->subclass == 0x00))
        return;
    uint32_t value[KS_PCI_BARS] = { 0 }, probe[KS_PCI_BARS] = { 0 };
    unsigned b = d->bus, dv = d->device, fn = d->function;

    uint32_t command = config_read(b, dv, fn, REG_COMMAND);
    config_write(b, dv, fn, REG_COMMAND, (command & 0xFFFFu) & ~COMMAND_DECODE);
    for (unsigned i = 0; i < count; i++) {
        unsigned reg = REG_BAR0 + 4 * i;
        value[i] = config_read(b, dv, fn, reg);
        config_write(b, dv, fn, reg, 0xFFFFFFFFu);
        probe[i] = config_read(b, dv, fn, reg);
        config_write(b, dv, fn, reg, value[i]);
    }
    /* Only the command half: writing ones to the status half would
     * clear its error bits. */
    config_write(b, dv, fn, REG_COMMAND, command & 0xFFFFu);

    for (unsigned i = 0; i < count;) {
        struct pci_bar bar;
        unsigned used = pci_bar_decode(value, probe, i, count, &bar);
        d->bar_kind[i] = bar.kind;
        d->bar_base[i] = bar.base;
        d->bar_size[i] = bar.size;
        i += used;
    }
}

static void read_function(struct ks_pci_device *d, unsigned bus, unsigned dev, unsigned fn,
                          uint32_t id)
{
    *d = (struct ks_pci_device){ 0 };
    d->bus = (uint8_t)bus;
    d->device = (uint8_t)dev;
    d->function = (uint8_t)fn;
    d->vendor = (uint16_t)id;
    d->device_id = (uint16_t)(id >> 16);
    uint32_t class = config_read(bus, dev, fn, REG_CLASS);
    d->revision = (uint8_t)class;
    d->prog_if = (uint8_t)(class >> 8);
    d->subclass = (uint8_t)(class >> 16);
    d->class_code = (uint8_t)(class >> 24);
    d->header_type = (uint8_t)(config_read(bus, dev, fn, REG_HEADER) >> 16);
    uint32_t irq = config_read(bus, dev, fn, REG_INTERRUPT);
    d->irq_line = (uint8_t)irq;
    d->irq_pin = (uint8_t)(irq >> 8);
    if (d->irq_pin == 0 || d->irq_pin > 4) {
        d->irq_pin = 0;
        d->irq_line = 0xFF;
    }
    size_bars(d);
}

unsigned pci_enumerate(struct ks_pci_device *table, unsigned max)
{
    unsigned count = 0;
    for (unsigned bus = 0; bus < 256; bus++) {
        for (unsigned dev = 0; dev < 32; dev++) {
            uint32_t id = config_read(bus, dev, 0, REG_ID);
            if ((id & 0xFFFFu) == PCI_VENDOR_NONE)
                continue;
            uint8_t header = (uint8_t)(config_read(bus, dev, 0, REG_HEADER) >> 16);
            unsigned functions = (header & HEADER_MULTI_FN) ? 8 : 1;
            for (unsigned fn = 0; fn < functions; fn++) {
                if (fn)
                    id = config_read(bus, dev, fn, REG_ID);
                if ((id & 0xFFFFu) == PCI_VENDOR_NONE)
                    continue;
                if (count == max)
                    return count;
                read_function(&table[count++], bus, dev, fn, id);
            }
        }
    }
    return count;
}

void pci_print(const struct ks_pci_device *table, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        const struct ks_pci_device *d = &table[i];
        printf("pci: %02x:%02x.%x %04x:%04x class %02x.%02x.%02x %s\n", d->bus, d->device,
               d->function, d->vendor, d->device_id, d->class_code, d->subclass, d->prog_if,
               pci_class_name(d->class_code, d->subclass, d->prog_if));
    }
}
