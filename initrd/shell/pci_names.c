/* SPDX-License-Identifier: MIT */
/* Names of PCI device classes for lspci (the PCI code and ID lists). */
#include <stdint.h>
#include "shell.h"

struct pci_class_name {
    uint8_t class_code;
    uint8_t subclass;           /* 0xFF: any subclass of the class */
    const char *name;
};

static const struct pci_class_name names[] = {
    { 0x00, 0x01, "VGA-compatible device" },
    { 0x01, 0x00, "SCSI controller" },
    { 0x01, 0x01, "IDE controller" },
    { 0x01, 0x05, "ATA controller" },
    { 0x01, 0x06, "SATA controller" },
    { 0x01, 0x07, "SAS controller" },
    { 0x01, 0x08, "NVMe controller" },
    { 0x01, 0xFF, "storage controller" },
    { 0x02, 0x00, "Ethernet controller" },
    { 0x02, 0xFF, "network controller" },
    { 0x03, 0x00, "VGA controller" },
    { 0x03, 0xFF, "display controller" },
    { 0x04, 0x01, "audio device" },
    { 0x04, 0x03, "audio device" },
    { 0x04, 0xFF, "multimedia controller" },
    { 0x05, 0xFF, "memory controller" },
    { 0x06, 0x00, "host bridge" },
    { 0x06, 0x01, "ISA bridge" },
    { 0x06, 0x04, "PCI bridge" },
    { 0x06, 0x80, "bridge" },
    { 0x06, 0xFF, "bridge" },
    { 0x07, 0x00, "serial controller" },
    { 0x07, 0xFF, "communication controller" },
    { 0x08, 0xFF, "system peripheral" },
    { 0x09, 0xFF, "input device controller" },
    { 0x0C, 0x03, "USB controller" },
    { 0x0C, 0x05, "SMBus controller" },
    { 0x0C, 0xFF, "serial bus controller" },
    { 0x0D, 0xFF, "wireless controller" },
    { 0x10, 0xFF, "encryption controller" },
    { 0x11, 0xFF, "signal processing controller" },
};

const char *shell_pci_class_name(uint8_t class_code, uint8_t subclass)
{
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].class_code == class_code &&
            (names[i].subclass == subclass || names[i].subclass == 0xFF))
            return names[i].name;
    return "device";
}
