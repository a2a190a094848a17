# SPDX-License-Identifier: MIT
# Kernel heap boot cases (sourced by tests/boot/run-boot-tests through
# tests/boot/cases.sh).  A debug kernel (the default build) must stop a
# heap corruption with the heap's report, naming the cache and the sites
# in tests/kernel/ktest_heap.c, and exit with the panic status 37.

heap_site='tests/kernel/ktest_heap\.c:[0-9]+'
heap_object='of [0-9]+-byte object at 0x[0-9a-f]+ \(cache kmalloc-[0-9]+\)'

qemu_case heap-red-zone-overflow only-crash_heap_red_zone_overflow.iso 37 "--fw bios" \
    "PANIC: heap: overflow of 24-byte object at 0x[0-9a-f]+ \\(cache kmalloc-32\\) allocated at $heap_site \\(found when freed at $heap_site\\)" \
    'backtrace:' '#[0-9]+ 0x[0-9a-f]+ crash_heap_red_zone_overflow\+0x' \
    -- 'ktest: [0-9]+ passed'
qemu_case heap-use-after-free-write only-crash_heap_use_after_free_write.iso 37 "--fw uefi" \
    "PANIC: heap: write after free $heap_object allocated at $heap_site, freed at $heap_site \\(found when the slot was reused at $heap_site\\)" \
    'backtrace:' -- 'ktest: [0-9]+ passed'
qemu_case heap-double-free only-crash_heap_double_free.iso 37 "--fw bios" \
    "PANIC: heap: double free $heap_object allocated at $heap_site, freed at $heap_site \\(freed again at $heap_site\\)" \
    'backtrace:' '#[0-9]+ 0x[0-9a-f]+ crash_heap_double_free\+0x' -- 'ktest: [0-9]+ passed'
qemu_case heap-invalid-free only-crash_heap_invalid_free.iso 37 "--fw bios" \
    "PANIC: heap: invalid free of pointer 0x[0-9a-f]+ \\(cache kmalloc\\): not from kmalloc, at $heap_site" \
    -- 'ktest: [0-9]+ passed'
# The heap's self-tests on a small and a large machine: every frame taken
# and given back, large blocks, random sizes.
