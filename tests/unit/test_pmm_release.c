/* SPDX-License-Identifier: MIT */
/*
 * The PMM host tests again, built the way DEBUG=0 kernels build the
 * frame database (FRAME_DB_CHECKS=0: no link check words, no head prev
 * link), so the release list code runs under the sanitizers too.
 */
#include "test_pmm.c"
