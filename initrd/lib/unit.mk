# SPDX-License-Identifier: MIT
# Host unit tests of the runtime's pure logic (tests/unit/test_libc_*.c).
UNIT_DEPS_test_libc_malloc := initrd/lib/malloc_core.c
UNIT_DEPS_test_libc_strconv := initrd/lib/strconv.c initrd/lib/env.c
UNIT_DEPS_test_libc_path := initrd/lib/path.c
UNIT_DEPS_test_libc_format := initrd/lib/format.c
UNIT_DEPS_test_libc_civil := initrd/lib/civil.c
