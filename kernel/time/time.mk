# SPDX-License-Identifier: MIT
# Time fragment (included by the top-level Makefile): host unit tests of
# the portable timer queue.  Kernel sources are picked up by kernel.mk.
UNIT_DEPS_test_timer_queue := kernel/time/timer_queue.c
# The unit tests' header list does not cover kernel/time/.
$(BUILD)/tests/unit/test_timer_queue: kernel/time/timer_queue.h
