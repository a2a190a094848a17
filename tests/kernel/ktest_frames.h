/* SPDX-License-Identifier: MIT */
/*
 * Test helper: take every free frame and give them all back, fast.
 *
 * ktest_hoard_take() takes all free memory in contiguous runs of halving
 * size (1 GiB down to one frame) as PMM_OWNER_TEST: a few hundred calls
 * even at many GiB, and no frame is written, so an emulator never has to
 * touch the guest's RAM.  ktest_hoard_give_back() returns the runs, most
 * recent first.  For exhaustion tests; boot CPU, in self-tests only.
 */
#ifndef KESTREL_TESTS_KTEST_FRAMES_H
#define KESTREL_TESTS_KTEST_FRAMES_H

#include <stddef.h>
#include "mm/pmm.h"

#define KTEST_HOARD_MAX 1024

struct ktest_hoard {
    size_t count;
    struct {
        phys_addr_t base;
        size_t frames;
    } run[KTEST_HOARD_MAX];
};

/* 0 when the PMM is dry afterwards; -KS_ERR_NO_MEMORY (with everything
 * already given back) when free memory is in more pieces than fit. */
int ktest_hoard_take(struct ktest_hoard *hoard);
/* Give back the newest n runs (all of them with n >= count). */
void ktest_hoard_give_back(struct ktest_hoard *hoard, size_t n);

#endif /* KESTREL_TESTS_KTEST_FRAMES_H */
