# SPDX-License-Identifier: MIT
# The memory boot matrix (sourced by tests/boot/cases.sh): the self-tests
# at RAM sizes from 32 MiB to 8 GiB on both firmwares, each checking that
# the frame allocator found the RAM the firmware map reports.  OVMF itself
# cannot start in 32 MiB (it faults before any Kestrel code), so UEFI
# starts at 64 MiB.
# Every size: frames, the kernel's own page tables and all self-tests
# (frames, mappings, guard pages, slab classes, exhaustion, stress).
MEMORY_CHECKS=('pmm: [0-9]+ MiB usable in [0-9]+ ranges, [0-9]+ MiB free'
               'vm: kernel page tables: ' 'ktest: [1-9][0-9]* passed, 0 failed')
for mib in 32 128 1024 4096 8192; do
    qemu_case "memory-bios-${mib}m" ktest.iso 33 "--fw bios --mem ${mib}M" \
        "@ram=$mib" "${MEMORY_CHECKS[@]}"
done
for mib in 64 128 1024 4096 8192; do
    qemu_case "memory-uefi-${mib}m" ktest.iso 33 "--fw uefi --mem ${mib}M" \
        "@ram=$mib" "${MEMORY_CHECKS[@]}"
done
