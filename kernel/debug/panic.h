/* SPDX-License-Identifier: MIT */
/*
 * Kestrel panic: stop the kernel after a broken invariant.
 *
 * panic() prints `PANIC: <message>`, the control registers, `backtrace:`
 * and one `  #N 0x<addr> <function>+0x<off>` line per frame, breaks into
 * Bochs, then exits the emulator with KS_EXIT_PANIC when the command
 * line asked for `exit`, else halts.  panic_with_frame() does the same
 * for a trap frame (CPU exceptions): the backtrace starts at the trapped
 * instruction and `detail`, if given, prints extra lines (decoded error
 * code) before the registers.  A panic inside a panic just halts.
 * Any context; never returns.
 */
#ifndef KESTREL_DEBUG_PANIC_H
#define KESTREL_DEBUG_PANIC_H

#include <stdbool.h>
#include <stdint.h>

struct arch_regs;

typedef void (*panic_detail_fn)(const struct arch_regs *frame);

/* Set once the command line is known: exit the emulator on panic. */
void panic_set_exit(bool exit_on_panic);

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

__attribute__((noreturn, format(printf, 3, 4)))
void panic_with_frame(const struct arch_regs *frame, panic_detail_fn detail,
                      const char *fmt, ...);

/* Print `backtrace:` and the frames starting at (pc, fp); pc 0 = none. */
void panic_print_backtrace(uintptr_t pc, uintptr_t fp);

#endif /* KESTREL_DEBUG_PANIC_H */
