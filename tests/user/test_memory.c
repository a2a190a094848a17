/* SPDX-License-Identifier: MIT */
/*
 * Memory objects: creation and its limits, memory_read/memory_write
 * bounds and bad buffers, the rights a mapping needs (MAP, and READ,
 * WRITE, EXECUTE for its protection; never write and execute at once),
 * zero-fill on demand (a page is committed by its first touch or write,
 * not by the mapping), protect never wider than the handle allowed,
 * whole-mapping unmap and protect, faults on unmapped or forbidden
 * pages ending only the child that made them, one object shared by two
 * processes both ways, an object outliving its handle while mapped and
 * outliving the death of a process that mapped it (its pages are not
 * freed with that process), every frame back once all is closed, and
 * the physical objects made from the boot resource and the initramfs.
 */
#include "usertest.h"

#define PAGE 4096ull
#define RW (KS_PROT_READ | KS_PROT_WRITE)
#define CHILD_TIMEOUT (30000 * NS_PER_MS)

static uint64_t free_frames(void)
{
    struct ks_mem_info info;
    CHECK_EQ(ks_sys_mem_info(&info), 0);
    return info.free_frames;
}

static struct ks_memory_info memory_info(int64_t mem)
{
    struct ks_memory_info info;
    memset(&info, 0, sizeof(info));
    CHECK_EQ(ks_memory_info(mem, &info), 0);
    return info;
}

static volatile uint64_t *words_at(int64_t address)
{
    return (volatile uint64_t *)(uintptr_t)address;
}

TEST(memory_create_sizes_and_rights)
{
    CHECK_EQ(ks_memory_create(0), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_create(KS_MEMORY_SIZE_MAX + 1), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_create(~0ull), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_syscall3(KS_SYS_MEMORY_CREATE, PAGE, 1, 0), -KS_ERR_INVALID_ARGUMENT);
    int64_t mem = ks_memory_create(1);
    CHECK(mem > 0);
    struct ks_memory_info info = memory_info(mem);
    CHECK_EQ(info.size, PAGE);
    CHECK_EQ(info.kind, KS_MEMORY_ANONYMOUS);
    CHECK_EQ(info.committed_pages, 0);
    CHECK_EQ(info.mappings, 0);
    CHECK_EQ(info.phys_base, 0);
    struct ks_handle_info hi;
    CHECK_EQ(ks_sys_handle_info(mem, &hi), 0);
    CHECK_EQ(hi.type, KS_OBJECT_MEMORY);
    CHECK_EQ(hi.rights, KS_RIGHT_READ | KS_RIGHT_WRITE | KS_RIGHT_MAP | KS_RIGHT_DUPLICATE |
                        KS_RIGHT_TRANSFER | KS_RIGHT_MANAGE);
    /* The largest size is accepted without committing anything. */
    int64_t big = ks_memory_create(KS_MEMORY_SIZE_MAX);
    CHECK(big > 0 || big == -KS_ERR_NO_MEMORY);
    if (big > 0) {
        CHECK_EQ(memory_info(big).committed_pages, 0);
        CHECK_EQ(ks_sys_handle_close(big), 0);
    }
    for (unsigned i = 0; i < BAD_POINTER_COUNT; i++)
        check_fault("memory_info", bad_pointers[i], ks_memory_info(mem, (void *)bad_pointers[i]));
    CHECK_EQ(ks_sys_handle_close(mem), 0);
    CHECK_EQ(ks_memory_info(mem, &info), -KS_ERR_BAD_HANDLE);
}

TEST(memory_read_write_bounds_and_rights)
{
    int64_t mem = ks_memory_create(2 * PAGE);
    CHECK(mem > 0);
    static char buf[64];
    memset(buf, 0x5a, sizeof(buf));
    /* Reads of pages never written give zeros and commit nothing. */
    CHECK_EQ(ks_memory_read(mem, PAGE - 8, buf, 16), 0);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(buf[i], 0);
    CHECK_EQ(memory_info(mem).committed_pages, 0);
    /* A write across the page boundary commits both pages. */
    memcpy(buf, "kestrel memory objects", 23);
    CHECK_EQ(ks_memory_write(mem, PAGE - 8, buf, 23), 0);
    CHECK_EQ(memory_info(mem).committed_pages, 2);
    static char back[64];
    CHECK_EQ(ks_memory_read(mem, PAGE - 8, back, 23), 0);
    CHECK_EQ(memcmp(back, "kestrel memory objects", 23), 0);
    /* Out of range: past the end, ending past it, wrapping. */
    CHECK_EQ(ks_memory_write(mem, 2 * PAGE - 4, buf, 8), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_read(mem, 2 * PAGE + 1, buf, 1), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_read(mem, ~0ull, buf, 2), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_read(mem, 8, buf, ~0ull - 4), -KS_ERR_FAULT);
    CHECK_EQ(ks_memory_read(mem, 0, buf, 0), 0);
    for (unsigned i = 0; i < BAD_POINTER_COUNT; i++) {
        check_fault("memory_read", bad_pointers[i],
                    ks_memory_read(mem, 0, (void *)bad_pointers[i], 8));
        check_fault("memory_write", bad_pointers[i],
                    ks_memory_write(mem, 0, (const void *)bad_pointers[i], 8));
    }
    /* Rights: READ for read, WRITE for write; type; closed handles. */
    int64_t read_only = ks_sys_handle_duplicate(mem, KS_RIGHT_READ);
    int64_t write_only = ks_sys_handle_duplicate(mem, KS_RIGHT_WRITE);
    CHECK(read_only > 0 && write_only > 0);
    CHECK_EQ(ks_memory_read(read_only, 0, buf, 8), 0);
    CHECK_EQ(ks_memory_write(read_only, 0, buf, 8), -KS_ERR_DENIED);
    CHECK_EQ(ks_memory_write(write_only, 0, buf, 8), 0);
    CHECK_EQ(ks_memory_read(write_only, 0, buf, 8), -KS_ERR_DENIED);
    CHECK_EQ(ks_memory_info(write_only, &(struct ks_memory_info){ 0 }), -KS_ERR_DENIED);
    int64_t n = ks_sys_notification_create();
    CHECK_EQ(ks_memory_read(n, 0, buf, 8), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_memory_write(n, 0, buf, 8), -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    CHECK_EQ(ks_sys_handle_close(read_only), 0);
    CHECK_EQ(ks_sys_handle_close(write_only), 0);
    CHECK_EQ(ks_sys_handle_close(mem), 0);
    CHECK_EQ(ks_memory_read(mem, 0, buf, 8), -KS_ERR_BAD_HANDLE);
}

TEST(memory_map_needs_rights_and_valid_arguments)
{
    uint64_t before = free_frames();
    int64_t mem = ks_memory_create(4 * PAGE);
    CHECK(mem > 0);
    int64_t no_map = ks_sys_handle_duplicate(mem, KS_RIGHT_READ | KS_RIGHT_WRITE);
    int64_t no_write = ks_sys_handle_duplicate(mem, KS_RIGHT_READ | KS_RIGHT_MAP);
    CHECK_EQ(ks_memory_map(no_map, 0, PAGE, 0, KS_PROT_READ), -KS_ERR_DENIED);
    CHECK_EQ(ks_memory_map(no_write, 0, PAGE, 0, RW), -KS_ERR_DENIED);
    /* No handle from memory_create has EXECUTE. */
    CHECK_EQ(ks_memory_map(mem, 0, PAGE, 0, KS_PROT_READ | KS_PROT_EXEC), -KS_ERR_DENIED);
    CHECK_EQ(ks_memory_map(mem, 0, PAGE, 0, RW | KS_PROT_EXEC), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 0, PAGE, 0, 0), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 0, PAGE, 0, KS_PROT_WRITE), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 0, PAGE, 0, RW | (1u << 8)), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 0, PAGE, 0, RW | (1u << 20)), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 100, PAGE, 0, RW), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 0, 0, 0, RW), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 0, 5 * PAGE, 0, RW), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 4 * PAGE, PAGE, 0, RW), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 3 * PAGE, ~0ull, 0, RW), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 0, PAGE, ADDR_UNMAPPED, RW | KS_MAP_FIXED),
             -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_map(mem, 0, PAGE, 0x400000, RW | KS_MAP_FIXED),
             -KS_ERR_INVALID_ARGUMENT);
    int64_t n = ks_sys_notification_create();
    CHECK_EQ(ks_memory_map(n, 0, PAGE, 0, KS_PROT_READ), -KS_ERR_WRONG_TYPE);
    /* Read-only through the READ|MAP handle works; a kernel-picked
     * address, then a fixed one right above it, then that one again. */
    int64_t a = ks_memory_map(no_write, 0, PAGE, 0, KS_PROT_READ);
    CHECK(a > 0);
    CHECK_EQ(words_at(a)[0], 0);
    uint64_t fixed = (uint64_t)a + 16 * PAGE;
    CHECK_EQ(ks_memory_map(mem, PAGE, 2 * PAGE, fixed, RW | KS_MAP_FIXED), (int64_t)fixed);
    CHECK_EQ(ks_memory_map(mem, 0, PAGE, fixed + PAGE, RW | KS_MAP_FIXED), -KS_ERR_EXISTS);
    /* A taken address without FIXED is a hint: the kernel picks. */
    int64_t b = ks_memory_map(mem, 0, PAGE, fixed, RW);
    CHECK(b > 0 && b != (int64_t)fixed);
    words_at(fixed)[0] = 77;
    CHECK_EQ(memory_info(mem).mappings, 3);
    uint64_t word;
    CHECK_EQ(ks_memory_read(mem, PAGE, &word, 8), 0);
    CHECK_EQ(word, 77);
    CHECK_EQ(ks_memory_unmap((uint64_t)a, PAGE), 0);
    CHECK_EQ(ks_memory_unmap(fixed, 2 * PAGE), 0);
    CHECK_EQ(ks_memory_unmap((uint64_t)b, PAGE), 0);
    CHECK_EQ(memory_info(mem).mappings, 0);
    CHECK_EQ(ks_sys_handle_close(n), 0);
    CHECK_EQ(ks_sys_handle_close(no_map), 0);
    CHECK_EQ(ks_sys_handle_close(no_write), 0);
    CHECK_EQ(ks_sys_handle_close(mem), 0);
    CHECK_EQ(free_frames(), before);
}

TEST(memory_pages_are_committed_on_first_touch)
{
    int64_t mem = ks_memory_create(16 * PAGE);
    CHECK(mem > 0);
    int64_t at = ks_memory_map(mem, 0, 16 * PAGE, 0, RW);
    CHECK(at > 0);
    if (at <= 0)
        return;
    CHECK_EQ(memory_info(mem).committed_pages, 0);
    CHECK_EQ(memory_info(mem).mappings, 1);
    CHECK_EQ(words_at(at + 3 * PAGE)[5], 0);
    CHECK_EQ(memory_info(mem).committed_pages, 1);
    words_at(at + 9 * PAGE)[0] = 0xfeed;
    CHECK_EQ(memory_info(mem).committed_pages, 2);
    words_at(at + 9 * PAGE)[1] = 0xbeef;
    CHECK_EQ(memory_info(mem).committed_pages, 2);
    uint64_t word = 0;
    CHECK_EQ(ks_memory_read(mem, 9 * PAGE, &word, 8), 0);
    CHECK_EQ(word, 0xfeed);
    /* A write through memory_write shows in the mapping. */
    word = 0x1234;
    CHECK_EQ(ks_memory_write(mem, 12 * PAGE + 8, &word, 8), 0);
    CHECK_EQ(words_at(at + 12 * PAGE)[1], 0x1234);
    CHECK_EQ(memory_info(mem).committed_pages, 3);
    /* A system call writing into a page not touched yet commits it. */
    struct ks_mem_info *mi = (struct ks_mem_info *)(uintptr_t)(at + 14 * PAGE);
    CHECK_EQ(ks_sys_mem_info(mi), 0);
    CHECK_EQ(mi->page_size, PAGE);
    CHECK_EQ(memory_info(mem).committed_pages, 4);
    CHECK_EQ(ks_memory_unmap((uint64_t)at, 16 * PAGE), 0);
    CHECK_EQ(memory_info(mem).mappings, 0);
    CHECK_EQ(memory_info(mem).committed_pages, 4);
    CHECK_EQ(ks_sys_handle_close(mem), 0);
}

TEST(memory_protect_and_unmap_whole_mappings_only)
{
    int64_t mem = ks_memory_create(4 * PAGE);
    int64_t ro = ks_sys_handle_duplicate(mem, KS_RIGHT_READ | KS_RIGHT_MAP);
    int64_t at = ks_memory_map(mem, 0, 2 * PAGE, 0, RW);
    int64_t ro_at = ks_memory_map(ro, 0, PAGE, 0, KS_PROT_READ);
    CHECK(at > 0 && ro_at > 0);
    if (at <= 0 || ro_at <= 0)
        return;
    words_at(at)[0] = 5;
    CHECK_EQ(ks_memory_protect((uint64_t)at, 2 * PAGE, KS_PROT_READ), 0);
    CHECK_EQ(words_at(at)[0], 5);
    /* Back to what the handle allowed; never past it. */
    CHECK_EQ(ks_memory_protect((uint64_t)at, 2 * PAGE, RW), 0);
    words_at(at)[1] = 6;
    CHECK_EQ(ks_memory_protect((uint64_t)ro_at, PAGE, RW), -KS_ERR_DENIED);
    CHECK_EQ(ks_memory_protect((uint64_t)at, 2 * PAGE, KS_PROT_READ | KS_PROT_EXEC),
             -KS_ERR_DENIED);
    CHECK_EQ(ks_memory_protect((uint64_t)at, 2 * PAGE, RW | KS_PROT_EXEC),
             -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_protect((uint64_t)at, 2 * PAGE, 0), -KS_ERR_INVALID_ARGUMENT);
    /* Part of a mapping, a misaligned address, nothing there. */
    CHECK_EQ(ks_memory_protect((uint64_t)at, PAGE, KS_PROT_READ), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_unmap((uint64_t)at + PAGE, PAGE), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_unmap((uint64_t)at + 8, PAGE), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_unmap(ADDR_UNMAPPED, PAGE), -KS_ERR_NOT_FOUND);
    CHECK_EQ(ks_memory_unmap(0x400000, PAGE), -KS_ERR_NOT_FOUND);
    CHECK_EQ(ks_memory_unmap((uint64_t)at, 0), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_unmap(ADDR_KERNEL, PAGE), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_protect(ADDR_UNMAPPED, PAGE, KS_PROT_READ), -KS_ERR_NOT_FOUND);
    CHECK_EQ(words_at(at)[1], 6);
    CHECK_EQ(ks_memory_unmap((uint64_t)at, 2 * PAGE), 0);
    CHECK_EQ(ks_memory_unmap((uint64_t)at, 2 * PAGE), -KS_ERR_NOT_FOUND);
    CHECK_EQ(ks_memory_unmap((uint64_t)ro_at, PAGE), 0);
    CHECK_EQ(ks_sys_handle_close(ro), 0);
    CHECK_EQ(ks_sys_handle_close(mem), 0);
}

/* A child's bad touch ends it with a page fault in the map area. */
static void check_map_fault(const char *kind)
{
    struct ks_exit_status st;
    CHECK_EQ(run_crasher(kind, &st), 0);
    check_result(kind, st.reason, st.reason, KS_EXIT_FAULT);
    CHECK_EQ(st.fault_vector, 14);
    CHECK(st.fault_address >= 0x200000000000ull && st.fault_address < 0x500000000000ull);
}

TEST(memory_bad_touches_end_only_the_child)
{
    check_map_fault("map-unmap-touch");
    check_map_fault("map-readonly-write");
    check_map_fault("map-protect-write");
    /* The unmap reaches the TLB of the CPU another thread reads on. */
    check_map_fault("map-unmap-while-read");
}

/* Start bin/crasher map-shared with mem as its start handle 0. */
static int64_t spawn_map_shared(int64_t mem)
{
    const char *argv[] = { "bin/crasher", "map-shared" };
    return ks_sys_spawn("bin/crasher", argv, 2, &mem, 1);
}

TEST(memory_shared_between_processes_both_ways)
{
    uint64_t before = free_frames();
    int64_t mem = ks_memory_create(PAGE);
    int64_t at = ks_memory_map(mem, 0, PAGE, 0, RW);
    CHECK(mem > 0 && at > 0);
    if (at <= 0)
        return;
    volatile uint64_t *words = words_at(at);
    words[0] = 0x1111;
    int64_t child = spawn_map_shared(mem);
    CHECK(child > 0);
    /* The child's write appears here, then ours there. */
    for (int i = 0; i < 500 && words[1] != 0x2222; i++)
        ks_sleep_ns(10 * NS_PER_MS);
    CHECK_EQ(words[1], 0x2222);
    words[2] = 0x3333;
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(st.reason, KS_EXIT_NORMAL);
    CHECK_EQ(st.status, 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    CHECK_EQ(memory_info(mem).mappings, 1);
    CHECK_EQ(ks_memory_unmap((uint64_t)at, PAGE), 0);
    CHECK_EQ(ks_sys_handle_close(mem), 0);
    CHECK_EQ(free_frames(), before);
}

TEST(memory_pages_survive_a_mapping_process_ending)
{
    int64_t mem = ks_memory_create(PAGE);
    uint64_t word = 0x1111;
    CHECK_EQ(ks_memory_write(mem, 0, &word, 8), 0);
    uint64_t with_object = free_frames();
    int64_t child = spawn_map_shared(mem);
    CHECK(child > 0);
    /* No mapping here: tell the child through the object. */
    for (int i = 0; i < 500; i++) {
        CHECK_EQ(ks_memory_read(mem, 8, &word, 8), 0);
        if (word == 0x2222)
            break;
        ks_sleep_ns(10 * NS_PER_MS);
    }
    CHECK_EQ(word, 0x2222);
    word = 0x3333;
    CHECK_EQ(ks_memory_write(mem, 16, &word, 8), 0);
    struct ks_exit_status st;
    CHECK_EQ(ks_sys_wait(child, &st, CHILD_TIMEOUT), 0);
    CHECK_EQ(st.status, 0);
    CHECK_EQ(ks_sys_handle_close(child), 0);
    /* The child's end freed its own frames and not the object's page. */
    CHECK_EQ(free_frames(), with_object);
    CHECK_EQ(memory_info(mem).committed_pages, 1);
    CHECK_EQ(memory_info(mem).mappings, 0);
    CHECK_EQ(ks_memory_read(mem, 8, &word, 8), 0);
    CHECK_EQ(word, 0x2222);
    CHECK_EQ(ks_sys_handle_close(mem), 0);
}

TEST(memory_object_outlives_its_handle_while_mapped)
{
    uint64_t before = free_frames();
    int64_t mem = ks_memory_create(3 * PAGE);
    int64_t at = ks_memory_map(mem, PAGE, 2 * PAGE, 0, RW);
    CHECK(at > 0);
    if (at <= 0)
        return;
    words_at(at)[0] = 42;
    CHECK_EQ(ks_sys_handle_close(mem), 0);
    CHECK_EQ(words_at(at)[0], 42);
    words_at(at + PAGE)[0] = 43;
    CHECK_EQ(words_at(at + PAGE)[0], 43);
    CHECK(free_frames() < before);
    CHECK_EQ(ks_memory_unmap((uint64_t)at, 2 * PAGE), 0);
    CHECK_EQ(free_frames(), before);
}

TEST(memory_physical_objects_from_the_boot_resource)
{
    int64_t resource = ks_start_info ? ks_start_info->handles[KS_START_RESOURCE] : 0;
    int64_t mem = ks_memory_create(PAGE);
    /* A memory handle is no resource; without one nothing is made. */
    CHECK_EQ(ks_memory_create_physical(mem, 0xfec00000ull, PAGE, KS_MEMORY_UNCACHED),
             -KS_ERR_WRONG_TYPE);
    CHECK_EQ(ks_memory_create_physical(0, 0xfec00000ull, PAGE, 0), -KS_ERR_BAD_HANDLE);
    CHECK_EQ(ks_sys_handle_close(mem), 0);
    if (resource <= 0) {
        printf("usertest: no boot resource handle: physical objects not tested further\n");
        return;
    }
    int64_t io = ks_memory_create_physical(resource, 0xfec00000ull, PAGE, KS_MEMORY_UNCACHED);
    CHECK(io > 0);
    struct ks_memory_info info = memory_info(io);
    CHECK_EQ(info.kind, KS_MEMORY_PHYSICAL);
    CHECK_EQ(info.flags, KS_MEMORY_UNCACHED);
    CHECK_EQ(info.phys_base, 0xfec00000ull);
    CHECK_EQ(info.size, PAGE);
    CHECK_EQ(ks_sys_handle_close(io), 0);
    /* RAM the kernel manages (the kernel is loaded at 1 or 2 MiB). */
    CHECK_EQ(ks_memory_create_physical(resource, 0x100000, 2 << 20, 0), -KS_ERR_DENIED);
    CHECK_EQ(ks_memory_create_physical(resource, 0xfec00001ull, PAGE, 0),
             -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_create_physical(resource, 0xfec00000ull, 100, 0),
             -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_create_physical(resource, 0xfec00000ull, 0, 0), -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_create_physical(resource, ~0ull & ~(PAGE - 1), 2 * PAGE, 0),
             -KS_ERR_INVALID_ARGUMENT);
    CHECK_EQ(ks_memory_create_physical(resource, 0xfec00000ull, PAGE, 2),
             -KS_ERR_INVALID_ARGUMENT);
    int64_t weak = ks_sys_handle_duplicate(resource, KS_RIGHT_READ | KS_RIGHT_DUPLICATE);
    if (weak > 0) {
        CHECK_EQ(ks_memory_create_physical(weak, 0xfec00000ull, PAGE, 0), -KS_ERR_DENIED);
        CHECK_EQ(ks_sys_handle_close(weak), 0);
    }
}

TEST(memory_initrd_is_a_read_only_object)
{
    int64_t initrd = ks_start_info ? ks_start_info->handles[KS_START_INITRD] : 0;
    CHECK(initrd > 0);
    if (initrd <= 0)
        return;
    struct ks_handle_info hi;
    CHECK_EQ(ks_sys_handle_info(initrd, &hi), 0);
    CHECK_EQ(hi.type, KS_OBJECT_MEMORY);
    CHECK_EQ(hi.rights, KS_RIGHT_READ | KS_RIGHT_MAP | KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER);
    struct ks_memory_info info = memory_info(initrd);
    CHECK_EQ(info.kind, KS_MEMORY_PHYSICAL);
    CHECK(info.size > 0 && info.size % PAGE == 0);
    uint64_t offset = 0, size = 0;
    CHECK_EQ(ks_initrd_find(initrd, "bin/crasher", &offset, &size), 0);
    CHECK(size > 64 && offset % 512 == 0 && offset + size <= info.size);
    CHECK_EQ(ks_initrd_find(initrd, "/bin/crasher", &offset, &size), 0);
    CHECK_EQ(ks_initrd_find(initrd, "bin/no-such-program", &offset, &size), -KS_ERR_NOT_FOUND);
    char magic[4] = { 0 };
    CHECK_EQ(ks_memory_read(initrd, offset, magic, 4), 0);
    CHECK_EQ(memcmp(magic, "\x7f" "ELF", 4), 0);
    CHECK_EQ(ks_memory_write(initrd, offset, magic, 4), -KS_ERR_DENIED);
    CHECK_EQ(ks_memory_map(initrd, 0, PAGE, 0, RW), -KS_ERR_DENIED);
    int64_t at = ks_memory_map(initrd, offset & ~(PAGE - 1), PAGE, 0, KS_PROT_READ);
    CHECK(at > 0);
    if (at > 0) {
        CHECK_EQ(memcmp((const void *)(uintptr_t)(at + offset % PAGE), "\x7f" "ELF", 4), 0);
        CHECK_EQ(ks_memory_unmap((uint64_t)at, PAGE), 0);
    }
}
