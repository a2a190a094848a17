/* SPDX-License-Identifier: MIT */
/* sleep SECONDS: waits that long (whole seconds; 1 by default). */
#include <stdlib.h>
#include "ks.h"

int main(int argc, char **argv)
{
    long seconds = argc > 1 ? atol(argv[1]) : 1;
    if (seconds < 0)
        seconds = 0;
    ks_sleep_ns((uint64_t)seconds * 1000000000ull);
    return 0;
}
