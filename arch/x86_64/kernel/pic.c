/* SPDX-License-Identifier: MIT */
/*
 * Kestrel legacy 8259A PIC handling (x86_64 PC).
 *
 * The firmware leaves the master PIC at vectors 8-15, on top of the CPU
 * exceptions, so an IRQ would look like a #DF or #GP.  pic_remap_and_mask()
 * reprograms both PICs (ICW1-ICW4, 8259A datasheet) to 0x20-0x2F and masks
 * every line; the kernel will use the local APIC instead.  Boot CPU,
 * interrupts off, once.
 */
#include "cpu.h"
#include "pic.h"

#define PIC1_COMMAND 0x20
#define PIC1_DATA    0x21
#define PIC2_COMMAND 0xA0
#define PIC2_DATA    0xA1

#define ICW1_INIT_WITH_ICW4 0x11
#define ICW4_8086           0x01

void pic_remap_and_mask(void)
{
    outb(PIC1_COMMAND, ICW1_INIT_WITH_ICW4);
    io_wait();
    outb(PIC2_COMMAND, ICW1_INIT_WITH_ICW4);
    io_wait();
    outb(PIC1_DATA, PIC_VECTOR_BASE);       /* ICW2: vector offset */
    io_wait();
    outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
    io_wait();
    outb(PIC1_DATA, 1u << 2);               /* ICW3: slave on IRQ 2 */
    io_wait();
    outb(PIC2_DATA, 2);                     /* ICW3: slave identity */
    io_wait();
    outb(PIC1_DATA, ICW4_8086);
    io_wait();
    outb(PIC2_DATA, ICW4_8086);
    io_wait();
    outb(PIC1_DATA, 0xFF);                  /* OCW1: mask everything */
    outb(PIC2_DATA, 0xFF);
}

uint16_t pic_read_masks(void)
{
    return (uint16_t)(inb(PIC1_DATA) | (inb(PIC2_DATA) << 8));
}
