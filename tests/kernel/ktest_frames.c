/* SPDX-License-Identifier: MIT */
/*
 * Test helper: take every free frame and give them back; see ktest_frames.h.
 */
#include "ktest_frames.h"

int ktest_hoard_take(struct ktest_hoard *hoard)
{
    hoard->count = 0;
    for (size_t size = (1u << 30) / PAGE_SIZE; size > 0; size /= 2) {
        phys_addr_t base;
        while (pmm_alloc_contiguous(size, PAGE_SIZE, PMM_OWNER_TEST, 0, &base) == 0) {
            hoard->run[hoard->count].base = base;
            hoard->run[hoard->count].frames = size;
            if (++hoard->count == KTEST_HOARD_MAX) {
                ktest_hoard_give_back(hoard, hoard->count);
                return -KS_ERR_NO_MEMORY;
            }
        }
    }
    return 0;
}

void ktest_hoard_give_back(struct ktest_hoard *hoard, size_t n)
{
    while (n-- > 0 && hoard->count > 0) {
        hoard->count--;
        pmm_free_contiguous(hoard->run[hoard->count].base, hoard->run[hoard->count].frames,
                            PMM_OWNER_TEST);
    }
}
