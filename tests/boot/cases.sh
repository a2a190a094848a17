# SPDX-License-Identifier: MIT
# The boot-test matrix, sourced by tests/boot/run-boot-tests.
#
#   qemu_case NAME IMAGE EXPECT_STATUS "RUN-QEMU OPTIONS" MUST_MATCH... [-- MUST_NOT_MATCH...]
#   screen_case, bochs_case: see below
#
# IMAGE is a file under build/tests/images (.iso boots as a CD, .img as a
# disk).  EXPECT_STATUS is QEMU's exit status: (code << 1) | 1 for the codes
# in kernel/abi/kestrel/qemu_exit.h (33 pass, 35 test failed, 37 panic,
# 39 loader refused).  Patterns are extended regexes matched against the
# serial log; the default must-not list catches panics and refusals.

# A good boot shows every stage: loader, banner, memory map, initramfs, self-tests.
good_boot() { # firmware screen-pattern
    echo 'kestrel-loader: '
    echo '^(\[[ 0-9.]+\] )?Kestrel [0-9]+\.[0-9]+\.[0-9]+ \(.+\) x86_64'
    echo "boot: firmware $1"
    echo "boot: $2"
    echo 'memmap: [0-9]+ regions, [0-9]+ MiB usable'
    echo 'initrd: [0-9]+ files, [0-9]+ bytes'
    echo 'initrd: +[0-9]+ +etc/motd'
    echo 'ktest: [1-9][0-9]* passed, 0 failed'
}
# BIOS keeps VGA text mode; UEFI has only the GOP framebuffer.
mapfile -t GOOD_BIOS < <(good_boot BIOS 'VGA text 80x25')
mapfile -t GOOD_UEFI < <(good_boot UEFI 'framebuffer [0-9]+x[0-9]+ (24|32) bpp')
mapfile -t GOOD_BIOS_FB < <(good_boot BIOS 'framebuffer 1024x768 32 bpp')

# The boot matrix: both firmwares, both images, both chipsets.
for machine in q35 pc; do
    qemu_case "bios-iso-$machine"  ktest.iso 33 "--fw bios --machine $machine --mem 256M" "${GOOD_BIOS[@]}"
    qemu_case "uefi-iso-$machine"  ktest.iso 33 "--fw uefi --machine $machine --mem 256M" "${GOOD_UEFI[@]}"
    qemu_case "bios-disk-$machine" ktest.img 33 "--fw bios --machine $machine --mem 256M" "${GOOD_BIOS[@]}"
    qemu_case "uefi-disk-$machine" ktest.img 33 "--fw uefi --machine $machine --mem 256M" "${GOOD_UEFI[@]}"
done
# The framebuffer console on BIOS too (VBE mode chosen in grub.cfg).
qemu_case bios-iso-framebuffer bios-fb.iso 33 "--fw bios" "${GOOD_BIOS_FB[@]}"
# Memory sizes at the edges of what the loader maps.
qemu_case bios-iso-32m  ktest.iso 33 "--fw bios --mem 32M" "${GOOD_BIOS[@]}"
qemu_case bios-iso-4g   ktest.iso 33 "--fw bios --mem 4G"  "${GOOD_BIOS[@]}"

# Bad input: each must end in its own clear message, never a reset.
qemu_case bad-no-kernel-module no-kernel.iso 39 "--fw bios" \
    'kestrel-loader: fatal: no boot module named "kernel"' -- 'PANIC'
qemu_case bad-kernel-not-elf notelf.iso 39 "--fw bios" \
    'kestrel-loader: fatal: .*not an ELF' -- 'PANIC'
qemu_case bad-kernel-elf32 elf32.iso 39 "--fw uefi" \
    'kestrel-loader: fatal: .*(ELF64|64-bit|class)' -- 'PANIC'
qemu_case bad-cpu-no-long-mode ktest.iso 39 "--fw bios --cpu qemu32" \
    'kestrel-loader: fatal: .*long mode' -- 'PANIC' 'Kestrel [0-9]'
qemu_case bad-initrd-checksum initrd-corrupt.iso 33 "--fw bios" \
    'initrd: error: .*checksum' 'ktest: [1-9][0-9]* passed, 0 failed' -- 'PANIC' 'kestrel-loader: fatal'
qemu_case bad-initrd-truncated initrd-truncated.iso 33 "--fw uefi" \
    'initrd: error: .*trunc' 'ktest: [1-9][0-9]* passed, 0 failed' -- 'PANIC' 'kestrel-loader: fatal'

# Fatal paths: a kernel page fault and an explicit panic must report the
# decoded fault, registers and a symbolised backtrace, then exit with 37.
qemu_case panic-kernel-page-fault only-crash_kernel_page_fault_reports_panic.iso 37 "--fw bios" \
    'PANIC: #PF page fault in kernel mode' 'error code 0x2: page not present, write, kernel mode, address \(CR2\) 0x0*dead000' 'RIP=ffffffff8' 'CR3=' 'backtrace:' \
    '#[0-9]+ 0x[0-9a-f]+ write_to_unmapped_address\+0x' \
    '#[0-9]+ 0x[0-9a-f]+ ktest_run\+0x' -- 'ktest: [0-9]+ passed'
qemu_case panic-explicit only-crash_explicit_panic_reports_backtrace.iso 37 "--fw uefi" \
    'PANIC: deliberate panic from ktest \(value 42\)' 'backtrace:' \
    '#[0-9]+ 0x[0-9a-f]+ crash_explicit_panic_reports_backtrace\+0x' \
    '#[0-9]+ 0x[0-9a-f]+ kernel_main\+0x' -- 'ktest: [0-9]+ passed'
qemu_case ktest-unknown-name only-no_such_test.iso 35 "--fw bios" \
    'ktest: FAIL no self-test named "no_such_test"' 'ktest: 0 passed, 1 failed'

# Each area may keep its own cases in tests/boot/cases-AREA.sh.
for extra in "$here"/tests/boot/cases-*.sh; do
    # shellcheck source=/dev/null
    [ -f "$extra" ] && . "$extra"
done

# What the screen shows (decoded from the emulated display, not serial) once
# the shell prompts: the user console driver's VGA text on BIOS, its
# framebuffer text with Kestrel's font on UEFI (no '?' on it: every cell
# decoded to a glyph of the font).  The kernel's boot text is gone from the
# screen (it goes on on serial): the console cleared it when it took over.
#   screen_case NAME IMAGE vga|fb "RUN-QEMU OPTIONS" MUST_MATCH...
screen_case screen-bios-vga-text default.iso vga "--fw bios" \
    'Welcome to Kestrel' 'kestrel:/\$' -- 'initrd: +[0-9]+ etc/motd'
screen_case screen-uefi-framebuffer default.iso fb "--fw uefi" \
    'Welcome to Kestrel' 'kestrel:/\$' -- '\?' 'initrd: +[0-9]+ etc/motd'

# Bochs: a second, independent x86 model (BIOS, CD), booted with magic
# breakpoints at the kernel entry and before the self-tests; the runner
# also checks Bochs stopped on them and got the log on port 0xE9.
#   bochs_case NAME IMAGE SERIAL_MUST_MATCH...
bochs_case bochs-iso bochs.iso 'Kestrel [0-9]' 'ktest: [1-9][0-9]* passed, 0 failed'
