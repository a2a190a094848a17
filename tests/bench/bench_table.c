/* SPDX-License-Identifier: MIT */
/*
 * The rows `make bench` reports (see kernel/bench/bench.h).  Each row
 * times one operation the kernel's hot paths depend on, in its warm
 * state, and leaves the system as it found it after every call.
 */
#include <stddef.h>

#include "arch.h"
#include "bench/bench.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "kestrel/errors.h"
#include "time/timer.h"

/* Reading the cycle counter through the arch fence: the floor every
 * other row stands on. */
static void bench_op_arch_cycles(void *ctx)
{
    (void)ctx;
    (void)arch_cycles();
}

static void bench_op_frame(void *ctx)
{
    (void)ctx;
    phys_addr_t frame;
    if (pmm_alloc(PMM_OWNER_KERNEL, 0, &frame) == 0)
        pmm_free(frame, PMM_OWNER_KERNEL);
}

/* One live object keeps the 64-byte class's slab, as in a running
 * system; without it each pair would fetch and return a slab. */
static void *kmalloc_keeper;

static int bench_setup_kmalloc(void **ctx)
{
    (void)ctx;
    kmalloc_keeper = kmalloc(64);
    return kmalloc_keeper ? 0 : -KS_ERR_NO_MEMORY;
}

static void bench_op_kmalloc(void *ctx)
{
    (void)ctx;
    void *p = kmalloc(64);
    kfree(p);
}

static void bench_teardown_kmalloc(void *ctx)
{
    (void)ctx;
    kfree(kmalloc_keeper);
}

/* map+unmap in the active address space (so the unmap's INVLPG counts),
 * next to a page that stays mapped so the page tables exist. */
#define BENCH_VA 0x400000ULL
static struct {
    struct vm_space space;
    phys_addr_t page, keeper;
} map_bench;

static int bench_setup_map(void **ctx)
{
    (void)ctx;
    int err = vm_space_init(&map_bench.space);
    if (err < 0)
        return err;
    if ((err = pmm_alloc(PMM_OWNER_KERNEL, PMM_ZERO, &map_bench.page)) < 0 ||
        (err = pmm_alloc(PMM_OWNER_KERNEL, PMM_ZERO, &map_bench.keeper)) < 0 ||
        (err = vm_map(&map_bench.space, BENCH_VA + PAGE_SIZE, map_bench.keeper,
                      VM_READ | VM_WRITE | VM_USER)) < 0)
        return err;
    vm_space_activate(&map_bench.space);
    return 0;
}

static void bench_op_map(void *ctx)
{
    (void)ctx;
    if (vm_map(&map_bench.space, BENCH_VA, map_bench.page, VM_READ | VM_WRITE | VM_USER) == 0)
        vm_unmap(&map_bench.space, BENCH_VA, 0);
}

static void bench_teardown_map(void *ctx)
{
    (void)ctx;
    vm_space_activate(vm_kernel_space());
    vm_unmap(&map_bench.space, BENCH_VA + PAGE_SIZE, 0);
    vm_space_fini(&map_bench.space);
    pmm_free(map_bench.page, PMM_OWNER_KERNEL);
    pmm_free(map_bench.keeper, PMM_OWNER_KERNEL);
}

/* Interrupt entry to handler and back: INT to a registered empty handler
 * (entry stub, register save, dispatch, EOI, IRETQ).  The vector is one
 * the kernel leaves to drivers. */
#define BENCH_IRQ_VECTOR 0x41

static void bench_irq_handler(unsigned vector, void *ctx)
{
    (void)vector;
    (void)ctx;
}

static int bench_setup_irq(void **ctx)
{
    (void)ctx;
    return arch_irq_register_vector(BENCH_IRQ_VECTOR, bench_irq_handler, NULL);
}

static void bench_op_irq(void *ctx)
{
    (void)ctx;
    __asm__ volatile("int $0x41" ::: "memory");
}

static void bench_teardown_irq(void *ctx)
{
    (void)ctx;
    arch_irq_unregister_vector(BENCH_IRQ_VECTOR);
}

/* IPI round trip: the boot CPU asks CPU 1 to run nothing and waits for
 * its answer (call IPI there, reply IPI back).  Needs two CPUs; only
 * meaningful as time, since the wait spins on the other vCPU. */
static int bench_setup_ipi(void **ctx)
{
    (void)ctx;
    return arch_cpu_count() >= 2 && arch_cpu_online(1) ? 0 : -KS_ERR_NOT_FOUND;
}

static void bench_op_ipi(void *ctx)
{
    (void)ctx;
    arch_cpu_call(1, NULL, NULL);
}

/* Timer event jitter: how late a one-shot event 100 us ahead runs its
 * function, by arch_time_ns(). */
#define BENCH_TIMER_AHEAD_NS 100000ULL
static volatile uint64_t timer_fired_at;

static void bench_timer_fired(struct timer_event *event, void *arg)
{
    (void)event;
    (void)arg;
    timer_fired_at = arch_time_ns();
}

static uint64_t bench_sample_timer(void *ctx)
{
    (void)ctx;
    struct timer_event event = { .fn = bench_timer_fired, .index = TIMER_NOT_QUEUED };
    timer_fired_at = 0;
    uint64_t deadline = arch_time_ns() + BENCH_TIMER_AHEAD_NS;
    if (timer_start(&event, deadline) < 0)
        return 0;
    while (!timer_fired_at)
        arch_wait_for_interrupt();
    return timer_fired_at - deadline;
}

static int bench_setup_timer(void **ctx)
{
    (void)ctx;
    struct timer_event probe = { .fn = bench_timer_fired, .index = TIMER_NOT_QUEUED };
    /* A calibrated timer is needed: start and cancel one event to ask. */
    if (timer_start(&probe, arch_time_ns() + 1000000000ULL) < 0)
        return -KS_ERR_NOT_FOUND;
    timer_cancel(&probe);
    return 0;
}

const struct bench_case bench_table[] = {
    { .name = "cycle_counter_read", .what = "one arch_cycles() call",
      .op = bench_op_arch_cycles },
    { .name = "frame_alloc_free", .what = "pmm_alloc + pmm_free of one 4 KiB frame",
      .op = bench_op_frame },
    { .name = "kmalloc_kfree_64", .what = "kmalloc(64) + kfree on a warm slab",
      .setup = bench_setup_kmalloc, .op = bench_op_kmalloc, .teardown = bench_teardown_kmalloc },
    { .name = "map_unmap_4k", .what = "vm_map + vm_unmap of one 4 KiB user page in the active "
      "space (tables present; INVLPG included)",
      .setup = bench_setup_map, .op = bench_op_map, .teardown = bench_teardown_map },
    { .name = "irq_entry_exit", .what = "INT to a registered empty handler and back (entry, "
      "dispatch, EOI, IRETQ)",
      .setup = bench_setup_irq, .op = bench_op_irq, .teardown = bench_teardown_irq },
    { .name = "ipi_round_trip", .what = "CPU 0 asks CPU 1 to run nothing and waits for its "
      "answer (call IPI, reply IPI)",
      .setup = bench_setup_ipi, .op = bench_op_ipi, .time_only = 1 },
    { .name = "timer_event_jitter", .what = "how late a one-shot timer event set 100 us ahead "
      "runs (arch_time_ns)",
      .setup = bench_setup_timer, .sample = bench_sample_timer },
};
const unsigned bench_table_size = sizeof(bench_table) / sizeof(bench_table[0]);
