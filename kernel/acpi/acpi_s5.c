/* SPDX-License-Identifier: MIT */
/*
 * The sleep type values of the \_S5 (soft off) object, found in the DSDT's
 * AML without an interpreter.  Power off writes SLP_TYPa | SLP_EN to PM1a
 * control (and SLP_TYPb to PM1b), so these two numbers are all the kernel
 * needs from the namespace.
 *
 * Firmware declares the object as a named package, ACPI 6.5 section 20.2:
 *   NameOp(0x08) ['\'] "_S5_" PackageOp(0x12) PkgLength NumElements
 *   SLP_TYPa SLP_TYPb ...
 * where each value is ZeroOp (0x00), OneOp (0x01), or BytePrefix (0x0A)
 * and a byte (WordPrefix 0x0B and DWordPrefix 0x0C are accepted; the
 * register field is 3 bits).  The scan checks every byte it reads against
 * the table's length.  Pure; host-tested in tests/unit/test_acpi.c.
 */
#include "acpi/acpi.h"

/* One integer of the package at aml[*at] (before end): false if it is
 * something else. */
static bool s5_value(const uint8_t *aml, uint32_t end, uint32_t *at, uint8_t *value)
{
    uint32_t i = *at;
    if (i >= end)
        return false;
    uint8_t op = aml[i];
    unsigned size;
    if (op == 0x00 || op == 0x01) {
        *value = op;
        *at = i + 1;
        return true;
    }
    if (op == 0x0A)
        size = 1;
    else if (op == 0x0B)
        size = 2;
    else if (op == 0x0C)
        size = 4;
    else
        return false;
    if (end - i - 1 < size)
        return false;
    *value = aml[i + 1];          /* little-endian: the low byte */
    *at = i + 1 + size;
    return true;
}

bool acpi_s5_parse(const uint8_t *aml, uint32_t len, uint8_t *typ_a, uint8_t *typ_b)
{
    for (uint32_t i = 1; len >= 4 && i + 4 < len; i++) {
        if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' || aml[i + 3] != '_')
            continue;
        /* Declared, not referenced: NameOp before the name (or its root prefix). */
        bool named = aml[i - 1] == 0x08 || (aml[i - 1] == '\\' && i >= 2 && aml[i - 2] == 0x08);
        uint32_t at = i + 4;
        if (!named || aml[at] != 0x12)
            continue;
        at++;
        if (at >= len)
            return false;
        unsigned extra = aml[at] >> 6;  /* PkgLength: bytes after the lead byte */
        at += 1 + extra;
        if (at >= len)                  /* NumElements */
            return false;
        if (aml[at] < 2)
            continue;
        at++;
        uint8_t a, b;
        if (!s5_value(aml, len, &at, &a) || !s5_value(aml, len, &at, &b))
            continue;
        *typ_a = a & 7;
        *typ_b = b & 7;
        return true;
    }
    return false;
}
