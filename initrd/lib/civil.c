/* SPDX-License-Identifier: MIT */
/*
 * Calendar arithmetic; see ks_civil.h.  Years are counted in 400-year
 * eras (146097 days each) with March as the first month, so the leap
 * day falls at the end of a year and every era is alike.
 */
#include <stdbool.h>
#include "ks_civil.h"

#define DAYS_PER_ERA     146097
#define DAYS_1970_MARCH0 719468   /* days from 0000-03-01 to 1970-01-01 */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t ks_days_from_civil(int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2;
    int64_t era = floor_div(year, 400);
    int64_t year_of_era = year - era * 400;                             /* 0..399 */
    unsigned shifted = month > 2 ? month - 3 : month + 9;               /* March = 0 */
    int64_t day_of_year = (153 * shifted + 2) / 5 + day - 1;            /* 0..365 */
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * DAYS_PER_ERA + day_of_era - DAYS_1970_MARCH0;
}

void ks_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    days += DAYS_1970_MARCH0;
    int64_t era = floor_div(days, DAYS_PER_ERA);
    int64_t day_of_era = days - era * DAYS_PER_ERA;                     /* 0..146096 */
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
                           day_of_era / 146096) / 365;                  /* 0..399 */
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t shifted = (5 * day_of_year + 2) / 153;                      /* March = 0 */
    *day = (unsigned)(day_of_year - (153 * shifted + 2) / 5 + 1);
    *month = (unsigned)(shifted < 10 ? shifted + 3 : shifted - 9);
    *year = year_of_era + era * 400 + (*month <= 2);
}

unsigned ks_days_in_month(int64_t year, unsigned month)
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month < 1 || month > 12)
        return 0;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}
