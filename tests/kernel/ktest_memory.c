/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the address space the loader built: the direct map
 * shows the kernel image's own bytes, the kernel's text is read-only and
 * its data non-executable (both probed through the exception-fixup table,
 * so a failure is a test failure, not a crash), unmapped and
 * non-canonical addresses fault cleanly, and the identity map is gone.
 */
#include "arch.h"
#include "fixup.h"
#include "init/boot.h"
#include "ktest/ktest.h"
#include "lib/string.h"

extern const uint8_t __text_start[], __rodata_start[], __data_start[];

#define VECTOR_PAGE_FAULT 14
#define VECTOR_GENERAL_PROTECTION 13

/* Compare n bytes at virt with the same bytes read through the direct map. */
static const char *compare_with_direct_map(const uint8_t *virt, size_t n)
{
    uint64_t phys;
    if (arch_virt_to_phys((uintptr_t)virt, &phys) < 0)
        return "kernel address not mapped";
    if (phys < kernel_boot_info->kernel_phys_base || phys >= kernel_boot_info->kernel_phys_end)
        return "kernel page outside kernel_phys_base..end";
    if (memcmp(virt, boot_phys_to_virt(phys), n) != 0)
        return "direct map shows different bytes than the kernel mapping";
    return NULL;
}

KTEST(direct_map_matches_kernel_image)
{
    const char *why = compare_with_direct_map(__text_start, 4096);
    if (!why)
        why = compare_with_direct_map(__rodata_start, 256);
    if (!why)
        why = compare_with_direct_map(__data_start, 64);
    return why;
}

KTEST(kernel_text_is_not_writable)
{
    volatile uint8_t *target = (volatile uint8_t *)(uintptr_t)__text_start + 0x40;
    uint8_t original = *target;
    /* Writing the byte it already holds keeps the code intact if it lands. */
    KTEST_EXPECT(arch_probe_write_u8(target, original) < 0, "write to .text succeeded");
    KTEST_EXPECT(fixup_last_vector() == VECTOR_PAGE_FAULT, "write to .text raised no #PF");
    KTEST_EXPECT(fixup_last_address() == (uintptr_t)target, "#PF reported a wrong CR2");
    return NULL;
}

KTEST(kernel_data_is_not_executable)
{
    uint64_t result = selftest_trigger_exec_data();
    KTEST_EXPECT(result != 0, "code in .data ran (NX not enforced)");
    KTEST_EXPECT(FIXUP_VECTOR(result) == VECTOR_PAGE_FAULT, "jump into .data raised no #PF");
    return NULL;
}

KTEST(probe_of_unmapped_address_fails_cleanly)
{
    uint8_t byte = 0;
    /* Far above the direct map's 4 GiB+ and below the kernel. */
    const void *unmapped = (const void *)0xFFFFC00000000000ull;
    KTEST_EXPECT(arch_probe_read_u8(unmapped, &byte) < 0, "read of unmapped address worked");
    KTEST_EXPECT(fixup_last_vector() == VECTOR_PAGE_FAULT, "unmapped read raised no #PF");
    const void *non_canonical = (const void *)0x8000000000000000ull;
    KTEST_EXPECT(arch_probe_read_u8(non_canonical, &byte) < 0, "non-canonical read worked");
    KTEST_EXPECT(fixup_last_vector() == VECTOR_GENERAL_PROTECTION,
                 "non-canonical read raised no #GP");
    return NULL;
}

KTEST(identity_map_is_dropped)
{
    uint8_t byte;
    KTEST_EXPECT(arch_probe_read_u8((const void *)0x100000, &byte) < 0,
                 "low memory still identity-mapped");
    return NULL;
}

KTEST(probe_read_of_mapped_memory_works)
{
    static const uint8_t pattern[4] = { 0x4B, 0x53, 0x54, 0x4C };
    uint8_t copy[4] = { 0 };
    KTEST_EXPECT(arch_probe_read(pattern, copy, sizeof(copy)) == 0, "probe read failed");
    KTEST_EXPECT(memcmp(pattern, copy, sizeof(copy)) == 0, "probe read wrong bytes");
    return NULL;
}
