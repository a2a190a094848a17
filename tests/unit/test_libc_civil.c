/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/lib/civil.c: fixed dates (the epoch, leap days,
 * century years, dates before 1970), the month lengths, and both
 * directions against the host's gmtime/timegm over a wide random range.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include "unit.h"
#include "../../initrd/lib/ks_civil.h"

UNIT_TEST(civil_fixed_dates)
{
    CHECK_EQ_U(ks_days_from_civil(1970, 1, 1), 0);
    CHECK_EQ_U(ks_days_from_civil(1970, 1, 2), 1);
    CHECK(ks_days_from_civil(1969, 12, 31) == -1);
    CHECK_EQ_U(ks_days_from_civil(2000, 3, 1), 11017);
    CHECK_EQ_U(ks_days_from_civil(2000, 2, 29), 11016);
    CHECK_EQ_U(ks_days_from_civil(2030, 1, 2), 21916);
    int64_t y;
    unsigned m, d;
    ks_civil_from_days(-1, &y, &m, &d);
    CHECK(y == 1969 && m == 12 && d == 31);
    ks_civil_from_days(11016, &y, &m, &d);
    CHECK(y == 2000 && m == 2 && d == 29);
    ks_civil_from_days(-719468, &y, &m, &d);            /* 0000-03-01 */
    CHECK(y == 0 && m == 3 && d == 1);
}

UNIT_TEST(civil_month_lengths)
{
    CHECK_EQ_U(ks_days_in_month(2024, 2), 29);
    CHECK_EQ_U(ks_days_in_month(2023, 2), 28);
    CHECK_EQ_U(ks_days_in_month(1900, 2), 28);
    CHECK_EQ_U(ks_days_in_month(2000, 2), 29);
    CHECK_EQ_U(ks_days_in_month(2024, 4), 30);
    CHECK_EQ_U(ks_days_in_month(2024, 12), 31);
    CHECK_EQ_U(ks_days_in_month(2024, 0), 0);
    CHECK_EQ_U(ks_days_in_month(2024, 13), 0);
}

/* Both directions agree with the host's calendar from 1601 to 2400. */
UNIT_TEST(civil_matches_the_host)
{
    srand(11);
    for (int i = 0; i < 200000; i++) {
        int64_t days = (int64_t)(rand() % 292000) - 134774;
        time_t t = (time_t)(days * 86400);
        struct tm tm;
        CHECK(gmtime_r(&t, &tm) != NULL);
        int64_t y;
        unsigned m, d;
        ks_civil_from_days(days, &y, &m, &d);
        CHECK(y == tm.tm_year + 1900 && m == (unsigned)tm.tm_mon + 1 && d == (unsigned)tm.tm_mday);
        CHECK(ks_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
                                 (unsigned)tm.tm_mday) == days);
        CHECK(d <= ks_days_in_month(y, m));
    }
}

UNIT_MAIN(UNIT_CASE(civil_fixed_dates), UNIT_CASE(civil_month_lengths),
          UNIT_CASE(civil_matches_the_host))
