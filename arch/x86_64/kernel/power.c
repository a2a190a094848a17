/* SPDX-License-Identifier: MIT */
/*
 * Power off and reboot (KS_SYS_POWER): ACPI first, then the fallbacks
 * that work where ACPI does not.
 *
 * Power off: SLP_TYPa | SLP_EN into PM1a control (and SLP_TYPb into
 * PM1b), the sleep types from the DSDT's \_S5 (acpi_s5.c), ACPI 6.5
 * section 7.4.2; then the power-management ports QEMU (0x604, q35's
 * ICH9 and newer pc), Bochs and old QEMU (0xB004) decode; then a halt
 * with a message.  Reboot: the FADT's reset register (I/O, memory or PCI
 * configuration space), then the 8042's reset line (command 0xFE), then
 * a triple fault, which resets every PC.
 */
#include <stdbool.h>
#include "acpi/acpi.h"
#include "arch.h"
#include "cpu.h"
#include "debug/kprintf.h"
#include "kestrel/boot_info.h"

#define SLP_EN           (1u << 13)
#define SLP_TYP_SHIFT    10
#define GAS_SPACE_MEMORY 0
#define GAS_SPACE_IO     1
#define GAS_SPACE_PCI    2

static inline void outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

/* Give the machine time to act on a write (~50 ms of cycles). */
static void settle(void)
{
    uint64_t start = klog_uptime_us();
    while (klog_uptime_us() - start < 50000)
        __asm__ volatile("pause");
}

void arch_power_off(const struct acpi_info *acpi)
{
    __asm__ volatile("cli");
    if (acpi && acpi->has_fadt && acpi->has_s5 && acpi->pm1a_control &&
        acpi->pm1a_control <= 0xFFFF) {
        outw((uint16_t)acpi->pm1a_control,
             (uint16_t)(acpi->s5_typ_a << SLP_TYP_SHIFT | SLP_EN));
        if (acpi->pm1b_control && acpi->pm1b_control <= 0xFFFF)
            outw((uint16_t)acpi->pm1b_control,
                 (uint16_t)(acpi->s5_typ_b << SLP_TYP_SHIFT | SLP_EN));
        settle();
        kwarn("power: ACPI S5 did not switch the machine off; trying the emulators' ports\n");
    } else {
        kwarn("power: no ACPI S5 (FADT and \\_S5); trying the emulators' ports\n");
    }
    outw(0x604, 0x2000);
    outw(0xB004, 0x2000);
    settle();
    kerror("power: the machine could not be switched off; halted, safe to turn off\n");
    arch_halt();
}

static void reset_register(const struct acpi_info *acpi)
{
    uint64_t a = acpi->reset_address;
    uint8_t v = acpi->reset_value;
    if (acpi->reset_space == GAS_SPACE_IO && a <= 0xFFFF) {
        outb((uint16_t)a, v);
    } else if (acpi->reset_space == GAS_SPACE_MEMORY && a < (4ull << 30)) {
        *(volatile uint8_t *)(uintptr_t)(KS_DIRECT_MAP_BASE + a) = v;
    } else if (acpi->reset_space == GAS_SPACE_PCI) {
        /* Bus 0; device, function and offset packed in the address. */
        uint32_t dev = (uint32_t)(a >> 32) & 0x1F, fn = (uint32_t)(a >> 16) & 7;
        uint32_t off = (uint32_t)a & 0xFC;
        outl(0xCF8, 0x80000000u | dev << 11 | fn << 8 | off);
        outb((uint16_t)(0xCFC + (a & 3)), v);
    } else {
        return;
    }
    settle();
}

void arch_reboot(const struct acpi_info *acpi)
{
    __asm__ volatile("cli");
    if (acpi && acpi->has_reset_register) {
        reset_register(acpi);
        kwarn("power: the ACPI reset register did not reset; trying the 8042\n");
    }
    for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
        __asm__ volatile("pause");
    outb(0x64, 0xFE);
    settle();
    kwarn("power: the 8042 did not reset; triple fault\n");
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
    __asm__ volatile("lidt %0; int3" : : "m"(none));
    arch_halt();
}
