/* SPDX-License-Identifier: MIT */
/*
 * Kestrel boot-info hand-off (ABI).
 *
 * The 32-bit loader stub fills one struct ks_boot_info and passes its
 * higher-half (direct-map) virtual address to the kernel entry in RDI.
 * Every address inside the structure is a PHYSICAL address held in a
 * fixed-width 64-bit field; the kernel reaches it through the direct map
 * at KS_DIRECT_MAP_BASE (also recorded in direct_map_base).
 *
 * Layout rules: fixed-width fields only, no pointers, explicit padding,
 * the same bytes whether compiled -m32 (loader) or -m64 (kernel, host
 * tests).  Bump KS_BOOT_INFO_VERSION on any incompatible change.
 *
 * The memory map is sorted by base, its regions do not overlap, adjacent
 * regions of one type are merged, and every base/length is a multiple of
 * 4 KiB (usable ranges shrink inward, every other type grows outward,
 * so no usable page shares a frame with something reserved).
 */
#ifndef KESTREL_ABI_BOOT_INFO_H
#define KESTREL_ABI_BOOT_INFO_H

#include <stdint.h>

#define KS_BOOT_INFO_MAGIC   0x464E49544F4F424BULL /* "KBOOTINF" little-endian */
#define KS_BOOT_INFO_VERSION 1u

/* Virtual layout the loader builds and the kernel relies on. */
#define KS_DIRECT_MAP_BASE   0xFFFF800000000000ULL /* phys 0 maps here */
#define KS_KERNEL_VIRT_BASE  0xFFFFFFFF80000000ULL /* kernel link base (-2 GiB) */

#define KS_BOOT_MAX_MEM      256
#define KS_BOOT_MAX_MODULES  8
#define KS_BOOT_NAME_LEN     64
#define KS_BOOT_CMDLINE_LEN  512

/* Memory-region types, in order of precedence when sources overlap
 * (a higher value wins over a lower one). */
enum ks_mem_type {
    KS_MEM_USABLE       = 1, /* free RAM the kernel may hand out */
    KS_MEM_ACPI_RECLAIM = 2, /* ACPI tables; usable once parsed */
    KS_MEM_ACPI_NVS     = 3, /* firmware ACPI NVS: never touch */
    KS_MEM_BAD          = 4, /* defective RAM reported by firmware */
    KS_MEM_RESERVED     = 5, /* firmware/hardware reserved */
    KS_MEM_FRAMEBUFFER  = 6, /* linear framebuffer (MMIO) */
    KS_MEM_MODULE       = 7, /* a boot module (kernel ELF, initrd) */
    KS_MEM_BOOT_DATA    = 8, /* loader image, stack, this boot_info, cmdline copy */
    KS_MEM_PAGE_TABLES  = 9, /* the page tables active at kernel entry */
    KS_MEM_KERNEL       = 10 /* kernel segments as loaded */
};

struct ks_mem_region {
    uint64_t base;
    uint64_t length;
    uint32_t type;   /* enum ks_mem_type */
    uint32_t pad;
};

enum ks_module_kind {
    KS_MODULE_OTHER  = 0,
    KS_MODULE_KERNEL = 1, /* GRUB string "kernel" */
    KS_MODULE_INITRD = 2  /* GRUB string "initrd" */
};

struct ks_module {
    uint64_t base;                  /* physical start */
    uint64_t size;                  /* bytes */
    uint32_t kind;                  /* enum ks_module_kind */
    uint32_t pad;
    char     name[KS_BOOT_NAME_LEN]; /* GRUB module string, NUL-terminated, truncated */
};

enum ks_fb_type {
    KS_FB_NONE     = 0, /* no screen known: serial only */
    KS_FB_RGB      = 1, /* linear direct-colour framebuffer */
    KS_FB_VGA_TEXT = 2  /* EGA/VGA text mode at 0xB8000 (BIOS only) */
};

struct ks_framebuffer {
    uint64_t base;      /* physical address */
    uint32_t width;     /* pixels, or text columns */
    uint32_t height;    /* pixels, or text rows */
    uint32_t pitch;     /* bytes per scan line / text row */
    uint8_t  bpp;       /* bits per pixel (16 for VGA text) */
    uint8_t  type;      /* enum ks_fb_type */
    uint8_t  red_pos, red_size;
    uint8_t  green_pos, green_size;
    uint8_t  blue_pos, blue_size;
    uint32_t pad;       /* keeps the size a multiple of 8 under -m32 too */
};

enum ks_firmware {
    KS_FW_BIOS = 1,
    KS_FW_UEFI = 2  /* GRUB passed an EFI system table or EFI memory map tag */
};

struct ks_boot_info {
    uint64_t magic;          /* KS_BOOT_INFO_MAGIC */
    uint32_t version;        /* KS_BOOT_INFO_VERSION */
    uint32_t size;           /* sizeof(struct ks_boot_info) */

    uint64_t loader_entry_tsc;  /* RDTSC at the first loader instruction that can run it */
    uint64_t kernel_entry_tsc;  /* RDTSC just before the jump to the kernel */

    uint64_t direct_map_base;   /* KS_DIRECT_MAP_BASE */
    uint64_t direct_map_size;   /* bytes of physical space mapped there (multiple of 2 MiB) */
    uint64_t pml4_phys;         /* active CR3 at kernel entry */

    uint64_t loader_phys_base;  /* loader image [base, end) */
    uint64_t loader_phys_end;
    uint64_t kernel_phys_base;  /* lowest physical byte of loaded kernel segments */
    uint64_t kernel_phys_end;   /* one past the highest */
    uint64_t kernel_virt_base;  /* lowest virtual address of kernel segments */
    uint64_t kernel_entry;      /* ELF entry point (virtual) */

    uint32_t firmware;          /* enum ks_firmware */
    uint32_t mem_count;
    uint32_t module_count;
    uint32_t rsdp_length;       /* bytes valid in rsdp[]: 20 (ACPI 1.0) or 36 (2.0+); 0 = none */
    uint64_t rsdp_phys;         /* where GRUB's copy sat (informational; may be reused) */
    uint8_t  rsdp[40];          /* copy of the RSDP */

    uint64_t efi_system_table;  /* physical, 0 when booted from BIOS */
    uint64_t efi_mmap_entries;  /* EFI memory descriptors GRUB reported (0 when none) */

    struct ks_framebuffer framebuffer;

    char     cmdline[KS_BOOT_CMDLINE_LEN]; /* kernel command line, NUL-terminated */
    char     loader_name[KS_BOOT_NAME_LEN]; /* e.g. "GRUB 2.06" */

    struct ks_module     modules[KS_BOOT_MAX_MODULES];
    struct ks_mem_region mem[KS_BOOT_MAX_MEM];
};

/* The loader (-m32) and the kernel (-m64) must agree byte for byte:
 * i386 aligns uint64_t to 4 inside structs, so every struct here is
 * padded by hand to a multiple of 8 and these checks catch a slip. */
_Static_assert(sizeof(struct ks_mem_region) == 24, "ks_mem_region layout");
_Static_assert(sizeof(struct ks_module) == 88, "ks_module layout");
_Static_assert(sizeof(struct ks_framebuffer) == 32, "ks_framebuffer layout");
_Static_assert(sizeof(struct ks_boot_info) == 7640, "ks_boot_info layout");
_Static_assert(__builtin_offsetof(struct ks_boot_info, framebuffer) == 184, "framebuffer offset");
_Static_assert(__builtin_offsetof(struct ks_boot_info, mem) == 1496, "mem offset");

#endif /* KESTREL_ABI_BOOT_INFO_H */
