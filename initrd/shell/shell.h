/* SPDX-License-Identifier: MIT */
/*
 * Kestrel's shell (bin/shell): what its files share.  docs/shell.md
 * describes the commands.
 */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

#include <stdint.h>
#include "kestrel/handle.h"

/* A builtin: argv[0] is its name; -> its status ($?). */
typedef int (*builtin_fn)(int argc, char **argv);

struct builtin {
    const char *name;
    builtin_fn fn;
    const char *usage;          /* one line for help */
};

/* The builtins table (builtins.c), ended by a zeroed entry. */
extern const struct builtin shell_builtins[];
const struct builtin *shell_find_builtin(const char *name);

/* The shell's own messages: to stderr (the console, even while stdout
 * is redirected), after what stdout holds. */
void shell_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "NAME: WHAT: reason" for errno (or a -KS_ERR_* code with _code). */
void shell_error(const char *name, const char *what);
void shell_error_code(const char *name, const char *what, int64_t err);

/* Set by exit: the loop ends and the shell exits with this status. */
extern int shell_exit_requested;
extern int shell_exit_status;

/* Run a program (exec.c): argv[0] a name in /bin or a path -> status. */
int shell_run_program(int argc, char **argv);

/* init's service-manager endpoint (start handle 1, else the name
 * "init"); 0 when there is none. */
ks_handle_t shell_init_handle(void);

/* Builtins in the other files. */
int builtin_ls(int argc, char **argv);
int builtin_cat(int argc, char **argv);
int builtin_mkdir(int argc, char **argv);
int builtin_rm(int argc, char **argv);
int builtin_rmdir(int argc, char **argv);
int builtin_cp(int argc, char **argv);
int builtin_cd(int argc, char **argv);
int builtin_pwd(int argc, char **argv);
int builtin_ps(int argc, char **argv);
int builtin_kill(int argc, char **argv);
int builtin_caps(int argc, char **argv);
int builtin_lspci(int argc, char **argv);
int builtin_reboot(int argc, char **argv);
int builtin_poweroff(int argc, char **argv);

/* "ISA bridge" for a PCI class and subclass (pci_names.c). */
const char *shell_pci_class_name(uint8_t class_code, uint8_t subclass);

#endif /* SHELL_SHELL_H */
