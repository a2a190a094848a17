/* SPDX-License-Identifier: MIT */
/*
 * The file builtins: ls, cat, mkdir, rm, rmdir, cp, cd, pwd.  They go
 * through the runtime's POSIX calls (the VFS service behind them);
 * every error reads "NAME: PATH: reason".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ks.h"
#include "ks_path.h"
#include "shell.h"

#define LS_ENTRIES_MAX 512

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "drwxr-xr-x" style: the type, then the permission bits as stored. */
static void mode_text(const struct stat *st, char out[11])
{
    static const char letters[] = "rwxrwxrwx";
    out[0] = S_ISDIR(st->st_mode) ? 'd' : '-';
    for (int i = 0; i < 9; i++)
        out[1 + i] = (st->st_mode & (0400u >> i)) ? letters[i] : '-';
    out[10] = '\0';
}

static void ls_line(const char *dir, const char *name, int is_dir, int long_form)
{
    if (!long_form) {
        printf("%s%s\n", name, is_dir ? "/" : "");
        return;
    }
    char path[KS_PATH_MAX];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
    if (stat(path, &st) < 0) {
        printf("?????????? %8s %s%s\n", "?", name, is_dir ? "/" : "");
        return;
    }
    char mode[11];
    mode_text(&st, mode);
    printf("%s %8lld %s%s\n", mode, (long long)st.st_size, name, is_dir ? "/" : "");
}

static int ls_one(const char *arg, int long_form, int header)
{
    char path[KS_PATH_MAX], cwd[KS_PATH_MAX];
    struct stat st;

    if (ks_path_normalize(getcwd(cwd, sizeof(cwd)) ? cwd : "/", arg, path, sizeof(path)) < 0) {
        printf("ls: %s: invalid path\n", arg);
        return 1;
    }
    if (stat(path, &st) < 0) {
        shell_error("ls", arg);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        const char *slash = strrchr(path, '/');
        char dir[KS_PATH_MAX];
        size_t n = slash ? (size_t)(slash - path) : 0;
        memcpy(dir, path, n);
        dir[n] = '\0';
        if (!long_form)
            printf("%s\n", arg);
        else
            ls_line(n ? dir : "/", slash ? slash + 1 : path, 0, 1);
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        shell_error("ls", arg);
        return 1;
    }
    char **names = malloc(LS_ENTRIES_MAX * sizeof(char *));
    size_t count = 0;
    struct dirent *e;
    if (!names) {
        closedir(d);
        printf("ls: %s: out of memory\n", arg);
        return 1;
    }
    while ((e = readdir(d)) != NULL && count < LS_ENTRIES_MAX) {
        size_t len = strlen(e->d_name);
        char *copy = malloc(len + 2);
        if (!copy)
            break;
        /* The type rides after the name's NUL, so sorting keeps it. */
        memcpy(copy, e->d_name, len + 1);
        copy[len + 1] = (char)(e->d_type == DT_DIR);
        names[count++] = copy;
    }
    closedir(d);
    qsort(names, count, sizeof(char *), compare_names);
    if (header)
        printf("%s:\n", arg);
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(names[i]);
        ls_line(path, names[i], names[i][len + 1], long_form);
        free(names[i]);
    }
    free(names);
    return 0;
}

int builtin_ls(int argc, char **argv)
{
    int long_form = 0;
    int first = 1;
    int status = 0;

    if (argc > 1 && strcmp(argv[1], "-l") == 0) {
        long_form = 1;
        first = 2;
    }
    if (first >= argc)
        return ls_one(".", long_form, 0);
    for (int i = first; i < argc; i++) {
        if (i > first)
            printf("\n");
        status |= ls_one(argv[i], long_form, argc - first > 1);
    }
    return status;
}

/* Copy fd to stdout -> 0, or 1 after a message naming what. */
static int copy_out(int fd, const char *what)
{
    static char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0) {
            shell_error("cat", what);
            return 1;
        }
        if (n == 0)
            return 0;
        fwrite(buf, 1, (size_t)n, stdout);
    }
}

int builtin_cat(int argc, char **argv)
{
    int status = 0;

    /* No file: standard input, when it is one (cat < FILE). */
    if (argc < 2 && ks_stdio_handle(0)) {
        status = copy_out(0, "standard input");
        fflush(stdout);
        return status;
    }
    if (argc < 2) {
        printf("usage: cat FILE...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            shell_error("cat", argv[i]);
            status = 1;
            continue;
        }
        status |= copy_out(fd, argv[i]);
        close(fd);
    }
    fflush(stdout);
    return status;
}

int builtin_mkdir(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        printf("usage: mkdir DIR...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (mkdir(argv[i], 0755) < 0) {
            shell_error("mkdir", argv[i]);
            status = 1;
        }
    return status;
}

int builtin_rm(int argc, char **argv)
{
    int dirs_too = 0;
    int first = 1;
    int status = 0;

    if (argc > 1 && strcmp(argv[1], "-d") == 0) {
        dirs_too = 1;
        first = 2;
    }
    if (first >= argc) {
        printf("usage: rm [-d] FILE...\n");
        return 2;
    }
    for (int i = first; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            shell_error("rm", argv[i]);
            status = 1;
            continue;
        }
        if (S_ISDIR(st.st_mode) && !dirs_too) {
            shell_error_code("rm", argv[i], -KS_ERR_IS_DIRECTORY);
            status = 1;
            continue;
        }
        if ((S_ISDIR(st.st_mode) ? rmdir(argv[i]) : unlink(argv[i])) < 0) {
            shell_error("rm", argv[i]);
            status = 1;
        }
    }
    return status;
}

int builtin_rmdir(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        printf("usage: rmdir DIR...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0) {
            shell_error("rmdir", argv[i]);
            status = 1;
        } else if (!S_ISDIR(st.st_mode)) {
            shell_error_code("rmdir", argv[i], -KS_ERR_NOT_DIRECTORY);
            status = 1;
        } else if (rmdir(argv[i]) < 0) {
            shell_error("rmdir", argv[i]);
            status = 1;
        }
    }
    return status;
}

int builtin_cp(int argc, char **argv)
{
    static char buf[4096];
    char target[KS_PATH_MAX];
    struct stat st;

    if (argc != 3) {
        printf("usage: cp SRC DST\n");
        return 2;
    }
    const char *dst = argv[2];
    if (stat(dst, &st) == 0 && S_ISDIR(st.st_mode)) {
        const char *base = strrchr(argv[1], '/');
        base = base ? base + 1 : argv[1];
        int n = snprintf(target, sizeof(target), "%s/%s", dst, base);
        if (n < 0 || (size_t)n >= sizeof(target)) {
            printf("cp: %s: path too long\n", dst);
            return 1;
        }
        dst = target;
    }
    int in = open(argv[1], O_RDONLY);
    if (in < 0) {
        shell_error("cp", argv[1]);
        return 1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        shell_error("cp", dst);
        close(in);
        return 1;
    }
    int status = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf));
        if (n < 0) {
            shell_error("cp", argv[1]);
            status = 1;
            break;
        }
        if (n == 0)
            break;
        if (write(out, buf, (size_t)n) != n) {
            shell_error("cp", dst);
            status = 1;
            break;
        }
    }
    close(in);
    if (close(out) < 0 && status == 0) {
        shell_error("cp", dst);
        status = 1;
    }
    return status;
}

int builtin_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/";
    if (chdir(dir) < 0) {
        shell_error("cd", dir);
        return 1;
    }
    return 0;
}

int builtin_pwd(int argc, char **argv)
{
    char cwd[KS_PATH_MAX];
    (void)argc;
    (void)argv;
    if (!getcwd(cwd, sizeof(cwd))) {
        shell_error("pwd", NULL);
        return 1;
    }
    printf("%s\n", cwd);
    return 0;
}
