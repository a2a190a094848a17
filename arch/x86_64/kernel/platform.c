/* SPDX-License-Identifier: MIT */
/*
 * Kestrel x86_64 platform glue: CPU table setup, screen console choice,
 * the emulator exit path, halting, the Bochs breakpoint, and the page
 * table walks the kernel needs this early (dropping the loader's
 * identity map, translating addresses for self-tests).
 * Boot CPU, interrupts off.
 */
#include "arch.h"
#include "console/fbcon.h"
#include "cpu.h"
#include "exception.h"
#include "gdt.h"
#include "kestrel/errors.h"
#include "kestrel/qemu_exit.h"
#include "mmu.h"
#include "pic.h"
#include "smp.h"
#include "vga.h"

#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull

void arch_interrupts_poll(void)
{
    /* STI takes effect after the next instruction: the NOP is the
     * window in which pending interrupts arrive (SDM Vol. 2B, STI).  The
     * jump matters under emulation: QEMU's TCG looks for interrupts only
     * between translated blocks, and a jump ends one inside the window. */
    __asm__ volatile("sti; nop; jmp 1f; 1: cli" ::: "memory");
}

int arch_cpu_run_idle(unsigned cpu, void (*fn)(void *arg), void *arg)
{
    return smp_post_idle_work(cpu, fn, arg);
}

void arch_cpu_init(void)
{
    gdt_init();
    idt_init();
    pic_remap_and_mask();
}

void arch_screen_console_init(const struct ks_boot_info *bi)
{
    const struct ks_framebuffer *fb = &bi->framebuffer;
    uint64_t span = (uint64_t)fb->pitch * fb->height;
    /* Only draw where the direct map reaches. */
    if (fb->type == KS_FB_NONE || fb->base + span > bi->direct_map_size || span == 0)
        return;
    uintptr_t virt = (uintptr_t)(KS_DIRECT_MAP_BASE + fb->base);
    if (fb->type == KS_FB_VGA_TEXT)
        vga_console_init(virt, fb->width, fb->height, fb->pitch);
    else if (fb->type == KS_FB_RGB)
        fbcon_init(fb, virt);
}

void arch_breakpoint(void)
{
    BOCHS_BREAK();
}

void arch_halt(void)
{
    cpu_halt_forever();
    __builtin_unreachable();
}

void arch_exit(unsigned code)
{
    static const char shutdown[] = "Shutdown";
    /* QEMU isa-debug-exit ends the emulator here ... */
    outl(KS_QEMU_EXIT_PORT, code);
    /* ... Bochs ends on this string; real hardware ignores both. */
    for (const char *p = shutdown; *p; p++)
        outb(KS_BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
    cpu_halt_forever();
    __builtin_unreachable();
}

static uint64_t *table_at(uint64_t phys)
{
    return (uint64_t *)(uintptr_t)(KS_DIRECT_MAP_BASE + (phys & PTE_ADDR_MASK));
}

void arch_drop_identity_map(void)
{
    uint64_t cr3 = read_cr3();
    table_at(cr3)[0] = 0;
    /* Reloading CR3 flushes the non-global identity translations. */
    write_cr3(cr3);
}

int arch_virt_to_phys(uintptr_t virt, uint64_t *phys)
{
    /* The same walk as vm_translate, over whatever tables CR3 holds (the
     * loader's before vm_init, the kernel space's or a user space's after). */
    struct vm_space active = { .root = mmu_active_root(), .table_frames = 0 };
    int err = page_table_translate(&mmu_direct_map_tables, &active, virt, phys, NULL);
    return err == -KS_ERR_INVALID_ARGUMENT ? -KS_ERR_NOT_FOUND : err;
}
