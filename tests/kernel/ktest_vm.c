/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the address spaces vm_init built (kernel/mm/vm.c):
 * the kernel's sections carry W^X flags, the direct map translates to
 * itself, a fresh space maps/protects/unmaps 4 KiB and 2 MiB pages with
 * real frames and the errors vm.h promises, changes reach the TLB
 * (probes through the exception-fixup table fault right after an unmap
 * or a protect; user pages read through arch_copy_from_user, as SMAP
 * requires), kernel stacks sit above a faulting guard, and
 * vm_space_fini returns every page-table frame (PMM owner counts); an
 * unmap that leaves its page table in use keeps it and still reaches
 * the TLB, and the last entry's unmap frees it.
 * Every test frees every frame it took.  The KTEST_CRASH at the end
 * overflows a kernel stack for tests/boot/cases-vm.sh.
 */
#include "arch.h"
#include "fixup.h"
#include "init/boot.h"
#include "kestrel/errors.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "mmu.h"

extern const uint8_t __text_start[], __rodata_start[], __data_start[];

#define VECTOR_PAGE_FAULT 14
/* Kernel-half addresses nothing else uses (PML4 slot 506). */
#define TEST_WINDOW 0xFFFFFD0000000000ULL
#define USER_PAGE   0x0000000000400000ULL
#define USER_LARGE  0x0000000040000000ULL

/* A user page is read the way the kernel reads user memory: through
 * arch_copy_from_user, which recovers a fault like the probes do and is
 * the one path SMAP lets through. */
static int read_user_byte(const void *user_addr, uint8_t *out)
{
    return arch_copy_from_user(out, user_addr, 1);
}

static uint64_t table_frames_owned(void)
{
    struct pmm_stats stats;
    pmm_get_stats(&stats);
    return stats.owned[PMM_OWNER_PAGE_TABLE];
}

static const char *expect_flags(const void *va, unsigned want)
{
    phys_addr_t pa;
    unsigned flags;
    if (vm_translate(vm_kernel_space(), (uintptr_t)va, &pa, &flags) < 0)
        return "kernel section not mapped";
    if (flags != want)
        return "kernel section has the wrong flags";
    if (pa < kernel_boot_info->kernel_phys_base || pa >= kernel_boot_info->kernel_phys_end)
        return "kernel section maps outside the loaded image";
    return NULL;
}

KTEST(vm_kernel_sections_are_w_xor_x)
{
    static int bss_word;
    const char *why = expect_flags(__text_start, VM_READ | VM_EXEC);
    if (!why)
        why = expect_flags(__rodata_start, VM_READ);
    if (!why)
        why = expect_flags(__data_start, VM_READ | VM_WRITE);
    if (!why)
        why = expect_flags(&bss_word, VM_READ | VM_WRITE);
    if (!why)
        why = expect_flags((const void *)(uintptr_t)vm_kernel_space, VM_READ | VM_EXEC);
    KTEST_EXPECT(arch_mmu_active_root() == vm_kernel_space()->root, "CR3 is not the kernel space");
    KTEST_EXPECT(vm_kernel_space()->root != kernel_boot_info->pml4_phys,
                 "still on the loader's page tables");
    return why;
}

KTEST(vm_direct_map_translates_to_itself)
{
    uint64_t size = kernel_boot_info->direct_map_size;
    phys_addr_t pa;
    unsigned flags;
    KTEST_EXPECT(vm_translate(vm_kernel_space(), KS_DIRECT_MAP_BASE + 0x123456, &pa, &flags) == 0,
                 "direct map not mapped");
    KTEST_EXPECT(pa == 0x123456, "direct map translates to the wrong address");
    KTEST_EXPECT(flags == (VM_READ | VM_WRITE | VM_LARGE), "direct map flags wrong");
    KTEST_EXPECT(vm_translate(vm_kernel_space(), KS_DIRECT_MAP_BASE + size - 8, &pa, NULL) == 0 &&
                 pa == size - 8, "end of the direct map wrong");
    KTEST_EXPECT(vm_translate(vm_kernel_space(), KS_DIRECT_MAP_BASE + size, &pa, NULL) ==
                 -KS_ERR_NOT_FOUND, "direct map goes past direct_map_size");
    KTEST_EXPECT(vm_translate(vm_kernel_space(), 0x100000, &pa, NULL) == -KS_ERR_NOT_FOUND,
                 "identity map still present");
    return NULL;
}

static const char *user_space_4k(struct vm_space *s, phys_addr_t frame)
{
    const unsigned rw = VM_READ | VM_WRITE | VM_USER;
    phys_addr_t pa;
    unsigned flags;
    KTEST_EXPECT(vm_map(s, USER_PAGE, frame, rw) == 0, "map of a user page failed");
    KTEST_EXPECT(vm_map(s, USER_PAGE, frame, rw) == -KS_ERR_EXISTS, "double map not refused");
    KTEST_EXPECT(vm_map(s, USER_PAGE + PAGE_SIZE, frame, rw | VM_EXEC) ==
                 -KS_ERR_INVALID_ARGUMENT, "write+exec not refused");
    KTEST_EXPECT(vm_map(s, TEST_WINDOW, frame, VM_READ) == -KS_ERR_INVALID_ARGUMENT,
                 "kernel address accepted in a user space");
    KTEST_EXPECT(vm_map(vm_kernel_space(), USER_PAGE, frame, rw) == -KS_ERR_INVALID_ARGUMENT,
                 "user address accepted in the kernel space");
    KTEST_EXPECT(vm_map(s, USER_PAGE + 1, frame, rw) == -KS_ERR_INVALID_ARGUMENT,
                 "misaligned address accepted");
    KTEST_EXPECT(vm_map(s, 0x0000800000000000ULL, frame, rw) == -KS_ERR_INVALID_ARGUMENT,
                 "non-canonical address accepted");
    KTEST_EXPECT(vm_translate(s, USER_PAGE + 0x10, &pa, &flags) == 0 && pa == frame + 0x10 &&
                 flags == rw, "translate of the user page wrong");
    KTEST_EXPECT(vm_protect(s, USER_PAGE, VM_READ | VM_EXEC | VM_USER) == 0, "protect failed");
    KTEST_EXPECT(vm_translate(s, USER_PAGE, &pa, &flags) == 0 &&
                 flags == (VM_READ | VM_EXEC | VM_USER), "protect did not change flags");
    KTEST_EXPECT(vm_unmap(s, USER_PAGE, 0) == 0, "unmap failed");
    KTEST_EXPECT(vm_unmap(s, USER_PAGE, 0) == -KS_ERR_NOT_FOUND, "double unmap not refused");
    KTEST_EXPECT(vm_translate(s, USER_PAGE, &pa, &flags) == -KS_ERR_NOT_FOUND,
                 "page still there after unmap");
    KTEST_EXPECT(s->table_frames == 1, "unmap left page tables behind");
    return NULL;
}

static const char *user_space_2m(struct vm_space *s, phys_addr_t run)
{
    const unsigned rw = VM_READ | VM_WRITE | VM_USER;
    phys_addr_t pa;
    unsigned flags;
    KTEST_EXPECT(vm_map(s, USER_LARGE, run, rw | VM_LARGE) == 0, "2 MiB map failed");
    KTEST_EXPECT(vm_map(s, USER_LARGE + PAGE_SIZE, run, rw) == -KS_ERR_EXISTS,
                 "4 KiB page inside a 2 MiB page accepted");
    KTEST_EXPECT(vm_translate(s, USER_LARGE + 0x1FFFFF, &pa, &flags) == 0 &&
                 pa == run + 0x1FFFFF && flags == (rw | VM_LARGE), "2 MiB translate wrong");
    KTEST_EXPECT(vm_unmap(s, USER_LARGE, 0) == -KS_ERR_NOT_FOUND, "4 KiB unmap of 2 MiB page");
    KTEST_EXPECT(vm_unmap(s, USER_LARGE, VM_LARGE) == 0, "2 MiB unmap failed");
    KTEST_EXPECT(s->table_frames == 1, "2 MiB unmap left page tables behind");
    return NULL;
}

KTEST(vm_user_space_maps_4k_and_2m_pages)
{
    uint64_t tables_before = table_frames_owned();
    struct vm_space s;
    phys_addr_t frame, run;
    KTEST_EXPECT(vm_space_init(&s) == 0, "vm_space_init failed");
    KTEST_EXPECT(pmm_alloc(PMM_OWNER_TEST, 0, &frame) == 0, "no test frame");
    const char *why = user_space_4k(&s, frame);
    pmm_free(frame, PMM_OWNER_TEST);
    if (!why && pmm_alloc_contiguous(LARGE_PAGE_SIZE / PAGE_SIZE, LARGE_PAGE_SIZE,
                                     PMM_OWNER_TEST, 0, &run) == 0) {
        why = user_space_2m(&s, run);
        pmm_free_contiguous(run, LARGE_PAGE_SIZE / PAGE_SIZE, PMM_OWNER_TEST);
    } else if (!why) {
        why = "no 2 MiB-aligned run of frames";
    }
    vm_space_fini(&s);
    KTEST_EXPECT(!why, why);
    KTEST_EXPECT(table_frames_owned() == tables_before, "page-table frames leaked");
    return NULL;
}

/* Map a test frame at TEST_WINDOW, write through the mapping, read it
 * back through the direct map; then protect and unmap, probing that the
 * TLB follows. */
static const char *kernel_window(phys_addr_t frame)
{
    volatile uint32_t *window = (volatile uint32_t *)(uintptr_t)TEST_WINDOW;
    struct vm_space *k = vm_kernel_space();
    KTEST_EXPECT(vm_map(k, TEST_WINDOW, frame, VM_READ | VM_WRITE) == 0, "kernel map failed");
    window[3] = 0x4B535452;
    KTEST_EXPECT(((volatile uint32_t *)phys_to_virt(frame))[3] == 0x4B535452,
                 "write through the new mapping not seen in the direct map");
    KTEST_EXPECT(arch_probe_write_u8((volatile void *)window, 7) == 0, "probe write failed");
    KTEST_EXPECT(vm_protect(k, TEST_WINDOW, VM_READ) == 0, "protect to read-only failed");
    KTEST_EXPECT(arch_probe_write_u8((volatile void *)window, 8) < 0,
                 "write to a page just made read-only worked (stale TLB?)");
    KTEST_EXPECT(fixup_last_vector() == VECTOR_PAGE_FAULT &&
                 fixup_last_address() == TEST_WINDOW, "read-only write raised no #PF there");
    uint8_t byte = 0;
    KTEST_EXPECT(arch_probe_read_u8((const volatile void *)window, &byte) == 0 && byte == 7,
                 "read-only page not readable");
    KTEST_EXPECT(vm_unmap(k, TEST_WINDOW, 0) == 0, "kernel unmap failed");
    KTEST_EXPECT(arch_probe_read_u8((const volatile void *)window, &byte) < 0,
                 "read after unmap worked (stale TLB?)");
    KTEST_EXPECT(fixup_last_vector() == VECTOR_PAGE_FAULT, "read after unmap raised no #PF");
    return NULL;
}

KTEST(vm_kernel_mapping_follows_map_protect_unmap)
{
    uint64_t tables_before = table_frames_owned();
    phys_addr_t frame;
    KTEST_EXPECT(pmm_alloc(PMM_OWNER_TEST, PMM_ZERO, &frame) == 0, "no test frame");
    const char *why = kernel_window(frame);
    if (why)
        vm_unmap(vm_kernel_space(), TEST_WINDOW, 0);
    pmm_free(frame, PMM_OWNER_TEST);
    KTEST_EXPECT(!why, why);
    KTEST_EXPECT(table_frames_owned() == tables_before, "unmap kept emptied tables");
    return NULL;
}

/* The user space is live in CR3: its mapping works and its unmap reaches
 * the TLB; the kernel half is there too (this code runs). */
KTEST(vm_active_user_space_shares_kernel_half)
{
    struct vm_space s;
    phys_addr_t frame;
    KTEST_EXPECT(vm_space_init(&s) == 0, "vm_space_init failed");
    if (pmm_alloc(PMM_OWNER_TEST, PMM_ZERO, &frame) < 0) {
        vm_space_fini(&s);
        return "no test frame";
    }
    const char *why = NULL;
    uint8_t byte = 0xFF;
    ((volatile uint8_t *)phys_to_virt(frame))[5] = 0x5A;
    if (vm_map(&s, USER_PAGE, frame, VM_READ | VM_WRITE | VM_USER) < 0)
        why = "user map failed";
    vm_space_activate(&s);
    if (!why && (read_user_byte((const void *)(USER_PAGE + 5), &byte) < 0 || byte != 0x5A))
        why = "user page not readable in its active space";
    if (!why && vm_unmap(&s, USER_PAGE, 0) < 0)
        why = "unmap failed";
    if (!why && read_user_byte((const void *)(USER_PAGE + 5), &byte) == 0)
        why = "read after unmap in the active space worked (stale TLB?)";
    vm_space_activate(vm_kernel_space());
    vm_space_fini(&s);
    pmm_free(frame, PMM_OWNER_TEST);
    return why;
}

/* Unmap beside a neighbour (the common case: the page table keeps an
 * entry, so it stays) still reaches the TLB of the active space; the
 * neighbour's unmap then frees the tables. */
static const char *unmap_beside_neighbour(struct vm_space *s, phys_addr_t frame)
{
    const unsigned rw = VM_READ | VM_WRITE | VM_USER;
    uint8_t byte = 0;
    KTEST_EXPECT(vm_map(s, USER_PAGE + PAGE_SIZE, frame, rw) == 0, "neighbour map failed");
    KTEST_EXPECT(vm_map(s, USER_PAGE, frame, rw) == 0, "map beside the neighbour failed");
    KTEST_EXPECT(s->table_frames == 4, "a 4 KiB page needs PML4, PDPT, PD and PT");
    KTEST_EXPECT(read_user_byte((const void *)(USER_PAGE + 5), &byte) == 0 && byte == 0x5A,
                 "user page not readable in its active space");
    KTEST_EXPECT(vm_unmap(s, USER_PAGE, 0) == 0, "unmap beside the neighbour failed");
    KTEST_EXPECT(read_user_byte((const void *)(USER_PAGE + 5), &byte) < 0,
                 "read after unmap in the active space worked (stale TLB?)");
    KTEST_EXPECT(s->table_frames == 4, "unmap freed a table that still holds a page");
    KTEST_EXPECT(read_user_byte((const void *)(USER_PAGE + PAGE_SIZE + 5), &byte) == 0 &&
                 byte == 0x5A, "the neighbour went with the unmapped page");
    KTEST_EXPECT(vm_unmap(s, USER_PAGE, 0) == -KS_ERR_NOT_FOUND, "double unmap not refused");
    KTEST_EXPECT(vm_unmap(s, USER_PAGE + PAGE_SIZE, 0) == 0, "neighbour unmap failed");
    KTEST_EXPECT(s->table_frames == 1, "the last unmap left page tables behind");
    return NULL;
}

KTEST(vm_unmap_beside_a_neighbour_reaches_the_tlb)
{
    uint64_t tables_before = table_frames_owned();
    struct vm_space s;
    phys_addr_t frame;
    KTEST_EXPECT(vm_space_init(&s) == 0, "vm_space_init failed");
    if (pmm_alloc(PMM_OWNER_TEST, PMM_ZERO, &frame) < 0) {
        vm_space_fini(&s);
        return "no test frame";
    }
    ((volatile uint8_t *)phys_to_virt(frame))[5] = 0x5A;
    vm_space_activate(&s);
    const char *why = unmap_beside_neighbour(&s, frame);
    vm_space_activate(vm_kernel_space());
    vm_space_fini(&s);
    pmm_free(frame, PMM_OWNER_TEST);
    KTEST_EXPECT(!why, why);
    KTEST_EXPECT(table_frames_owned() == tables_before, "page-table frames leaked");
    return NULL;
}

KTEST(vm_space_fini_returns_every_table)
{
    uint64_t tables_before = table_frames_owned();
    struct vm_space s;
    phys_addr_t frame;
    KTEST_EXPECT(vm_space_init(&s) == 0, "vm_space_init failed");
    KTEST_EXPECT(table_frames_owned() == tables_before + 1, "a space is not one PML4");
    if (pmm_alloc(PMM_OWNER_TEST, 0, &frame) < 0) {
        vm_space_fini(&s);
        return "no test frame";
    }
    /* Pages under different PML4, PDPT and PD slots, never unmapped. */
    static const uintptr_t pages[] = { 0x1000, 0x201000, 0x40001000, 0x8000001000ULL,
                                       0x7FFFFFFFF000ULL };
    const char *why = NULL;
    for (unsigned i = 0; i < sizeof(pages) / sizeof(pages[0]) && !why; i++)
        if (vm_map(&s, pages[i], frame, VM_READ | VM_USER) < 0)
            why = "map failed";
    if (!why && table_frames_owned() != tables_before + s.table_frames)
        why = "table_frames disagrees with the PMM's page-table count";
    if (!why && s.table_frames < 10)
        why = "fewer page tables than the mappings need";
    vm_space_fini(&s);
    pmm_free(frame, PMM_OWNER_TEST);
    KTEST_EXPECT(!why, why);
    KTEST_EXPECT(table_frames_owned() == tables_before, "vm_space_fini leaked page tables");
    KTEST_EXPECT(s.root == 0 && s.table_frames == 0, "space not emptied");
    return NULL;
}

static void note_stack(void *arg)
{
    uint8_t here;
    *(uintptr_t *)arg = (uintptr_t)&here;
}

KTEST(vm_kernel_stack_has_faulting_guard)
{
    struct vm_kstack stack;
    KTEST_EXPECT(vm_kstack_alloc(&stack) == 0, "vm_kstack_alloc failed");
    const char *why = NULL;
    uint8_t byte;
    uintptr_t used = 0, guard;
    if (stack.top - stack.base != VM_KSTACK_SIZE)
        why = "stack has the wrong size";
    else if (arch_probe_write_u8((volatile void *)stack.base, 1) < 0 ||
             arch_probe_write_u8((volatile void *)(stack.top - 1), 1) < 0)
        why = "stack not writable";
    else if (arch_probe_read_u8((const void *)(stack.base - 1), &byte) == 0)
        why = "guard page below the stack is readable";
    else if (fixup_last_vector() != VECTOR_PAGE_FAULT || fixup_last_address() != stack.base - 1)
        why = "guard page raised no #PF at its address";
    else if (!mmu_kstack_guard_hit(stack.base - 1, &guard) || mmu_kstack_guard_hit(stack.base, &guard))
        why = "guard-page test disagrees with the layout";
    if (!why) {
        arch_call_on_stack(stack.top, note_stack, &used);
        if (used < stack.base || used >= stack.top)
            why = "code did not run on the new stack";
    }
    vm_kstack_free(&stack);
    KTEST_EXPECT(!why, why);
    KTEST_EXPECT(arch_probe_read_u8((const void *)(used & ~0xFFFULL), &byte) < 0,
                 "freed stack still mapped");
    return NULL;
}

KTEST(vm_kernel_stacks_are_reused)
{
    struct vm_kstack a, b, c;
    KTEST_EXPECT(vm_kstack_alloc(&a) == 0 && vm_kstack_alloc(&b) == 0, "vm_kstack_alloc failed");
    KTEST_EXPECT(a.base != b.base && (a.top <= b.base - PAGE_SIZE || b.top <= a.base - PAGE_SIZE),
                 "stacks overlap or share a guard");
    uintptr_t freed = a.base;
    vm_kstack_free(&a);
    KTEST_EXPECT(vm_kstack_alloc(&c) == 0, "vm_kstack_alloc after free failed");
    bool reused = c.base == freed;
    vm_kstack_free(&c);
    vm_kstack_free(&b);
    KTEST_EXPECT(reused, "a freed stack slot is not reused");
    return NULL;
}

/* Recurses until a call pushes its return address into the guard; the
 * #PF then cannot push its own frame either, so the CPU raises #DF on
 * its IST stack (SDM Vol. 3A 6.15, interrupt 8). */
static __attribute__((noinline)) unsigned overflow_stack(unsigned depth)
{
    volatile uint8_t pad[256];
    if (depth == 0xFFFFFFFFu)  /* never: 16 KiB runs out long before */
        return 0;
    pad[0] = (uint8_t)depth;
    return overflow_stack(depth + 1) + pad[0];
}

static void overflow_on(void *arg)
{
    (void)arg;
    overflow_stack(0);
}

KTEST_CRASH(crash_kernel_stack_overflow_reports_guard)
{
    struct vm_kstack stack;
    if (vm_kstack_alloc(&stack) < 0)
        return "vm_kstack_alloc failed";
    arch_call_on_stack(stack.top, overflow_on, NULL);
    vm_kstack_free(&stack);
    return "overflowing a kernel stack did not fault";
}
