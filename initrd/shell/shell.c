/* SPDX-License-Identifier: MIT */
/*
 * Kestrel's shell: reads lines from the console (which merges the
 * keyboard and the serial line, and mirrors output to both), splits
 * them into words and runs a builtin or a program from the initramfs.
 * Start handles: [0] the name service, [1] init's service-manager
 * endpoint.  docs/shell.md is the user's guide.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ks.h"
#include "ks_services.h"
#include "ks_system.h"
#include "lineedit.h"
#include "shell.h"
#include "tokenize.h"

int shell_exit_requested;
int shell_exit_status;

static int last_status;
static char status_text[16];
static struct le_history history;
static struct le_state editor;

void shell_say(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void shell_error_code(const char *name, const char *what, int64_t err)
{
    if (err < 0)
        err = -err;
    if (what)
        shell_say("%s: %s: %s\n", name, what, ks_strerror(-err));
    else
        shell_say("%s: %s\n", name, ks_strerror(-err));
}

void shell_error(const char *name, const char *what)
{
    shell_error_code(name, what, errno);
}

ks_handle_t shell_init_handle(void)
{
    static ks_handle_t cached;
    if (cached)
        return cached;
    const struct ks_start_info *si = ks_start_info;
    if (si && si->handle_count > 1) {
        struct ks_handle_info info;
        if (ks_sys_handle_info(si->handles[1], &info) == 0 && info.type == KS_OBJECT_ENDPOINT)
            cached = si->handles[1];
    }
    if (!cached)
        cached = ks_service("init");
    return cached;
}

/* Variables for the tokenizer: $? and the environment. */
static const char *lookup_var(const char *name, size_t len, void *ctx)
{
    char key[64];
    (void)ctx;
    if (len == 1 && name[0] == '?') {
        snprintf(status_text, sizeof(status_text), "%d", last_status);
        return status_text;
    }
    if (len >= sizeof(key))
        return NULL;
    memcpy(key, name, len);
    key[len] = '\0';
    return getenv(key);
}

static void out_raw(const char *bytes, size_t len)
{
    if (len)
        ks_console_write(bytes, len);
}

static void prompt(void)
{
    char cwd[KS_PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        strcpy(cwd, "?");
    printf("kestrel:%s$ ", cwd);
    fflush(stdout);
}

/* Descriptors 0..2 back to the console (those not redirected stay). */
static void redirect_end(void)
{
    fflush(stdout);
    fflush(stderr);
    for (int fd = 0; fd < 3; fd++)
        ks_stdio_restore(fd);
}

/* Point descriptors 0, 1 and 2 at the files of r for one command (a
 * builtin prints through stdout and stderr; a program inherits them
 * through ks_spawn) -> 0, or the status after a message.  Standard
 * error goes last, so a message about the others still reaches the
 * console. */
static int redirect_begin(const struct tok_redirect *r)
{
    const char *path[3] = { r->in, r->out, r->err };
    int flags[3] = { O_RDONLY, O_WRONLY | O_CREAT | (r->append ? O_APPEND : O_TRUNC),
                     O_WRONLY | O_CREAT | (r->err_append ? O_APPEND : O_TRUNC) };
    fflush(stdout);
    fflush(stderr);
    for (int fd = 0; fd < 3; fd++) {
        if (!path[fd])
            continue;
        int file = open(path[fd], flags[fd], 0644);
        if (file < 0) {
            shell_error("shell", path[fd]);
            redirect_end();
            return 1;
        }
        ks_stdio_redirect(fd, file);
    }
    return 0;
}

static void execute(char *line)
{
    static char words[LE_LINE_MAX * 4 + 64];
    char *argv[TOK_WORDS_MAX + 1];
    struct tok_redirect redir;
    const char *err;

    int argc = tokenize(line, words, sizeof(words), argv, TOK_WORDS_MAX, lookup_var, NULL,
                        &redir, &err);
    if (argc < 0) {
        shell_say("shell: %s\n", err);
        last_status = 2;
        return;
    }
    if (argc == 0 && !redir.in && !redir.out && !redir.err)
        return;
    if ((last_status = redirect_begin(&redir)) != 0)
        return;
    if (argc > 0) {
        const struct builtin *b = shell_find_builtin(argv[0]);
        if (b)
            last_status = b->fn(argc, argv);
        else
            last_status = shell_run_program(argc, argv);
    }
    redirect_end();
    fflush(stdout);
}

static void print_motd(void)
{
    FILE *f = fopen("/etc/motd", "r");
    if (!f)
        return;
    char buf[256];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, stdout);
    fclose(f);
    fflush(stdout);
}

/* Read one line into the editor; false when input failed for good. */
static enum le_result read_line(void)
{
    static unsigned char in[128];
    static size_t in_len, in_pos;
    int failures = 0;

    for (;;) {
        while (in_pos < in_len) {
            enum le_result r = le_feed(&editor, in[in_pos++]);
            out_raw(editor.out, editor.out_len);
            if (r != LE_MORE)
                return r;
        }
        int64_t n = ks_console_read(in, sizeof(in), KS_TIMEOUT_INFINITE);
        if (n <= 0) {
            /* No console yet, or it is being restarted: wait for it. */
            if (n < 0 && ++failures == 1)
                ks_sys_log_write("shell: console read failed, retrying\n", 37);
            ks_sleep_ns(100ull * 1000 * 1000);
            continue;
        }
        failures = 0;
        in_len = (size_t)n;
        in_pos = 0;
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!getenv("PATH"))
        setenv("PATH", "/bin", 1);
    le_history_init(&history);
    le_init(&editor, &history);
    print_motd();
    ks_sys_boot_milestone("shell prompt");     /* errors do not matter */
    while (!shell_exit_requested) {
        prompt();
        le_begin(&editor);
        enum le_result r = read_line();
        if (r == LE_LINE)
            execute(editor.buf);
        else if (r == LE_CANCEL)
            last_status = 130;
        /* LE_EOF (Ctrl+D on an empty line) is ignored: this shell is
         * the console's, and leaving it would leave no way in. */
        else if (r == LE_EOF)
            out_raw("\r\n", 2);
    }
    fflush(stdout);
    return shell_exit_status;
}
