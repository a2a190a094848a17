/* SPDX-License-Identifier: MIT */
/*
 * The VFS's open files: each is a slot of a fixed table and a handle
 * minted from the served endpoint with a badge that names the slot and
 * its generation, so a handle kept after CLOSE (or after the slot was
 * reused) finds a different generation and gets -KS_ERR_BAD_HANDLE.
 *
 * The client receives a copy of the minted handle and the server keeps
 * the original: the kernel counts the handles derived from it, so when
 * the table is full, slots whose every client handle is gone (a client
 * that ended without CLOSE) are taken back.
 */
#include "vfs_server.h"

#define BADGE_FILE  (1ull << 40)
#define GEN_MASK    0xFFFFFFu
/* Largest shared object mapped for bulk transfers: every open file may
 * have one, so this bounds the address space they take. */
#define VFS_ATTACH_MAX (16ull << 20)

struct open_file {
    bool used;
    bool shared_writable;
    uint32_t gen;
    uint32_t flags;
    int32_t node;
    uint64_t pos;
    uint64_t dir_index;
    ks_handle_t kept;           /* the minted handle the client's copy comes from */
    ks_handle_t shared;         /* an attached memory object, or 0 */
    uint8_t *shared_addr;
    uint64_t shared_size;
};

static struct open_file files[VFS_OPEN_MAX];

void vfs_files_init(uint64_t seed)
{
    /* A restarted VFS must not take the handles of the one before for
     * its own: start every slot's generation somewhere else each time. */
    for (unsigned i = 0; i < VFS_OPEN_MAX; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        files[i].gen = (uint32_t)(seed >> 40) & GEN_MASK;
    }
}

bool vfs_badge_is_file(uint64_t badge)
{
    return badge != 0 && badge != KS_BADGE_CLIENT;
}

static struct open_file *file_of(uint64_t badge)
{
    if ((badge >> 40) != 1)
        return NULL;
    uint64_t slot = badge & 0xFFFF;
    uint32_t gen = (uint32_t)(badge >> 16) & GEN_MASK;
    if (slot >= VFS_OPEN_MAX || !files[slot].used || files[slot].gen != gen)
        return NULL;
    return &files[slot];
}

static void detach_shared(struct open_file *f)
{
    if (!f->shared)
        return;
    if (f->shared_addr)
        ks_memory_unmap((uint64_t)(uintptr_t)f->shared_addr, f->shared_size);
    ks_sys_handle_close(f->shared);
    f->shared = 0;
    f->shared_addr = NULL;
    f->shared_size = 0;
}

static void release(struct open_file *f)
{
    detach_shared(f);
    if (f->kept)
        ks_sys_handle_close(f->kept);
    vfs_node_put(&vfs, f->node);
    f->used = false;
    f->kept = 0;
}

/* Take back the slots no client can reach any more. */
static unsigned collect(void)
{
    unsigned freed = 0;
    for (unsigned i = 0; i < VFS_OPEN_MAX; i++) {
        struct ks_handle_info info;
        if (!files[i].used)
            continue;
        if (ks_sys_handle_info(files[i].kept, &info) < 0 || info.derived == 0) {
            release(&files[i]);
            freed++;
        }
    }
    return freed;
}

static int find_slot(void)
{
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < VFS_OPEN_MAX; i++) {
            if (!files[i].used)
                return (int)i;
        }
        if (pass == 0 && collect() == 0)
            break;
    }
    return -1;
}

void vfs_file_open(int32_t node, uint32_t flags, struct vfs_reply *r)
{
    int slot = find_slot();
    if (slot < 0) {
        vfs_node_put(&vfs, node);
        r->status = -KS_ERR_NO_SPACE;
        return;
    }
    struct open_file *f = &files[slot];
    uint32_t gen = (f->gen + 1) & GEN_MASK;
    if (gen == 0)
        gen = 1;
    uint64_t badge = BADGE_FILE | ((uint64_t)gen << 16) | (uint64_t)slot;
    int64_t h = ks_sys_handle_mint(vfs_serve, KS_RIGHT_WRITE | KS_RIGHT_DUPLICATE |
                                   KS_RIGHT_TRANSFER, badge);
    if (h < 0) {
        vfs_node_put(&vfs, node);
        r->status = h;
        return;
    }
    memset(f, 0, sizeof(*f));
    f->used = true;
    f->gen = gen;
    f->flags = flags;
    f->node = node;
    f->kept = h;
    r->status = 0;
    r->words[0] = vfs_node(&vfs, node)->size;
    r->handle = h;
    r->copy = true;
}

void vfs_stat_fill(const struct vfs_node *n, struct ks_vfs_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->size = n->type == VFS_FILE ? n->size : 0;
    st->type = n->type;
    st->mode = n->mode;
    st->mtime = n->mtime;
    st->inode = n->inode;
}

static int64_t do_seek(struct open_file *f, int64_t offset, uint64_t whence)
{
    int64_t base;
    if (whence == 0)
        base = 0;
    else if (whence == 1)
        base = (int64_t)f->pos;
    else if (whence == 2)
        base = (int64_t)vfs_node(&vfs, f->node)->size;
    else
        return -KS_ERR_INVALID_ARGUMENT;
    int64_t pos;
    if (__builtin_add_overflow(base, offset, &pos) || pos < 0 || pos > (1ll << 40))
        return -KS_ERR_INVALID_ARGUMENT;
    f->pos = (uint64_t)pos;
    return pos;
}

static int64_t do_attach(struct open_file *f, struct ks_msg *m)
{
    if (m->handle_count < 1)
        return -KS_ERR_INVALID_ARGUMENT;
    ks_handle_t h = m->handles[0];
    struct ks_memory_info info;
    if (ks_memory_info(h, &info) < 0 || info.kind != KS_MEMORY_ANONYMOUS || info.size == 0 ||
        info.size > VFS_ATTACH_MAX)
        return -KS_ERR_INVALID_ARGUMENT;
    bool writable = true;
    int64_t addr = ks_memory_map(h, 0, info.size, 0, KS_PROT_READ | KS_PROT_WRITE);
    if (addr < 0) {
        writable = false;
        addr = ks_memory_map(h, 0, info.size, 0, KS_PROT_READ);
    }
    if (addr < 0)
        return addr;
    detach_shared(f);
    f->shared = h;
    f->shared_addr = (uint8_t *)(uintptr_t)addr;
    f->shared_size = info.size;
    f->shared_writable = writable;
    m->handle_count = 0;        /* kept */
    return 0;
}

static int64_t do_image(struct open_file *f, struct vfs_reply *r)
{
    struct vfs_node *n = vfs_node(&vfs, f->node);
    if (n->type != VFS_FILE)
        return -KS_ERR_IS_DIRECTORY;
    int64_t h;
    if (!n->ram) {
        h = ks_sys_handle_duplicate(vfs_initrd, KS_RIGHT_READ | KS_RIGHT_TRANSFER |
                                    KS_RIGHT_DUPLICATE);
        if (h < 0)
            return h;
        r->words[0] = n->image_offset;
    } else {
        h = ks_memory_create(n->size ? n->size : 1);
        if (h < 0)
            return h;
        if (n->size) {
            int64_t err = ks_memory_write(h, 0, n->data, n->size);
            if (err < 0) {
                ks_sys_handle_close(h);
                return err;
            }
        }
        r->words[0] = 0;
    }
    r->words[1] = n->size;
    r->handle = h;
    r->copy = false;
    return 0;
}

/* Bytes and offset of a bulk transfer, checked against the object. */
static int64_t bulk_range(const struct open_file *f, const struct ks_msg *m, bool into)
{
    uint64_t len = m->words[1], off = m->words[2];
    if (!f->shared)
        return -KS_ERR_INVALID_ARGUMENT;
    if (off > f->shared_size || len > f->shared_size - off)
        return -KS_ERR_INVALID_ARGUMENT;
    if (into && !f->shared_writable)
        return -KS_ERR_DENIED;
    return 0;
}

void vfs_file_request(struct ks_msg *m, struct vfs_reply *r)
{
    struct open_file *f = file_of(m->badge);
    if (!f) {
        r->status = -KS_ERR_BAD_HANDLE;
        return;
    }
    struct vfs_node *n = vfs_node(&vfs, f->node);
    bool can_read = (f->flags & KS_VFS_O_READ) != 0;
    bool can_write = (f->flags & (KS_VFS_O_WRITE | KS_VFS_O_APPEND)) != 0;
    int64_t got;
    switch (m->label) {
    case KS_VFS_READ:
        if (!can_read) {
            r->status = -KS_ERR_DENIED;
            break;
        }
        if (m->words[1] > KS_MSG_DATA_MAX) {
            r->status = -KS_ERR_INVALID_ARGUMENT;
            break;
        }
        got = vfs_read(&vfs, f->node, f->pos, vfs_buffer, (size_t)m->words[1]);
        if (got >= 0) {
            f->pos += (uint64_t)got;
            r->data_len = (uint32_t)got;
            r->words[0] = (uint64_t)got;
        }
        r->status = got < 0 ? got : 0;
        break;
    case KS_VFS_WRITE:
        if (!can_write) {
            r->status = -KS_ERR_DENIED;
            break;
        }
        if (f->flags & KS_VFS_O_APPEND)
            f->pos = n->size;
        got = vfs_write(&vfs, f->node, f->pos, vfs_buffer, m->data_len);
        if (got >= 0) {
            f->pos += (uint64_t)got;
            r->words[0] = (uint64_t)got;
        }
        r->status = got < 0 ? got : 0;
        break;
    case KS_VFS_SEEK:
        got = do_seek(f, (int64_t)m->words[1], m->words[2]);
        r->status = got < 0 ? got : 0;
        r->words[0] = got < 0 ? 0 : (uint64_t)got;
        break;
    case KS_VFS_FSTAT:
        vfs_stat_fill(n, (struct ks_vfs_stat *)(void *)vfs_buffer);
        r->data_len = sizeof(struct ks_vfs_stat);
        r->status = 0;
        break;
    case KS_VFS_READDIR: {
        int32_t child;
        int err = vfs_readdir(&vfs, f->node, f->dir_index, &child);
        r->status = err;
        if (err < 0)
            break;
        const struct vfs_node *c = vfs_node(&vfs, child);
        struct ks_vfs_dirent *d = (struct ks_vfs_dirent *)(void *)vfs_buffer;
        memset(d, 0, sizeof(*d));
        d->inode = c->inode;
        d->type = c->type;
        d->name_len = c->name_len;
        memcpy(d->name, c->name, c->name_len);
        r->data_len = sizeof(*d);
        f->dir_index++;
        break;
    }
    case KS_VFS_CLOSE:
        release(f);
        r->status = 0;
        break;
    case KS_VFS_ATTACH:
        r->status = do_attach(f, m);
        break;
    case KS_VFS_READ_BULK:
    case KS_VFS_WRITE_BULK: {
        bool reading = m->label == KS_VFS_READ_BULK;
        int64_t err = bulk_range(f, m, reading);
        if (err == 0 && !(reading ? can_read : can_write))
            err = -KS_ERR_DENIED;
        if (err < 0) {
            r->status = err;
            break;
        }
        uint8_t *at = f->shared_addr + m->words[2];
        if (reading) {
            got = vfs_read(&vfs, f->node, f->pos, at, (size_t)m->words[1]);
        } else {
            if (f->flags & KS_VFS_O_APPEND)
                f->pos = n->size;
            got = vfs_write(&vfs, f->node, f->pos, at, (size_t)m->words[1]);
        }
        if (got >= 0) {
            f->pos += (uint64_t)got;
            r->words[0] = (uint64_t)got;
        }
        r->status = got < 0 ? got : 0;
        break;
    }
    case KS_VFS_IMAGE:
        r->status = do_image(f, r);
        break;
    default:
        r->status = -KS_ERR_NOT_SUPPORTED;
        break;
    }
}
