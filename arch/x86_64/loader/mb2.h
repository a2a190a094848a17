/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 boot-information reader for the Kestrel loader stub.
 *
 * Interface: mb2_parse() checks the structure GRUB left at EBX (total
 * size, every tag inside it, 8-byte alignment, an end tag, each known
 * tag's own size) and fills struct mb2_info with pointers INTO that
 * structure plus decoded values; nothing is copied, so the structure
 * must stay untouched until the caller has taken what it needs.
 * mb2_raw_regions() turns the memory map tag (or, failing that, the EFI
 * memory map tag) into ks_mem_region entries for memmap_normalise().
 *
 * Pure logic: no I/O, no globals, host-tested by tests/unit/test_mb2.c.
 * Not reentrant-sensitive: all state lives in the caller's structures.
 */
#ifndef KESTREL_LOADER_MB2_H
#define KESTREL_LOADER_MB2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/boot_info.h>

#define MB2_BOOT_MAGIC      0x36d76289u  /* EAX at entry */
#define MB2_HEADER_MAGIC    0xe85250d6u  /* in the loader image */
#define MB2_MAX_TOTAL_SIZE  (4u << 20)   /* sanity bound on total_size */
#define MB2_MAX_MODULES     16

enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER_NAME = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_BASIC_MEMINFO = 4,
    MB2_TAG_MMAP = 6,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_EFI32 = 11,
    MB2_TAG_EFI64 = 12,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
    MB2_TAG_EFI_MMAP = 17,
};

/* Framebuffer types of the framebuffer tag (Multiboot2 spec 3.6.12). */
enum mb2_fb_type {
    MB2_FB_INDEXED = 0,
    MB2_FB_RGB = 1,
    MB2_FB_EGA_TEXT = 2,
};

enum mb2_status {
    MB2_OK = 0,
    MB2_ERR_NULL,
    MB2_ERR_MISALIGNED_INFO,
    MB2_ERR_TOTAL_SIZE,
    MB2_ERR_TAG_TOO_SMALL,
    MB2_ERR_TAG_PAST_END,
    MB2_ERR_NO_END_TAG,
    MB2_ERR_STRING,
    MB2_ERR_MODULE,
    MB2_ERR_MMAP,
    MB2_ERR_FRAMEBUFFER,
    MB2_ERR_EFI_MMAP,
    MB2_ERR_ACPI,
};

struct mb2_module {
    uint32_t start;      /* physical, inclusive */
    uint32_t end;        /* physical, exclusive */
    const char *name;    /* GRUB module string, NUL-terminated */
};

struct mb2_info {
    uint32_t total_size;
    const char *cmdline;          /* NULL when absent */
    const char *loader_name;      /* NULL when absent */

    struct mb2_module modules[MB2_MAX_MODULES];
    uint32_t module_count;
    uint32_t modules_dropped;     /* beyond MB2_MAX_MODULES */

    bool has_meminfo;
    uint32_t mem_lower_kib, mem_upper_kib;

    const uint8_t *mmap;          /* first entry; NULL when no memory map tag */
    uint32_t mmap_entry_size, mmap_count;

    const uint8_t *efi_mmap;      /* first EFI descriptor; NULL when absent */
    uint32_t efi_desc_size, efi_mmap_count;

    bool has_fb;
    uint8_t fb_type;              /* enum mb2_fb_type */
    uint8_t fb_bpp;
    uint64_t fb_addr;
    uint32_t fb_pitch, fb_width, fb_height;
    uint8_t fb_red_pos, fb_red_size, fb_green_pos, fb_green_size;
    uint8_t fb_blue_pos, fb_blue_size;

    bool has_efi_system_table;
    uint64_t efi_system_table;

    const uint8_t *rsdp;          /* RSDP copy inside the tag; NULL when absent */
    uint32_t rsdp_length;         /* 20 (old tag) or 36 (new tag) */
};

/* Where parsing stopped, for the error message. */
struct mb2_error {
    uint32_t offset;   /* byte offset of the offending tag */
    uint32_t type;     /* its type */
    uint32_t size;     /* its size field (or total_size for header errors) */
};

enum mb2_status mb2_parse(const void *info, struct mb2_info *out,
                          struct mb2_error *err);
const char *mb2_status_message(enum mb2_status status);

/* Raw firmware regions from the memory map tag, else the EFI memory map;
 * returns how many were written (at most max).  Types are translated to
 * enum ks_mem_type; entries past max are dropped (counted in *dropped). */
size_t mb2_raw_regions(const struct mb2_info *info, struct ks_mem_region *out,
                       size_t max, size_t *dropped);

/* True when the space-separated command line contains word exactly. */
bool mb2_cmdline_has_word(const char *cmdline, const char *word);

#endif /* KESTREL_LOADER_MB2_H */
