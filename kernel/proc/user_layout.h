/* SPDX-License-Identifier: MIT */
/*
 * Where things go in a process's user half (kernel policy, not ABI:
 * programs learn their stack from struct ks_start_info).
 *
 *   [USER_IMAGE_MIN, USER_IMAGE_MAX)   ELF segments of the program
 *   [USER_MAP_BASE, USER_MAP_END)      memory-object mappings (mm/user_map.h)
 *   thread stacks                      USER_THREAD_STACK_SLOTS slots of
 *                                      USER_THREAD_SLOT_SIZE from
 *                                      USER_THREAD_STACK_BASE; a stack
 *                                      takes the top KS_THREAD_STACK_SIZE
 *                                      of its slot, the rest stays unmapped
 *                                      (the guard below it)
 *   main stack                         USER_MAIN_STACK_SIZE bytes below
 *                                      USER_MAIN_STACK_TOP, a guard below
 *   [USER_MAIN_STACK_TOP, VM_USER_TOP) never mapped: nothing executes in
 *                                      the last page of the user half, so
 *                                      a SYSCALL's return address is
 *                                      always canonical
 * The first 64 KiB stay unmapped so a NULL-based access faults.
 */
#ifndef KESTREL_PROC_USER_LAYOUT_H
#define KESTREL_PROC_USER_LAYOUT_H

#include "kestrel/syscall.h"

#define USER_IMAGE_MIN          0x0000000000010000ULL
#define USER_IMAGE_MAX          0x0000100000000000ULL
#define USER_MAP_BASE           0x0000200000000000ULL
#define USER_MAP_END            0x0000500000000000ULL
#define USER_THREAD_STACK_BASE  0x00007E0000000000ULL
#define USER_THREAD_SLOT_SIZE   (1024ULL * 1024ULL)
#define USER_THREAD_STACK_SLOTS 4096u
#define USER_MAIN_STACK_TOP     0x00007FFFFFFF0000ULL
#define USER_MAIN_STACK_SIZE    (256ULL * 1024ULL)

_Static_assert(USER_THREAD_STACK_BASE + USER_THREAD_SLOT_SIZE * USER_THREAD_STACK_SLOTS <=
               USER_MAIN_STACK_TOP - USER_MAIN_STACK_SIZE - 4096,
               "thread stacks below the main stack and its guard");
_Static_assert(USER_IMAGE_MAX <= USER_MAP_BASE && USER_MAP_END <= USER_THREAD_STACK_BASE,
               "the map area between the image and the thread stacks");
_Static_assert(KS_THREAD_STACK_SIZE + 4096 <= USER_THREAD_SLOT_SIZE, "slot holds stack + guard");

#endif /* KESTREL_PROC_USER_LAYOUT_H */
