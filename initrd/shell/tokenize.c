/* SPDX-License-Identifier: MIT */
/* The shell's tokenizer (tokenize.h). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "tokenize.h"

struct tok {
    char *buf;
    size_t cap, len;
    bool overflow;
};

static void put(struct tok *t, char c)
{
    if (t->len < t->cap)
        t->buf[t->len++] = c;
    else
        t->overflow = true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

/* At a '$': expand a variable if one is named; -> bytes of line used. */
static size_t expand(struct tok *t, const char *p, tok_lookup_fn lookup, void *ctx)
{
    size_t n;
    if (p[1] == '?')
        n = 1;
    else
        for (n = 0; is_name_char(p[1 + n]); n++)
            ;
    if (n == 0) {
        put(t, '$');
        return 1;
    }
    const char *value = lookup ? lookup(p + 1, n, ctx) : NULL;
    for (; value && *value; value++)
        put(t, *value);
    return 1 + n;
}

static bool is_redirect(const struct tok_redirect *redir, char c)
{
    return redir && (c == '<' || c == '>');
}

int tokenize(const char *line, char *buf, size_t cap, char **argv, int words_max,
             tok_lookup_fn lookup, void *ctx, struct tok_redirect *redir, const char **error)
{
    struct tok t = { buf, cap, 0, false };
    const char *p = line;
    int argc = 0;
    char pending = 0;           /* '<', '>', 'a' (>>), 'e' (2>), 'E' (2>>): the
                                   next word is its file */

    *error = NULL;
    argv[0] = NULL;
    if (redir)
        *redir = (struct tok_redirect){ NULL, NULL, false, NULL, false };
    for (;;) {
        while (is_blank(*p))
            p++;
        if (*p == '\0' || *p == '#')
            break;
        /* 2> and 2>> only where a word would start: a2>b is a2, >, b. */
        bool err_op = redir && p[0] == '2' && p[1] == '>';
        if (err_op || is_redirect(redir, *p)) {
            if (pending) {
                *error = "missing file name after < or >";
                return -1;
            }
            if (err_op)
                p++;
            bool twice = *p == '>' && p[1] == '>';
            pending = err_op ? (twice ? 'E' : 'e') : twice ? 'a' : *p;
            p += twice ? 2 : 1;
            if ((pending == '<' && redir->in) || ((pending == '>' || pending == 'a') && redir->out) ||
                ((pending == 'e' || pending == 'E') && redir->err)) {
                *error = "more than one < or > of a kind";
                return -1;
            }
            continue;
        }
        if (!pending && argc >= words_max) {
            *error = "too many words";
            return -1;
        }
        size_t start = t.len;
        bool quoted = false;
        /* One word: parts until an unquoted blank, an operator or the end. */
        while (*p && !is_blank(*p) && !is_redirect(redir, *p)) {
            if (*p == '\'') {
                quoted = true;
                const char *end = strchr(p + 1, '\'');
                if (!end) {
                    *error = "unterminated quote";
                    return -1;
                }
                for (p++; p < end; p++)
                    put(&t, *p);
                p++;
            } else if (*p == '"') {
                quoted = true;
                for (p++; *p && *p != '"';) {
                    if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$')) {
                        put(&t, p[1]);
                        p += 2;
                    } else if (*p == '$') {
                        p += expand(&t, p, lookup, ctx);
                    } else {
                        put(&t, *p++);
                    }
                }
                if (*p != '"') {
                    *error = "unterminated quote";
                    return -1;
                }
                p++;
            } else if (*p == '\\') {
                if (p[1] == '\0') {
                    *error = "trailing backslash";
                    return -1;
                }
                put(&t, p[1]);
                p += 2;
            } else if (*p == '$') {
                p += expand(&t, p, lookup, ctx);
            } else {
                put(&t, *p++);
            }
        }
        if (t.len == start && !quoted)
            continue;           /* only expansions of nothing: no word */
        put(&t, '\0');
        if (t.overflow) {
            *error = "line too long";
            return -1;
        }
        if (pending == '<') {
            redir->in = buf + start;
        } else if (pending == 'e' || pending == 'E') {
            redir->err = buf + start;
            redir->err_append = pending == 'E';
        } else if (pending) {
            redir->out = buf + start;
            redir->append = pending == 'a';
        } else {
            argv[argc++] = buf + start;
            argv[argc] = NULL;
        }
        pending = 0;
    }
    if (pending) {
        *error = "missing file name after < or >";
        return -1;
    }
    return argc;
}
