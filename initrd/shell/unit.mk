# SPDX-License-Identifier: MIT
# Host unit tests of the shell's pure logic (tests/unit/test_shell_*.c).
UNIT_DEPS_test_shell_lineedit := initrd/shell/lineedit.c
UNIT_DEPS_test_shell_tokenize := initrd/shell/tokenize.c
UNIT_DEPS_test_shell_dot      := initrd/shell/dot.c
