# SPDX-License-Identifier: MIT
# Address-space boot cases (kernel/mm/vm.c), sourced by tests/boot/cases.sh.
#
# A kernel stack overflow runs into the unmapped guard below the stack; the
# #PF cannot push its frame there, so the CPU raises #DF on its IST stack
# and the report must name the overflow and the guard, then exit 37.
qemu_case vm-kernel-stack-overflow only-crash_kernel_stack_overflow_reports_guard.iso 37 "--fw bios" \
    'PANIC: kernel stack overflow: #DF at 0x[0-9a-f]+, address 0x0*ffffff[0-9a-f]+ in the guard' \
    'error code 0x0' 'RIP=ffffffff8' 'backtrace:' '#1 0x[0-9a-f]+ overflow_stack[.a-z0-9]*\+0x' \
    -- 'ktest: [0-9]+ passed'
# The self-tests at the memory sizes the brief names, on both firmwares.
