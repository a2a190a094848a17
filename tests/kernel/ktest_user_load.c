/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of building a user half (kernel/proc/user_load.c) in
 * a fresh address space with real frames: a small ELF made here as
 * bytes loads with each segment's permissions and bytes (bss zero), a
 * refused or colliding image leaves the space as it was, stacks keep
 * their guard page free and refuse a taken range, the start frame reads
 * back as kestrel/syscall.h lays it out (through vm_translate and the
 * direct map, across a page boundary), and releasing the space returns
 * every user frame and every table but the root.  Every test frees
 * every frame it took (the runner checks the PMM's free count).
 */
#include <stdbool.h>
#include "kestrel/errors.h"
#include "kestrel/syscall.h"
#include "ktest/ktest.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "proc/user_layout.h"
#include "proc/user_load.h"

#define TEXT_VA   0x400000ULL     /* R+X, 2 pages from offset 0 */
#define RODATA_VA 0x402000ULL     /* R, 1 page from 0x2000 */
#define DATA_VA   0x403000ULL     /* R+W, 0x40 file bytes, 3 pages */
#define ENTRY_VA  (TEXT_VA + 0x100)
#define ELF_BYTES 0x3040u
#define ELF_PAGES 6u

static uint8_t elf_image[0x4000];

static void put(uint64_t off, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        elf_image[off + i] = (uint8_t)(value >> (8 * i));
}

static void put_phdr(unsigned i, uint32_t flags, uint64_t off, uint64_t vaddr, uint64_t filesz,
                     uint64_t memsz)
{
    uint64_t p = 64 + 56 * (uint64_t)i;
    put(p, 1, 4);                  /* PT_LOAD */
    put(p + 4, flags, 4);
    put(p + 8, off, 8);
    put(p + 16, vaddr, 8);
    put(p + 24, vaddr, 8);
    put(p + 32, filesz, 8);
    put(p + 40, memsz, 8);
    put(p + 48, 0x1000, 8);
}

static uint8_t file_byte(uint64_t off)
{
    return (uint8_t)(off * 7 + 3);
}

static void make_elf(void)
{
    memset(elf_image, 0, sizeof(elf_image));
    for (uint64_t off = 0x100; off < ELF_BYTES; off++)
        elf_image[off] = file_byte(off);
    memcpy(elf_image, "\x7f" "ELF", 4);
    elf_image[4] = 2;
    elf_image[5] = 1;
    elf_image[6] = 1;
    put(16, 2, 2);
    put(18, 62, 2);
    put(20, 1, 4);
    put(24, ENTRY_VA, 8);
    put(32, 64, 8);
    put(52, 64, 2);
    put(54, 56, 2);
    put(56, 3, 2);
    put_phdr(0, 5, 0, TEXT_VA, 0x1200, 0x1200);           /* R+X */
    put_phdr(1, 4, 0x2000, RODATA_VA, 0x80, 0x80);        /* R */
    put_phdr(2, 6, 0x3000, DATA_VA, 0x40, 0x2100);        /* R+W */
}

static uint64_t user_frames_owned(void)
{
    struct pmm_stats stats;
    pmm_get_stats(&stats);
    return stats.owned[PMM_OWNER_USER];
}

/* len bytes of space's user memory at va, read through the direct map. */
static int read_user(struct vm_space *space, uintptr_t va, void *out, size_t len)
{
    uint8_t *to = out;
    while (len) {
        size_t chunk = PAGE_SIZE - va % PAGE_SIZE;
        if (chunk > len)
            chunk = len;
        phys_addr_t pa;
        if (vm_translate(space, va, &pa, NULL) < 0)
            return -KS_ERR_NOT_FOUND;
        memcpy(to, phys_to_virt(pa), chunk);
        to += chunk;
        va += chunk;
        len -= chunk;
    }
    return 0;
}

static bool has_flags(struct vm_space *space, uintptr_t va, unsigned want)
{
    unsigned flags;
    return vm_translate(space, va, NULL, &flags) == 0 && flags == want;
}

static bool unmapped(struct vm_space *space, uintptr_t va)
{
    return vm_translate(space, va, NULL, NULL) == -KS_ERR_NOT_FOUND;
}

/* Every byte of the loaded image: file bytes where the file has them,
 * zero elsewhere (the text's first 0x100 bytes are the headers). */
static const char *check_image_bytes(struct vm_space *space)
{
    static const struct { uint64_t va, off, filesz, pages; } segs[] = {
        { TEXT_VA, 0, 0x1200, 2 }, { RODATA_VA, 0x2000, 0x80, 1 }, { DATA_VA, 0x3000, 0x40, 3 },
    };
    static uint8_t page[PAGE_SIZE];
    for (unsigned s = 0; s < 3; s++) {
        for (uint64_t p = 0; p < segs[s].pages; p++) {
            if (read_user(space, segs[s].va + p * PAGE_SIZE, page, PAGE_SIZE) < 0)
                return "segment page not mapped";
            for (uint64_t i = 0; i < PAGE_SIZE; i++) {
                uint64_t rel = p * PAGE_SIZE + i;
                uint8_t want = rel < segs[s].filesz ? elf_image[segs[s].off + rel] : 0;
                if (page[i] != want)
                    return "segment bytes differ from the file (or bss not zero)";
            }
        }
    }
    return NULL;
}

KTEST(user_load_elf_maps_segments_with_their_permissions)
{
    make_elf();
    struct vm_space space;
    KTEST_EXPECT(vm_space_init(&space) == 0, "no space");
    uint64_t owned = user_frames_owned();
    uintptr_t entry = 0;
    const char *why = NULL;
    int err = user_load_elf(&space, elf_image, ELF_BYTES, &entry, &why);
    const char *fail = NULL;
    const unsigned rx = VM_READ | VM_EXEC | VM_USER, rw = VM_READ | VM_WRITE | VM_USER;
    if (err < 0)
        fail = why ? why : "load failed";
    else if (entry != ENTRY_VA)
        fail = "wrong entry point";
    else if (!has_flags(&space, TEXT_VA, rx) || !has_flags(&space, TEXT_VA + 0x1000, rx))
        fail = "text is not R+X user";
    else if (!has_flags(&space, RODATA_VA, VM_READ | VM_USER))
        fail = "rodata is not read-only user";
    else if (!has_flags(&space, DATA_VA, rw) || !has_flags(&space, DATA_VA + 0x2000, rw))
        fail = "data is not R+W user";
    else if (!unmapped(&space, TEXT_VA - PAGE_SIZE) || !unmapped(&space, DATA_VA + 0x3000))
        fail = "pages mapped outside the segments";
    else if (user_space_pages(&space) != ELF_PAGES)
        fail = "user_space_pages does not count the image";
    else if (user_frames_owned() != owned + ELF_PAGES)
        fail = "frames not owned by PMM_OWNER_USER";
    if (!fail)
        fail = check_image_bytes(&space);
    user_space_release(&space);
    if (!fail && (user_space_pages(&space) != 0 || user_frames_owned() != owned))
        fail = "release left user frames";
    if (!fail && space.table_frames != 1)
        fail = "release left page tables";
    vm_space_fini(&space);
    return fail;
}

KTEST(user_load_elf_failure_leaves_the_space_as_it_was)
{
    make_elf();
    struct vm_space space;
    KTEST_EXPECT(vm_space_init(&space) == 0, "no space");
    uint64_t owned = user_frames_owned();
    uintptr_t entry = 0;
    const char *why = NULL, *fail = NULL;
    /* A page of the data segment's bss is taken already: the text and
     * rodata mapped before it must go again, the stranger's page stays. */
    if (user_stack_map(&space, DATA_VA + 0x3000, PAGE_SIZE) < 0)
        fail = "could not map the colliding page";
    else if (user_load_elf(&space, elf_image, ELF_BYTES, &entry, &why) != -KS_ERR_EXISTS)
        fail = "load over a mapped page did not fail with EXISTS";
    else if (user_space_pages(&space) != 1 || unmapped(&space, DATA_VA + 0x2000))
        fail = "failed load left pages behind (or took the stranger's)";
    else if (user_frames_owned() != owned + 1)
        fail = "failed load leaked frames";
    user_range_unmap(&space, DATA_VA + 0x2000, PAGE_SIZE);
    /* A corrupt image is refused with its reason and maps nothing. */
    make_elf();
    put_phdr(1, 7, 0x2000, RODATA_VA, 0x80, 0x80);
    why = NULL;
    if (!fail && user_load_elf(&space, elf_image, ELF_BYTES, &entry, &why) != -KS_ERR_CORRUPT)
        fail = "W+X image was not refused";
    if (!fail && (!why || strcmp(why, "writable and executable segment") != 0))
        fail = "refusal does not say why";
    if (!fail && user_space_pages(&space) != 0)
        fail = "refused image mapped pages";
    make_elf();
    if (!fail && user_load_elf(&space, elf_image, 100, &entry, &why) != -KS_ERR_CORRUPT)
        fail = "truncated image was not refused";
    if (!fail && user_load_elf(&space, NULL, 0, &entry, &why) != -KS_ERR_INVALID_ARGUMENT)
        fail = "NULL image was not an invalid argument";
    if (!fail && user_frames_owned() != owned)
        fail = "frames leaked";
    user_space_release(&space);
    vm_space_fini(&space);
    return fail;
}

KTEST(user_stack_map_keeps_its_guard_free)
{
    struct vm_space space;
    KTEST_EXPECT(vm_space_init(&space) == 0, "no space");
    const uintptr_t top = USER_MAIN_STACK_TOP, size = 64 * 1024, base = top - size;
    const unsigned rw = VM_READ | VM_WRITE | VM_USER;
    const char *fail = NULL;
    static uint8_t page[PAGE_SIZE];
    if (user_stack_map(&space, top, size) < 0)
        fail = "stack map failed";
    else if (!has_flags(&space, base, rw) || !has_flags(&space, top - PAGE_SIZE, rw))
        fail = "stack pages are not R+W user";
    else if (!unmapped(&space, base - PAGE_SIZE) || !unmapped(&space, top))
        fail = "guard below (or the page above) is mapped";
    else if (user_space_pages(&space) != size / PAGE_SIZE)
        fail = "wrong page count";
    else if (read_user(&space, top - PAGE_SIZE, page, PAGE_SIZE) < 0)
        fail = "top page unreadable";
    for (size_t i = 0; !fail && i < PAGE_SIZE; i++)
        if (page[i])
            fail = "stack page not zeroed";
    /* The same range again; a stack whose guard would be this stack's
     * top page; one just above, whose guard is the free page at top. */
    if (!fail && user_stack_map(&space, top, size) != -KS_ERR_EXISTS)
        fail = "a taken range was mapped twice";
    if (!fail && user_stack_map(&space, top + 16 * 1024, 16 * 1024) != -KS_ERR_EXISTS)
        fail = "a guard over a mapped page was accepted";
    if (!fail && user_stack_map(&space, top + 20 * 1024, 16 * 1024) != 0)
        fail = "a stack above a free guard was refused";
    if (!fail && (user_stack_map(&space, top + 1, PAGE_SIZE) != -KS_ERR_INVALID_ARGUMENT ||
                  user_stack_map(&space, top, 0) != -KS_ERR_INVALID_ARGUMENT ||
                  user_stack_map(&space, VM_USER_TOP, PAGE_SIZE) != -KS_ERR_INVALID_ARGUMENT ||
                  user_stack_map(&space, PAGE_SIZE, PAGE_SIZE) != -KS_ERR_INVALID_ARGUMENT))
        fail = "bad stack arguments were not refused";
    /* Unmap a range wider than the upper stack: holes are skipped. */
    user_range_unmap(&space, top, 64 * 1024);
    if (!fail && user_space_pages(&space) != size / PAGE_SIZE)
        fail = "range unmap took the wrong pages";
    user_range_unmap(&space, base, size);
    if (!fail && (user_space_pages(&space) != 0 || space.table_frames != 1))
        fail = "range unmap left pages or tables";
    vm_space_fini(&space);
    return fail;
}

/* Reads the start frame at sp back and compares it with what was given. */
static const char *check_start_frame(struct vm_space *space, uintptr_t sp, uintptr_t top,
                                     const char *const *argv, uint32_t argc)
{
    uint64_t word;
    static char text[KS_ARG_BYTES_MAX];
    if (sp % 16 || sp >= top)
        return "stack pointer misaligned or above the top";
    if (read_user(space, sp, &word, 8) < 0 || word != argc)
        return "argc wrong";
    for (uint32_t i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]) + 1;
        if (read_user(space, sp + 8 + 8 * i, &word, 8) < 0 || word <= sp || word + len > top)
            return "argv pointer outside the frame";
        if (read_user(space, word, text, len) < 0 || memcmp(text, argv[i], len) != 0)
            return "argv string wrong";
    }
    if (read_user(space, sp + 8 + 8 * argc, &word, 8) < 0 || word != 0)
        return "no NULL after argv";
    if (read_user(space, sp + 16 + 8 * argc, &word, 8) < 0 || word % 8 ||
        word + sizeof(struct ks_start_info) > top)
        return "info pointer wrong";
    struct ks_start_info block;
    if (read_user(space, word, &block, sizeof(block)) < 0)
        return "info block unreadable";
    if (block.magic != KS_START_INFO_MAGIC || block.pid != 42 || block.tid != 43 ||
        block.stack_size != USER_MAIN_STACK_SIZE || block.cycles_khz != 1234)
        return "info block wrong";
    return NULL;
}

KTEST(user_stack_start_frame_reads_back_as_the_abi_says)
{
    struct vm_space space;
    KTEST_EXPECT(vm_space_init(&space) == 0, "no space");
    const uintptr_t top = USER_MAIN_STACK_TOP;
    static char long_arg[4000];
    memset(long_arg, 'k', sizeof(long_arg) - 1);
    const char *const argv[] = { "init", "hello world", "", long_arg };
    const struct ks_start_info info = {
        .pid = 42, .tid = 43, .page_size = PAGE_SIZE, .stack_base = top - USER_MAIN_STACK_SIZE,
        .stack_size = USER_MAIN_STACK_SIZE, .cpus = 1, .cycles_khz = 1234,
    };
    uintptr_t sp = 0;
    const char *fail = NULL;
    if (user_stack_map(&space, top, USER_MAIN_STACK_SIZE) < 0)
        fail = "stack map failed";
    else if (user_stack_start_frame(&space, top, argv, 3, &info, &sp) < 0)
        fail = "small frame refused";
    else
        fail = check_start_frame(&space, sp, top, argv, 3);
    /* The long argument pushes the frame across a page boundary. */
    if (!fail && user_stack_start_frame(&space, top, argv, 4, &info, &sp) < 0)
        fail = "page-crossing frame refused";
    if (!fail && sp >= top - PAGE_SIZE)
        fail = "frame did not cross a page";
    if (!fail)
        fail = check_start_frame(&space, sp, top, argv, 4);
    if (!fail && user_stack_start_frame(&space, top, argv, 0, &info, &sp) == 0)
        fail = check_start_frame(&space, sp, top, argv, 0);
    /* Too many arguments, too many bytes, no stack mapped there. */
    static const char *many[KS_ARGV_MAX + 1];
    for (unsigned i = 0; i <= KS_ARGV_MAX; i++)
        many[i] = "x";
    static char huge[KS_ARG_BYTES_MAX + 1];
    memset(huge, 'h', KS_ARG_BYTES_MAX);
    const char *const too_long[] = { huge };
    if (!fail && user_stack_start_frame(&space, top, many, KS_ARGV_MAX + 1, &info, &sp) !=
                     -KS_ERR_INVALID_ARGUMENT)
        fail = "too many arguments accepted";
    if (!fail && user_stack_start_frame(&space, top, too_long, 1, &info, &sp) !=
                     -KS_ERR_INVALID_ARGUMENT)
        fail = "too many argument bytes accepted";
    if (!fail && user_stack_start_frame(&space, 0x10000000, argv, 1, &info, &sp) !=
                     -KS_ERR_INVALID_ARGUMENT)
        fail = "frame written where no stack is";
    user_space_release(&space);
    vm_space_fini(&space);
    return fail;
}

KTEST(user_space_release_returns_every_frame)
{
    make_elf();
    uint64_t free_before = pmm_free_count(), owned = user_frames_owned();
    struct vm_space space;
    KTEST_EXPECT(vm_space_init(&space) == 0, "no space");
    uintptr_t entry, sp;
    const char *why;
    const char *const argv[] = { "init" };
    const struct ks_start_info info = { .pid = 1 };
    const char *fail = NULL;
    if (user_load_elf(&space, elf_image, ELF_BYTES, &entry, &why) < 0 ||
        user_stack_map(&space, USER_MAIN_STACK_TOP, USER_MAIN_STACK_SIZE) < 0 ||
        user_stack_map(&space, USER_THREAD_STACK_BASE + USER_THREAD_SLOT_SIZE,
                       KS_THREAD_STACK_SIZE) < 0 ||
        user_stack_start_frame(&space, USER_MAIN_STACK_TOP, argv, 1, &info, &sp) < 0)
        fail = "building the user half failed";
    uint64_t pages = ELF_PAGES + (USER_MAIN_STACK_SIZE + KS_THREAD_STACK_SIZE) / PAGE_SIZE;
    if (!fail && (user_space_pages(&space) != pages || user_frames_owned() != owned + pages))
        fail = "wrong page count";
    user_space_release(&space);
    if (!fail && (user_space_pages(&space) != 0 || user_frames_owned() != owned))
        fail = "release left user frames";
    if (!fail && space.table_frames != 1)
        fail = "release left page tables";
    vm_space_fini(&space);
    if (!fail && pmm_free_count() != free_before)
        fail = "frames leaked";
    return fail;
}
