/* SPDX-License-Identifier: MIT */
/*
 * Kestrel exception-fixup table lookup and the arch_probe_* wrappers;
 * see fixup.h.  The table is small and unsorted (entries come from
 * several objects in link order), so a linear scan it is.  The "last
 * fault" record is shared by every CPU (user copies fault on any of
 * them): relaxed atomics keep each field whole, and only the self-tests,
 * which fault on purpose on one CPU, read it.
 */
#include "arch.h"
#include "kestrel/errors.h"
#include "cpu.h"
#include "fixup.h"

extern const struct fixup_entry __fixup_start[], __fixup_end[];

static int last_vector = -1;
static uint64_t last_address;

bool fixup_apply(struct arch_regs *frame)
{
    if (frame->cs & 3)
        return false;
    for (const struct fixup_entry *e = __fixup_start; e < __fixup_end; e++) {
        if (e->fault_rip != frame->rip)
            continue;
        __atomic_store_n(&last_vector, (int)frame->vector, __ATOMIC_RELAXED);
        __atomic_store_n(&last_address, frame->vector == 14 ? read_cr2() : 0, __ATOMIC_RELAXED);
        frame->rip = e->resume_rip;
        frame->rax = FIXUP_FAULTED | frame->vector;
        return true;
    }
    return false;
}

int fixup_last_vector(void)
{
    return __atomic_load_n(&last_vector, __ATOMIC_RELAXED);
}

uint64_t fixup_last_address(void)
{
    return __atomic_load_n(&last_address, __ATOMIC_RELAXED);
}

int arch_probe_read_u8(const volatile void *addr, uint8_t *out)
{
    return probe_read_u8_raw(addr, out) ? -KS_ERR_FAULT : 0;
}

int arch_probe_write_u8(volatile void *addr, uint8_t value)
{
    return probe_write_u8_raw(addr, value) ? -KS_ERR_FAULT : 0;
}

int arch_probe_read(const void *addr, void *out, size_t len)
{
    const volatile uint8_t *src = addr;
    uint8_t *dst = out;
    for (size_t i = 0; i < len; i++) {
        if (probe_read_u8_raw(src + i, dst + i))
            return -KS_ERR_FAULT;
    }
    return 0;
}
