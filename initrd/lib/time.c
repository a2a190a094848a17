/* SPDX-License-Identifier: MIT */
/*
 * time.h and the sleeps of unistd.h on the kernel's monotonic clock.
 * Kestrel has no wall clock: CLOCK_REALTIME and time() count from boot.
 */
#include "ks.h"

#define NS_PER_S 1000000000ull

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    if ((clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) || !ts) {
        errno = EINVAL;
        return -1;
    }
    uint64_t ns = (uint64_t)ks_sys_clock();
    ts->tv_sec = (time_t)(ns / NS_PER_S);
    ts->tv_nsec = (long)(ns % NS_PER_S);
    return 0;
}

time_t time(time_t *out)
{
    time_t t = (time_t)((uint64_t)ks_sys_clock() / NS_PER_S);
    if (out)
        *out = t;
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
