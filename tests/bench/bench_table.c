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

const struct bench_case bench_table[] = {
    { "cycle_counter_read", "one arch_cycles() call", NULL, bench_op_arch_cycles, NULL },
    { "frame_alloc_free", "pmm_alloc + pmm_free of one 4 KiB frame", NULL, bench_op_frame, NULL },
    { "kmalloc_kfree_64", "kmalloc(64) + kfree on a warm slab", bench_setup_kmalloc,
      bench_op_kmalloc, bench_teardown_kmalloc },
    { "map_unmap_4k", "vm_map + vm_unmap of one 4 KiB user page in the active space "
      "(tables present; INVLPG included)", bench_setup_map, bench_op_map, bench_teardown_map },
    { "irq_entry_exit", "INT to a registered empty handler and back (entry, dispatch, EOI, "
      "IRETQ)", bench_setup_irq, bench_op_irq, bench_teardown_irq },
};
const unsigned bench_table_size = sizeof(bench_table) / sizeof(bench_table[0]);
