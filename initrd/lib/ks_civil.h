/* SPDX-License-Identifier: MIT */
/*
 * Calendar arithmetic of the runtime's wall clock (time.c's gmtime_r
 * and timegm, the RTC driver): days since 1970-01-01 to and from a
 * proleptic Gregorian date.  Pure; standard headers only (host tests in
 * tests/unit/test_libc_civil.c check them against the host's gmtime).
 */
#ifndef KS_CIVIL_H
#define KS_CIVIL_H

#include <stdint.h>

/* Days from 1970-01-01 to year-month-day (month 1..12, day 1..31). */
int64_t ks_days_from_civil(int64_t year, unsigned month, unsigned day);
/* The date of a day number (the inverse). */
void ks_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);
/* Days in month of year (0 for a month outside 1..12). */
unsigned ks_days_in_month(int64_t year, unsigned month);

#endif /* KS_CIVIL_H */
