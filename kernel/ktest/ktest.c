/* SPDX-License-Identifier: MIT */
/*
 * Kestrel in-kernel self-test runner; see ktest.h.
 */
#include "debug/kprintf.h"
#include "ktest/ktest.h"

extern const struct ktest_case __ktest_start[], __ktest_end[];

unsigned ktest_run_all(void)
{
    unsigned passed = 0, failed = 0;
    kinfo("ktest: running %u tests\n", (unsigned)(__ktest_end - __ktest_start));
    for (const struct ktest_case *t = __ktest_start; t < __ktest_end; t++) {
        const char *why = t->run();
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
