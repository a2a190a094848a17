/* SPDX-License-Identifier: MIT */
/*
 * The builtins table and the small builtins: echo, help, clear, exit,
 * mem, uptime, date, env, export.  The file and system builtins live in
 * fs.c and sys.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ks.h"
#include "shell.h"

static int builtin_echo(int argc, char **argv)
{
    int first = 1;
    int newline = 1;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = 0;
        first = 2;
    }
    for (int i = first; i < argc; i++)
        printf("%s%s", i > first ? " " : "", argv[i]);
    if (newline)
        printf("\n");
    return 0;
}

static int builtin_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (const struct builtin *b = shell_builtins; b->name; b++)
        printf("  %-9s %s\n", b->name, b->usage);
    printf("Anything else runs /bin/NAME (see ls /bin); $? is the last status.\n");
    return 0;
}

static int builtin_clear(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("\x1b[2J\x1b[H");
    return 0;
}

/* A decimal argument, whole and in range; false otherwise. */
static int parse_int(const char *s, long long *out)
{
    char *end;
    if (!s || !*s)
        return 0;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno)
        return 0;
    *out = v;
    return 1;
}

static int builtin_exit(int argc, char **argv)
{
    long long status = 0;
    if (argc > 1 && !parse_int(argv[1], &status)) {
        printf("exit: %s: not a number\n", argv[1]);
        return 2;
    }
    shell_exit_requested = 1;
    shell_exit_status = (int)status;
    return (int)status;
}

static int builtin_mem(int argc, char **argv)
{
    struct ks_mem_info mi;
    (void)argc;
    (void)argv;
    int64_t rc = ks_sys_mem_info(&mi);
    if (rc < 0) {
        shell_error_code("mem", NULL, rc);
        return 1;
    }
    uint64_t mib = 1024 * 1024;
    printf("memory: %llu MiB total, %llu MiB free (%llu of %llu frames of %llu bytes free), "
           "%u CPUs\n",
           (unsigned long long)(mi.total_frames * mi.page_size / mib),
           (unsigned long long)(mi.free_frames * mi.page_size / mib),
           (unsigned long long)mi.free_frames, (unsigned long long)mi.total_frames,
           (unsigned long long)mi.page_size, (unsigned)mi.cpus);
    return 0;
}

static int builtin_uptime(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t ns = ks_clock_ns();
    uint64_t s = ns / 1000000000ull;
    printf("up %llu:%02llu:%02llu.%03llu (%llu.%03llu s since boot)\n",
           (unsigned long long)(s / 3600), (unsigned long long)(s / 60 % 60),
           (unsigned long long)(s % 60), (unsigned long long)(ns / 1000000 % 1000),
           (unsigned long long)s, (unsigned long long)(ns / 1000000 % 1000));
    return 0;
}

/* The wall clock (the rtc service through time()); without it the
 * runtime counts from boot, which is said rather than shown as 1970. */
static int builtin_date(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm))
        return 1;
    if (!ks_service("rtc")) {
        printf("date: no real-time clock (the rtc service is not running)\n");
        return 1;
    }
    static const char *const days[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    printf("%s %04d-%02d-%02d %02d:%02d:%02d UTC\n", days[tm.tm_wday], tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return 0;
}

static int builtin_env(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (char **e = environ; e && *e; e++)
        printf("%s\n", *e);
    return 0;
}

static int builtin_export(int argc, char **argv)
{
    int status = 0;
    if (argc == 1)
        return builtin_env(argc, argv);
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq || eq == argv[i]) {
            printf("export: %s: expected NAME=VALUE\n", argv[i]);
            status = 1;
            continue;
        }
        *eq = '\0';
        if (setenv(argv[i], eq + 1, 1) < 0) {
            shell_error("export", argv[i]);
            status = 1;
        }
        *eq = '=';
    }
    return status;
}

static int builtin_unset(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        unsetenv(argv[i]);
    return 0;
}

const struct builtin shell_builtins[] = {
    { "cat", builtin_cat, "cat FILE...: print files" },
    { "caps", builtin_caps, "caps PID: a process's handles as a Graphviz graph (0: the shell)" },
    { "cd", builtin_cd, "cd [DIR]: change the current directory (default /)" },
    { "clear", builtin_clear, "clear: clear the screen" },
    { "cp", builtin_cp, "cp SRC DST: copy a file (DST may be a directory)" },
    { "echo", builtin_echo, "echo [-n] ARGS...: print the arguments" },
    { "env", builtin_env, "env: print the environment" },
    { "exit", builtin_exit, "exit [STATUS]: leave the shell" },
    { "export", builtin_export, "export NAME=VALUE...: set environment variables" },
    { "help", builtin_help, "help: this list" },
    { "kill", builtin_kill, "kill PID: stop a service (init restarts it per its policy)" },
    { "ls", builtin_ls, "ls [-l] [PATH...]: list directories" },
    { "lspci", builtin_lspci, "lspci: list PCI devices" },
    { "mem", builtin_mem, "mem: memory in use and free" },
    { "mkdir", builtin_mkdir, "mkdir DIR...: make directories (under /tmp)" },
    { "poweroff", builtin_poweroff, "poweroff: stop the services and switch off" },
    { "ps", builtin_ps, "ps: services and their state" },
    { "pwd", builtin_pwd, "pwd: print the current directory" },
    { "reboot", builtin_reboot, "reboot: stop the services and restart the machine" },
    { "rm", builtin_rm, "rm [-d] FILE...: remove files (-d: empty directories too)" },
    { "rmdir", builtin_rmdir, "rmdir DIR...: remove empty directories" },
    { "unset", builtin_unset, "unset NAME...: remove environment variables" },
    { "uptime", builtin_uptime, "uptime: time since boot" },
    { "date", builtin_date, "date: the date and time (UTC, from the CMOS clock)" },
    { NULL, NULL, NULL },
};

const struct builtin *shell_find_builtin(const char *name)
{
    for (const struct builtin *b = shell_builtins; b->name; b++)
        if (strcmp(b->name, name) == 0)
            return b;
    return NULL;
}
