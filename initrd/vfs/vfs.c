/* SPDX-License-Identifier: MIT */
/*
 * vfs: Kestrel's file service (protocol: ks_proto.h "VFS"; docs/vfs.md).
 * The initramfs is served read-only at / straight from its memory
 * object, mapped once; /tmp is a RAM file system.  Start handles: [0]
 * the name service, [1] the endpoint to serve (unbadged: it receives
 * there and mints the open files' handles from it), [2] the initramfs.
 * One thread receives a request, answers it and receives the next;
 * requests with badge 0 or KS_BADGE_CLIENT are path operations, any
 * other badge is an open file (vfs_files.c).
 */
#include "stdlib.h"
#include "vfs_server.h"
#include "vfs_tar.h"

#define VFS_RAM_LIMIT (16ull << 20)

_Static_assert(KS_VFS_O_READ == VFS_O_READ && KS_VFS_O_WRITE == VFS_O_WRITE &&
               KS_VFS_O_CREATE == VFS_O_CREATE && KS_VFS_O_TRUNCATE == VFS_O_TRUNCATE &&
               KS_VFS_O_APPEND == VFS_O_APPEND && KS_VFS_O_EXCL == VFS_O_EXCL &&
               KS_VFS_O_DIRECTORY == VFS_O_DIRECTORY, "open flags match ks_proto.h");
_Static_assert((int)KS_VFS_FILE == (int)VFS_FILE && (int)KS_VFS_DIR == (int)VFS_DIR, "types match ks_proto.h");
_Static_assert(KS_PATH_MAX == VFS_PATH_MAX, "path limit matches");

struct vfs_fs vfs;
ks_handle_t vfs_serve;
ks_handle_t vfs_initrd;
uint8_t vfs_buffer[KS_MSG_DATA_MAX];

static void *heap_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void heap_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static void tar_warn(void *ctx, uint64_t offset, const char *name, const char *reason)
{
    (void)ctx;
    printf("vfs: initramfs entry at %llu \"%s\": %s\n", (unsigned long long)offset, name,
           reason);
}

static void path_request(struct ks_msg *m, struct vfs_reply *r)
{
    const char *path = (const char *)vfs_buffer;
    size_t len = m->data_len;
    int32_t node;
    switch (m->label) {
    case KS_VFS_OPEN: {
        uint32_t flags = (uint32_t)m->words[1];
        if (m->words[1] > 0xFFFFFFFFu) {
            r->status = -KS_ERR_INVALID_ARGUMENT;
            break;
        }
        if (!(flags & (KS_VFS_O_READ | KS_VFS_O_WRITE | KS_VFS_O_APPEND)))
            flags |= KS_VFS_O_READ;
        r->status = vfs_open(&vfs, path, len, flags, &node);
        if (r->status == 0)
            vfs_file_open(node, flags, r);
        break;
    }
    case KS_VFS_STAT:
        r->status = vfs_lookup(&vfs, path, len, &node);
        if (r->status == 0) {
            vfs_stat_fill(vfs_node(&vfs, node), (struct ks_vfs_stat *)(void *)vfs_buffer);
            r->data_len = sizeof(struct ks_vfs_stat);
        }
        break;
    case KS_VFS_MKDIR:
        r->status = vfs_mkdir(&vfs, path, len);
        break;
    case KS_VFS_UNLINK:
        r->status = vfs_unlink(&vfs, path, len);
        break;
    case KS_VFS_RENAME:
        if (m->words[1] > len) {
            r->status = -KS_ERR_INVALID_ARGUMENT;
            break;
        }
        r->status = vfs_rename(&vfs, path, (size_t)m->words[1], path + m->words[1],
                               len - (size_t)m->words[1]);
        break;
    default:
        r->status = -KS_ERR_NOT_SUPPORTED;
        break;
    }
}

static void serve(struct ks_msg *m)
{
    struct vfs_reply r;
    memset(&r, 0, sizeof(r));
    if (m->label == KS_PROTO_PING)
        r.status = 0;
    else if (vfs_badge_is_file(m->badge))
        vfs_file_request(m, &r);
    else
        path_request(m, &r);

    /* Handles that came and were not kept. */
    for (uint32_t i = 0; i < m->handle_count && i < KS_MSG_HANDLES_MAX; i++)
        ks_sys_handle_close(m->handles[i]);

    memset(m, 0, sizeof(*m));
    m->words[0] = (uint64_t)r.status;
    m->words[1] = r.words[0];
    m->words[2] = r.words[1];
    m->words[3] = r.words[2];
    m->data = (uint64_t)(uintptr_t)vfs_buffer;
    m->data_len = r.status < 0 ? 0 : r.data_len;
    if (r.handle) {
        m->handle_count = 1;
        m->handles[0] = r.handle;
        m->copy_mask = r.copy ? 1 : 0;
    }
}

static int map_initrd(const uint8_t **image, uint64_t *size)
{
    struct ks_memory_info info;
    int64_t err = ks_memory_info(vfs_initrd, &info);
    if (err < 0)
        return (int)err;
    int64_t addr = ks_memory_map(vfs_initrd, 0, info.size, 0, KS_PROT_READ);
    if (addr < 0)
        return (int)addr;
    *image = (const uint8_t *)(uintptr_t)addr;
    *size = info.size;
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!ks_start_info || ks_start_info->handle_count < 3) {
        printf("vfs: needs start handles: names, its endpoint, the initramfs\n");
        return 1;
    }
    vfs_serve = ks_start_info->handles[1];
    vfs_initrd = ks_start_info->handles[2];

    static const struct vfs_alloc heap = { heap_alloc, heap_free, NULL };
    vfs_fs_init(&vfs, &heap, VFS_RAM_LIMIT);
    vfs_files_init(ks_clock_ns() ^ (uint64_t)ks_start_info->pid << 32);
    const uint8_t *image = NULL;
    uint64_t image_size = 0;
    int err = map_initrd(&image, &image_size);
    if (err < 0)
        printf("vfs: cannot map the initramfs (%d); / holds only /tmp\n", err);
    int entries = vfs_tar_index(&vfs, image, image_size, tar_warn, NULL);
    printf("vfs: %d initramfs entries at /, /tmp up to %llu MiB\n", entries,
           (unsigned long long)(VFS_RAM_LIMIT >> 20));

    for (;;) {
        struct ks_msg m;
        memset(&m, 0, sizeof(m));
        m.data = (uint64_t)(uintptr_t)vfs_buffer;
        m.data_cap = sizeof(vfs_buffer);
        int64_t rc = ks_sys_ipc_recv(vfs_serve, &m, KS_TIMEOUT_INFINITE);
        if (rc < 0) {
            if (rc == -KS_ERR_BAD_HANDLE || rc == -KS_ERR_WRONG_TYPE || rc == -KS_ERR_DENIED) {
                printf("vfs: cannot receive (%d)\n", (int)rc);
                return 1;
            }
            continue;
        }
        serve(&m);
        if (ks_sys_ipc_reply(&m) < 0 && m.handle_count) {
            /* The handle could not travel: keep no moved handle and
             * tell the caller (if it still waits) instead. */
            if (!m.copy_mask)
                ks_sys_handle_close(m.handles[0]);
            m.handle_count = 0;
            m.copy_mask = 0;
            m.data_len = 0;
            m.words[0] = (uint64_t)-KS_ERR_NO_MEMORY;
            ks_sys_ipc_reply(&m);
        }
    }
}
