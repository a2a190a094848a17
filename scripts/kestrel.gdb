# SPDX-License-Identifier: MIT
# GDB setup for a Kestrel kernel under QEMU's stub (make debug).
# The kernel is 64-bit; the loader stub is 32-bit code linked at 1 MiB.
# See docs/debugging.md for stepping across the 32->64-bit switch.
set pagination off
set confirm off
set disassembly-flavor intel
set architecture i386:x86-64
file build/boot/kernel.elf
add-symbol-file build/boot/loader.elf
target remote localhost:1234
# Hardware breakpoints survive the loader's page-table switch.
hbreak kernel_main
echo Kestrel: stopped at reset. `continue` runs to kernel_main.\n
