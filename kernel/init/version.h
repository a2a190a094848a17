/* SPDX-License-Identifier: MIT */
/*
 * What this kernel is: its release version (VERSION), the git revision it
 * was built from and the build date (SOURCE_DATE_EPOCH, seconds since
 * 1970).  Defined in a file kernel/kernel.mk generates, so that only it
 * is recompiled when they change.  Constant data: any context.
 */
#ifndef KESTREL_INIT_VERSION_H
#define KESTREL_INIT_VERSION_H

extern const char kestrel_version[];
extern const char kestrel_git_rev[];
extern const unsigned long long kestrel_build_epoch;

#endif /* KESTREL_INIT_VERSION_H */
