/* SPDX-License-Identifier: MIT */
/*
 * Kestrel HPET driver (x86_64): only the main counter, as the reference
 * clock that calibrates the TSC and the local APIC timer.  Register
 * layout from the IA-PC HPET specification 1.0a, 2.3: capabilities at
 * 0x000 (period in femtoseconds in bits 63:32, 64-bit counter in bit
 * 13), configuration at 0x010 (enable bit 0, legacy replacement bit 1),
 * main counter at 0x0F0.
 *
 * The registers are reached through the direct map, which covers the
 * HPET's page below 4 GiB and which the firmware's MTRRs make uncached.
 * Legacy replacement stays off, so the PIT keeps its ISA IRQ 0.
 * Boot CPU; hpet_init once with interrupts off; hpet_read any time.
 */
#include "hpet.h"
#include "debug/kprintf.h"
#include "kestrel/boot_info.h"
#include "kestrel/errors.h"

#define HPET_CAPABILITIES 0x000
#define HPET_CONFIG       0x010
#define HPET_COUNTER      0x0F0
#define CAP_COUNTER_64    (1ull << 13)
#define CONFIG_ENABLE     (1ull << 0)
#define CONFIG_LEGACY     (1ull << 1)
/* The specification allows a period of at most 100 ns. */
#define PERIOD_MAX_FS     100000000ull
#define FS_PER_SECOND     1000000000000000ull

static volatile uint64_t *hpet_regs;
static uint64_t counter_hz;
static bool counter_64;

static uint64_t reg_read(unsigned offset)
{
    return hpet_regs[offset / 8];
}

static void reg_write(unsigned offset, uint64_t value)
{
    hpet_regs[offset / 8] = value;
}

int hpet_init(uint64_t phys)
{
    if (phys == 0 || phys >= 0x100000000ull || (phys & 7)) {
        kwarn("hpet: warning: unusable address 0x%llx\n", (unsigned long long)phys);
        return -KS_ERR_NOT_FOUND;
    }
    hpet_regs = (volatile uint64_t *)(uintptr_t)(KS_DIRECT_MAP_BASE + phys);
    uint64_t caps = reg_read(HPET_CAPABILITIES);
    uint64_t period_fs = caps >> 32;
    if (period_fs == 0 || period_fs > PERIOD_MAX_FS) {
        kwarn("hpet: warning: no sane HPET at 0x%llx (period %llu fs)\n",
              (unsigned long long)phys, (unsigned long long)period_fs);
        hpet_regs = NULL;
        return -KS_ERR_NOT_FOUND;
    }
    counter_64 = caps & CAP_COUNTER_64;
    reg_write(HPET_CONFIG, (reg_read(HPET_CONFIG) & ~CONFIG_LEGACY) | CONFIG_ENABLE);
    counter_hz = FS_PER_SECOND / period_fs;
    kinfo("hpet: at 0x%llx, %llu Hz, %u-bit counter, %u comparators\n",
          (unsigned long long)phys, (unsigned long long)counter_hz, counter_64 ? 64 : 32,
          (unsigned)((caps >> 8) & 0x1F) + 1);
    return 0;
}

bool hpet_ready(void)
{
    return counter_hz != 0;
}

uint64_t hpet_hz(void)
{
    return counter_hz;
}

uint64_t hpet_read(void)
{
    return counter_64 ? reg_read(HPET_COUNTER) : (uint32_t)reg_read(HPET_COUNTER);
}

uint64_t hpet_ticks_between(uint64_t start, uint64_t end)
{
    return counter_64 ? end - start : (uint32_t)(end - start);
}
