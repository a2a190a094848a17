/* SPDX-License-Identifier: MIT */
/*
 * The shell's tokenizer: a command line into words.  Pure (host-tested
 * in tests/unit/test_shell_tokenize.c).
 *
 * Words are separated by blanks (space, tab).  Inside single quotes
 * every byte is literal.  Inside double quotes a backslash escapes only
 * '"', '\\' and '$' (it stays literal before anything else) and "$NAME"
 * expands.  Outside quotes a backslash makes the next byte literal.
 * "$?" and "$NAME" (letters, digits, '_') expand through the lookup
 * callback (an unknown name expands to nothing); a '$' followed by
 * anything else is literal.  A word made only of unquoted expansions
 * that gave nothing is dropped.  A word may be made of several quoted and
 * unquoted parts ("a"'b'c is one word abc); "" is an empty word.  A '#'
 * that starts a word outside quotes starts a comment to the end of the
 * line.
 *
 * With redir, unquoted '<', '>' and ">>" are operators (they also end a
 * word: a>b is a, >, b), and so are "2>" and "2>>" where a word would
 * start (standard error): the word after each is its file, taken out of
 * argv into *redir.  At most one of each kind (input, output, error); an
 * operator without a file is an error.  Without redir they are ordinary
 * bytes.
 */
#ifndef SHELL_TOKENIZE_H
#define SHELL_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>

#define TOK_WORDS_MAX 32

/* The value of variable name[0..len) (name is "?" for the status), or
 * NULL when it is not set. */
typedef const char *(*tok_lookup_fn)(const char *name, size_t len, void *ctx);

struct tok_redirect {
    const char *in;             /* < FILE, or NULL */
    const char *out;            /* > FILE or >> FILE, or NULL */
    bool append;                /* it was >> */
    const char *err;            /* 2> FILE or 2>> FILE, or NULL */
    bool err_append;            /* it was 2>> */
};

/* Split line into at most words_max words: their bytes go to buf (cap
 * bytes, NUL-terminated words), pointers to them to argv[0..n-1] and
 * argv[n] = NULL (argv has room for words_max + 1).  -> n >= 0, or -1
 * with *error set to a message: "unterminated quote", "trailing
 * backslash", "too many words", "line too long", and with redir
 * "missing file name after < or >", "more than one < or > of a kind". */
int tokenize(const char *line, char *buf, size_t cap, char **argv, int words_max,
             tok_lookup_fn lookup, void *ctx, struct tok_redirect *redir, const char **error);

#endif /* SHELL_TOKENIZE_H */
