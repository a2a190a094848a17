/* SPDX-License-Identifier: MIT */
/*
 * Host tests for drivers-user/rtc/cmos.c: the same instant in BCD and
 * binary, 24- and 12-hour form (midnight and noon included), the
 * century register and the 70/69 split without it, and registers that
 * hold no date (bad BCD digits, month 13, February 30, hour 24, a
 * 12-hour clock at 0).
 */
#include <stdint.h>
#include "unit.h"
#include "../../drivers-user/rtc/cmos.h"
#include "../../initrd/lib/ks_civil.h"

#define BIN 0x04
#define H24 0x02
#define PM  0x80

/* 2030-01-02 03:04:05 UTC */
#define T2030 ((int64_t)21916 * 86400 + 3 * 3600 + 4 * 60 + 5)

UNIT_TEST(cmos_formats_agree)
{
    struct cmos_time bcd24 = { 0x05, 0x04, 0x03, 0x02, 0x01, 0x30, 0x20, H24 };
    struct cmos_time bin24 = { 5, 4, 3, 2, 1, 30, 20, H24 | BIN };
    struct cmos_time bcd12 = { 0x05, 0x04, 0x03, 0x02, 0x01, 0x30, 0x20, 0 };
    struct cmos_time bin12 = { 5, 4, 3, 2, 1, 30, 20, BIN };
    CHECK(cmos_to_unix(&bcd24) == T2030);
    CHECK(cmos_to_unix(&bin24) == T2030);
    CHECK(cmos_to_unix(&bcd12) == T2030);
    CHECK(cmos_to_unix(&bin12) == T2030);
}

UNIT_TEST(cmos_twelve_hour_clock)
{
    struct cmos_time t = { 0, 0, 0x12, 0x01, 0x01, 0x70, 0x19, 0 };   /* 12 AM */
    CHECK(cmos_to_unix(&t) == 0);
    t.hours = 0x12 | PM;                                              /* 12 PM */
    CHECK(cmos_to_unix(&t) == 12 * 3600);
    t.hours = 0x11 | PM;                                              /* 11 PM */
    CHECK(cmos_to_unix(&t) == 23 * 3600);
    t.hours = 0x01;                                                   /* 1 AM */
    CHECK(cmos_to_unix(&t) == 3600);
    t.hours = 0x00;                                                   /* no 0 */
    CHECK(cmos_to_unix(&t) == -1);
    t.hours = 0x13;
    CHECK(cmos_to_unix(&t) == -1);
}

UNIT_TEST(cmos_century)
{
    /* No century register: 70..99 are 19xx, 00..69 20xx. */
    struct cmos_time t = { 0, 0, 0, 0x01, 0x01, 0x70, 0x00, H24 };
    CHECK(cmos_to_unix(&t) == 0);
    t.year = 0x69;
    CHECK(cmos_to_unix(&t) == (int64_t)ks_days_from_civil(2069, 1, 1) * 86400);
    t.century = 0x21;
    CHECK(cmos_to_unix(&t) == (int64_t)ks_days_from_civil(2169, 1, 1) * 86400);
    t.century = 0x99;                                   /* not a century: ignored */
    CHECK(cmos_to_unix(&t) == (int64_t)ks_days_from_civil(2069, 1, 1) * 86400);
}

UNIT_TEST(cmos_bad_registers)
{
    struct cmos_time good = { 0x59, 0x59, 0x23, 0x29, 0x02, 0x24, 0x20, H24 };
    CHECK(cmos_to_unix(&good) == (int64_t)ks_days_from_civil(2024, 2, 29) * 86400 + 86399);
    struct cmos_time t = good;
    t.seconds = 0x5A;                                   /* not BCD */
    CHECK(cmos_to_unix(&t) == -1);
    t = good;
    t.seconds = 0x60;
    CHECK(cmos_to_unix(&t) == -1);
    t = good;
    t.month = 0x13;
    CHECK(cmos_to_unix(&t) == -1);
    t = good;
    t.month = 0x00;
    CHECK(cmos_to_unix(&t) == -1);
    t = good;
    t.year = 0x23;                                      /* 2023-02-29 */
    CHECK(cmos_to_unix(&t) == -1);
    t = good;
    t.day = 0x30;
    CHECK(cmos_to_unix(&t) == -1);
    t = good;
    t.day = 0x00;
    CHECK(cmos_to_unix(&t) == -1);
    t = good;
    t.hours = 0x24;
    CHECK(cmos_to_unix(&t) == -1);
    t = good;
    t.status_b = H24 | BIN;
    t.minutes = 60;
    CHECK(cmos_to_unix(&t) == -1);
    t = good;
    t.status_b = 0xFF;                                  /* a missing chip reads 0xFF */
    t.seconds = t.minutes = t.hours = t.day = t.month = t.year = t.century = 0xFF;
    CHECK(cmos_to_unix(&t) == -1);
}

UNIT_MAIN(UNIT_CASE(cmos_formats_agree), UNIT_CASE(cmos_twelve_hour_clock),
          UNIT_CASE(cmos_century), UNIT_CASE(cmos_bad_registers))
