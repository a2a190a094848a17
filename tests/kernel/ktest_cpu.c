/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the CPU tables: #UD, #BP and #DE reach their IDT
 * vectors and are recovered through the fixup table, the TSS is loaded
 * at its selector, and the legacy PIC is masked.
 */
#include "fixup.h"
#include "gdt.h"
#include "ktest/ktest.h"
#include "pic.h"

static const char *expect_vector(uint64_t result, int vector)
{
    if (result == 0)
        return "instruction did not fault";
    if (FIXUP_VECTOR(result) != vector || fixup_last_vector() != vector)
        return "fault arrived on the wrong vector";
    return NULL;
}

KTEST(invalid_opcode_is_caught_on_vector_6)
{
    return expect_vector(selftest_trigger_ud(), 6);
}

KTEST(breakpoint_is_caught_on_vector_3)
{
    return expect_vector(selftest_trigger_bp(), 3);
}

KTEST(divide_error_is_caught_on_vector_0)
{
    return expect_vector(selftest_trigger_de(), 0);
}

KTEST(task_register_holds_the_tss)
{
    KTEST_EXPECT(gdt_read_task_register() == GDT_TSS, "TR is not the TSS selector");
    return NULL;
}

KTEST(legacy_pic_is_fully_masked)
{
    KTEST_EXPECT(pic_read_masks() == 0xFFFF, "a PIC line is unmasked");
    return NULL;
}
