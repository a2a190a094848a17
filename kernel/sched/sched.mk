# SPDX-License-Identifier: MIT
# Scheduler fragment (included by the top-level Makefile): host unit tests
# of the run queue.  Kernel sources are picked up by kernel.mk.
UNIT_DEPS_test_runqueue := kernel/sched/runqueue.c
$(BUILD)/tests/unit/test_runqueue: kernel/sched/runqueue.h
