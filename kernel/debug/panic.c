/* SPDX-License-Identifier: MIT */
/*
 * Kestrel panic and symbolised backtrace; see panic.h.
 */
#include <stdarg.h>
#include <stdint.h>
#include "arch.h"
#include "console/console.h"
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "debug/symtab.h"
#include "kestrel/qemu_exit.h"

#define BACKTRACE_MAX 32

static bool exit_on_panic;
static volatile int panic_depth;

void panic_set_exit(bool value)
{
    exit_on_panic = value;
}

/* Return addresses are looked up one byte back: a call that never
 * returns may be the last instruction of its function. */
static void print_frame(unsigned index, uintptr_t pc, bool is_return_address)
{
    uintptr_t offset;
    uintptr_t lookup = is_return_address ? pc - 1 : pc;
    const char *name = symtab_lookup(lookup, &offset);
    offset += pc - lookup;
    if (name)
        kerror("  #%u 0x%016llx %s+0x%llx\n", index, (unsigned long long)pc, name,
               (unsigned long long)offset);
    else
        kerror("  #%u 0x%016llx ?\n", index, (unsigned long long)pc);
}

void panic_print_backtrace(uintptr_t pc, uintptr_t fp)
{
    uintptr_t pcs[BACKTRACE_MAX];
    unsigned index = 0;
    kerror("backtrace:\n");
    if (pc)
        print_frame(index++, pc, false);
    size_t n = arch_backtrace(fp, pcs, BACKTRACE_MAX - index);
    for (size_t i = 0; i < n; i++)
        print_frame(index++, pcs[i], true);
}

static __attribute__((noreturn)) void panic_stop(void)
{
    /* docs/boot.md: panic always breaks into Bochs. */
    arch_breakpoint();
    if (exit_on_panic)
        arch_exit(KS_EXIT_PANIC);
    arch_halt();
}

/* A second panic while reporting the first would recurse forever. */
static bool panic_enter(void)
{
    /* Atomic: two CPUs may panic at once; only the first reports, and it
     * stops the others first so its report is not interleaved. */
    if (__atomic_fetch_add(&panic_depth, 1, __ATOMIC_ACQ_REL) == 0) {
        arch_stop_other_cpus();
        console_panic();        /* a handed-over COM1 hears the panic too */
        return true;
    }
    if (panic_depth == 2)
        kerror("PANIC: nested panic, halting\n");
    return false;
}

static void print_message(const char *fmt, va_list ap)
{
    /* One klog per part keeps the whole message on the PANIC: line. */
    klog(LOG_ERROR, "PANIC: ");
    vklog(LOG_ERROR, fmt, ap);
    klog(LOG_ERROR, "\n");
}

void panic(const char *fmt, ...)
{
    if (panic_enter()) {
        va_list ap;
        va_start(ap, fmt);
        print_message(fmt, ap);
        va_end(ap);
        arch_print_registers(NULL);
        panic_print_backtrace(0, (uintptr_t)__builtin_frame_address(0));
    }
    panic_stop();
}

void panic_with_frame(const struct arch_regs *frame, panic_detail_fn detail,
                      const char *fmt, ...)
{
    if (panic_enter()) {
        va_list ap;
        va_start(ap, fmt);
        print_message(fmt, ap);
        va_end(ap);
        if (detail)
            detail(frame);
        arch_print_registers(frame);
        uintptr_t pc, fp;
        arch_frame_origin(frame, &pc, &fp);
        panic_print_backtrace(pc, fp);
    }
    panic_stop();
}
