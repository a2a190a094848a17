# SPDX-License-Identifier: MIT
# Physical-memory boot cases (kernel/mm/pmm.c), sourced by tests/boot/cases.sh.
#
# The PMM's summary line has its fixed shape, and the exhaustion self-test
# (every free frame taken, -KS_ERR_NO_MEMORY, all given back) passes at
# the smallest machine and at 16 GiB (frame table past 4 MiB, RAM above
# 4 GiB, UEFI map with more ranges) without writing every frame.
PMM_LINE='pmm: [0-9]+ MiB usable in [0-9]+ ranges, [0-9]+ MiB free, top 0x[0-9a-f]+, frame table [0-9]+ KiB'
qemu_case pmm-exhaustion-bios-32m only-pmm_exhaustion_returns_no_memory_and_recovers.iso 33 \
    "--fw bios --mem 32M" "$PMM_LINE" 'ktest: PASS pmm_exhaustion_returns_no_memory_and_recovers' \
    'ktest: 1 passed, 0 failed' -- 'pmm: refused'
qemu_case pmm-exhaustion-uefi-16g only-pmm_exhaustion_returns_no_memory_and_recovers.iso 33 \
    "--fw uefi --mem 16G" "$PMM_LINE" 'top 0x4[0-9a-f]{8}, frame table 4[0-9]{3} KiB' \
    'ktest: PASS pmm_exhaustion_returns_no_memory_and_recovers' 'ktest: 1 passed, 0 failed' \
    -- 'pmm: refused'
