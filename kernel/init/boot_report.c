/* SPDX-License-Identifier: MIT */
/*
 * Kestrel boot_info validation and the boot-facts / memory-map report
 * (the `boot:` and `memmap:` lines of docs/boot.md).  Boot CPU, once.
 */
#include <stdint.h>
#include "arch.h"
#include "debug/kprintf.h"
#include "init/boot.h"

static const char *const memory_type_names[] = {
    [KS_MEM_USABLE] = "usable",           [KS_MEM_ACPI_RECLAIM] = "acpi-reclaim",
    [KS_MEM_ACPI_NVS] = "acpi-nvs",       [KS_MEM_BAD] = "bad",
    [KS_MEM_RESERVED] = "reserved",       [KS_MEM_FRAMEBUFFER] = "framebuffer",
    [KS_MEM_MODULE] = "module",           [KS_MEM_BOOT_DATA] = "boot-data",
    [KS_MEM_PAGE_TABLES] = "page-tables", [KS_MEM_KERNEL] = "kernel",
};

const char *boot_memory_type_name(uint32_t type)
{
    if (type >= sizeof(memory_type_names) / sizeof(memory_type_names[0]) ||
        !memory_type_names[type])
        return "unknown";
    return memory_type_names[type];
}

const char *boot_info_check(const struct ks_boot_info *bi, bool *readable)
{
    uint8_t probe;
    *readable = false;
    if ((uintptr_t)bi < KS_DIRECT_MAP_BASE || (uintptr_t)bi & 7)
        return "boot_info pointer is not an aligned direct-map address";
    if (arch_probe_read_u8(bi, &probe) < 0 ||
        arch_probe_read_u8((const uint8_t *)bi + sizeof(*bi) - 1, &probe) < 0)
        return "boot_info pointer is not mapped";
    *readable = true;
    if (bi->magic != KS_BOOT_INFO_MAGIC)
        return "boot_info magic mismatch";
    if (bi->version != KS_BOOT_INFO_VERSION)
        return "boot_info version mismatch";
    if (bi->size != sizeof(*bi))
        return "boot_info size mismatch";
    if (bi->direct_map_base != KS_DIRECT_MAP_BASE)
        return "boot_info direct map base is not KS_DIRECT_MAP_BASE";
    if (bi->mem_count > KS_BOOT_MAX_MEM || bi->module_count > KS_BOOT_MAX_MODULES)
        return "boot_info table counts out of range";
    return NULL;
}

/* Bounded print of a fixed-size string field that may lack its NUL. */
static int field_length(const char *s, int max)
{
    int n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

void boot_report_facts(const struct ks_boot_info *bi)
{
    const char *firmware = bi->firmware == KS_FW_BIOS ? "BIOS" :
                           bi->firmware == KS_FW_UEFI ? "UEFI" : "unknown";
    kinfo("boot: firmware %s\n", firmware);
    kinfo("boot: loader %.*s\n", field_length(bi->loader_name, KS_BOOT_NAME_LEN),
          bi->loader_name);
    kinfo("boot: cmdline \"%.*s\"\n", field_length(bi->cmdline, KS_BOOT_CMDLINE_LEN),
          bi->cmdline);
    const struct ks_framebuffer *fb = &bi->framebuffer;
    if (fb->type == KS_FB_RGB)
        kinfo("boot: framebuffer %ux%u %u bpp at 0x%llx\n", fb->width, fb->height,
              fb->bpp, (unsigned long long)fb->base);
    else if (fb->type == KS_FB_VGA_TEXT)
        kinfo("boot: VGA text %ux%u\n", fb->width, fb->height);
    else
        kinfo("boot: no screen, serial only\n");
    kinfo("boot: kernel phys 0x%llx-0x%llx, direct map %llu MiB, %u modules\n",
          (unsigned long long)bi->kernel_phys_base, (unsigned long long)bi->kernel_phys_end,
          (unsigned long long)(bi->direct_map_size >> 20), bi->module_count);
}

static void print_region(const struct ks_mem_region *r)
{
    uint64_t size = r->length;
    const char *unit = "KiB";
    uint64_t amount = size >> 10;
    if (size >= (1ull << 30)) {
        unit = "GiB";
        amount = size >> 30;
    } else if (size >= (1ull << 20)) {
        unit = "MiB";
        amount = size >> 20;
    }
    kinfo("memmap: 0x%016llx-0x%016llx %s %llu %s\n", (unsigned long long)r->base,
          (unsigned long long)(r->base + r->length), boot_memory_type_name(r->type),
          (unsigned long long)amount, unit);
}

void boot_report_memory_map(const struct ks_boot_info *bi)
{
    uint64_t usable = 0;
    for (uint32_t i = 0; i < bi->mem_count; i++) {
        print_region(&bi->mem[i]);
        if (bi->mem[i].type == KS_MEM_USABLE)
            usable += bi->mem[i].length;
    }
    kinfo("memmap: %u regions, %llu MiB usable\n", bi->mem_count,
          (unsigned long long)(usable >> 20));
}
