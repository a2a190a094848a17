/* SPDX-License-Identifier: MIT */
/*
 * ACPI internals shared with the self-tests: the map callback acpi_init
 * gives the parser.  ctx is the boot_info; a range is readable when it
 * lies wholly inside the direct map (physical 0 to direct_map_size).
 * Any context; no state.
 */
#ifndef KESTREL_ACPI_ACPI_INTERNAL_H
#define KESTREL_ACPI_ACPI_INTERNAL_H

#include "acpi/acpi.h"

const void *acpi_map_direct(void *boot_info, uint64_t phys, size_t len);

#endif /* KESTREL_ACPI_ACPI_INTERNAL_H */
