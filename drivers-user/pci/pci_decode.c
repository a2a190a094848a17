/* SPDX-License-Identifier: MIT */
/*
 * BAR decoding and class names (pci_decode.h).  A BAR's low bits say
 * what it is: bit 0 set, I/O ports (base in bits 31..2); clear, memory,
 * with bits 2..1 the width (2: 64 bits, the next slot holds the upper
 * half) and bit 3 prefetchable.  Writing all ones and reading back gives
 * the address bits the device decodes: the size is the lowest of them.
 */
#include "pci_decode.h"

#define BAR_IO            0x1u
#define BAR_MEM_TYPE_MASK 0x6u
#define BAR_MEM_TYPE_64   0x4u
#define BAR_MEM_PREFETCH  0x8u
#define BAR_IO_ADDR_MASK  0xFFFFFFFCu
#define BAR_MEM_ADDR_MASK 0xFFFFFFF0u

unsigned pci_bar_count(uint8_t header_type)
{
    switch (header_type & 0x7f) {
    case 0:  return 6;
    case 1:  return 2;
    case 2:  return 1;
    default: return 0;
    }
}

/* The lowest set bit of an address mask: the region's size (a device
 * that answers with a malformed mask still gets a power of two). */
static uint64_t lowest_bit(uint64_t mask)
{
    return mask & (~mask + 1);
}

unsigned pci_bar_decode(const uint32_t *value, const uint32_t *probe, unsigned index,
                        unsigned count, struct pci_bar *out)
{
    *out = (struct pci_bar){ 0 };
    if (index >= count)
        return 1;
    uint32_t v = value[index];
    uint32_t p = probe[index];

    if (v & BAR_IO) {
        uint32_t mask = p & BAR_IO_ADDR_MASK;
        if (!mask)
            return 1;
        /* Devices may leave the upper 16 bits zero: ports are 16 bits. */
        if (!(mask & 0xFFFF0000u))
            mask |= 0xFFFF0000u;
        out->kind = PCI_BAR_IO;
        out->base = v & BAR_IO_ADDR_MASK;
        out->size = lowest_bit(mask);
        return 1;
    }

    bool is64 = (v & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64;
    if (is64 && index + 1 >= count)
        return 1;                           /* a broken header: no upper half */
    uint64_t mask = p & BAR_MEM_ADDR_MASK;
    uint64_t base = v & BAR_MEM_ADDR_MASK;
    if (is64) {
        uint32_t upper = probe[index + 1];
        /* The upper half of a region below 4 GiB still reads all ones;
         * zero would claim a size of 4 GiB or more, so treat it alike. */
        mask |= (uint64_t)(upper ? upper : 0xFFFFFFFFu) << 32;
        base |= (uint64_t)value[index + 1] << 32;
    } else {
        mask |= 0xFFFFFFFF00000000ull;
    }
    unsigned used = is64 ? 2 : 1;
    if (!(p & BAR_MEM_ADDR_MASK) && (!is64 || !probe[index + 1]))
        return used;                        /* the device has no such BAR */
    out->kind = PCI_BAR_MEMORY;
    out->base = base;
    out->size = lowest_bit(mask);
    out->is64 = is64;
    out->prefetchable = (v & BAR_MEM_PREFETCH) != 0;
    return used;
}

struct class_name {
    uint8_t class_code, subclass;
    int16_t prog_if;                        /* -1: any */
    const char *name;
};

/* First match wins: specific interfaces before their subclass. */
static const struct class_name class_names[] = {
    { 0x00, 0x01, -1, "VGA-compatible device" },
    { 0x01, 0x00, -1, "SCSI controller" },
    { 0x01, 0x01, -1, "IDE controller" },
    { 0x01, 0x05, -1, "ATA controller" },
    { 0x01, 0x06, 0x01, "SATA controller (AHCI)" },
    { 0x01, 0x06, -1, "SATA controller" },
    { 0x01, 0x08, 0x02, "NVMe controller" },
    { 0x01, 0x08, -1, "non-volatile memory controller" },
    { 0x02, 0x00, -1, "Ethernet controller" },
    { 0x02, 0x80, -1, "network controller" },
    { 0x03, 0x00, -1, "VGA controller" },
    { 0x03, 0x80, -1, "display controller" },
    { 0x04, 0x01, -1, "audio device" },
    { 0x04, 0x03, -1, "HD audio controller" },
    { 0x05, 0x00, -1, "RAM controller" },
    { 0x06, 0x00, -1, "host bridge" },
    { 0x06, 0x01, -1, "ISA bridge" },
    { 0x06, 0x04, -1, "PCI bridge" },
    { 0x06, 0x07, -1, "CardBus bridge" },
    { 0x06, 0x80, -1, "bridge" },
    { 0x07, 0x00, -1, "serial controller" },
    { 0x07, 0x80, -1, "communication controller" },
    { 0x08, 0x00, -1, "interrupt controller" },
    { 0x08, 0x80, -1, "system peripheral" },
    { 0x09, 0x00, -1, "keyboard controller" },
    { 0x0c, 0x03, 0x00, "USB UHCI controller" },
    { 0x0c, 0x03, 0x10, "USB OHCI controller" },
    { 0x0c, 0x03, 0x20, "USB EHCI controller" },
    { 0x0c, 0x03, 0x30, "USB xHCI controller" },
    { 0x0c, 0x03, -1, "USB controller" },
    { 0x0c, 0x05, -1, "SMBus controller" },
};

/* When the subclass is not listed: the class's own name. */
static const char *const class_only[] = {
    "unclassified device", "mass storage controller", "network controller",
    "display controller", "multimedia controller", "memory controller", "bridge",
    "communication controller", "system peripheral", "input device", "docking station",
    "processor", "serial bus controller", "wireless controller", "intelligent controller",
    "satellite controller", "encryption controller", "signal processing controller",
    "processing accelerator", "instrumentation device",
};

const char *pci_class_name(uint8_t class_code, uint8_t subclass, uint8_t prog_if)
{
    for (unsigned i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++) {
        const struct class_name *c = &class_names[i];
        if (c->class_code == class_code && c->subclass == subclass &&
            (c->prog_if < 0 || c->prog_if == prog_if))
            return c->name;
    }
    if (class_code < sizeof(class_only) / sizeof(class_only[0]))
        return class_only[class_code];
    if (class_code == 0x40)
        return "co-processor";
    return "unknown device";
}
