/* SPDX-License-Identifier: MIT */
/*
 * ks_spawn (ks_services.h): a program of the VFS started as a new
 * process.  The VFS lends the file's bytes as a memory object
 * (KS_VFS_IMAGE); the argument vector carries argv, then KS_ENV_MARK and
 * the environment, within the kernel's limits (KS_ARGV_MAX strings,
 * KS_ARG_BYTES_MAX bytes: environment entries that do not fit are left
 * out, argv that does not fit is an error).  The environment's PWD is
 * replaced by the current directory, where the child starts.  A
 * descriptor 0..2 redirected to a file goes to the child too: its
 * open-file handle after the extra handles, and KS_FDn=INDEX in the
 * child's environment (ks_stdio_inherit).
 */
#include "ks.h"
#include "ks_fd.h"

/* A file that is not an ELF64 executable: the kernel would say
 * -KS_ERR_CORRUPT (or refuse an empty one); callers want to tell "not a
 * program" apart. */
static bool looks_like_elf(ks_handle_t image, uint64_t offset, uint64_t size)
{
    unsigned char ident[5];
    if (size < 64 || ks_memory_read(image, offset, ident, sizeof(ident)) < 0)
        return false;
    return ident[0] == 0x7f && ident[1] == 'E' && ident[2] == 'L' && ident[3] == 'F' &&
           ident[4] == 2;
}

/* Build the child's vector: argv, the mark, PWD, the stdio entries
 * (stdio[0..nstdio)), the environment.  pwd is room for "PWD=" and a
 * path. */
static int64_t build_args(char *const argv[], const char **out, uint32_t *argc, char *pwd,
                          char (*stdio)[16], unsigned nstdio)
{
    uint32_t n = 0;
    size_t bytes = 0;
    for (; argv && argv[n]; n++) {
        size_t len = strlen(argv[n]) + 1;
        if (n >= KS_ARGV_MAX || bytes + len > KS_ARG_BYTES_MAX)
            return -KS_ERR_INVALID_ARGUMENT;
        out[n] = argv[n];
        bytes += len;
    }
    if (n == 0)
        return -KS_ERR_INVALID_ARGUMENT;
    size_t mark = sizeof(KS_ENV_MARK);
    snprintf(pwd, 4 + KS_PATH_MAX, "PWD=%s", ks_cwd());
    size_t pwd_len = strlen(pwd) + 1;
    if (nstdio && (n + 2 > KS_ARGV_MAX || bytes + mark + pwd_len > KS_ARG_BYTES_MAX))
        return -KS_ERR_INVALID_ARGUMENT;
    if (n + 2 <= KS_ARGV_MAX && bytes + mark + pwd_len <= KS_ARG_BYTES_MAX) {
        out[n++] = KS_ENV_MARK;
        out[n++] = pwd;
        bytes += mark + pwd_len;
        for (unsigned i = 0; i < nstdio; i++) {
            size_t len = strlen(stdio[i]) + 1;
            if (n >= KS_ARGV_MAX || bytes + len > KS_ARG_BYTES_MAX)
                return -KS_ERR_INVALID_ARGUMENT;
            out[n++] = stdio[i];
            bytes += len;
        }
        for (size_t i = 0; environ && environ[i] && n < KS_ARGV_MAX; i++) {
            size_t len = strlen(environ[i]) + 1;
            if (bytes + len > KS_ARG_BYTES_MAX || strncmp(environ[i], "PWD=", 4) == 0 ||
                strncmp(environ[i], "KS_FD", 5) == 0)
                continue;
            out[n++] = environ[i];
            bytes += len;
        }
    }
    *argc = n;
    return 0;
}

int64_t ks_spawn(const char *path, char *const argv[], const ks_handle_t *extra,
                 uint32_t count)
{
    if (!path || count + 1 > KS_START_HANDLES_MAX || (count && !extra))
        return -KS_ERR_INVALID_ARGUMENT;
    ks_handle_t names = ks_names_handle();
    if (!names)
        return -KS_ERR_NOT_FOUND;
    ks_handle_t handles[KS_START_HANDLES_MAX];
    handles[0] = names;
    for (uint32_t i = 0; i < count; i++)
        handles[i + 1] = extra[i];
    uint32_t handle_count = count + 1;
    char stdio[3][16];
    unsigned nstdio = 0;
    for (int fd = 0; fd < 3; fd++) {
        ks_handle_t h = ks_stdio_handle(fd);
        if (!h)
            continue;
        if (handle_count >= KS_START_HANDLES_MAX)
            return -KS_ERR_INVALID_ARGUMENT;
        snprintf(stdio[nstdio++], sizeof(stdio[0]), "KS_FD%d=%u", fd, (unsigned)handle_count);
        handles[handle_count++] = h;
    }
    const char *args[KS_ARGV_MAX];
    char pwd[4 + KS_PATH_MAX];
    uint32_t argc;
    int64_t r = build_args(argv, args, &argc, pwd, stdio, nstdio);
    if (r < 0)
        return r;

    char full[KS_PATH_MAX];
    r = ks_path_resolve(path, full, sizeof(full));
    if (r < 0)
        return r;
    int fd = ks_fd_open_resolved(full, KS_VFS_O_READ, false);
    if (fd < 0)
        return fd;
    struct ks_msg m = { 0 };
    m.label = KS_VFS_IMAGE;
    r = ks_fd_call(fd, &m);
    close(fd);
    if (r < 0)
        return r == -KS_ERR_IS_DIRECTORY ? -KS_ERR_NOT_EXECUTABLE : r;
    if (m.handle_count < 1)
        return -KS_ERR_CORRUPT;
    ks_handle_t image = m.handles[0];
    uint64_t offset = m.words[1], size = m.words[2];
    for (uint32_t i = 1; i < m.handle_count; i++)
        ks_sys_handle_close(m.handles[i]);
    if (!looks_like_elf(image, offset, size)) {
        ks_sys_handle_close(image);
        return -KS_ERR_NOT_EXECUTABLE;
    }

    struct ks_process_create args_in = {
        .image = image,
        .image_offset = offset,
        .image_size = size,
        .name = ks_path_basename(full),
        .argv = args,
        .argc = argc,
        .handle_count = handle_count,
        .handles = handles,
    };
    int64_t process = ks_process_create(&args_in);
    ks_sys_handle_close(image);
    if (process < 0)
        return process == -KS_ERR_CORRUPT ? -KS_ERR_NOT_EXECUTABLE : process;
    r = ks_process_start((ks_handle_t)process);
    if (r < 0) {
        ks_sys_handle_close((ks_handle_t)process);
        return r;
    }
    return process;
}
