/* SPDX-License-Identifier: MIT */
/*
 * Running programs: a word that is no builtin names /bin/WORD, or a
 * path (absolute, or relative to the current directory) when it has a
 * '/'.  The shell starts it with ks_spawn (the child gets the name
 * service and the shell's environment), waits for it and reports how it
 * ended.  The status ($?) is the exit status; 128 + the vector for a
 * fault; 130 when Ctrl-C ended it; 137 when it was killed otherwise.
 *
 * Ctrl-C: while the program runs, the console signals the shell's
 * notification for a typed 0x03 (KS_CONSOLE_INTERRUPT) and the shell
 * kills the program.  A second thread waits for the program's end and
 * signals the same notification, so the shell sleeps on one thing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "ks.h"
#include "ks_client.h"
#include "ks_services.h"
#include "shell.h"

#define STATUS_FAULT_BASE 128
#define STATUS_KILLED     137
#define STATUS_INTERRUPTED 130
#define BIT_INTERRUPT     1u    /* the console: Ctrl-C */
#define BIT_ENDED         2u    /* the waiting thread: the program ended */
#define STATUS_NOT_FOUND  127
#define STATUS_CANNOT_RUN 126

static const char *fault_name(uint32_t vector)
{
    static const char *const names[] = {
        "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
        "#BR bound range exceeded", "#UD invalid opcode", "#NM device not available",
        "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
        "#NP segment not present", "#SS stack fault", "#GP general protection",
        "#PF page fault", "vector 15", "#MF x87 floating-point error",
        "#AC alignment check", "#MC machine check", "#XM SIMD floating-point error",
        "#VE virtualization exception", "#CP control protection",
    };
    if (vector < sizeof(names) / sizeof(names[0]))
        return names[vector];
    return "unknown fault";
}

/* Report how the program ended; -> the status for $?. */
static int report(const char *name, const struct ks_exit_status *st)
{
    switch (st->reason) {
    case KS_EXIT_NORMAL:
        if (st->status != 0)
            shell_say("shell: %s exited with status %d\n", name, (int)st->status);
        return (int)st->status;
    case KS_EXIT_FAULT:
        shell_say("shell: %s crashed: %s at RIP 0x%llx (address 0x%llx)\n", name,
               fault_name(st->fault_vector), (unsigned long long)st->fault_rip,
               (unsigned long long)st->fault_address);
        return STATUS_FAULT_BASE + (int)st->fault_vector;
    case KS_EXIT_KILLED:
        shell_say("shell: %s was killed\n", name);
        return STATUS_KILLED;
    default:
        shell_say("shell: %s ended (reason %u)\n", name, (unsigned)st->reason);
        return STATUS_KILLED;
    }
}

struct waiter {
    int64_t proc;
    int64_t note;
    int64_t rc;
    struct ks_exit_status st;
};

static int64_t wait_thread(void *arg)
{
    struct waiter *w = arg;
    w->rc = ks_sys_wait(w->proc, &w->st, KS_TIMEOUT_INFINITE);
    ks_sys_notification_signal(w->note, BIT_ENDED);
    return 0;
}

/* Wait for proc to end, killing it at a Ctrl-C -> what ks_sys_wait
 * gave; *interrupted says whether Ctrl-C came.  Without a notification
 * or a thread it just waits (and Ctrl-C reaches the program). */
static int64_t wait_program(int64_t proc, struct ks_exit_status *st, bool *interrupted)
{
    static int64_t note;
    static struct ks_thread thread;
    *interrupted = false;
    if (!note)
        note = ks_sys_notification_create();
    struct waiter w = { .proc = proc, .note = note, .rc = 0 };
    uint64_t bits = 0;
    if (note > 0)
        (void)ks_sys_notification_wait(note, KS_TIMEOUT_POLL, &bits);  /* a stale Ctrl-C */
    if (note <= 0 || ks_thread_create(&thread, wait_thread, &w, KS_PRIORITY_DEFAULT, 0) < 0)
        return ks_sys_wait(proc, st, KS_TIMEOUT_INFINITE);
    bool armed = ks_console_interrupt(note, BIT_INTERRUPT) == 0;
    for (;;) {
        bits = 0;
        if (ks_sys_notification_wait(note, KS_TIMEOUT_INFINITE, &bits) < 0)
            continue;
        if ((bits & BIT_INTERRUPT) && !*interrupted) {
            *interrupted = true;
            (void)ks_sys_process_kill(proc);
        }
        if (bits & BIT_ENDED)
            break;
    }
    if (armed)
        (void)ks_console_interrupt(0, 0);
    ks_thread_join(&thread, NULL);
    *st = w.st;
    return w.rc;
}

int shell_run_program(int argc, char **argv)
{
    char path[KS_PATH_MAX];
    (void)argc;

    if (strchr(argv[0], '/')) {
        if (ks_path_resolve(argv[0], path, sizeof(path)) < 0) {
            shell_say("shell: %s: invalid path\n", argv[0]);
            return STATUS_NOT_FOUND;
        }
    } else {
        int n = snprintf(path, sizeof(path), "/bin/%s", argv[0]);
        if (n < 0 || (size_t)n >= sizeof(path)) {
            shell_say("shell: %s: command not found\n", argv[0]);
            return STATUS_NOT_FOUND;
        }
    }

    /* The child writes to the console itself: what the shell printed
     * must be out first. */
    fflush(stdout);
    int64_t proc = ks_spawn(path, argv, NULL, 0);
    if (proc < 0) {
        if (proc == -KS_ERR_NOT_FOUND && !strchr(argv[0], '/')) {
            shell_say("shell: %s: command not found\n", argv[0]);
            return STATUS_NOT_FOUND;
        }
        if (proc == -KS_ERR_NOT_FOUND) {
            shell_say("shell: %s: not found\n", path);
            return STATUS_NOT_FOUND;
        }
        if (proc == -KS_ERR_NOT_EXECUTABLE)
            shell_say("shell: %s: not an executable program\n", path);
        else
            shell_error_code("shell", path, proc);
        return STATUS_CANNOT_RUN;
    }

    struct ks_exit_status st;
    memset(&st, 0, sizeof(st));
    bool interrupted;
    int64_t rc = wait_program(proc, &st, &interrupted);
    ks_sys_handle_close(proc);
    if (rc < 0) {
        shell_error_code("shell", argv[0], rc);
        return STATUS_CANNOT_RUN;
    }
    if (interrupted && st.reason == KS_EXIT_KILLED) {
        shell_say("^C\nshell: %s interrupted\n", argv[0]);
        return STATUS_INTERRUPTED;
    }
    return report(argv[0], &st);
}
