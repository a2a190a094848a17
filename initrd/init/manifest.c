/* SPDX-License-Identifier: MIT */
/*
 * The manifest line parser (manifest.h).  A line is split into words
 * at blanks; a double-quoted part keeps its blanks ("args="a b"").
 * Every check that needs only the line happens here (keys, names,
 * capabilities, numbers, the handle count); what needs every line
 * (dependencies, endpoints, binaries) is manifest_order.c.
 */
#include "manifest.h"

#include <string.h>

#define WORD_MAX 320u

/* Append src (at most n bytes) to the NUL-terminated dst of size bytes. */
static void cat_n(char *dst, size_t size, const char *src, size_t n)
{
    size_t used = strlen(dst);
    while (n-- && *src && used + 1 < size)
        dst[used++] = *src++;
    dst[used] = 0;
}

static void set_err(char *err, size_t size, const char *a, const char *b, size_t b_len,
                    const char *c)
{
    if (!size)
        return;
    err[0] = 0;
    cat_n(err, size, a, SIZE_MAX);
    if (b)
        cat_n(err, size, b, b_len);
    if (c)
        cat_n(err, size, c, SIZE_MAX);
}

bool mf_valid_name(const char *name, size_t len)
{
    if (len == 0 || len > MF_NAME_MAX - 1)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

/* A decimal or 0x-hexadecimal number of s[0..len), at most max. */
static bool parse_number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t value = 0, base = 10;
    size_t i = 0;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == len)
        return false;
    for (; i < len; i++) {
        char c = s[i];
        uint64_t digit;
        if (c >= '0' && c <= '9')
            digit = (uint64_t)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            digit = (uint64_t)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            digit = (uint64_t)(c - 'A' + 10);
        else
            return false;
        if (value > (max - digit) / base)
            return false;
        value = value * base + digit;
    }
    *out = value;
    return true;
}

/* The next word of line[*at..len) into word (quotes removed): its
 * length, 0 at the end, -1 for an unterminated quote or a word too long,
 * -2 for an empty quoted word.  *quoted tells whether a quote was part
 * of it, *quoted_key whether one came before its first '='. */
static int next_word(const char *line, size_t len, size_t *at, char *word, bool *quoted,
                     bool *quoted_key)
{
    size_t i = *at, n = 0;
    bool in_quote = false, seen_eq = false;
    *quoted = false;
    *quoted_key = false;
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
        i++;
    if (i == len) {
        *at = i;
        return 0;
    }
    for (; i < len; i++) {
        char c = line[i];
        if (c == '"') {
            in_quote = !in_quote;
            *quoted = true;
            if (!seen_eq)
                *quoted_key = true;
            continue;
        }
        if (c == '=')
            seen_eq = true;
        if (!in_quote && (c == ' ' || c == '\t' || c == '\r'))
            break;
        if (n + 1 >= WORD_MAX)
            return -1;
        word[n++] = c;
    }
    if (in_quote)
        return -1;
    word[n] = 0;
    *at = i;
    return n ? (int)n : (*quoted ? -2 : 0);
}

/* Split value at sep into items of at most max - 1 bytes each, calling
 * take(item, len) for each; false when one is empty or take refuses. */
typedef bool (*item_fn)(struct mf_service *s, const char *item, size_t len, char *err,
                        size_t err_size);

static bool split_list(struct mf_service *s, const char *value, char sep, item_fn take,
                       char *err, size_t err_size)
{
    const char *p = value;
    for (;;) {
        const char *end = strchr(p, sep);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0) {
            set_err(err, err_size, "empty item in a list", NULL, 0, NULL);
            return false;
        }
        if (!take(s, p, len, err, err_size))
            return false;
        if (!end)
            return true;
        p = end + 1;
    }
}

static bool take_dep(struct mf_service *s, const char *item, size_t len, char *err,
                     size_t err_size)
{
    if (!mf_valid_name(item, len)) {
        set_err(err, err_size, "after: bad service name \"", item, len, "\"");
        return false;
    }
    if (s->dep_count == MF_MAX_DEPS) {
        set_err(err, err_size, "after: too many dependencies", NULL, 0, NULL);
        return false;
    }
    memcpy(s->deps[s->dep_count], item, len);
    s->deps[s->dep_count++][len] = 0;
    return true;
}

static bool take_register(struct mf_service *s, const char *item, size_t len, char *err,
                          size_t err_size)
{
    if (!mf_valid_name(item, len)) {
        set_err(err, err_size, "register: bad service name \"", item, len, "\"");
        return false;
    }
    if (s->reg_count == MF_MAX_REGISTER) {
        set_err(err, err_size, "register: too many names", NULL, 0, NULL);
        return false;
    }
    memcpy(s->reg[s->reg_count], item, len);
    s->reg[s->reg_count++][len] = 0;
    return true;
}

static bool take_arg(struct mf_service *s, const char *item, size_t len, char *err,
                     size_t err_size)
{
    size_t used = 0;
    for (uint32_t i = 0; i < s->argc; i++)
        used += strlen(s->args + used) + 1;
    if (s->argc == MF_MAX_ARGS || used + len + 1 > MF_ARG_BYTES) {
        set_err(err, err_size, "args: too many arguments", NULL, 0, NULL);
        return false;
    }
    memcpy(s->args + used, item, len);
    s->args[used + len] = 0;
    s->argc++;
    return true;
}

/* Whether item (len bytes) starts with prefix; *rest follows it. */
static bool has_prefix(const char *item, size_t len, const char *prefix, const char **rest,
                       size_t *rest_len)
{
    size_t n = strlen(prefix);
    if (len < n || memcmp(item, prefix, n) != 0)
        return false;
    *rest = item + n;
    *rest_len = len - n;
    return true;
}

static bool take_cap(struct mf_service *s, const char *item, size_t len, char *err,
                     size_t err_size)
{
    struct mf_cap cap;
    const char *rest;
    size_t rest_len;
    memset(&cap, 0, sizeof(cap));
    if (s->cap_count == MF_MAX_CAPS) {
        set_err(err, err_size, "caps: too many capabilities", NULL, 0, NULL);
        return false;
    }
    if (len == 6 && memcmp(item, "initrd", 6) == 0) {
        cap.kind = MF_CAP_INITRD;
    } else if (len == 8 && memcmp(item, "resource", 8) == 0) {
        cap.kind = MF_CAP_RESOURCE;
    } else if (len == 6 && memcmp(item, "screen", 6) == 0) {
        cap.kind = MF_CAP_SCREEN;
    } else if (len == 4 && memcmp(item, "init", 4) == 0) {
        cap.kind = MF_CAP_INIT;
        cap.badge = MF_BADGE_CLIENT;
        memcpy(cap.svc, MF_INIT_ENDPOINT, sizeof(MF_INIT_ENDPOINT));
    } else if (has_prefix(item, len, "serve:", &rest, &rest_len)) {
        cap.kind = MF_CAP_SERVE;
        if (!mf_valid_name(rest, rest_len))
            goto bad;
        if (rest_len == 4 && memcmp(rest, MF_INIT_ENDPOINT, 4) == 0) {
            set_err(err, err_size, "serve:init: the name \"init\" is init's own", NULL, 0,
                    NULL);
            return false;
        }
        memcpy(cap.svc, rest, rest_len);
    } else if (has_prefix(item, len, "endpoint:", &rest, &rest_len)) {
        cap.kind = MF_CAP_ENDPOINT;
        cap.badge = MF_BADGE_CLIENT;
        const char *colon = memchr(rest, ':', rest_len);
        size_t name_len = colon ? (size_t)(colon - rest) : rest_len;
        if (!mf_valid_name(rest, name_len))
            goto bad;
        memcpy(cap.svc, rest, name_len);
        if (colon) {
            const char *b = colon + 1;
            size_t b_len = rest_len - name_len - 1;
            if (b_len == 5 && memcmp(b, "input", 5) == 0)
                cap.badge = MF_BADGE_INPUT;
            else if (b_len == 6 && memcmp(b, "client", 6) == 0)
                cap.badge = MF_BADGE_CLIENT;
            else if (!parse_number(b, b_len, UINT64_MAX, &cap.badge) || cap.badge == 0)
                goto bad;
        }
    } else if (has_prefix(item, len, "ioports:", &rest, &rest_len)) {
        cap.kind = MF_CAP_IOPORTS;
        const char *plus = memchr(rest, '+', rest_len);
        uint64_t base, count;
        if (!plus || !parse_number(rest, (size_t)(plus - rest), 0xFFFF, &base) ||
            !parse_number(plus + 1, rest_len - (size_t)(plus - rest) - 1, 0x10000, &count) ||
            count == 0 || base + count > 0x10000)
            goto bad;
        cap.base = (uint32_t)base;
        cap.count = (uint32_t)count;
    } else if (has_prefix(item, len, "irq:", &rest, &rest_len)) {
        cap.kind = MF_CAP_IRQ;
        uint64_t line;
        if (!parse_number(rest, rest_len, MF_IRQ_LINES - 1, &line))
            goto bad;
        cap.base = (uint32_t)line;
    } else {
        goto bad;
    }
    s->caps[s->cap_count++] = cap;
    return true;
bad:
    set_err(err, err_size, "bad capability \"", item, len, "\"");
    return false;
}

static bool parse_key(struct mf_service *s, const char *key, const char *value, bool quoted,
                      uint32_t *seen, char *err, size_t err_size)
{
    static const char *const keys[] = { "bin", "after", "caps", "args", "restart",
                                        "retries", "backoff", "register", "priority" };
    uint32_t k = 0;
    while (k < sizeof(keys) / sizeof(keys[0]) && strcmp(keys[k], key) != 0)
        k++;
    if (k == sizeof(keys) / sizeof(keys[0])) {
        set_err(err, err_size, "unknown key \"", key, SIZE_MAX, "\"");
        return false;
    }
    if (*seen & (1u << k)) {
        set_err(err, err_size, "key \"", key, SIZE_MAX, "\" given twice");
        return false;
    }
    *seen |= 1u << k;
    uint64_t n;
    size_t vlen = strlen(value);
    switch (k) {
    case 0:
        if (vlen == 0 || vlen >= MF_BIN_MAX) {
            set_err(err, err_size, "bin: bad path", NULL, 0, NULL);
            return false;
        }
        memcpy(s->bin, value, vlen + 1);
        return true;
    case 1:
        return split_list(s, value, ',', take_dep, err, err_size);
    case 2:
        return split_list(s, value, ',', take_cap, err, err_size);
    case 3:
        if (!quoted)
            return split_list(s, value, ',', take_arg, err, err_size);
        /* A quoted list is split at blanks, empty pieces dropped. */
        for (const char *p = value; *p;) {
            while (*p == ' ' || *p == '\t')
                p++;
            size_t len = 0;
            while (p[len] && p[len] != ' ' && p[len] != '\t')
                len++;
            if (len && !take_arg(s, p, len, err, err_size))
                return false;
            p += len;
        }
        return true;
    case 4:
        if (strcmp(value, "always") == 0)
            s->restart = MF_RESTART_ALWAYS;
        else if (strcmp(value, "on-failure") == 0)
            s->restart = MF_RESTART_ON_FAILURE;
        else if (strcmp(value, "never") == 0)
            s->restart = MF_RESTART_NEVER;
        else {
            set_err(err, err_size, "restart: \"", value, SIZE_MAX,
                    "\" is not always, on-failure or never");
            return false;
        }
        return true;
    case 5:
        if (!parse_number(value, vlen, 1000000, &n)) {
            set_err(err, err_size, "retries: not a number (0..1000000)", NULL, 0, NULL);
            return false;
        }
        s->retries = (int32_t)n;
        return true;
    case 6:
        if (!parse_number(value, vlen, 3600000, &n)) {
            set_err(err, err_size, "backoff: not a number of ms (0..3600000)", NULL, 0, NULL);
            return false;
        }
        s->backoff_ms = (uint32_t)n;
        return true;
    case 7:
        return split_list(s, value, ',', take_register, err, err_size);
    default:
        if (!parse_number(value, vlen, MF_PRIORITY_MAX, &n)) {
            set_err(err, err_size, "priority: not a number (0..200)", NULL, 0, NULL);
            return false;
        }
        s->priority = (int32_t)n;
        return true;
    }
}

uint32_t mf_handle_count(const struct mf_service *s)
{
    uint32_t n = 1;
    bool is_names = strcmp(s->name, MF_NAMES_SERVICE) == 0;
    for (uint32_t i = 0; i < s->cap_count; i++) {
        const struct mf_cap *c = &s->caps[i];
        if (is_names && c->kind == MF_CAP_SERVE && strcmp(c->svc, MF_NAMES_SERVICE) == 0)
            continue;
        n += c->kind == MF_CAP_IRQ ? 2 : 1;
    }
    return n;
}

int mf_parse_line(const char *line, size_t len, struct mf_service *out, char *err,
                  size_t err_size)
{
    char word[WORD_MAX];
    size_t at = 0;
    bool quoted, quoted_key;
    uint32_t seen = 0;
    if (err_size)
        err[0] = 0;
    /* A '#' outside quotes starts a comment. */
    bool in_quote = false;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '"')
            in_quote = !in_quote;
        else if (line[i] == '#' && !in_quote) {
            len = i;
            break;
        }
    }
    int n = next_word(line, len, &at, word, &quoted, &quoted_key);
    if (n == 0)
        return 0;
    if (n < 0 || quoted || strcmp(word, "service") != 0) {
        set_err(err, err_size, "a line must start with \"service NAME\"", NULL, 0, NULL);
        return -1;
    }
    memset(out, 0, sizeof(*out));
    out->retries = -1;
    out->backoff_ms = 50;
    out->priority = -1;
    n = next_word(line, len, &at, word, &quoted, &quoted_key);
    if (n <= 0 || quoted || !mf_valid_name(word, (size_t)n)) {
        set_err(err, err_size, "bad service name (1..31 of a-z 0-9 . _ -)", NULL, 0, NULL);
        return -1;
    }
    memcpy(out->name, word, (size_t)n + 1);
    for (;;) {
        n = next_word(line, len, &at, word, &quoted, &quoted_key);
        if (n == 0)
            break;
        if (n < 0) {
            set_err(err, err_size, "unterminated quote or word too long", NULL, 0, NULL);
            return -1;
        }
        char *eq = strchr(word, '=');
        if (!eq || eq == word) {
            set_err(err, err_size, "expected KEY=VALUE, got \"", word, SIZE_MAX, "\"");
            return -1;
        }
        *eq = 0;
        /* Quotes belong to the value only (args="a b"). */
        if (quoted_key) {
            set_err(err, err_size, "a key must not be quoted", NULL, 0, NULL);
            return -1;
        }
        if (!parse_key(out, word, eq + 1, quoted, &seen, err, err_size))
            return -1;
    }
    if (!out->bin[0]) {
        set_err(err, err_size, "missing bin=PATH", NULL, 0, NULL);
        return -1;
    }
    if (mf_handle_count(out) > MF_HANDLES_MAX) {
        set_err(err, err_size, "too many handles (at most 8, irq counts two)", NULL, 0, NULL);
        return -1;
    }
    return 1;
}

void mf_parse(struct manifest *m, const char *file, const char *text, size_t len,
              mf_report_fn report, void *ctx)
{
    char err[MF_ERR_MAX];
    uint32_t line_no = 0;
    size_t at = 0;
    while (at < len) {
        size_t end = at;
        while (end < len && text[end] != '\n')
            end++;
        line_no++;
        struct mf_service *s = &m->svc[m->count < MF_MAX_SERVICES ? m->count : 0];
        struct mf_service scratch;
        if (m->count == MF_MAX_SERVICES)
            s = &scratch;
        int r = mf_parse_line(text + at, end - at, s, err, sizeof(err));
        if (r < 0) {
            report(ctx, file, line_no, err);
        } else if (r > 0) {
            s->file = file;
            s->line = line_no;
            if (s == &scratch) {
                report(ctx, file, line_no, "too many services (at most 32)");
            } else if (mf_find(m, s->name) >= 0) {
                set_err(err, sizeof(err), "duplicate service name \"", s->name, SIZE_MAX,
                        "\"");
                report(ctx, file, line_no, err);
            } else {
                m->count++;
            }
        }
        at = end + 1;
    }
}
