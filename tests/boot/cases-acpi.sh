# SPDX-License-Identifier: MIT
# ACPI boot cases (kernel/acpi), sourced by tests/boot/cases.sh.
#
# QEMU's tables on both firmwares and both chipsets: SeaBIOS hands GRUB an
# ACPI 1.0 RSDP (RSDT), OVMF a 2.0 one (XSDT); the MADT lists one enabled
# CPU per -smp with APIC ids 0..N-1, one I/O APIC and the local APIC at
# 0xFEE00000; the HPET sits at 0xFED00000 and the SCI on IRQ 9.  No table
# QEMU makes may be skipped.  With ACPI off the kernel says so and goes on.
acpi_checks() { # cpus apic-ids
    echo 'acpi: RSDP revision (0, RSDT|[2-9], XSDT) with [3-9] tables'
    echo "acpi: MADT: $1 CPUs \\($2\\), 1 I/O APICs, [1-9][0-9]* overrides, local APIC at 0xfee00000"
    echo 'acpi: HPET at 0xfed00000'
    echo 'acpi: FADT: SCI IRQ 9'
    echo 'ktest: [1-9][0-9]* passed, 0 failed'
    echo --
    echo 'acpi: warning'
}
mapfile -t ACPI_SMP1 < <(acpi_checks 1 '0')
mapfile -t ACPI_SMP2 < <(acpi_checks 2 '0 1')
mapfile -t ACPI_SMP4 < <(acpi_checks 4 '0 1 2 3')
mapfile -t ACPI_SMP8 < <(acpi_checks 8 '0 1 2 3 4 5 6 7')

qemu_case acpi-smp1-bios ktest.iso 33 "--fw bios --smp 1" 'acpi: RSDP revision 0, RSDT' "${ACPI_SMP1[@]}"
qemu_case acpi-smp4-bios ktest.iso 33 "--fw bios --smp 4" 'acpi: RSDP revision 0, RSDT' "${ACPI_SMP4[@]}"
qemu_case acpi-smp4-uefi ktest.iso 33 "--fw uefi --smp 4" 'acpi: RSDP revision 2, XSDT' "${ACPI_SMP4[@]}"
qemu_case acpi-smp2-bios-pc ktest.iso 33 "--fw bios --machine pc --smp 2" 'acpi: RSDP revision 0, RSDT' "${ACPI_SMP2[@]}"
qemu_case acpi-smp8-uefi-pc ktest.iso 33 "--fw uefi --machine pc --smp 8" 'acpi: RSDP revision 2, XSDT' "${ACPI_SMP8[@]}"
# No tables at all: one line, no warning, and the ACPI self-test checks
# that acpi_info() is empty (one test only: the interrupt controllers'
# tests need the MADT).
# No ACPI at all: the kernel says so, falls back to the PIT, and every
# self-test still passes (those needing ACPI's I/O APIC say they do not apply).
qemu_case acpi-off-bios-pc ktest.iso 33 \
    "--fw bios --machine pc,acpi=off" 'acpi: no RSDP from the boot loader' \
    'calibrated against PIT' 'ktest: [1-9][0-9]* passed, 0 failed' \
    -- 'acpi: RSDP revision' 'acpi: warning'
