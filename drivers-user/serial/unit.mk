# SPDX-License-Identifier: MIT
# Host unit tests of the serial driver's pure logic (tests/unit/test_serial_*.c).
UNIT_DEPS_test_serial_ring := drivers-user/serial/ring.c
UNIT_DEPS_test_serial_logmerge := drivers-user/serial/logmerge.c drivers-user/serial/ring.c
