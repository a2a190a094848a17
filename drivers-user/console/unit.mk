# SPDX-License-Identifier: MIT
# Host unit tests of the console's pure logic (tests/unit/test_console_*.c).
UNIT_DEPS_test_console_vt     := drivers-user/console/vt.c
UNIT_DEPS_test_console_render := drivers-user/console/render.c drivers-user/console/vt.c \
                                 drivers-user/console/screen.c kernel/lib/font.c
UNIT_DEPS_test_console_inq    := drivers-user/console/inq.c drivers-user/console/screen.c
