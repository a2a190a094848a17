# SPDX-License-Identifier: MIT
# Host unit tests of init's pure logic (tests/unit/test_init_*.c).
UNIT_DEPS_test_init_manifest := initrd/init/manifest.c initrd/init/manifest_order.c
UNIT_DEPS_test_init_backoff := initrd/init/policy.c
