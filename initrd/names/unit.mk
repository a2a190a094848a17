# SPDX-License-Identifier: MIT
# Host unit tests of the name service's pure logic.
UNIT_DEPS_test_names_table := initrd/names/names_table.c
