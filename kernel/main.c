/* SPDX-License-Identifier: MIT */
/*
 * Kestrel kernel main: the boot sequence after kernel_entry.
 *
 * Order matters: the serial console first (so every later failure can be
 * reported), then the CPU tables (so a fault is reported, not a triple
 * fault), then the boot_info check (probing the pointer through the
 * fixup table), and only then anything read from boot_info.  The log
 * level, break points and exit behaviour come from the command line.
 */
#include "arch.h"
#include "acpi/acpi.h"
#include "bench/bench.h"
#include "debug/kprintf.h"
#include "debug/panic.h"
#include "init/boot.h"
#include "ipc/ipc_regs.h"
#include "kestrel/qemu_exit.h"
#include "init/version.h"
#include "ktest/ktest.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "proc/process.h"
#include "sched/kernel_lock.h"
#include "sched/sched.h"

const struct ks_boot_info *kernel_boot_info;
struct cmdline_options kernel_options;

static void warn_option(void *ctx, const char *word, size_t len, const char *why)
{
    (void)ctx;
    kwarn("cmdline: warning: ignoring \"%.*s\": %s\n", (int)len, word, why);
}

static char cmdline[KS_BOOT_CMDLINE_LEN];

static void check_boot_info_or_halt(const struct ks_boot_info *bi)
{
    bool readable;
    const char *why = boot_info_check(bi, &readable);
    if (!why)
        return;
    kerror("kestrel: fatal: %s (boot_info at %p)\n", why, (const void *)bi);
    if (readable)
        kerror("kestrel: fatal: found magic 0x%llx version %u size %u, expected "
               "0x%llx version %u size %u\n", (unsigned long long)bi->magic,
               bi->version, bi->size, (unsigned long long)KS_BOOT_INFO_MAGIC,
               KS_BOOT_INFO_VERSION, (unsigned)sizeof(*bi));
    arch_halt();
}

static void parse_command_line(const struct ks_boot_info *bi)
{
    /* Copy with a guaranteed NUL: the loader's field is untrusted. */
    for (size_t i = 0; i + 1 < sizeof(cmdline); i++) {
        cmdline[i] = bi->cmdline[i];
        if (!cmdline[i])
            break;
    }
    cmdline_parse(cmdline, &kernel_options, NULL, NULL);
    klog_set_level(kernel_options.log_level);
    panic_set_exit(kernel_options.exit);
}

static __attribute__((noreturn)) void finish(unsigned exit_code)
{
    kinfo("kestrel: boot complete\n");
    if (kernel_options.exit)
        arch_exit(exit_code);
    arch_halt();
}

/* The machine cannot run Kestrel (too little memory, a map it cannot
 * use): a boot input, not a kernel bug, so a clear line and no panic. */
__attribute__((noreturn)) static void boot_fatal(const char *what, int err)
{
    kerror("kestrel: fatal: %s (error %d)\n", what, err);
    if (kernel_options.exit)
        arch_exit(KS_EXIT_FAIL);
    arch_halt();
}

/* Frames, then the kernel's own page tables, then the heap: each needs
 * the one before, and the kernel cannot go on without any of them.  Each
 * step has printed why it failed. */
static void memory_init(const struct ks_boot_info *bi)
{
    int err = pmm_init(bi);
    if (err < 0)
        boot_fatal("cannot take over physical memory", err);
    err = vm_init(bi);
    if (err < 0)
        boot_fatal("cannot build the kernel page tables", err);
    err = heap_init();
    if (err < 0)
        boot_fatal("cannot start the kernel heap", err);
}

/* What the firmware describes (ACPI), then the interrupt controllers and
 * clocks built from it.  A machine without usable ACPI tables still
 * boots (one CPU, the PIT); the steps say what they could not do.  Then
 * the other CPUs, within smp=N. */
static void platform_init(const struct ks_boot_info *bi)
{
    acpi_init(bi);
    arch_platform_init(acpi_info());
    arch_user_init_cpu();
    arch_smp_start(acpi_info(), kernel_options.smp);
}

/* The first process has ended: with `exit` (tests, benchmarks) the
 * emulator ends with its verdict; otherwise the CPUs idle. */
static void init_exited(const struct ks_exit_status *status)
{
    bool ok = status->reason == KS_EXIT_NORMAL && status->status == 0;
    if (status->reason == KS_EXIT_FAULT)
        kerror("init: the first process died of a fault (vector %u)\n", status->fault_vector);
    else
        kinfo("init: the first process exited with status %d\n", status->status);
    if (kernel_options.bench)
        kinfo("bench: done\n");
    if (kernel_options.exit)
        arch_exit(ok ? KS_EXIT_PASS : KS_EXIT_FAIL);
    kinfo("kestrel: nothing left to run; idling\n");
}

/* The scheduler, then the first process from the initramfs; this CPU
 * becomes its idle thread. */
static __attribute__((noreturn)) void start_userspace(void)
{
    int err = sched_init();
    if (err < 0)
        boot_fatal("cannot start the scheduler", err);
    static char path[CMDLINE_INIT_MAX];
    size_t len = kernel_options.init_len < sizeof(path) - 1 ? kernel_options.init_len
                                                             : sizeof(path) - 1;
    for (size_t i = 0; i < len; i++)
        path[i] = kernel_options.init[i];
    path[len] = 0;
    const char *argv[] = { path };
    if (kernel_options.ipc_slow)
        ipc_fastpath_enabled = false;
    kinfo("ipc: fast path %s\n", ipc_fastpath_enabled ? "on" :
          KCONFIG_IPC_FASTPATH ? "off (ipc=slow)" : "off (built without it)");
    process_set_init_exit_hook(init_exited);
    int64_t pid = 0;
    kernel_lock();
    err = process_spawn(path, argv, 1, NULL, &pid);
    kernel_unlock();
    if (err < 0)
        boot_fatal(err == -KS_ERR_NOT_FOUND ? "no first process: init=PATH names no file "
                   "in the initramfs" : "the first process could not be started", err);
    kinfo("init: started %s as process %lld on %u CPUs\n", path, (long long)pid,
          arch_cpu_count());
    kinfo("kestrel: boot complete\n");
    sched_start();
}

void kernel_main(const struct ks_boot_info *bi)
{
    uint64_t entry_cycles = arch_cycles();
    arch_early_console_init();
    arch_cpu_init();
    check_boot_info_or_halt(bi);
    kernel_boot_info = bi;

    uint64_t start = bi->loader_entry_tsc && bi->loader_entry_tsc <= entry_cycles ?
                     bi->loader_entry_tsc : entry_cycles;
    klog_set_clock(start, arch_cycles_calibrate_khz());
    parse_command_line(bi);
    if (kernel_options.break_points & BREAK_ENTRY)
        arch_breakpoint();
    if (!kernel_options.serial_only)
        arch_screen_console_init(bi);

    kinfo("Kestrel %s (%s) x86_64\n", kestrel_version, kestrel_git_rev);
    boot_report_facts(bi);
    /* Parsed again now that warnings have somewhere to go. */
    struct cmdline_options reparsed;
    cmdline_parse(cmdline, &reparsed, warn_option, NULL);
    boot_report_memory_map(bi);
    arch_drop_identity_map();
    memory_init(bi);
    platform_init(bi);

    if (kernel_options.break_points & BREAK_INITRD)
        arch_breakpoint();
    initrd_load(bi);

    if (kernel_options.bench && bench_run_all())
        finish(KS_EXIT_FAIL);
    if (kernel_options.ktest) {
        if (kernel_options.break_points & BREAK_KTEST)
            arch_breakpoint();
        unsigned failed = ktest_run(kernel_options.ktest_only, kernel_options.ktest_only_len);
        finish(failed ? KS_EXIT_FAIL : KS_EXIT_PASS);
    }
    if (kernel_options.bench)
        kernel_options.init = "bin/ubench", kernel_options.init_len = 10;
    start_userspace();
}
