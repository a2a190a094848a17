# SPDX-License-Identifier: MIT
# Host unit tests of the keyboard driver's pure logic (tests/unit/test_kbd_*.c).
UNIT_DEPS_test_kbd_keymap := drivers-user/ps2kbd/keymap.c
