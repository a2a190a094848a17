# SPDX-License-Identifier: MIT
# Capabilities fragment (included by the top-level Makefile): the host unit
# test of the handle table links the pure table code only; cap_glue.c (the
# kernel's chunk allocator) is kernel-only, and kernel.mk picks up both.
UNIT_DEPS_test_handle := kernel/cap/handle.c
UNIT_DEPS_test_handle_tree := kernel/cap/handle.c
$(BUILD)/tests/unit/test_handle $(BUILD)/tests/unit/test_handle_tree: kernel/cap/handle.h \
    tests/unit/handle_fixture.h
# The deep-revoke test runs on a thread with a small stack.
$(BUILD)/tests/unit/test_handle_tree: HOST_TEST_CFLAGS += -pthread
