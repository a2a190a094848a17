# SPDX-License-Identifier: MIT
# Host unit tests of the PCI driver's pure logic (tests/unit/test_pci_*.c).
UNIT_DEPS_test_pci_decode := drivers-user/pci/pci_decode.c
