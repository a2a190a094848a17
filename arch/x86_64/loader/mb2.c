/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 boot-information reader (see mb2.h for the interface).
 *
 * Every field is read byte by byte through mb2_read32/64 so the code
 * makes no alignment assumption beyond what it checks, and every length
 * is compared against what remains before it is used, so a malformed
 * structure yields an error value instead of a wild read.  Layouts follow
 * the Multiboot2 specification, section 3.6 ("Boot information format").
 */
#include "mb2.h"

#define MB2_TAG_HEADER   8u
#define MB2_MODULE_MIN   17u  /* header + start + end + at least a NUL */
#define MB2_MMAP_HEADER  16u
#define MB2_MMAP_ENTRY   24u
#define MB2_FB_COMMON    32u  /* up to and including the reserved field */
#define MB2_FB_RGB_SIZE  38u  /* common part + six colour bytes */
#define MB2_EFI_DESC_MIN 40u  /* UEFI spec 2.x EFI_MEMORY_DESCRIPTOR */
#define MB2_RSDP_V1_LEN  20u
#define MB2_RSDP_V2_LEN  36u

static uint32_t mb2_read32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t mb2_read64(const uint8_t *p)
{
    return (uint64_t)mb2_read32(p) | (uint64_t)mb2_read32(p + 4) << 32;
}

/* A string tag must hold a NUL inside its own bytes. */
static const char *mb2_string(const uint8_t *s, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (s[i] == 0)
            return (const char *)s;
    return NULL;
}

static enum mb2_status mb2_take_module(const uint8_t *tag, uint32_t size,
                                       struct mb2_info *out)
{
    if (size < MB2_MODULE_MIN)
        return MB2_ERR_MODULE;
    uint32_t start = mb2_read32(tag + 8), end = mb2_read32(tag + 12);
    const char *name = mb2_string(tag + 16, size - 16);
    if (name == NULL)
        return MB2_ERR_STRING;
    if (end < start)
        return MB2_ERR_MODULE;
    if (out->module_count == MB2_MAX_MODULES) {
        out->modules_dropped++;
        return MB2_OK;
    }
    struct mb2_module *m = &out->modules[out->module_count++];
    m->start = start;
    m->end = end;
    m->name = name;
    return MB2_OK;
}

static enum mb2_status mb2_take_mmap(const uint8_t *tag, uint32_t size,
                                     struct mb2_info *out)
{
    if (size < MB2_MMAP_HEADER)
        return MB2_ERR_MMAP;
    uint32_t entry_size = mb2_read32(tag + 8);
    if (entry_size < MB2_MMAP_ENTRY || entry_size % 8 != 0)
        return MB2_ERR_MMAP;
    out->mmap = tag + MB2_MMAP_HEADER;
    out->mmap_entry_size = entry_size;
    out->mmap_count = (size - MB2_MMAP_HEADER) / entry_size;
    return MB2_OK;
}

static enum mb2_status mb2_take_efi_mmap(const uint8_t *tag, uint32_t size,
                                         struct mb2_info *out)
{
    if (size < MB2_MMAP_HEADER)
        return MB2_ERR_EFI_MMAP;
    uint32_t desc_size = mb2_read32(tag + 8);
    if (desc_size < MB2_EFI_DESC_MIN || desc_size % 8 != 0)
        return MB2_ERR_EFI_MMAP;
    out->efi_mmap = tag + MB2_MMAP_HEADER;
    out->efi_desc_size = desc_size;
    out->efi_mmap_count = (size - MB2_MMAP_HEADER) / desc_size;
    return MB2_OK;
}

static enum mb2_status mb2_take_framebuffer(const uint8_t *tag, uint32_t size,
                                            struct mb2_info *out)
{
    if (size < MB2_FB_COMMON)
        return MB2_ERR_FRAMEBUFFER;
    out->fb_addr = mb2_read64(tag + 8);
    out->fb_pitch = mb2_read32(tag + 16);
    out->fb_width = mb2_read32(tag + 20);
    out->fb_height = mb2_read32(tag + 24);
    out->fb_bpp = tag[28];
    out->fb_type = tag[29];
    if (out->fb_type == MB2_FB_RGB) {
        if (size < MB2_FB_RGB_SIZE)
            return MB2_ERR_FRAMEBUFFER;
        out->fb_red_pos = tag[32];
        out->fb_red_size = tag[33];
        out->fb_green_pos = tag[34];
        out->fb_green_size = tag[35];
        out->fb_blue_pos = tag[36];
        out->fb_blue_size = tag[37];
    }
    out->has_fb = true;
    return MB2_OK;
}

static enum mb2_status mb2_take_acpi(const uint8_t *tag, uint32_t size,
                                     bool is_new, struct mb2_info *out)
{
    uint32_t want = is_new ? MB2_RSDP_V2_LEN : MB2_RSDP_V1_LEN;
    if (size < MB2_TAG_HEADER + want)
        return MB2_ERR_ACPI;
    /* The new (ACPI 2.0+) RSDP is preferred whatever the tag order. */
    if (!is_new && out->rsdp_length == MB2_RSDP_V2_LEN)
        return MB2_OK;
    out->rsdp = tag + MB2_TAG_HEADER;
    out->rsdp_length = want;
    return MB2_OK;
}

static enum mb2_status mb2_take_tag(const uint8_t *tag, uint32_t type,
                                    uint32_t size, struct mb2_info *out)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
    case MB2_TAG_LOADER_NAME: {
        const char *s = mb2_string(tag + 8, size - 8);
        if (s == NULL)
            return MB2_ERR_STRING;
        if (type == MB2_TAG_CMDLINE)
            out->cmdline = s;
        else
            out->loader_name = s;
        return MB2_OK;
    }
    case MB2_TAG_MODULE:
        return mb2_take_module(tag, size, out);
    case MB2_TAG_BASIC_MEMINFO:
        if (size < 16)
            return MB2_ERR_TAG_TOO_SMALL;
        out->has_meminfo = true;
        out->mem_lower_kib = mb2_read32(tag + 8);
        out->mem_upper_kib = mb2_read32(tag + 12);
        return MB2_OK;
    case MB2_TAG_MMAP:
        return mb2_take_mmap(tag, size, out);
    case MB2_TAG_FRAMEBUFFER:
        return mb2_take_framebuffer(tag, size, out);
    case MB2_TAG_EFI32:
    case MB2_TAG_EFI64:
        if (size < (type == MB2_TAG_EFI32 ? 12u : 16u))
            return MB2_ERR_TAG_TOO_SMALL;
        out->has_efi_system_table = true;
        out->efi_system_table = type == MB2_TAG_EFI32 ? mb2_read32(tag + 8)
                                                      : mb2_read64(tag + 8);
        return MB2_OK;
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        return mb2_take_acpi(tag, size, type == MB2_TAG_ACPI_NEW, out);
    case MB2_TAG_EFI_MMAP:
        return mb2_take_efi_mmap(tag, size, out);
    default:
        return MB2_OK; /* unknown tags are skipped */
    }
}

enum mb2_status mb2_parse(const void *info, struct mb2_info *out,
                          struct mb2_error *err)
{
    const uint8_t *base = info;
    *out = (struct mb2_info){ 0 };
    *err = (struct mb2_error){ 0 };
    if (base == NULL)
        return MB2_ERR_NULL;
    if ((uintptr_t)base % 8 != 0)
        return MB2_ERR_MISALIGNED_INFO;
    uint32_t total = mb2_read32(base);
    err->size = total;
    if (total < 16 || total > MB2_MAX_TOTAL_SIZE || total % 8 != 0)
        return MB2_ERR_TOTAL_SIZE;
    out->total_size = total;

    uint32_t off = 8; /* total_size + reserved */
    while (off + MB2_TAG_HEADER <= total) {
        const uint8_t *tag = base + off;
        uint32_t type = mb2_read32(tag), size = mb2_read32(tag + 4);
        *err = (struct mb2_error){ .offset = off, .type = type, .size = size };
        if (size < MB2_TAG_HEADER)
            return MB2_ERR_TAG_TOO_SMALL;
        if (size > total - off)
            return MB2_ERR_TAG_PAST_END;
        if (type == MB2_TAG_END)
            return size == MB2_TAG_HEADER ? MB2_OK : MB2_ERR_TAG_TOO_SMALL;
        enum mb2_status st = mb2_take_tag(tag, type, size, out);
        if (st != MB2_OK)
            return st;
        /* Tags start on 8-byte boundaries (spec 3.6.1); padding may be
         * the last bytes before total_size only if an end tag follows. */
        off += (size + 7u) & ~7u;
    }
    *err = (struct mb2_error){ .offset = off, .size = total };
    return MB2_ERR_NO_END_TAG;
}

const char *mb2_status_message(enum mb2_status status)
{
    switch (status) {
    case MB2_OK: return "no error";
    case MB2_ERR_NULL: return "the information pointer is null";
    case MB2_ERR_MISALIGNED_INFO: return "the information structure is not 8-byte aligned";
    case MB2_ERR_TOTAL_SIZE: return "the total size is not sane";
    case MB2_ERR_TAG_TOO_SMALL: return "a tag is smaller than its type needs";
    case MB2_ERR_TAG_PAST_END: return "a tag runs past the total size";
    case MB2_ERR_NO_END_TAG: return "there is no end tag";
    case MB2_ERR_STRING: return "a string tag is not NUL-terminated";
    case MB2_ERR_MODULE: return "a module tag is malformed";
    case MB2_ERR_MMAP: return "the memory map tag is malformed";
    case MB2_ERR_FRAMEBUFFER: return "the framebuffer tag is malformed";
    case MB2_ERR_EFI_MMAP: return "the EFI memory map tag is malformed";
    case MB2_ERR_ACPI: return "an ACPI RSDP tag is too small";
    }
    return "unknown error";
}

static uint32_t mb2_mmap_type(uint32_t type)
{
    switch (type) {
    case 1: return KS_MEM_USABLE;
    case 3: return KS_MEM_ACPI_RECLAIM;
    case 4: return KS_MEM_ACPI_NVS;
    case 5: return KS_MEM_BAD;
    default: return KS_MEM_RESERVED;
    }
}

/* EFI memory types (UEFI spec 2.x, 7.2 "EFI_MEMORY_TYPE").  Loader and
 * boot-services memory is free once GRUB has exited boot services. */
static uint32_t mb2_efi_type(uint32_t type)
{
    switch (type) {
    case 1: case 2: case 3: case 4: case 7: return KS_MEM_USABLE;
    case 8: return KS_MEM_BAD;
    case 9: return KS_MEM_ACPI_RECLAIM;
    case 10: return KS_MEM_ACPI_NVS;
    default: return KS_MEM_RESERVED;
    }
}

size_t mb2_raw_regions(const struct mb2_info *info, struct ks_mem_region *out,
                       size_t max, size_t *dropped)
{
    size_t n = 0;
    *dropped = 0;
    for (uint32_t i = 0; info->mmap != NULL && i < info->mmap_count; i++) {
        const uint8_t *e = info->mmap + (size_t)i * info->mmap_entry_size;
        struct ks_mem_region r = { .base = mb2_read64(e), .length = mb2_read64(e + 8),
                                   .type = mb2_mmap_type(mb2_read32(e + 16)) };
        if (n < max)
            out[n++] = r;
        else
            (*dropped)++;
    }
    if (info->mmap != NULL)
        return n;
    for (uint32_t i = 0; info->efi_mmap != NULL && i < info->efi_mmap_count; i++) {
        const uint8_t *d = info->efi_mmap + (size_t)i * info->efi_desc_size;
        uint64_t pages = mb2_read64(d + 24);
        /* Clamp a page count whose byte length would not fit in 64 bits. */
        uint64_t length = pages > (UINT64_MAX >> 12) ? (UINT64_MAX & ~0xfffULL) : pages << 12;
        struct ks_mem_region r = { .base = mb2_read64(d + 8), .length = length,
                                   .type = mb2_efi_type(mb2_read32(d)) };
        if (n < max)
            out[n++] = r;
        else
            (*dropped)++;
    }
    return n;
}

bool mb2_cmdline_has_word(const char *cmdline, const char *word)
{
    if (cmdline == NULL)
        return false;
    const char *p = cmdline;
    while (*p != 0) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *w = word;
        const char *q = p;
        while (*w != 0 && *q == *w) {
            q++;
            w++;
        }
        if (*w == 0 && (*q == 0 || *q == ' ' || *q == '\t'))
            return true;
        while (*p != 0 && *p != ' ' && *p != '\t')
            p++;
    }
    return false;
}
