/* SPDX-License-Identifier: MIT */
/*
 * The PCI driver's pure logic: decoding base address registers from the
 * dwords read out of configuration space, and names of device classes.
 * Standard headers only; tested on the host by tests/unit/test_pci_decode.c.
 */
#ifndef PCI_DECODE_H
#define PCI_DECODE_H

#include <stdbool.h>
#include <stdint.h>

enum pci_bar_kind { PCI_BAR_NONE = 0, PCI_BAR_MEMORY = 1, PCI_BAR_IO = 2 };

struct pci_bar {
    uint64_t base;
    uint64_t size;
    uint8_t kind;           /* enum pci_bar_kind */
    bool is64;              /* a 64-bit memory BAR: it takes two slots */
    bool prefetchable;
};

/* How many BARs a header type has (bit 7, multi-function, ignored):
 * 6 for a device, 2 for a PCI-to-PCI bridge, 1 for a CardBus bridge,
 * 0 for anything else. */
unsigned pci_bar_count(uint8_t header_type);

/* Decode the BAR at slot index of count: value[] holds what the slots
 * held, probe[] what they read back after all ones were written to
 * them (the size mask).  -> slots used (1, or 2 for a 64-bit memory BAR
 * that has its upper half within count; a 64-bit BAR in the last slot is
 * reported empty).  An unimplemented BAR (probe 0) is PCI_BAR_NONE. */
unsigned pci_bar_decode(const uint32_t *value, const uint32_t *probe, unsigned index,
                        unsigned count, struct pci_bar *out);

/* A short English name for a class / subclass / programming interface,
 * e.g. "ISA bridge", "IDE controller"; never NULL. */
const char *pci_class_name(uint8_t class_code, uint8_t subclass, uint8_t prog_if);

#endif /* PCI_DECODE_H */
