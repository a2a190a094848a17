# SPDX-License-Identifier: MIT
# ACPI fragment (included by the top-level Makefile): the host unit test
# of the table parser links the pure parser only.
UNIT_DEPS_test_acpi := kernel/acpi/acpi_tables.c kernel/acpi/acpi_madt.c kernel/acpi/acpi_s5.c
$(BUILD)/tests/unit/test_acpi: kernel/acpi/acpi.h
UNIT_DEPS_test_acpi_madt := kernel/acpi/acpi_tables.c kernel/acpi/acpi_madt.c kernel/acpi/acpi_s5.c
$(BUILD)/tests/unit/test_acpi_madt: kernel/acpi/acpi.h
