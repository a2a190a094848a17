/* SPDX-License-Identifier: MIT */
/*
 * Kestrel kernel command-line parser (pure, host-tested).
 *
 * Interface: cmdline_parse() splits the command line into words
 * separated by blanks; a word is either a flag (`ktest`) or `key=value`.
 * The options of docs/boot.md fill struct cmdline_options; every unknown
 * option or malformed value is reported through the warn callback (with
 * the offending word, not NUL-terminated, and a reason) and otherwise
 * ignored, so a typo never stops a boot.  cmdline_next_word() is the
 * tokenizer underneath, usable on its own.  No state: any context.
 */
#ifndef KESTREL_LIB_CMDLINE_H
#define KESTREL_LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

enum log_level {
    LOG_ERROR = 0,
    LOG_WARN  = 1,
    LOG_INFO  = 2,
    LOG_DEBUG = 3
};

/* Bits of cmdline_options.break_points (`break=POINT[,POINT...]`). */
enum cmdline_break_point {
    BREAK_ENTRY  = 1u << 0,
    BREAK_INITRD = 1u << 1,
    BREAK_KTEST  = 1u << 2,
    BREAK_PANIC  = 1u << 3
};

#define CMDLINE_SMP_MAX 256u
#define CMDLINE_INIT_MAX 128u   /* bytes of init=PATH, NUL included */

struct cmdline_options {
    bool ktest;              /* run the in-kernel self-tests, then exit */
    const char *ktest_only;  /* ktest=NAME: run just that test (not NUL-terminated) */
    size_t ktest_only_len;
    bool bench;              /* run the in-kernel benchmarks, then exit */
    bool exit;               /* exit the emulator instead of halting */
    bool serial_only;        /* console=serial: leave the screen alone */
    enum log_level log_level;
    unsigned break_points;   /* enum cmdline_break_point bits */
    unsigned smp;            /* CPU limit; 0 = no limit given */
    bool usertest;           /* run bin/usertest as the first process, then exit */
    const char *init;        /* init=PATH: the first process (not NUL-terminated) */
    size_t init_len;
    bool ipc_slow;           /* ipc=slow: every IPC takes the slow path */
};

struct cmdline_word {
    const char *key;         /* start of the word */
    size_t key_len;          /* up to '=' or the end of the word */
    const char *value;       /* after '=', or NULL for a flag */
    size_t value_len;
};

typedef void (*cmdline_warn_fn)(void *ctx, const char *word, size_t word_len,
                                const char *why);

/* Fill *word with the next word at *cursor and advance; false at the end. */
bool cmdline_next_word(const char **cursor, struct cmdline_word *word);

/* Parse cmdline (NULL = empty) into *out, starting from the defaults. */
void cmdline_parse(const char *cmdline, struct cmdline_options *out,
                   cmdline_warn_fn warn, void *ctx);

/* "error", "warn", "info", "debug". */
const char *cmdline_log_level_name(enum log_level level);

#endif /* KESTREL_LIB_CMDLINE_H */
