# SPDX-License-Identifier: MIT
# Debug fragment (included by the top-level Makefile): host unit tests of
# the kernel log's ring.  Kernel sources are picked up by kernel.mk.
UNIT_DEPS_test_log_ring := kernel/debug/log_ring.c
$(BUILD)/tests/unit/test_log_ring: kernel/debug/log_ring.h
