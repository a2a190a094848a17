/* SPDX-License-Identifier: MIT */
/*
 * The CMOS clock's registers to UTC seconds; see cmos.h.
 */
#include <stdbool.h>
#include "cmos.h"
#include "../../initrd/lib/ks_civil.h"

#define B_BINARY 0x04
#define B_24HOUR 0x02
#define HOUR_PM  0x80

/* One register in the clock's format -> its value, or -1 for a bad
 * BCD digit. */
static int decode(uint8_t v, bool binary)
{
    if (binary)
        return v;
    if ((v & 0x0F) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0F);
}

int64_t cmos_to_unix(const struct cmos_time *t)
{
    bool binary = t->status_b & B_BINARY;
    bool pm = !(t->status_b & B_24HOUR) && (t->hours & HOUR_PM);
    int sec = decode(t->seconds, binary), min = decode(t->minutes, binary);
    int hour = decode(t->hours & (uint8_t)~(t->status_b & B_24HOUR ? 0 : HOUR_PM), binary);
    int day = decode(t->day, binary), month = decode(t->month, binary);
    int year = decode(t->year, binary), century = decode(t->century, binary);
    if (sec < 0 || sec > 59 || min < 0 || min > 59 || hour < 0 || year < 0 || year > 99 ||
        month < 1 || month > 12 || day < 1)
        return -1;
    if (!(t->status_b & B_24HOUR)) {
        if (hour < 1 || hour > 12)
            return -1;
        hour = hour % 12 + (pm ? 12 : 0);
    } else if (hour > 23) {
        return -1;
    }
    int64_t full = century >= 19 && century <= 29 ? century * 100 + year
                                                  : (year >= 70 ? 1900 : 2000) + year;
    if ((unsigned)day > ks_days_in_month(full, (unsigned)month))
        return -1;
    return ks_days_from_civil(full, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 +
           min * 60 + sec;
}
