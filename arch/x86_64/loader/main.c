/* SPDX-License-Identifier: MIT */
/*
 * Kestrel loader stub, C part: entered from entry.asm with the Multiboot2
 * magic and information address, it checks the CPU and GRUB's data,
 * loads the kernel ELF64, builds the page tables and struct
 * ks_boot_info, then hands over to entry.asm's long-mode switch.  Each
 * refusal goes through loader_fatal() with the reason spelled out.
 *
 * Order matters: everything is read out of the Multiboot2 structure and
 * the modules are reserved before the first frame is allocated, since
 * GRUB may have put them anywhere in usable RAM below 4 GiB.
 * Single-threaded, interrupts off, paging off throughout.
 */
#include "loader.h"
#include "memmap.h"

#define LOADER_MAX_RAW       512
#define LOADER_MAX_HANDOVER  64
#define LOADER_MAX_INPUT     (LOADER_MAX_RAW + LOADER_MAX_HANDOVER)
#define DIRECT_MAP_MIN       0x100000000ULL
#define DIRECT_MAP_MAX       (64ULL << 40) /* half the window below the kernel */
#define PAGE_2M              0x200000ULL

uint64_t loader_entry_tsc;

static struct ks_boot_info boot_info __attribute__((aligned(4096)));
static struct mb2_info mb;
static struct palloc pa;
static struct elf_kernel kernel;
static struct loader_handoff handoff;
static struct ks_mem_region raw[LOADER_MAX_INPUT];
static struct ks_mem_region firmware_map[LOADER_MAX_RAW];
static size_t firmware_count;
static struct ks_mem_region handover[LOADER_MAX_HANDOVER];
static size_t handover_count;
static struct memmap_point scratch[MEMMAP_SCRATCH_ENTRIES(LOADER_MAX_INPUT)];

void loader_note_range(uint64_t base, uint64_t length, uint32_t type)
{
    if (handover_count > 0) {
        struct ks_mem_region *last = &handover[handover_count - 1];
        if (last->type == type && last->base + last->length == base) {
            last->length += length;
            return;
        }
    }
    if (handover_count == LOADER_MAX_HANDOVER)
        loader_fatal("too many separate ranges to hand over (more than %u)",
                     LOADER_MAX_HANDOVER);
    handover[handover_count++] = (struct ks_mem_region){ base, length, type, 0 };
}

static void copy_string(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src != NULL && src[i] != 0 && i + 1 < size; i++)
        dst[i] = src[i];
    dst[i] = 0;
}

static bool first_word_is(const char *s, const char *word)
{
    while (*s == ' ')
        s++;
    for (; *word != 0; s++, word++)
        if (*s != *word)
            return false;
    return *s == 0 || *s == ' ';
}

/* A module's kind comes from the first word of its GRUB string. */
static uint32_t module_kind(const char *name)
{
    if (first_word_is(name, "kernel"))
        return KS_MODULE_KERNEL;
    if (first_word_is(name, "initrd"))
        return KS_MODULE_INITRD;
    return KS_MODULE_OTHER;
}

/* Kernel and initrd first, so a long module list never pushes them out. */
static void take_modules(void)
{
    static const uint32_t order[] = { KS_MODULE_KERNEL, KS_MODULE_INITRD, KS_MODULE_OTHER };
    for (unsigned k = 0; k < 3; k++)
        for (uint32_t i = 0; i < mb.module_count; i++) {
            const struct mb2_module *m = &mb.modules[i];
            if (module_kind(m->name) != order[k])
                continue;
            if (boot_info.module_count == KS_BOOT_MAX_MODULES) {
                loader_log("warning: module \"%s\" dropped (more than %u modules)",
                           m->name, KS_BOOT_MAX_MODULES);
                continue;
            }
            struct ks_module *out = &boot_info.modules[boot_info.module_count++];
            out->base = m->start;
            out->size = m->end - m->start;
            out->kind = order[k];
            copy_string(out->name, sizeof(out->name), m->name);
        }
    if (boot_info.module_count == 0 || boot_info.modules[0].kind != KS_MODULE_KERNEL)
        loader_fatal("no boot module named \"kernel\" (grub.cfg needs: "
                     "module2 /boot/kernel.elf kernel)");
}

static void take_memory_map(void)
{
    size_t dropped;
    size_t n = mb2_raw_regions(&mb, raw, LOADER_MAX_RAW, &dropped);
    if (dropped != 0)
        loader_log("warning: %u firmware memory regions past the first %u ignored",
                   (uint32_t)dropped, LOADER_MAX_RAW);
    if (n == 0 && mb.has_meminfo) {
        loader_log("warning: no memory map from GRUB; using basic memory info");
        raw[n++] = (struct ks_mem_region){ 0, (uint64_t)mb.mem_lower_kib << 10, KS_MEM_USABLE, 0 };
        raw[n++] = (struct ks_mem_region){ 0x100000, (uint64_t)mb.mem_upper_kib << 10,
                                           KS_MEM_USABLE, 0 };
    }
    if (n == 0)
        loader_fatal("GRUB passed no memory map (no memory map, EFI memory map or basic "
                     "memory information tag)");
    struct memmap_stats st;
    firmware_count = memmap_normalise(raw, n, firmware_map, LOADER_MAX_RAW, scratch, &st);
    if (memmap_usable_bytes(firmware_map, firmware_count) == 0)
        loader_fatal("the firmware memory map has no usable RAM");
}

static void reserve_boot_inputs(uint32_t info_phys)
{
    palloc_init(&pa, firmware_map, firmware_count);
    palloc_reserve(&pa, (uintptr_t)__loader_start, (uintptr_t)__loader_end);
    palloc_reserve(&pa, info_phys, (uint64_t)info_phys + mb.total_size);
    for (uint32_t i = 0; i < mb.module_count; i++)
        palloc_reserve(&pa, mb.modules[i].start, mb.modules[i].end);
    if (mb.has_fb)
        palloc_reserve(&pa, mb.fb_addr, mb.fb_addr + (uint64_t)mb.fb_pitch * mb.fb_height);
}

static void *phys_to_ptr(uint64_t phys)
{
    return (void *)(uintptr_t)phys;
}

static void load_kernel(void)
{
    const struct ks_module *m = &boot_info.modules[0];
    const uint8_t *image = (const uint8_t *)(uintptr_t)m->base;
    struct elf_error err;
    enum elf_status st = elf_validate(image, m->size, &kernel, &err);
    if (st == ELF_OK)
        st = elf_load(image, &kernel, &pa, phys_to_ptr);
    if (st != ELF_OK && err.phdr != ~0u && st != ELF_ERR_NO_MEMORY)
        loader_fatal("module \"kernel\" %s (program header %u, value 0x%llx)",
                     elf_status_message(st), err.phdr, err.value);
    if (st != ELF_OK)
        loader_fatal("module \"kernel\" %s (%llu bytes at 0x%llx)", elf_status_message(st),
                     m->size, m->base);
    for (uint32_t i = 0; i < kernel.seg_count; i++)
        loader_note_range(kernel.seg[i].phys,
                          (kernel.seg[i].memsz + 0xfff) & ~0xfffULL, KS_MEM_KERNEL);
}

static void fill_framebuffer(void)
{
    struct ks_framebuffer *fb = &boot_info.framebuffer;
    if (!mb.has_fb || (mb.fb_type != MB2_FB_RGB && mb.fb_type != MB2_FB_EGA_TEXT)) {
        fb->type = KS_FB_NONE;
        return;
    }
    *fb = (struct ks_framebuffer){
        .base = mb.fb_addr, .width = mb.fb_width, .height = mb.fb_height,
        .pitch = mb.fb_pitch, .bpp = mb.fb_bpp,
        .type = mb.fb_type == MB2_FB_RGB ? KS_FB_RGB : KS_FB_VGA_TEXT,
        .red_pos = mb.fb_red_pos, .red_size = mb.fb_red_size,
        .green_pos = mb.fb_green_pos, .green_size = mb.fb_green_size,
        .blue_pos = mb.fb_blue_pos, .blue_size = mb.fb_blue_size,
    };
    if (fb->type == KS_FB_VGA_TEXT)
        fb->bpp = 16;
    loader_note_range(fb->base, (uint64_t)fb->pitch * fb->height, KS_MEM_FRAMEBUFFER);
}

static void fill_boot_info(void)
{
    struct ks_boot_info *bi = &boot_info;
    bi->magic = KS_BOOT_INFO_MAGIC;
    bi->version = KS_BOOT_INFO_VERSION;
    bi->size = sizeof(*bi);
    bi->loader_entry_tsc = loader_entry_tsc;
    bi->direct_map_base = KS_DIRECT_MAP_BASE;
    bi->loader_phys_base = (uintptr_t)__loader_start;
    bi->loader_phys_end = (uintptr_t)__loader_end;
    bi->firmware = mb.has_efi_system_table || mb.efi_mmap != NULL ? KS_FW_UEFI : KS_FW_BIOS;
    bi->efi_system_table = mb.efi_system_table;
    bi->efi_mmap_entries = mb.efi_mmap_count;
    if (mb.rsdp != NULL) {
        bi->rsdp_length = mb.rsdp_length;
        bi->rsdp_phys = (uintptr_t)mb.rsdp;
        for (uint32_t i = 0; i < mb.rsdp_length; i++)
            bi->rsdp[i] = mb.rsdp[i];
    }
    copy_string(bi->cmdline, sizeof(bi->cmdline), mb.cmdline);
    copy_string(bi->loader_name, sizeof(bi->loader_name), mb.loader_name);
    fill_framebuffer();
}

/* The direct map reaches every non-reserved byte, and at least 4 GiB. */
static uint64_t direct_map_size(void)
{
    uint64_t top = memmap_top(firmware_map, firmware_count);
    if (boot_info.framebuffer.type != KS_FB_NONE) {
        const struct ks_framebuffer *fb = &boot_info.framebuffer;
        uint64_t end = fb->base + (uint64_t)fb->pitch * fb->height;
        if (end > top)
            top = end;
    }
    if (top < DIRECT_MAP_MIN)
        top = DIRECT_MAP_MIN;
    if (top > DIRECT_MAP_MAX)
        loader_fatal("physical memory reaches 0x%llx, beyond the %llu TiB the direct map "
                     "can cover", top, DIRECT_MAP_MAX >> 40);
    return (top + PAGE_2M - 1) & ~(PAGE_2M - 1);
}

static void build_final_map(void)
{
    size_t n = 0;
    for (size_t i = 0; i < firmware_count; i++)
        raw[n++] = firmware_map[i];
    for (uint32_t i = 0; i < boot_info.module_count; i++)
        raw[n++] = (struct ks_mem_region){ boot_info.modules[i].base,
                                           boot_info.modules[i].size, KS_MEM_MODULE, 0 };
    raw[n++] = (struct ks_mem_region){ boot_info.loader_phys_base,
        boot_info.loader_phys_end - boot_info.loader_phys_base, KS_MEM_BOOT_DATA, 0 };
    for (size_t i = 0; i < handover_count; i++)
        raw[n++] = handover[i];
    struct memmap_stats st;
    boot_info.mem_count = (uint32_t)memmap_normalise(raw, n, boot_info.mem, KS_BOOT_MAX_MEM,
                                                     scratch, &st);
    if (st.lost != 0)
        loader_fatal("the memory map needs more than %u regions for what the loader "
                     "hands over", KS_BOOT_MAX_MEM);
    if (st.dropped != 0)
        loader_log("warning: memory map has %u regions; dropped the %u smallest firmware "
                   "regions to fit %u", (uint32_t)st.needed, (uint32_t)st.dropped,
                   KS_BOOT_MAX_MEM);
}

static void check_boot_input(uint32_t magic, uint32_t info_phys)
{
    if (magic != MB2_BOOT_MAGIC)
        loader_fatal("not started by a Multiboot2 boot loader (EAX=0x%x, expected 0x%x); "
                     "boot Kestrel with GRUB 2's multiboot2 command", magic, MB2_BOOT_MAGIC);
    struct mb2_error err;
    enum mb2_status st = mb2_parse((const void *)(uintptr_t)info_phys, &mb, &err);
    if (st != MB2_OK)
        loader_fatal("the Multiboot2 information at 0x%x is malformed: %s (tag type %u at "
                     "offset %u, size %u)", info_phys, mb2_status_message(st), err.type,
                     err.offset, err.size);
    bool bios = !mb.has_efi_system_table && mb.efi_mmap == NULL;
    console_use_screen(&mb, bios);
    console_set_exit_on_fatal(mb2_cmdline_has_word(mb.cmdline, "exit") ||
                              mb2_cmdline_has_word(mb.cmdline, "ktest"));
}

_Noreturn void loader_main(uint32_t magic, uint32_t info_phys);

_Noreturn void loader_main(uint32_t magic, uint32_t info_phys)
{
    console_init_serial();
    check_boot_input(magic, info_phys);
    bool has_pge;
    const char *why = cpu_check(&has_pge);
    if (why != NULL)
        loader_fatal("%s", why);
    take_modules();
    take_memory_map();
    reserve_boot_inputs(info_phys);
    fill_boot_info();
    loader_log("%s firmware, boot loader \"%s\", %u modules",
               boot_info.firmware == KS_FW_UEFI ? "UEFI" : "BIOS",
               mb.loader_name ? mb.loader_name : "unknown", boot_info.module_count);
    load_kernel();
    boot_info.kernel_phys_base = kernel.phys_base;
    boot_info.kernel_phys_end = kernel.phys_end;
    boot_info.kernel_virt_base = kernel.virt_base;
    boot_info.kernel_entry = kernel.entry;
    boot_info.direct_map_size = direct_map_size();
    why = paging_build(&pa, &kernel, boot_info.direct_map_size, has_pge, &boot_info.pml4_phys);
    if (why != NULL)
        loader_fatal("%s", why);
    build_final_map();
    loader_log("memory: %u regions, %llu MiB usable, direct map %llu MiB",
               boot_info.mem_count, memmap_usable_bytes(boot_info.mem, boot_info.mem_count) >> 20,
               boot_info.direct_map_size >> 20);
    loader_log("kernel: %u segments at 0x%llx-0x%llx, entry 0x%llx", kernel.seg_count,
               kernel.phys_base, kernel.phys_end, kernel.entry);
    handoff = (struct loader_handoff){
        .kernel_entry = kernel.entry,
        .boot_info_virt = KS_DIRECT_MAP_BASE + (uintptr_t)&boot_info,
        .pml4_phys = (uint32_t)boot_info.pml4_phys,
        .cr4_bits = (1u << 5) | (has_pge ? 1u << 7 : 0), /* CR4.PAE, CR4.PGE */
        .stack_top = (uintptr_t)loader_stack_top,
        .entry_tsc_phys = (uintptr_t)&boot_info +
                          offsetof(struct ks_boot_info, kernel_entry_tsc),
    };
    loader_enter_kernel(&handoff);
}
