/* SPDX-License-Identifier: MIT */
/*
 * Time of Kestrel's user runtime.  CLOCK_MONOTONIC is nanoseconds since
 * boot (ks_sys_clock).  CLOCK_REALTIME and time() are UTC since 1970:
 * the "rtc" service's reading, asked once, carried on by the monotonic
 * clock; without that service they count from boot instead.  gmtime_r
 * and timegm convert (ks_civil.h does the calendar).
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

struct tm {
    int tm_sec, tm_min, tm_hour;        /* 0..59, 0..59, 0..23 */
    int tm_mday, tm_mon, tm_year;       /* 1..31, 0..11, years since 1900 */
    int tm_wday, tm_yday;               /* 0..6 from Sunday, 0..365 */
    int tm_isdst;                       /* always 0: UTC */
};

int clock_gettime(clockid_t clock, struct timespec *ts);
struct tm *gmtime_r(const time_t *t, struct tm *out);
struct tm *gmtime(const time_t *t);
/* The inverse of gmtime (fields out of range are folded in). */
time_t timegm(struct tm *tm);
time_t time(time_t *out);
/* Sleeps the whole request (rem, when given, is set to zero). */
int nanosleep(const struct timespec *req, struct timespec *rem);

#endif /* KS_TIME_H */
