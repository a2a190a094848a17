/* SPDX-License-Identifier: MIT */
/*
 * Kestrel exception-fixup table (x86_64).
 *
 * Code that may fault on purpose (memory probes, later the user-copy
 * routines) lists (fault RIP, resume RIP) pairs in the .ks_fixup
 * section.  When a kernel-mode exception hits a listed RIP, the handler
 * does not panic: it sets RAX = FIXUP_FAULTED | vector, records the
 * vector and faulting address, and resumes at the resume RIP.
 *
 * The raw routines (probe.asm) return 0 or FIXUP_FAULTED | vector; the
 * self-test triggers exist for tests/kernel.  The "last fault" record is
 * one global for every CPU, written from exception context with relaxed
 * atomics: meaningful to a self-test that faults on purpose while no
 * other CPU does.
 */
#ifndef KESTREL_ARCH_X86_64_FIXUP_H
#define KESTREL_ARCH_X86_64_FIXUP_H

#include <stdbool.h>
#include <stdint.h>
#include "regs.h"

#define FIXUP_FAULTED 0x100u
#define FIXUP_VECTOR(result) ((int)((result) & 0xffu))

struct fixup_entry {
    uint64_t fault_rip;
    uint64_t resume_rip;
};

/* Apply a fixup for this frame if one exists; true when it did. */
bool fixup_apply(struct arch_regs *frame);

/* Vector and CR2 of the last fixed-up fault (-1 / 0 before any). */
int fixup_last_vector(void);
uint64_t fixup_last_address(void);

uint64_t probe_read_u8_raw(const volatile void *addr, uint8_t *out);
uint64_t probe_write_u8_raw(volatile void *addr, uint8_t value);
uint64_t selftest_trigger_ud(void);
uint64_t selftest_trigger_bp(void);
uint64_t selftest_trigger_de(void);
uint64_t selftest_trigger_exec_data(void);

#endif /* KESTREL_ARCH_X86_64_FIXUP_H */
