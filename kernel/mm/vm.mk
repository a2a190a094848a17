# SPDX-License-Identifier: MIT
# Address spaces (kernel/mm/vm.c): the host unit test of the x86_64
# page-table logic links the pure table code only.
UNIT_DEPS_test_page_table := arch/x86_64/kernel/page_table.c
UNIT_DEPS_test_page_table_walk := arch/x86_64/kernel/page_table.c
