/* SPDX-License-Identifier: MIT */
/*
 * File descriptors (unistd.h, fcntl.h): 0, 1 and 2 are the console
 * unless redirected to a VFS file (ks_stdio_redirect: the shell's < and
 * >, or inherited from the parent through ks_spawn: KS_FDn=INDEX in the
 * environment names the start handle), the others VFS open files.  Each holds the open-file handle the VFS gave;
 * a transfer larger than one message (KS_MSG_DATA_MAX) uses a 64 KiB
 * memory object attached once to the file (KS_VFS_ATTACH) and the bulk
 * calls.  The table is guarded by a mutex; the calls on one file are
 * not (two threads using one descriptor at once see the VFS's order).
 */
#include <stdarg.h>
#include "ks.h"
#include "ks_fd.h"

#define BULK_SIZE (64u * 1024u)

struct fd_entry {
    bool used;
    bool is_dir;
    bool bulk_failed;                   /* ATTACH refused: inline only */
    bool inherited;                     /* the parent's open file: close
                                           drops the handle, not the file */
    ks_handle_t file;                   /* the VFS's open-file handle */
    uint8_t *bulk;                      /* mapped shared object, or NULL */
};

static struct ks_mutex fd_lock;
static struct fd_entry fds[KS_FD_MAX];
static bool console_closed[3];

int ks_fail(int64_t err)
{
    errno = err < 0 ? (int)-err : (int)err;
    return -1;
}

int64_t ks_vfs_call(struct ks_msg *m)
{
    struct ks_msg saved = *m;
    for (int attempt = 0;; attempt++) {
        ks_handle_t vfs = ks_service("vfs");
        if (!vfs)
            return -KS_ERR_NOT_FOUND;
        int64_t r = ks_service_call(vfs, m);
        if ((r == -KS_ERR_PEER_GONE || r == -KS_ERR_BAD_HANDLE) && attempt == 0) {
            ks_service_forget("vfs");
            *m = saved;
            continue;
        }
        return r;
    }
}

/* 0..2 not redirected: the console. */
static bool is_console(int fd)
{
    return fd >= 0 && fd < 3 && !__atomic_load_n(&fds[fd].used, __ATOMIC_ACQUIRE);
}

static struct fd_entry *fd_get(int fd)
{
    if (fd < 0 || fd >= KS_FD_MAX)
        return NULL;
    ks_mutex_lock(&fd_lock);
    struct fd_entry *e = fds[fd].used ? &fds[fd] : NULL;
    ks_mutex_unlock(&fd_lock);
    return e;
}

ks_handle_t ks_fd_handle(int fd)
{
    struct fd_entry *e = fd_get(fd);
    return e ? e->file : 0;
}

int64_t ks_fd_call(int fd, struct ks_msg *m)
{
    struct fd_entry *e = fd_get(fd);
    if (!e)
        return -KS_ERR_BAD_HANDLE;
    return ks_service_call(e->file, m);
}

int ks_fd_open_resolved(const char *path, uint32_t vfs_flags, bool is_dir)
{
    struct ks_msg m = { 0 };
    m.label = KS_VFS_OPEN;
    m.words[1] = vfs_flags;
    m.data = (uint64_t)(uintptr_t)path;
    m.data_len = (uint32_t)strlen(path);
    int64_t r = ks_vfs_call(&m);
    if (r < 0)
        return (int)r;
    if (m.handle_count < 1)
        return -KS_ERR_CORRUPT;
    ks_handle_t file = m.handles[0];
    ks_mutex_lock(&fd_lock);
    int fd = 3;
    while (fd < KS_FD_MAX && fds[fd].used)
        fd++;
    if (fd < KS_FD_MAX) {
        memset(&fds[fd], 0, sizeof(fds[fd]));
        fds[fd].used = true;
        fds[fd].file = file;
        fds[fd].is_dir = is_dir;
    }
    ks_mutex_unlock(&fd_lock);
    if (fd == KS_FD_MAX) {
        struct ks_msg c = { 0 };
        c.label = KS_VFS_CLOSE;
        ks_service_call(file, &c);
        ks_sys_handle_close(file);
        return -KS_ERR_NO_SPACE;
    }
    return fd;
}

int open(const char *path, int flags, ...)
{
    char full[KS_PATH_MAX];
    int64_t r = ks_path_resolve(path, full, sizeof(full));
    if (r < 0)
        return ks_fail(r);
    uint32_t vf = 0;
    switch (flags & O_ACCMODE) {
    case O_RDONLY: vf = KS_VFS_O_READ; break;
    case O_WRONLY: vf = KS_VFS_O_WRITE; break;
    case O_RDWR: vf = KS_VFS_O_READ | KS_VFS_O_WRITE; break;
    default: return ks_fail(-KS_ERR_INVALID_ARGUMENT);
    }
    if (flags & O_CREAT)
        vf |= KS_VFS_O_CREATE;
    if (flags & O_TRUNC)
        vf |= KS_VFS_O_TRUNCATE;
    if (flags & O_APPEND)
        vf |= KS_VFS_O_APPEND;
    if (flags & O_EXCL)
        vf |= KS_VFS_O_EXCL;
    if (flags & O_DIRECTORY)
        vf |= KS_VFS_O_DIRECTORY;
    int fd = ks_fd_open_resolved(full, vf, (flags & O_DIRECTORY) != 0);
    return fd < 0 ? ks_fail(fd) : fd;
}

/* Attach a shared object for bulk transfers (once per file). */
static uint8_t *bulk_of(struct fd_entry *e)
{
    if (e->bulk || e->bulk_failed)
        return e->bulk;
    e->bulk_failed = true;
    int64_t mem = ks_memory_create(BULK_SIZE);
    if (mem < 0)
        return NULL;
    int64_t addr = ks_memory_map((ks_handle_t)mem, 0, BULK_SIZE, 0,
                                 KS_PROT_READ | KS_PROT_WRITE);
    struct ks_msg m = { 0 };
    m.label = KS_VFS_ATTACH;
    m.handle_count = 1;
    m.handles[0] = (ks_handle_t)mem;
    m.copy_mask = 1;
    if (addr < 0 || ks_service_call(e->file, &m) != 0) {
        if (addr >= 0)
            ks_memory_unmap((uint64_t)addr, BULK_SIZE);
        ks_sys_handle_close((ks_handle_t)mem);
        return NULL;
    }
    ks_sys_handle_close((ks_handle_t)mem);
    e->bulk = (uint8_t *)(uintptr_t)addr;
    e->bulk_failed = false;
    return e->bulk;
}

/* One transfer of at most a message or a bulk buffer: bytes moved
 * (0 at the end of a read) or -KS_ERR_*. */
static int64_t transfer(struct fd_entry *e, bool writing, uint8_t *buf, size_t count)
{
    struct ks_msg m = { 0 };
    uint8_t *bulk = count > KS_MSG_DATA_MAX ? bulk_of(e) : NULL;
    if (bulk) {
        size_t n = count < BULK_SIZE ? count : BULK_SIZE;
        if (writing)
            memcpy(bulk, buf, n);
        m.label = writing ? KS_VFS_WRITE_BULK : KS_VFS_READ_BULK;
        m.words[1] = n;
        m.words[2] = 0;
        int64_t r = ks_service_call(e->file, &m);
        if (r < 0)
            return r;
        size_t got = m.words[1] < n ? m.words[1] : n;
        if (!writing)
            memcpy(buf, bulk, got);
        return (int64_t)got;
    }
    size_t n = count < KS_MSG_DATA_MAX ? count : KS_MSG_DATA_MAX;
    if (writing) {
        m.label = KS_VFS_WRITE;
        m.data = (uint64_t)(uintptr_t)buf;
        m.data_len = (uint32_t)n;
        int64_t r = ks_service_call(e->file, &m);
        if (r < 0)
            return r;
        return (int64_t)(m.words[1] < n ? m.words[1] : n);
    }
    m.label = KS_VFS_READ;
    m.words[1] = n;
    m.data = (uint64_t)(uintptr_t)buf;
    m.data_cap = (uint32_t)n;
    int64_t r = ks_service_call(e->file, &m);
    if (r < 0)
        return r;
    return m.data_len;
}

ssize_t read(int fd, void *buf, size_t count)
{
    if (is_console(fd)) {
        if (console_closed[fd])
            return ks_fail(-KS_ERR_BAD_HANDLE);
        if (count == 0)
            return 0;
        int64_t r = ks_console_read(buf, count, KS_TIMEOUT_INFINITE);
        return r < 0 ? ks_fail(r) : (ssize_t)r;
    }
    struct fd_entry *e = fd_get(fd);
    if (!e)
        return ks_fail(-KS_ERR_BAD_HANDLE);
    size_t done = 0;
    while (done < count) {
        int64_t r = transfer(e, false, (uint8_t *)buf + done, count - done);
        if (r < 0)
            return done ? (ssize_t)done : ks_fail(r);
        if (r == 0)
            break;
        done += (size_t)r;
    }
    return (ssize_t)done;
}

ssize_t write(int fd, const void *buf, size_t count)
{
    if (is_console(fd)) {
        if (console_closed[fd])
            return ks_fail(-KS_ERR_BAD_HANDLE);
        int64_t r = ks_console_write(buf, count);
        return r < 0 ? ks_fail(r) : (ssize_t)r;
    }
    struct fd_entry *e = fd_get(fd);
    if (!e)
        return ks_fail(-KS_ERR_BAD_HANDLE);
    size_t done = 0;
    while (done < count) {
        int64_t r = transfer(e, true, (uint8_t *)(uintptr_t)buf + done, count - done);
        if (r < 0)
            return done ? (ssize_t)done : ks_fail(r);
        if (r == 0)
            return done ? (ssize_t)done : ks_fail(-KS_ERR_NO_SPACE);
        done += (size_t)r;
    }
    return (ssize_t)done;
}

off_t lseek(int fd, off_t offset, int whence)
{
    if (whence < SEEK_SET || whence > SEEK_END)
        return ks_fail(-KS_ERR_INVALID_ARGUMENT);
    struct ks_msg m = { 0 };
    m.label = KS_VFS_SEEK;
    m.words[1] = (uint64_t)offset;
    m.words[2] = (uint64_t)whence;
    int64_t r = ks_fd_call(fd, &m);
    return r < 0 ? ks_fail(r) : (off_t)m.words[1];
}

/* Take fd's entry out of the table -> it (used false: there was none). */
static struct fd_entry fd_take(int fd)
{
    ks_mutex_lock(&fd_lock);
    struct fd_entry e = fds[fd];
    __atomic_store_n(&fds[fd].used, false, __ATOMIC_RELEASE);
    ks_mutex_unlock(&fd_lock);
    return e;
}

/* Close the file behind an entry taken out of the table. */
static int64_t entry_close(struct fd_entry *e)
{
    int64_t r = 0;
    if (!e->inherited) {
        struct ks_msg m = { 0 };
        m.label = KS_VFS_CLOSE;
        r = ks_service_call(e->file, &m);
    }
    ks_sys_handle_close(e->file);
    if (e->bulk)
        ks_memory_unmap((uint64_t)(uintptr_t)e->bulk, BULK_SIZE);
    return r;
}

int close(int fd)
{
    if (is_console(fd)) {
        console_closed[fd] = true;
        return 0;
    }
    if (fd < 0 || fd >= KS_FD_MAX)
        return ks_fail(-KS_ERR_BAD_HANDLE);
    struct fd_entry e = fd_take(fd);
    if (!e.used)
        return ks_fail(-KS_ERR_BAD_HANDLE);
    /* A redirected 0..2 once closed stays closed (not the console). */
    if (fd < 3)
        console_closed[fd] = true;
    int64_t r = entry_close(&e);
    return r < 0 ? ks_fail(r) : 0;
}

int ks_stdio_redirect(int fd, int from)
{
    if (fd < 0 || fd >= 3 || from < 3 || from >= KS_FD_MAX)
        return (int)-KS_ERR_INVALID_ARGUMENT;
    ks_mutex_lock(&fd_lock);
    bool ok = fds[from].used && !fds[fd].used;
    if (ok) {
        fds[fd] = fds[from];
        fds[from].used = false;
    }
    ks_mutex_unlock(&fd_lock);
    return ok ? 0 : (int)-KS_ERR_BAD_HANDLE;
}

int ks_stdio_restore(int fd)
{
    if (fd < 0 || fd >= 3)
        return (int)-KS_ERR_INVALID_ARGUMENT;
    struct fd_entry e = fd_take(fd);
    console_closed[fd] = false;
    return e.used ? (int)entry_close(&e) : 0;
}

ks_handle_t ks_stdio_handle(int fd)
{
    if (fd < 0 || fd >= 3)
        return 0;
    ks_mutex_lock(&fd_lock);
    ks_handle_t h = fds[fd].used ? fds[fd].file : 0;
    ks_mutex_unlock(&fd_lock);
    return h;
}

void ks_stdio_inherit(void)
{
    const struct ks_start_info *si = ks_start_info;
    for (int fd = 0; fd < 3; fd++) {
        char name[8] = "KS_FD0";
        name[5] = (char)('0' + fd);
        const char *v = getenv(name);
        if (!v)
            continue;
        unsigned long index = strtoul(v, NULL, 10);
        if (si && index > 0 && index < si->handle_count && si->handles[index]) {
            memset(&fds[fd], 0, sizeof(fds[fd]));
            fds[fd].file = (ks_handle_t)si->handles[index];
            fds[fd].inherited = true;
            __atomic_store_n(&fds[fd].used, true, __ATOMIC_RELEASE);
        }
        unsetenv(name);
    }
}

int isatty(int fd)
{
    if (is_console(fd) && !console_closed[fd])
        return 1;
    errno = fd_get(fd) ? ENOTSUP : EBADF;
    return 0;
}
