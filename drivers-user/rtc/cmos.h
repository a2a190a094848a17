/* SPDX-License-Identifier: MIT */
/*
 * The CMOS clock's registers as the RTC driver reads them, and their
 * meaning as UTC seconds since 1970.  Status register B says the format:
 * bit 2 set means binary (else BCD), bit 1 set means 24-hour (else
 * 12-hour, with bit 7 of the hour meaning PM).  The century register
 * (0x32, as PCs and QEMU keep it) is used when it holds 19..29, else
 * years 70..99 are 19xx and 00..69 are 20xx.  Pure: tested on the host
 * (tests/unit/test_rtc_cmos.c).
 */
#ifndef RTC_CMOS_H
#define RTC_CMOS_H

#include <stdint.h>

#define CMOS_SECONDS  0x00
#define CMOS_MINUTES  0x02
#define CMOS_HOURS    0x04
#define CMOS_DAY      0x07
#define CMOS_MONTH    0x08
#define CMOS_YEAR     0x09
#define CMOS_STATUS_A 0x0A   /* bit 7: an update is in progress */
#define CMOS_STATUS_B 0x0B
#define CMOS_CENTURY  0x32

struct cmos_time {
    uint8_t seconds, minutes, hours, day, month, year, century, status_b;
};

/* -> seconds since 1970-01-01 UTC, or -1 when the registers hold no
 * valid date (a BCD digit above 9, a month 13, February 30, ...). */
int64_t cmos_to_unix(const struct cmos_time *t);

#endif /* RTC_CMOS_H */
