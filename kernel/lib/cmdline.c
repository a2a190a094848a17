/* SPDX-License-Identifier: MIT */
/*
 * Kestrel kernel command-line parser; see cmdline.h.  Pure code shared
 * with the host unit tests (tests/unit/test_cmdline.c).
 */
#include <stdint.h>
#include "lib/cmdline.h"

static const char *const log_level_names[] = { "error", "warn", "info", "debug" };

static const struct {
    const char *name;
    unsigned bit;
} break_point_names[] = {
    { "entry", BREAK_ENTRY },
    { "initrd", BREAK_INITRD },
    { "ktest", BREAK_KTEST },
    { "panic", BREAK_PANIC },
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True when s[0..len) equals the NUL-terminated word. */
static bool span_is(const char *s, size_t len, const char *word)
{
    size_t i = 0;
    for (; i < len; i++) {
        if (word[i] != s[i])
            return false;
    }
    return word[i] == '\0';
}

bool cmdline_next_word(const char **cursor, struct cmdline_word *word)
{
    const char *p = *cursor;
    while (*p && is_blank(*p))
        p++;
    if (!*p) {
        *cursor = p;
        return false;
    }
    word->key = p;
    word->value = NULL;
    word->value_len = 0;
    while (*p && !is_blank(*p) && *p != '=')
        p++;
    word->key_len = (size_t)(p - word->key);
    if (*p == '=') {
        word->value = ++p;
        while (*p && !is_blank(*p))
            p++;
        word->value_len = (size_t)(p - word->value);
    }
    *cursor = p;
    return true;
}

static bool parse_log_level(const struct cmdline_word *w, struct cmdline_options *out)
{
    for (size_t i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++) {
        if (span_is(w->value, w->value_len, log_level_names[i])) {
            out->log_level = (enum log_level)i;
            return true;
        }
    }
    return false;
}

/* break=POINT[,POINT...]: every name must be known, else nothing is set. */
static bool parse_break_points(const struct cmdline_word *w, struct cmdline_options *out)
{
    unsigned bits = 0;
    const char *p = w->value, *end = w->value + w->value_len;
    while (p <= end) {
        const char *comma = p;
        while (comma < end && *comma != ',')
            comma++;
        bool known = false;
        for (size_t i = 0; i < sizeof(break_point_names) / sizeof(break_point_names[0]); i++) {
            if (span_is(p, (size_t)(comma - p), break_point_names[i].name)) {
                bits |= break_point_names[i].bit;
                known = true;
            }
        }
        if (!known)
            return false;
        p = comma + 1;
    }
    out->break_points |= bits;
    return true;
}

static bool parse_smp(const struct cmdline_word *w, struct cmdline_options *out)
{
    uint32_t n = 0;
    if (w->value_len == 0 || w->value_len > 4)
        return false;
    for (size_t i = 0; i < w->value_len; i++) {
        if (w->value[i] < '0' || w->value[i] > '9')
            return false;
        n = n * 10 + (uint32_t)(w->value[i] - '0');
    }
    if (n == 0 || n > CMDLINE_SMP_MAX)
        return false;
    out->smp = n;
    return true;
}

/* Returns NULL when the word was understood, else why it was not. */
static const char *apply_word(const struct cmdline_word *w, struct cmdline_options *out)
{
    if (!w->value) {
        if (span_is(w->key, w->key_len, "ktest")) {
            out->ktest = true;
            out->exit = true;
            return NULL;
        }
        if (span_is(w->key, w->key_len, "exit")) {
            out->exit = true;
            return NULL;
        }
        if (span_is(w->key, w->key_len, "bench")) {
            out->bench = true;
            out->exit = true;
            return NULL;
        }
        if (span_is(w->key, w->key_len, "usertest")) {
            out->usertest = true;
            out->exit = true;
            out->init = "bin/usertest";
            out->init_len = 12;
            return NULL;
        }
        return "unknown option";
    }
    if (span_is(w->key, w->key_len, "log"))
        return parse_log_level(w, out) ? NULL : "bad value (error, warn, info, debug)";
    if (span_is(w->key, w->key_len, "break"))
        return parse_break_points(w, out) ? NULL : "bad value (entry, initrd, ktest, panic)";
    if (span_is(w->key, w->key_len, "smp"))
        return parse_smp(w, out) ? NULL : "bad value (1..256)";
    if (span_is(w->key, w->key_len, "ktest")) {
        if (w->value_len == 0)
            return "bad value (a self-test name)";
        out->ktest = true;
        out->exit = true;
        out->ktest_only = w->value;
        out->ktest_only_len = w->value_len;
        return NULL;
    }
    if (span_is(w->key, w->key_len, "init")) {
        if (w->value_len == 0 || w->value_len >= CMDLINE_INIT_MAX)
            return "bad value (a path in the initramfs)";
        out->init = w->value;
        out->init_len = w->value_len;
        return NULL;
    }
    if (span_is(w->key, w->key_len, "ipc")) {
        if (span_is(w->value, w->value_len, "slow"))
            out->ipc_slow = true;
        else if (span_is(w->value, w->value_len, "fast"))
            out->ipc_slow = false;
        else
            return "bad value (fast, slow)";
        return NULL;
    }
    if (span_is(w->key, w->key_len, "console")) {
        if (span_is(w->value, w->value_len, "serial"))
            out->serial_only = true;
        else if (span_is(w->value, w->value_len, "all"))
            out->serial_only = false;
        else
            return "bad value (serial, all)";
        return NULL;
    }
    return "unknown option";
}

void cmdline_parse(const char *cmdline, struct cmdline_options *out,
                   cmdline_warn_fn warn, void *ctx)
{
    *out = (struct cmdline_options){ .log_level = LOG_INFO, .init = "bin/init", .init_len = 8 };
    if (!cmdline)
        return;
    const char *cursor = cmdline;
    struct cmdline_word w;
    while (cmdline_next_word(&cursor, &w)) {
        const char *why = apply_word(&w, out);
        if (why && warn)
            warn(ctx, w.key, (size_t)(cursor - w.key), why);
    }
}

const char *cmdline_log_level_name(enum log_level level)
{
    if ((unsigned)level >= sizeof(log_level_names) / sizeof(log_level_names[0]))
        return "?";
    return log_level_names[level];
}
