/* SPDX-License-Identifier: MIT */
/*
 * Host tests for drivers-user/pci/pci_decode.c: BARs of every kind from
 * the dwords a device shows before and after the all-ones probe (I/O,
 * 32-bit and 64-bit memory, prefetchable, empty, 16-bit I/O masks, a
 * 64-bit BAR cut off by the end of the header), BAR counts per header
 * type, and class names.
 */
#include <stdint.h>
#include "unit.h"
#include "../../drivers-user/pci/pci_decode.h"

UNIT_TEST(io_bar)
{
    /* QEMU's IDE: ports 0xc040, 16 of them. */
    uint32_t value[6] = { 0xc041 };
    uint32_t probe[6] = { 0xfffffff1 };
    struct pci_bar bar;
    CHECK_EQ_U(pci_bar_decode(value, probe, 0, 6, &bar), 1);
    CHECK_EQ_U(bar.kind, PCI_BAR_IO);
    CHECK_EQ_U(bar.base, 0xc040);
    CHECK_EQ_U(bar.size, 16);
    /* A device that keeps the upper 16 bits of the mask zero. */
    value[1] = 0x1001;
    probe[1] = 0xfff9;
    CHECK_EQ_U(pci_bar_decode(value, probe, 1, 6, &bar), 1);
    CHECK_EQ_U(bar.kind, PCI_BAR_IO);
    CHECK_EQ_U(bar.base, 0x1000);
    CHECK_EQ_U(bar.size, 8);
}

UNIT_TEST(memory_bar_32)
{
    uint32_t value[6] = { 0, 0xfebf0000 };
    uint32_t probe[6] = { 0, 0xfffff000 };
    struct pci_bar bar;
    CHECK_EQ_U(pci_bar_decode(value, probe, 1, 6, &bar), 1);
    CHECK_EQ_U(bar.kind, PCI_BAR_MEMORY);
    CHECK_EQ_U(bar.base, 0xfebf0000);
    CHECK_EQ_U(bar.size, 0x1000);
    CHECK(!bar.is64 && !bar.prefetchable);
    /* A prefetchable framebuffer of 16 MiB. */
    value[0] = 0xfd000008;
    probe[0] = 0xff000008;
    CHECK_EQ_U(pci_bar_decode(value, probe, 0, 6, &bar), 1);
    CHECK_EQ_U(bar.base, 0xfd000000);
    CHECK_EQ_U(bar.size, 16u << 20);
    CHECK(bar.prefetchable);
}

UNIT_TEST(memory_bar_64_takes_two_slots)
{
    uint32_t value[6] = { 0, 0, 0xfe00000c, 0x00000001, 0, 0 };
    uint32_t probe[6] = { 0, 0, 0xffffc00c, 0xffffffff, 0, 0 };
    struct pci_bar bar;
    CHECK_EQ_U(pci_bar_decode(value, probe, 2, 6, &bar), 2);
    CHECK_EQ_U(bar.kind, PCI_BAR_MEMORY);
    CHECK_EQ_U(bar.base, 0x1fe000000ull);
    CHECK_EQ_U(bar.size, 0x4000);
    CHECK(bar.is64 && bar.prefetchable);
    /* A region of 8 GiB: the size bits reach the upper half. */
    value[4] = 0x0000000c;
    value[5] = 0x00000004;
    probe[4] = 0x0000000c;
    probe[5] = 0xfffffffe;
    CHECK_EQ_U(pci_bar_decode(value, probe, 4, 6, &bar), 2);
    CHECK_EQ_U(bar.base, 0x400000000ull);
    CHECK_EQ_U(bar.size, 0x200000000ull);
    /* An upper half that probes as zero is taken as below 4 GiB. */
    probe[3] = 0;
    CHECK_EQ_U(pci_bar_decode(value, probe, 2, 6, &bar), 2);
    CHECK_EQ_U(bar.size, 0x4000);
}

UNIT_TEST(empty_bars)
{
    uint32_t value[6] = { 0, 0x4, 0, 0x1 };
    uint32_t probe[6] = { 0, 0x4, 0, 0x1 };
    struct pci_bar bar;
    CHECK_EQ_U(pci_bar_decode(value, probe, 0, 6, &bar), 1);
    CHECK_EQ_U(bar.kind, PCI_BAR_NONE);
    CHECK_EQ_U(pci_bar_decode(value, probe, 1, 6, &bar), 2);   /* 64-bit, empty */
    CHECK_EQ_U(bar.kind, PCI_BAR_NONE);
    CHECK_EQ_U(pci_bar_decode(value, probe, 3, 6, &bar), 1);   /* I/O, empty */
    CHECK_EQ_U(bar.kind, PCI_BAR_NONE);
    CHECK_EQ_U(bar.size, 0);
    /* Past the count. */
    CHECK_EQ_U(pci_bar_decode(value, probe, 6, 6, &bar), 1);
    CHECK_EQ_U(bar.kind, PCI_BAR_NONE);
}

UNIT_TEST(bar_64_in_the_last_slot_is_refused)
{
    uint32_t value[6] = { [5] = 0xfe000004 };
    uint32_t probe[6] = { [5] = 0xfffff004 };
    struct pci_bar bar;
    CHECK_EQ_U(pci_bar_decode(value, probe, 5, 6, &bar), 1);
    CHECK_EQ_U(bar.kind, PCI_BAR_NONE);
    /* A bridge has two slots: its second cannot start a 64-bit BAR. */
    uint32_t bv[2] = { 0, 0xfe000004 }, bp[2] = { 0, 0xfffff004 };
    CHECK_EQ_U(pci_bar_decode(bv, bp, 1, 2, &bar), 1);
    CHECK_EQ_U(bar.kind, PCI_BAR_NONE);
    CHECK_EQ_U(pci_bar_decode(bv, bp, 0, 2, &bar), 1);
    CHECK_EQ_U(bar.kind, PCI_BAR_NONE);
}

UNIT_TEST(malformed_masks_give_a_power_of_two)
{
    uint32_t value[6] = { 0xf0000000 };
    uint32_t probe[6] = { 0xf0f01000 };
    struct pci_bar bar;
    pci_bar_decode(value, probe, 0, 6, &bar);
    CHECK_EQ_U(bar.size, 0x1000);
    for (uint32_t bit = 4; bit < 32; bit++) {
        probe[0] = 0xffffffffu << bit;
        pci_bar_decode(value, probe, 0, 6, &bar);
        CHECK_EQ_U(bar.size, 1ull << bit);
    }
}

UNIT_TEST(bar_counts_by_header_type)
{
    CHECK_EQ_U(pci_bar_count(0x00), 6);
    CHECK_EQ_U(pci_bar_count(0x80), 6);
    CHECK_EQ_U(pci_bar_count(0x01), 2);
    CHECK_EQ_U(pci_bar_count(0x81), 2);
    CHECK_EQ_U(pci_bar_count(0x02), 1);
    CHECK_EQ_U(pci_bar_count(0x03), 0);
    CHECK_EQ_U(pci_bar_count(0x7f), 0);
}

UNIT_TEST(class_names)
{
    CHECK_STR(pci_class_name(0x06, 0x00, 0), "host bridge");
    CHECK_STR(pci_class_name(0x06, 0x01, 0), "ISA bridge");
    CHECK_STR(pci_class_name(0x01, 0x01, 0x80), "IDE controller");
    CHECK_STR(pci_class_name(0x03, 0x00, 0), "VGA controller");
    CHECK_STR(pci_class_name(0x02, 0x00, 0), "Ethernet controller");
    CHECK_STR(pci_class_name(0x06, 0x80, 0), "bridge");
    CHECK_STR(pci_class_name(0x01, 0x06, 0x01), "SATA controller (AHCI)");
    CHECK_STR(pci_class_name(0x01, 0x06, 0x00), "SATA controller");
    CHECK_STR(pci_class_name(0x0c, 0x03, 0x30), "USB xHCI controller");
    CHECK_STR(pci_class_name(0x0c, 0x03, 0x42), "USB controller");
    /* An unlisted subclass falls back to its class; unknown classes. */
    CHECK_STR(pci_class_name(0x01, 0x42, 0), "mass storage controller");
    CHECK_STR(pci_class_name(0x13, 0x00, 0), "instrumentation device");
    CHECK_STR(pci_class_name(0x40, 0x00, 0), "co-processor");
    CHECK_STR(pci_class_name(0x14, 0x00, 0), "unknown device");
    CHECK_STR(pci_class_name(0xff, 0xff, 0xff), "unknown device");
}

UNIT_MAIN(UNIT_CASE(io_bar), UNIT_CASE(memory_bar_32), UNIT_CASE(memory_bar_64_takes_two_slots),
          UNIT_CASE(empty_bars), UNIT_CASE(bar_64_in_the_last_slot_is_refused),
          UNIT_CASE(malformed_masks_give_a_power_of_two), UNIT_CASE(bar_counts_by_header_type),
          UNIT_CASE(class_names))
