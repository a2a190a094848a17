# SPDX-License-Identifier: MIT
# Host unit tests of the RTC driver's pure logic (tests/unit/test_rtc_cmos.c).
UNIT_DEPS_test_rtc_cmos := drivers-user/rtc/cmos.c initrd/lib/civil.c
