/* SPDX-License-Identifier: MIT */
/*
 * crashtest [null|ud|div|bp]: ends in a CPU fault, to check that the
 * fault is contained and reported (default: a write through NULL, a
 * page fault at address 0).
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "null";

    printf("crashtest: %s\n", kind);
    fflush(stdout);
    if (strcmp(kind, "ud") == 0) {
        __asm__ volatile("ud2");
    } else if (strcmp(kind, "div") == 0) {
        volatile int zero = 0;
        volatile int one = 1;
        printf("%d\n", one / zero);
    } else if (strcmp(kind, "bp") == 0) {
        __asm__ volatile("int3");
    } else {
        /* Volatile, so the compiler emits the store as written rather
         * than a trap of its own. */
        volatile int *volatile p = NULL;
        *p = 1;
    }
    printf("crashtest: still alive?\n");
    return 1;
}
