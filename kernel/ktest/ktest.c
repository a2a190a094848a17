/* SPDX-License-Identifier: MIT */
/*
 * Kestrel in-kernel self-test runner; see ktest.h.
 */
#include <stdbool.h>

#include "debug/kprintf.h"
#include "ktest/ktest.h"
#include "mm/pmm.h"


extern const struct ktest_case __ktest_start[], __ktest_end[];

static bool ktest_name_is(const struct ktest_case *t, const char *name, size_t len)
{
    size_t i = 0;
    for (; i < len; i++)
        if (t->name[i] != name[i] || t->name[i] == 0)
            return false;
    return t->name[i] == 0;
}

static bool ktest_selected(const struct ktest_case *t, const char *only, size_t only_len)
{
    if (only)
        return ktest_name_is(t, only, only_len);
    return !t->crashes;
}

static bool frames_tracked(void)
{
    return pmm_ready();
}

/* Every test must give back every frame it took: the free count after it
 * equals the count before (a test that keeps memory fails). */
static const char *run_counting_frames(const struct ktest_case *t)
{
    uint64_t before = frames_tracked() ? pmm_free_count() : 0;
    const char *why = t->run();
    if (!why && frames_tracked() && pmm_free_count() != before) {
        kerror("ktest: %s: free frames %llu before, %llu after\n", t->name,
               (unsigned long long)before, (unsigned long long)pmm_free_count());
        why = "free frame count changed across the test (leak or double free)";
    }
    return why;
}

unsigned ktest_run(const char *only, size_t only_len)
{
    unsigned passed = 0, failed = 0, selected = 0;
    for (const struct ktest_case *t = __ktest_start; t < __ktest_end; t++)
        selected += ktest_selected(t, only, only_len);
    kinfo("ktest: running %u tests\n", selected);
    if (selected == 0 && only) {
        kerror("ktest: FAIL no self-test named \"%.*s\"\n", (int)only_len, only);
        failed++;
    }
    for (const struct ktest_case *t = __ktest_start; t < __ktest_end; t++) {
        if (!ktest_selected(t, only, only_len))
            continue;
        const char *why = run_counting_frames(t);
        if (why) {
            kerror("ktest: FAIL %s: %s\n", t->name, why);
            failed++;
        } else {
            kinfo("ktest: PASS %s\n", t->name);
            passed++;
        }
    }
    /* Printed at error level too, so log=error still shows the verdict. */
    kerror("ktest: %u passed, %u failed\n", passed, failed);
    return failed;
}
