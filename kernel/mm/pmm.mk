# SPDX-License-Identifier: MIT
# Physical memory manager fragment (included by the top-level Makefile):
# the host unit test of the frame database links its two pure sources.

UNIT_DEPS_test_pmm := kernel/mm/frame_db.c kernel/mm/frame_init.c
$(BUILD)/tests/unit/test_pmm: kernel/mm/frame_db.h kernel/mm/pmm.h

# The same tests against the release-build list code (see test_pmm_release.c).
UNIT_DEPS_test_pmm_release := kernel/mm/frame_db.c kernel/mm/frame_init.c
$(BUILD)/tests/unit/test_pmm_release: HOST_TEST_CFLAGS += -DFRAME_DB_CHECKS=0
UNIT_DEPS_test_pmm_runs := kernel/mm/frame_db.c kernel/mm/frame_init.c
UNIT_DEPS_test_pmm_runs_release := kernel/mm/frame_db.c kernel/mm/frame_init.c
$(BUILD)/tests/unit/test_pmm_runs_release: HOST_TEST_CFLAGS += -DFRAME_DB_CHECKS=0
