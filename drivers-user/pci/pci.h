/* SPDX-License-Identifier: MIT */
/*
 * The PCI driver (bin/pci): configuration space through the legacy
 * ports 0xCF8/0xCFC ("mechanism 1"), the device table it builds at
 * start, and the "pci" service that hands BARs and interrupts to other
 * drivers.  docs/drivers.md describes it.
 */
#ifndef PCI_H
#define PCI_H

#include <stdint.h>
#include "ks_proto.h"

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA    0xCFC
#define PCI_CONFIG_PORTS   8
#define PCI_MAX_DEVICES    128

/* Enumerate every bus, device and function into table (at most max
 * entries, BARs sized) -> the number found.  Needs the ports enabled. */
unsigned pci_enumerate(struct ks_pci_device *table, unsigned max);

/* One line per device, "pci: 00:01.0 8086:7000 class 06.01.00 ISA bridge". */
void pci_print(const struct ks_pci_device *table, unsigned count);

#endif /* PCI_H */
