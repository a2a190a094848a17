/* SPDX-License-Identifier: MIT */
/*
 * Time of Kestrel's user runtime.  Kestrel has no wall clock yet:
 * CLOCK_MONOTONIC is nanoseconds since boot (ks_sys_clock), and
 * CLOCK_REALTIME and time() are the same clock, i.e. seconds since boot,
 * not since 1970.
 */
#ifndef KS_TIME_H
#define KS_TIME_H

#include "sys/types.h"

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

typedef int clockid_t;

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

int clock_gettime(clockid_t clock, struct timespec *ts);
time_t time(time_t *out);
/* Sleeps the whole request (rem, when given, is set to zero). */
int nanosleep(const struct timespec *req, struct timespec *rem);

#endif /* KS_TIME_H */
