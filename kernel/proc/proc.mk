# SPDX-License-Identifier: MIT
# Processes' user halves (kernel/proc/): the host unit test of the user
# program validation links the pure ELF check only, the quota test the
# quota records only (quota.c).
UNIT_DEPS_test_elf_user := kernel/proc/elf_user.c
UNIT_DEPS_test_quota := kernel/proc/quota.c
