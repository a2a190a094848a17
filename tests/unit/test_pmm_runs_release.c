/* SPDX-License-Identifier: MIT */
/*
 * The contiguous-run tests again against the release-build list code
 * (FRAME_DB_CHECKS=0), since the run scan unlinks listed frames.
 */
#include "test_pmm_runs.c"
