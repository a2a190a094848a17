/* SPDX-License-Identifier: MIT */
/*
 * time.h and the sleeps of unistd.h on the kernel's monotonic clock.
 * The wall clock: the "rtc" service's reading (seconds since 1970 and
 * the monotonic clock at that moment), asked once per process; later
 * times add the monotonic clock's progress.  Without the service the
 * wall clock counts from boot, and the service is asked again later.
 */
#include "ks.h"
#include "ks_civil.h"

#define NS_PER_S 1000000000ull
#define RTC_RETRY_NS (5 * NS_PER_S)

static struct ks_mutex wall_lock;
static bool wall_known;
static int64_t wall_base_ns;            /* UTC ns since 1970 at monotonic 0 */
static uint64_t wall_next_try;

/* Nanoseconds since 1970 now, or since boot without the rtc service. */
static int64_t wall_ns(void)
{
    ks_mutex_lock(&wall_lock);
    if (!wall_known && (uint64_t)ks_sys_clock() >= wall_next_try) {
        wall_next_try = (uint64_t)ks_sys_clock() + RTC_RETRY_NS;
        ks_handle_t rtc = ks_service("rtc");
        struct ks_msg m = { 0 };
        m.label = KS_RTC_TIME;
        if (rtc && ks_service_call(rtc, &m) == 0) {
            wall_base_ns = (int64_t)m.words[1] * (int64_t)NS_PER_S - (int64_t)m.words[2];
            wall_known = true;
        }
    }
    int64_t base = wall_known ? wall_base_ns : 0;
    ks_mutex_unlock(&wall_lock);
    /* Read after the answer: the reading is never ahead of now. */
    return base + ks_sys_clock();
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    if ((clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) || !ts) {
        errno = EINVAL;
        return -1;
    }
    int64_t ns = clock == CLOCK_REALTIME ? wall_ns() : ks_sys_clock();
    ts->tv_sec = (time_t)(ns / (int64_t)NS_PER_S);
    ts->tv_nsec = (long)(ns % (int64_t)NS_PER_S);
    return 0;
}

time_t time(time_t *out)
{
    time_t t = (time_t)(wall_ns() / (int64_t)NS_PER_S);
    if (out)
        *out = t;
    return t;
}

struct tm *gmtime_r(const time_t *t, struct tm *out)
{
    if (!t || !out)
        return NULL;
    int64_t secs = (int64_t)*t;
    int64_t days = secs / 86400, rest = secs % 86400;
    if (rest < 0) {
        rest += 86400;
        days--;
    }
    int64_t year;
    unsigned month, day;
    ks_civil_from_days(days, &year, &month, &day);
    out->tm_sec = (int)(rest % 60);
    out->tm_min = (int)(rest / 60 % 60);
    out->tm_hour = (int)(rest / 3600);
    out->tm_mday = (int)day;
    out->tm_mon = (int)month - 1;
    out->tm_year = (int)(year - 1900);
    out->tm_wday = (int)(((days % 7) + 11) % 7);        /* 1970-01-01 was a Thursday */
    out->tm_yday = (int)(days - ks_days_from_civil(year, 1, 1));
    out->tm_isdst = 0;
    return out;
}

struct tm *gmtime(const time_t *t)
{
    static struct tm tm;
    return gmtime_r(t, &tm);
}

time_t timegm(struct tm *tm)
{
    /* Months outside 0..11 fold into the year; the rest is linear. */
    int64_t year = (int64_t)tm->tm_year + 1900 + tm->tm_mon / 12;
    int mon = tm->tm_mon % 12;
    if (mon < 0) {
        mon += 12;
        year--;
    }
    int64_t days = ks_days_from_civil(year, (unsigned)mon + 1, 1) + tm->tm_mday - 1;
    time_t t = (time_t)(days * 86400 + (int64_t)tm->tm_hour * 3600 + (int64_t)tm->tm_min * 60 +
                        tm->tm_sec);
    gmtime_r(&t, tm);
    return t;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (!req || req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NS_PER_S) {
        errno = EINVAL;
        return -1;
    }
    uint64_t sec = (uint64_t)req->tv_sec;
    uint64_t ns = sec > UINT64_MAX / NS_PER_S - 1 ? UINT64_MAX - 1
                                                  : sec * NS_PER_S + (uint64_t)req->tv_nsec;
    ks_sys_sleep(ns);
    if (rem)
        rem->tv_sec = rem->tv_nsec = 0;
    return 0;
}

unsigned sleep(unsigned seconds)
{
    ks_sys_sleep((uint64_t)seconds * NS_PER_S);
    return 0;
}

int usleep(unsigned long usec)
{
    ks_sys_sleep((uint64_t)usec * 1000u);
    return 0;
}

pid_t getpid(void)
{
    if (ks_start_info)
        return ks_start_info->pid;
    struct ks_process_info info;
    return ks_sys_process_info(0, &info) == 0 ? info.pid : -1;
}
