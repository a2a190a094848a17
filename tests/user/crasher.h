/* SPDX-License-Identifier: MIT */
/*
 * What bin/crasher's files share (crasher.c, crasher_io.c,
 * crasher_quota.c, crasher_mem.c): the faulting accesses, the start
 * handles, and each file's kinds.  A kind function returns the exit
 * status (2: unknown kind, 3: the fault did not happen).
 */
#ifndef KESTREL_TESTS_USER_CRASHER_H
#define KESTREL_TESTS_USER_CRASHER_H

#include <stdint.h>
#include "ks.h"

/* A read or write of address the compiler cannot see through. */
void do_read(uintptr_t address);
void do_write(uintptr_t address);
/* Start handle i of ks_start_info, or 0 when there is none. */
int64_t start_handle(uint32_t i);

int crasher_io(const char *kind);
int crasher_quota(const char *kind);
int crasher_memory(const char *kind);

#endif /* KESTREL_TESTS_USER_CRASHER_H */
