/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the kernel library as built for the kernel: the
 * symbol table resolves a known function, the tar reader rejects a
 * corrupt archive built here, and the format engine formats.
 */
#include "debug/symtab.h"
#include "init/boot.h"
#include "kestrel/errors.h"
#include "ktest/ktest.h"
#include "lib/format.h"
#include "lib/string.h"
#include "lib/tar.h"

KTEST(symbol_table_resolves_kernel_main)
{
    uintptr_t offset = 0;
    uintptr_t addr = (uintptr_t)kernel_main;
    const char *name = symtab_lookup(addr + 3, &offset);
    KTEST_EXPECT(symtab_count() > 0, "symbol table is empty");
    KTEST_EXPECT(name && strcmp(name, "kernel_main") == 0, "kernel_main+3 not resolved");
    KTEST_EXPECT(offset == 3, "wrong offset into kernel_main");
    KTEST_EXPECT(symtab_find("kernel_main") == addr, "symtab_find disagrees");
    KTEST_EXPECT(symtab_lookup(0x1000, &offset) == NULL, "non-kernel address resolved");
    return NULL;
}

static uint8_t sample[3 * TAR_BLOCK_SIZE] __attribute__((aligned(8)));

/* One-file ustar archive "hello" with a valid checksum. */
static void build_sample(void)
{
    memset(sample, 0, sizeof(sample));
    memcpy(sample, "hello", 5);
    memcpy(sample + 124, "00000000000", 11);
    sample[156] = '0';
    memcpy(sample + 257, "ustar", 6);
    memcpy(sample + 263, "00", 2);
    unsigned sum = 8 * ' ';
    for (unsigned i = 0; i < TAR_BLOCK_SIZE; i++)
        sum += sample[i];
    format_snprintf((char *)sample + 148, 8, "%06o", sum);
}

static int read_sample(struct tar_error *error)
{
    struct tar_reader reader;
    struct tar_entry entry;
    int rc;
    tar_reader_init(&reader, sample, sizeof(sample));
    while ((rc = tar_next(&reader, &entry, error)) == 1)
        ;
    return rc;
}

KTEST(tar_reader_rejects_corrupt_sample)
{
    struct tar_error error;
    build_sample();
    KTEST_EXPECT(read_sample(&error) == 0, "valid sample rejected");
    sample[1] ^= 0x20; /* "hEllo": checksum no longer matches */
    KTEST_EXPECT(read_sample(&error) == -KS_ERR_CORRUPT, "corrupt sample accepted");
    KTEST_EXPECT(error.offset == 0, "error at the wrong offset");
    return NULL;
}

KTEST(format_engine_formats)
{
    char buf[48];
    format_snprintf(buf, sizeof(buf), "%s|%5d|%-3x|%08lx|%c", "ks", -42, 0xau, 0xbeefUL, '!');
    KTEST_EXPECT(strcmp(buf, "ks|  -42|a  |0000beef|!") == 0, "unexpected output");
    KTEST_EXPECT(format_snprintf(buf, 4, "%s", "truncate") == 8, "wrong length");
    KTEST_EXPECT(strcmp(buf, "tru") == 0, "truncation lost the NUL");
    return NULL;
}
