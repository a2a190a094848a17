/* SPDX-License-Identifier: MIT */
/*
 * Exit codes written to QEMU's isa-debug-exit device (port 0xf4, added
 * by scripts/run-qemu with iobase=0xf4,iosize=4) when the kernel command
 * line carries `exit` (or `ktest`).  QEMU exits with (code << 1) | 1.
 * Bochs has no such device: the same exit path also writes "Shutdown"
 * to port 0x8900, which ends Bochs.  Real hardware ignores both ports,
 * so after them the CPU halts.
 */
#ifndef KESTREL_ABI_QEMU_EXIT_H
#define KESTREL_ABI_QEMU_EXIT_H

#define KS_QEMU_EXIT_PORT  0xf4
#define KS_BOCHS_SHUTDOWN_PORT 0x8900

#define KS_EXIT_PASS   0x10 /* QEMU status 33: clean finish, all tests passed */
#define KS_EXIT_FAIL   0x11 /* QEMU status 35: a test failed */
#define KS_EXIT_PANIC  0x12 /* QEMU status 37: kernel panic or unhandled exception */
#define KS_EXIT_LOADER 0x13 /* QEMU status 39: the loader stub refused to continue */

#endif /* KESTREL_ABI_QEMU_EXIT_H */
