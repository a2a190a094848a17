/* SPDX-License-Identifier: MIT */
/*
 * The path calls of unistd.h, sys/stat.h, stdio.h and dirent.h on the
 * VFS, and the current directory they resolve relative paths against
 * (per process, guarded by a mutex).  A process starts in the directory
 * its environment's PWD names (ks_spawn passes the parent's), else "/".
 */
#include "ks.h"
#include "ks_fd.h"

static struct ks_mutex cwd_lock;
static char cwd[KS_PATH_MAX] = "/";
static bool cwd_ready;

/* With cwd_lock held. */
static void cwd_init(void)
{
    if (cwd_ready)
        return;
    cwd_ready = true;
    const char *pwd = getenv("PWD");
    char norm[KS_PATH_MAX];
    if (pwd && pwd[0] == '/' && ks_path_normalize("/", pwd, norm, sizeof(norm)) > 0)
        memcpy(cwd, norm, sizeof(cwd));
}

const char *ks_cwd(void)
{
    ks_mutex_lock(&cwd_lock);
    cwd_init();
    ks_mutex_unlock(&cwd_lock);
    return cwd;
}

int64_t ks_path_resolve(const char *path, char *out, size_t out_size)
{
    if (!path || !out)
        return -KS_ERR_INVALID_ARGUMENT;
    if (!path[0])
        return -KS_ERR_NOT_FOUND;
    ks_mutex_lock(&cwd_lock);
    cwd_init();
    long n = ks_path_normalize(cwd, path, out, out_size < KS_PATH_MAX ? out_size : KS_PATH_MAX);
    ks_mutex_unlock(&cwd_lock);
    return n < 0 ? -KS_ERR_INVALID_ARGUMENT : n;
}

/* A call on the VFS with one resolved path as data. */
static int64_t path_call(uint64_t label, const char *path, void *reply, uint32_t reply_cap)
{
    char full[KS_PATH_MAX];
    int64_t r = ks_path_resolve(path, full, sizeof(full));
    if (r < 0)
        return r;
    struct ks_msg m = { 0 };
    m.label = label;
    m.data = (uint64_t)(uintptr_t)full;
    m.data_len = (uint32_t)r;
    m.data_cap = sizeof(full);
    if (reply) {
        /* The reply lands in full: copy it out after. */
        r = ks_vfs_call(&m);
        if (r >= 0) {
            if (m.data_len < reply_cap)
                return -KS_ERR_CORRUPT;
            memcpy(reply, full, reply_cap);
        }
        return r;
    }
    return ks_vfs_call(&m);
}

static void stat_from(struct stat *st, const struct ks_vfs_stat *vs)
{
    st->st_size = (off_t)vs->size;
    st->st_mode = (vs->type == KS_VFS_DIR ? S_IFDIR : S_IFREG) | (vs->mode & 07777);
    st->st_ino = vs->inode;
    st->st_mtime = (time_t)vs->mtime;
}

int stat(const char *path, struct stat *st)
{
    struct ks_vfs_stat vs;
    int64_t r = path_call(KS_VFS_STAT, path, &vs, sizeof(vs));
    if (r < 0)
        return ks_fail(r);
    stat_from(st, &vs);
    return 0;
}

int fstat(int fd, struct stat *st)
{
    if (fd >= 0 && fd < 3 && !ks_stdio_handle(fd)) {
        memset(st, 0, sizeof(*st));
        st->st_mode = 0020666;              /* a character device */
        return 0;
    }
    struct ks_vfs_stat vs;
    struct ks_msg m = { 0 };
    m.label = KS_VFS_FSTAT;
    m.data = (uint64_t)(uintptr_t)&vs;
    m.data_cap = sizeof(vs);
    int64_t r = ks_fd_call(fd, &m);
    if (r < 0)
        return ks_fail(r);
    if (m.data_len < sizeof(vs))
        return ks_fail(-KS_ERR_CORRUPT);
    stat_from(st, &vs);
    return 0;
}

int mkdir(const char *path, mode_t mode)
{
    (void)mode;
    int64_t r = path_call(KS_VFS_MKDIR, path, NULL, 0);
    return r < 0 ? ks_fail(r) : 0;
}

int remove(const char *path)
{
    int64_t r = path_call(KS_VFS_UNLINK, path, NULL, 0);
    return r < 0 ? ks_fail(r) : 0;
}

int unlink(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (S_ISDIR(st.st_mode))
        return ks_fail(-KS_ERR_IS_DIRECTORY);
    return remove(path);
}

int rmdir(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return ks_fail(-KS_ERR_NOT_DIRECTORY);
    return remove(path);
}

int rename(const char *from, const char *to)
{
    char both[2 * KS_PATH_MAX];
    int64_t a = ks_path_resolve(from, both, KS_PATH_MAX);
    if (a < 0)
        return ks_fail(a);
    int64_t b = ks_path_resolve(to, both + a, KS_PATH_MAX);
    if (b < 0)
        return ks_fail(b);
    struct ks_msg m = { 0 };
    m.label = KS_VFS_RENAME;
    m.words[1] = (uint64_t)a;
    m.data = (uint64_t)(uintptr_t)both;
    m.data_len = (uint32_t)(a + b);
    int64_t r = ks_vfs_call(&m);
    return r < 0 ? ks_fail(r) : 0;
}

int chdir(const char *path)
{
    char full[KS_PATH_MAX];
    int64_t r = ks_path_resolve(path, full, sizeof(full));
    if (r < 0)
        return ks_fail(r);
    struct stat st;
    if (stat(full, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return ks_fail(-KS_ERR_NOT_DIRECTORY);
    ks_mutex_lock(&cwd_lock);
    memcpy(cwd, full, (size_t)r + 1);
    ks_mutex_unlock(&cwd_lock);
    return 0;
}

char *getcwd(char *buf, size_t size)
{
    ks_mutex_lock(&cwd_lock);
    cwd_init();
    size_t n = strlen(cwd);
    bool fits = buf && size > n;
    if (fits)
        memcpy(buf, cwd, n + 1);
    ks_mutex_unlock(&cwd_lock);
    if (!fits) {
        errno = buf ? ERANGE : EINVAL;
        return NULL;
    }
    return buf;
}

/* ---- directories ---- */

struct ks_dir {
    int fd;
    struct dirent entry;
};

DIR *opendir(const char *path)
{
    char full[KS_PATH_MAX];
    int64_t r = ks_path_resolve(path, full, sizeof(full));
    if (r < 0) {
        ks_fail(r);
        return NULL;
    }
    DIR *d = malloc(sizeof(*d));
    if (!d)
        return NULL;
    int fd = ks_fd_open_resolved(full, KS_VFS_O_READ | KS_VFS_O_DIRECTORY, true);
    if (fd < 0) {
        free(d);
        ks_fail(fd);
        return NULL;
    }
    d->fd = fd;
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (!d)
        return NULL;
    struct ks_vfs_dirent *vd = malloc(sizeof(*vd));
    if (!vd)
        return NULL;
    struct ks_msg m = { 0 };
    m.label = KS_VFS_READDIR;
    m.data = (uint64_t)(uintptr_t)vd;
    m.data_cap = sizeof(*vd);
    int64_t r = ks_fd_call(d->fd, &m);
    struct dirent *result = NULL;
    if (r == 0 && m.data_len >= offsetof(struct ks_vfs_dirent, name)) {
        size_t room = m.data_len - offsetof(struct ks_vfs_dirent, name);
        size_t n = vd->name_len;
        if (n > room)
            n = room;
        if (n > sizeof(d->entry.d_name) - 1)
            n = sizeof(d->entry.d_name) - 1;
        memcpy(d->entry.d_name, vd->name, n);
        d->entry.d_name[n] = '\0';
        d->entry.d_ino = vd->inode;
        d->entry.d_type = vd->type == KS_VFS_DIR ? DT_DIR : vd->type == KS_VFS_FILE ? DT_REG
                                                                                    : DT_UNKNOWN;
        result = &d->entry;
    } else if (r < 0 && r != -KS_ERR_NOT_FOUND) {
        ks_fail(r);
    }
    free(vd);
    return result;
}

int closedir(DIR *d)
{
    if (!d)
        return ks_fail(-KS_ERR_INVALID_ARGUMENT);
    int r = close(d->fd);
    free(d);
    return r;
}
