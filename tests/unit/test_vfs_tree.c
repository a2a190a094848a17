/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/vfs/vfs_tree.c: the RAM file system under /tmp
 * (create, write, read, sparse writes, truncate, unlink with the file
 * still open, mkdir, rename and its refusals, the space limit), the
 * read-only initramfs part, and readdir order.  A counting allocator
 * checks that every buffer is given back.
 */
#include <stdint.h>
#include "unit.h"
#include "kestrel/errors.h"
#include "../../initrd/vfs/vfs_tree.h"

#define S(s) (s), (sizeof(s) - 1)
#define ERR(e) ((uint64_t)-(e))

static struct vfs_fs fs;
static long live_blocks;

static void *count_alloc(void *ctx, size_t size)
{
    (void)ctx;
    live_blocks++;
    return malloc(size);
}

static void count_free(void *ctx, void *p)
{
    (void)ctx;
    live_blocks--;
    free(p);
}

static void setup(uint64_t limit)
{
    static const struct vfs_alloc a = { count_alloc, count_free, NULL };
    /* Give back what the previous test left in /tmp. */
    for (unsigned i = 0; i < VFS_NODES_MAX; i++) {
        if (fs.nodes[i].used && fs.nodes[i].ram && fs.nodes[i].data)
            free(fs.nodes[i].data);
    }
    live_blocks = 0;
    vfs_fs_init(&fs, &a, limit);
}

static int32_t open_ok(const char *path, uint32_t flags)
{
    int32_t n = -1;
    if (vfs_open(&fs, path, strlen(path), flags, &n) != 0)
        return -1;
    return n;
}

UNIT_TEST(tree_create_write_read)
{
    setup(1 << 20);
    int32_t n;
    CHECK_EQ_U(vfs_open(&fs, S("/tmp/a"), VFS_O_READ, &n), ERR(KS_ERR_NOT_FOUND));
    n = open_ok("/tmp/a", VFS_O_WRITE | VFS_O_CREATE);
    CHECK(n >= 0);
    CHECK_EQ_U(vfs_write(&fs, n, 0, "hello", 5), 5);
    CHECK_EQ_U(vfs_write(&fs, n, 5, " world", 6), 6);
    char buf[32] = { 0 };
    CHECK_EQ_U(vfs_read(&fs, n, 0, buf, sizeof(buf)), 11);
    CHECK(memcmp(buf, "hello world", 11) == 0);
    CHECK_EQ_U(vfs_read(&fs, n, 6, buf, 3), 3);
    CHECK(memcmp(buf, "wor", 3) == 0);
    CHECK_EQ_U(vfs_read(&fs, n, 11, buf, 3), 0);
    CHECK_EQ_U(vfs_read(&fs, n, 1000, buf, 3), 0);
    /* Sparse: the gap reads as zeros. */
    CHECK_EQ_U(vfs_write(&fs, n, 20, "x", 1), 1);
    CHECK_EQ_U(vfs_node(&fs, n)->size, 21);
    CHECK_EQ_U(vfs_read(&fs, n, 11, buf, 10), 10);
    for (int i = 0; i < 9; i++)
        CHECK_EQ_U(buf[i], 0);
    CHECK_EQ_U(buf[9], 'x');
    /* Exclusive create of an existing file. */
    int32_t m;
    CHECK_EQ_U(vfs_open(&fs, S("/tmp/a"), VFS_O_WRITE | VFS_O_CREATE | VFS_O_EXCL, &m),
               ERR(KS_ERR_EXISTS));
    /* Truncate on open. */
    m = open_ok("/tmp/a", VFS_O_WRITE | VFS_O_TRUNCATE);
    CHECK_EQ_U(m, n);
    CHECK_EQ_U(vfs_node(&fs, n)->size, 0);
    CHECK_EQ_U(vfs_node(&fs, n)->opens, 2);
    vfs_node_put(&fs, n);
    vfs_node_put(&fs, n);
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/a")), 0);
    CHECK_EQ_U(live_blocks, 0);
    CHECK_EQ_U(fs.ram_bytes, 0);
}

UNIT_TEST(tree_truncate_shrink_and_grow)
{
    setup(1 << 20);
    int32_t n = open_ok("/tmp/t", VFS_O_WRITE | VFS_O_CREATE);
    CHECK(n >= 0);
    CHECK_EQ_U(vfs_write(&fs, n, 0, "abcdefgh", 8), 8);
    CHECK_EQ_U(vfs_truncate(&fs, n, 3), 0);
    CHECK_EQ_U(vfs_truncate(&fs, n, 6), 0);
    char buf[8];
    CHECK_EQ_U(vfs_read(&fs, n, 0, buf, 8), 6);
    CHECK(memcmp(buf, "abc\0\0\0", 6) == 0);
    /* A write past a shrunk end must not show the old bytes. */
    CHECK_EQ_U(vfs_truncate(&fs, n, 2), 0);
    CHECK_EQ_U(vfs_write(&fs, n, 5, "Z", 1), 1);
    CHECK_EQ_U(vfs_read(&fs, n, 0, buf, 8), 6);
    CHECK(memcmp(buf, "ab\0\0\0Z", 6) == 0);
    CHECK_EQ_U(vfs_truncate(&fs, n, 0), 0);
    CHECK_EQ_U(live_blocks, 0);
    vfs_node_put(&fs, n);
}

UNIT_TEST(tree_unlink_while_open)
{
    setup(1 << 20);
    int32_t n = open_ok("/tmp/f", VFS_O_WRITE | VFS_O_CREATE);
    CHECK(n >= 0);
    CHECK_EQ_U(vfs_write(&fs, n, 0, "data", 4), 4);
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/f")), 0);
    int32_t m;
    CHECK_EQ_U(vfs_lookup(&fs, S("/tmp/f"), &m), ERR(KS_ERR_NOT_FOUND));
    char buf[4];
    CHECK_EQ_U(vfs_read(&fs, n, 0, buf, 4), 4);     /* still readable while open */
    CHECK_EQ_U(live_blocks, 1);
    vfs_node_put(&fs, n);
    CHECK_EQ_U(live_blocks, 0);
    CHECK(vfs_node(&fs, n) == NULL);
}

UNIT_TEST(tree_mkdir_unlink_rules)
{
    setup(1 << 20);
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/d")), 0);
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/d")), ERR(KS_ERR_EXISTS));
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/d/e/")), 0);
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/x/y")), ERR(KS_ERR_NOT_FOUND));
    CHECK_EQ_U(vfs_mkdir(&fs, S("/etc")), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp")), ERR(KS_ERR_EXISTS));
    CHECK_EQ_U(vfs_mkdir(&fs, S("/")), ERR(KS_ERR_INVALID_ARGUMENT));
    int32_t n = open_ok("/tmp/d/file", VFS_O_WRITE | VFS_O_CREATE);
    CHECK(n >= 0);
    vfs_node_put(&fs, n);
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/d/file/sub")), ERR(KS_ERR_NOT_DIRECTORY));
    CHECK_EQ_U(vfs_open(&fs, S("/tmp/d/file/x"), VFS_O_READ, &n), ERR(KS_ERR_NOT_DIRECTORY));
    CHECK_EQ_U(vfs_open(&fs, S("/tmp/d"), VFS_O_WRITE, &n), ERR(KS_ERR_IS_DIRECTORY));
    CHECK_EQ_U(vfs_open(&fs, S("/tmp/d/file"), VFS_O_READ | VFS_O_DIRECTORY, &n),
               ERR(KS_ERR_NOT_DIRECTORY));
    CHECK_EQ_U(vfs_open(&fs, S("/tmp/d/file"), 0x80, &n), ERR(KS_ERR_INVALID_ARGUMENT));
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/d")), ERR(KS_ERR_NOT_EMPTY));
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/d/e")), 0);
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/d/file")), 0);
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/d")), 0);
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/d")), ERR(KS_ERR_NOT_FOUND));
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp")), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_unlink(&fs, S("/")), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_open(&fs, S("/newfile"), VFS_O_WRITE | VFS_O_CREATE, &n),
               ERR(KS_ERR_DENIED));
}

UNIT_TEST(tree_rename)
{
    setup(1 << 20);
    int32_t a = open_ok("/tmp/a", VFS_O_WRITE | VFS_O_CREATE);
    CHECK_EQ_U(vfs_write(&fs, a, 0, "AAA", 3), 3);
    vfs_node_put(&fs, a);
    int32_t b = open_ok("/tmp/b", VFS_O_WRITE | VFS_O_CREATE);
    CHECK_EQ_U(vfs_write(&fs, b, 0, "B", 1), 1);
    vfs_node_put(&fs, b);
    /* Over an existing file: it is replaced and freed. */
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/a"), S("/tmp/b")), 0);
    int32_t n;
    CHECK_EQ_U(vfs_lookup(&fs, S("/tmp/a"), &n), ERR(KS_ERR_NOT_FOUND));
    CHECK_EQ_U(vfs_lookup(&fs, S("/tmp/b"), &n), 0);
    CHECK_EQ_U(n, a);
    CHECK_EQ_U(vfs_node(&fs, n)->size, 3);
    CHECK_EQ_U(live_blocks, 1);
    /* Directories: into itself, onto a file, non-empty target. */
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/d")), 0);
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/d/e")), 0);
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/d"), S("/tmp/d/e/f")), ERR(KS_ERR_INVALID_ARGUMENT));
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/d"), S("/tmp/d/g")), ERR(KS_ERR_INVALID_ARGUMENT));
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/d"), S("/tmp/b")), ERR(KS_ERR_NOT_DIRECTORY));
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/b"), S("/tmp/d")), ERR(KS_ERR_IS_DIRECTORY));
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/z")), 0);
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/z"), S("/tmp/d")), ERR(KS_ERR_NOT_EMPTY));
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/d"), S("/tmp/z")), 0);     /* onto an empty dir */
    CHECK_EQ_U(vfs_lookup(&fs, S("/tmp/z/e"), &n), 0);
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/b"), S("/tmp/z/e/b2")), 0);
    CHECK_EQ_U(vfs_lookup(&fs, S("/tmp/z/e/b2"), &n), 0);
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/z/e/b2"), S("/tmp/z/e/b2")), 0);
    /* Out of /tmp, into /, of /tmp itself. */
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/z"), S("/z")), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp"), S("/tmp2")), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/nope"), S("/tmp/x")), ERR(KS_ERR_NOT_FOUND));
    CHECK_EQ_U(vfs_rename(&fs, S("/tmp/z"), S("/")), ERR(KS_ERR_INVALID_ARGUMENT));
}

UNIT_TEST(tree_space_limit)
{
    setup(4096);
    int32_t n = open_ok("/tmp/big", VFS_O_WRITE | VFS_O_CREATE);
    static char chunk[1000];
    memset(chunk, 'q', sizeof(chunk));
    for (int i = 0; i < 4; i++)
        CHECK_EQ_U(vfs_write(&fs, n, (uint64_t)i * 1000, chunk, 1000), 1000);
    CHECK(fs.ram_bytes <= 4096);
    CHECK_EQ_U(vfs_write(&fs, n, 4000, chunk, 96), 96);
    CHECK_EQ_U(vfs_write(&fs, n, 4096, chunk, 1), ERR(KS_ERR_NO_SPACE));
    int32_t m = open_ok("/tmp/other", VFS_O_WRITE | VFS_O_CREATE);
    CHECK_EQ_U(vfs_write(&fs, m, 0, chunk, 1), ERR(KS_ERR_NO_SPACE));
    CHECK_EQ_U(vfs_write(&fs, n, (1ull << 41), chunk, 1), ERR(KS_ERR_NO_SPACE));
    CHECK_EQ_U(vfs_write(&fs, n, UINT64_MAX - 2, chunk, 10), ERR(KS_ERR_NO_SPACE));
    CHECK_EQ_U(vfs_truncate(&fs, n, 1ull << 30), ERR(KS_ERR_NO_SPACE));
    vfs_node_put(&fs, n);
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/big")), 0);
    CHECK_EQ_U(vfs_write(&fs, m, 0, chunk, 1000), 1000);
    vfs_node_put(&fs, m);
}

UNIT_TEST(tree_image_part_is_read_only)
{
    setup(1 << 20);
    static const uint8_t image[] = "0123456789";
    CHECK_EQ_U(vfs_add_image(&fs, S("bin/sh"), VFS_FILE, image + 2, 2, 5, 0755, 7), 0);
    CHECK_EQ_U(vfs_add_image(&fs, S("bin"), VFS_DIR, NULL, 0, 0, 0700, 9), 0);
    CHECK_EQ_U(vfs_add_image(&fs, S("bin/sh"), VFS_FILE, image, 0, 1, 0, 0),
               ERR(KS_ERR_EXISTS));
    CHECK_EQ_U(vfs_add_image(&fs, S("bin/sh/x"), VFS_FILE, image, 0, 1, 0, 0),
               ERR(KS_ERR_NOT_DIRECTORY));
    CHECK_EQ_U(vfs_add_image(&fs, S("tmp/x"), VFS_FILE, image, 0, 1, 0, 0),
               ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_add_image(&fs, S("a/../b"), VFS_FILE, image, 0, 1, 0, 0),
               ERR(KS_ERR_INVALID_ARGUMENT));
    int32_t n;
    CHECK_EQ_U(vfs_lookup(&fs, S("/bin"), &n), 0);
    CHECK_EQ_U(vfs_node(&fs, n)->mode, 0700);
    n = open_ok("/bin/sh", VFS_O_READ);
    CHECK(n >= 0);
    char buf[8];
    CHECK_EQ_U(vfs_read(&fs, n, 0, buf, 8), 5);
    CHECK(memcmp(buf, "23456", 5) == 0);
    CHECK_EQ_U(vfs_node(&fs, n)->image_offset, 2);
    CHECK_EQ_U(vfs_write(&fs, n, 0, "x", 1), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_truncate(&fs, n, 0), ERR(KS_ERR_DENIED));
    vfs_node_put(&fs, n);
    CHECK_EQ_U(vfs_open(&fs, S("/bin/sh"), VFS_O_WRITE, &n), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_open(&fs, S("/bin/sh"), VFS_O_READ | VFS_O_TRUNCATE, &n), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_open(&fs, S("/bin/new"), VFS_O_WRITE | VFS_O_CREATE, &n), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_unlink(&fs, S("/bin/sh")), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_rename(&fs, S("/bin/sh"), S("/tmp/sh")), ERR(KS_ERR_DENIED));
    CHECK_EQ_U(vfs_mkdir(&fs, S("/bin/d")), ERR(KS_ERR_DENIED));
}

UNIT_TEST(tree_readdir_order)
{
    setup(1 << 20);
    static const uint8_t image[4];
    CHECK_EQ_U(vfs_add_image(&fs, S("etc/motd"), VFS_FILE, image, 0, 0, 0644, 0), 0);
    int32_t child;
    const char *want[] = { "tmp", "etc" };
    for (unsigned i = 0; i < 2; i++) {
        CHECK_EQ_U(vfs_readdir(&fs, fs.root, i, &child), 0);
        CHECK_STR(vfs_node(&fs, child)->name, want[i]);
    }
    CHECK_EQ_U(vfs_readdir(&fs, fs.root, 2, &child), ERR(KS_ERR_NOT_FOUND));
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/c")), 0);
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/a")), 0);
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/b")), 0);
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/a")), 0);
    CHECK_EQ_U(vfs_readdir(&fs, fs.tmp, 0, &child), 0);
    CHECK_STR(vfs_node(&fs, child)->name, "c");
    CHECK_EQ_U(vfs_readdir(&fs, fs.tmp, 1, &child), 0);
    CHECK_STR(vfs_node(&fs, child)->name, "b");
    CHECK_EQ_U(vfs_readdir(&fs, fs.tmp, 2, &child), ERR(KS_ERR_NOT_FOUND));
    int32_t f;
    CHECK_EQ_U(vfs_lookup(&fs, S("/etc/motd"), &f), 0);
    CHECK_EQ_U(vfs_readdir(&fs, f, 0, &child), ERR(KS_ERR_NOT_DIRECTORY));
}

UNIT_TEST(tree_node_table_full)
{
    setup(1 << 20);
    char path[32];
    int made = 0;
    for (unsigned i = 0; i < VFS_NODES_MAX; i++) {
        snprintf(path, sizeof(path), "/tmp/n%u", i);
        int err = vfs_mkdir(&fs, path, strlen(path));
        if (err == -KS_ERR_NO_SPACE)
            break;
        CHECK_EQ_U(err, 0);
        made++;
    }
    CHECK_EQ_U(made, VFS_NODES_MAX - 2);    /* the root and /tmp */
    CHECK_EQ_U(vfs_unlink(&fs, S("/tmp/n7")), 0);
    CHECK_EQ_U(vfs_mkdir(&fs, S("/tmp/again")), 0);
}

UNIT_TEST(tree_teardown)
{
    setup(0);
    CHECK_EQ_U(fs.ram_bytes, 0);
}

UNIT_MAIN(UNIT_CASE(tree_create_write_read), UNIT_CASE(tree_truncate_shrink_and_grow),
          UNIT_CASE(tree_unlink_while_open), UNIT_CASE(tree_mkdir_unlink_rules),
          UNIT_CASE(tree_rename), UNIT_CASE(tree_space_limit),
          UNIT_CASE(tree_image_part_is_read_only), UNIT_CASE(tree_readdir_order),
          UNIT_CASE(tree_node_table_full), UNIT_CASE(tree_teardown))
