/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/shell/tokenize.c: blanks, both quotes,
 * backslashes inside and outside quotes, variable expansion ($? and
 * names), comments, and every error (with the buffer and word limits).
 */
#include <stdint.h>
#include "unit.h"
#include "../../initrd/shell/tokenize.h"

static const char *lookup(const char *name, size_t len, void *ctx)
{
    (void)ctx;
    if (len == 1 && name[0] == '?')
        return "42";
    if (len == 4 && memcmp(name, "HOME", 4) == 0)
        return "/home/k";
    if (len == 5 && memcmp(name, "EMPTY", 5) == 0)
        return "";
    return NULL;
}

static char buf[512];
static char *argv[TOK_WORDS_MAX + 1];
static const char *err;

static int tok(const char *line)
{
    memset(buf, 'Z', sizeof(buf));
    return tokenize(line, buf, sizeof(buf), argv, TOK_WORDS_MAX, lookup, NULL, NULL, &err);
}

UNIT_TEST(tokenize_blank_separated)
{
    CHECK_EQ_U(tok("  ls\t-l   /bin  "), 3);
    CHECK_STR(argv[0], "ls");
    CHECK_STR(argv[1], "-l");
    CHECK_STR(argv[2], "/bin");
    CHECK(argv[3] == NULL);
    CHECK(err == NULL);
}

UNIT_TEST(tokenize_empty_and_blank_lines)
{
    CHECK_EQ_U(tok(""), 0);
    CHECK(argv[0] == NULL);
    CHECK_EQ_U(tok("   \t "), 0);
    CHECK(argv[0] == NULL);
}

UNIT_TEST(tokenize_single_quotes_literal)
{
    CHECK_EQ_U(tok("echo 'a  b' '$? \\n \"x\"'"), 3);
    CHECK_STR(argv[1], "a  b");
    CHECK_STR(argv[2], "$? \\n \"x\"");
}

UNIT_TEST(tokenize_double_quotes)
{
    CHECK_EQ_U(tok("echo \"a  'b'\" \"q\\\"q\" \"b\\\\s\" \"\\n\" \"\\$?\""), 6);
    CHECK_STR(argv[1], "a  'b'");
    CHECK_STR(argv[2], "q\"q");
    CHECK_STR(argv[3], "b\\s");
    CHECK_STR(argv[4], "\\n");   /* other escapes stay literal */
    CHECK_STR(argv[5], "$?");
}

UNIT_TEST(tokenize_backslash_outside_quotes)
{
    CHECK_EQ_U(tok("a\\ b c\\\\d \\'e \\\"f"), 4);
    CHECK_STR(argv[0], "a b");
    CHECK_STR(argv[1], "c\\d");
    CHECK_STR(argv[2], "'e");
    CHECK_STR(argv[3], "\"f");
}

UNIT_TEST(tokenize_joined_parts_and_empty_words)
{
    CHECK_EQ_U(tok("\"a\"'b'c \"\" ''"), 3);
    CHECK_STR(argv[0], "abc");
    CHECK_STR(argv[1], "");
    CHECK_STR(argv[2], "");
}

UNIT_TEST(tokenize_variables)
{
    CHECK_EQ_U(tok("echo $? x$?y \"[$?]\" '$?' $HOME/bin $NOPE $EMPTY. $ a$ $-"), 10);
    CHECK_STR(argv[1], "42");
    CHECK_STR(argv[2], "x42y");
    CHECK_STR(argv[3], "[42]");
    CHECK_STR(argv[4], "$?");
    CHECK_STR(argv[5], "/home/k/bin");
    CHECK_STR(argv[6], ".");    /* $NOPE alone is no word at all */
    CHECK_STR(argv[7], "$");
    CHECK_STR(argv[8], "a$");
    CHECK_STR(argv[9], "$-");
    CHECK_EQ_U(tok("$NOPE \"$NOPE\""), 1);
    CHECK_STR(argv[0], "");     /* quoted, it is an empty word */
}

UNIT_TEST(tokenize_without_lookup)
{
    CHECK_EQ_U(tokenize("a $? b", buf, sizeof(buf), argv, TOK_WORDS_MAX, NULL, NULL, NULL, &err), 2);
    CHECK_STR(argv[1], "b");
}

UNIT_TEST(tokenize_comments)
{
    CHECK_EQ_U(tok("echo a # b c"), 2);
    CHECK_EQ_U(tok("# all of it"), 0);
    CHECK_EQ_U(tok("echo a#b '#c'"), 3);
    CHECK_STR(argv[1], "a#b");
    CHECK_STR(argv[2], "#c");
}

UNIT_TEST(tokenize_errors)
{
    CHECK(tok("echo 'abc") < 0);
    CHECK_STR(err, "unterminated quote");
    CHECK(tok("echo \"abc") < 0);
    CHECK_STR(err, "unterminated quote");
    CHECK(tok("echo \"a\\\"") < 0);
    CHECK_STR(err, "unterminated quote");
    CHECK(tok("echo abc\\") < 0);
    CHECK_STR(err, "trailing backslash");
}

UNIT_TEST(tokenize_word_limit)
{
    char line[200] = "";
    for (int i = 0; i < TOK_WORDS_MAX; i++)
        strcat(line, "w ");
    CHECK_EQ_U(tok(line), TOK_WORDS_MAX);
    CHECK(argv[TOK_WORDS_MAX] == NULL);
    strcat(line, "x");
    CHECK(tok(line) < 0);
    CHECK_STR(err, "too many words");
}

UNIT_TEST(tokenize_buffer_limit)
{
    char small[8];
    CHECK_EQ_U(tokenize("abc def", small, sizeof(small), argv, TOK_WORDS_MAX, NULL, NULL,
                        NULL, &err), 2);
    CHECK(tokenize("abc defg", small, sizeof(small), argv, TOK_WORDS_MAX, NULL, NULL,
                   NULL, &err) < 0);
    CHECK_STR(err, "line too long");
    /* An expansion cannot overrun either. */
    CHECK(tokenize("$HOME$HOME", small, sizeof(small), argv, TOK_WORDS_MAX, lookup, NULL,
                   NULL, &err) < 0);
    CHECK_STR(err, "line too long");
}

/* Random lines of the interesting bytes into a tight buffer: every
 * result is either an error with a message or words inside the buffer
 * (ASan watches the bytes around it). */
UNIT_TEST(tokenize_random_lines)
{
    static const char alphabet[] = "ab $?'\"\\# \tHOME";
    uint32_t seed = 99;
    for (int round = 0; round < 50000; round++) {
        char line[40];
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % sizeof(line);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            line[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        line[len] = '\0';
        char *small = malloc(24);
        char *words[5];
        int n = tokenize(line, small, 24, words, 4, lookup, NULL, NULL, &err);
        if (n < 0) {
            CHECK(err != NULL);
        } else {
            CHECK(n <= 4);
            CHECK(words[n] == NULL);
            for (int i = 0; i < n; i++)
                CHECK(words[i] >= small && words[i] + strlen(words[i]) < small + 24);
        }
        free(small);
    }
}

static struct tok_redirect redir;

static int tokr(const char *line)
{
    memset(buf, 'Z', sizeof(buf));
    return tokenize(line, buf, sizeof(buf), argv, TOK_WORDS_MAX, lookup, NULL, &redir, &err);
}

UNIT_TEST(tokenize_redirections)
{
    CHECK_EQ_U(tokr("echo hi > /tmp/f"), 2);
    CHECK_STR(argv[0], "echo");
    CHECK_STR(argv[1], "hi");
    CHECK(argv[2] == NULL);
    CHECK_STR(redir.out, "/tmp/f");
    CHECK(!redir.append && redir.in == NULL);
    /* Glued, appended, input, quoted names, expansions. */
    CHECK_EQ_U(tokr("cat<in>>'my file' -n"), 2);
    CHECK_STR(argv[0], "cat");
    CHECK_STR(argv[1], "-n");
    CHECK_STR(redir.in, "in");
    CHECK_STR(redir.out, "my file");
    CHECK(redir.append);
    CHECK_EQ_U(tokr("ls >$HOME"), 1);
    CHECK_STR(redir.out, "/home/k");
    /* Quoted or escaped, they are text. */
    CHECK_EQ_U(tokr("echo '>' \\> \"a<b\""), 4);
    CHECK_STR(argv[1], ">");
    CHECK_STR(argv[2], ">");
    CHECK_STR(argv[3], "a<b");
    CHECK(redir.out == NULL && redir.in == NULL);
    /* Without redir they are ordinary bytes. */
    CHECK_EQ_U(tok("a>b"), 1);
    CHECK_STR(argv[0], "a>b");
    /* Standard error: 2> and 2>> start a word; a 2 inside one is text. */
    CHECK_EQ_U(tokr("cc x 2>errs >out"), 2);
    CHECK_STR(argv[1], "x");
    CHECK_STR(redir.err, "errs");
    CHECK(!redir.err_append);
    CHECK_STR(redir.out, "out");
    CHECK_EQ_U(tokr("cc 2>> log"), 1);
    CHECK_STR(redir.err, "log");
    CHECK(redir.err_append && redir.out == NULL);
    CHECK_EQ_U(tokr("echo a2>b 2"), 3);
    CHECK_STR(argv[1], "a2");
    CHECK_STR(argv[2], "2");
    CHECK_STR(redir.out, "b");
    CHECK(redir.err == NULL);
    CHECK_EQ_U(tokr("echo '2>' x"), 3);
    CHECK_STR(argv[1], "2>");
}

UNIT_TEST(tokenize_bad_redirections)
{
    CHECK(tokr("echo >") < 0);
    CHECK_STR(err, "missing file name after < or >");
    CHECK(tokr("echo > > x") < 0);
    CHECK_STR(err, "missing file name after < or >");
    CHECK(tokr("echo > $NOPE") < 0);
    CHECK_STR(err, "missing file name after < or >");
    CHECK(tokr("echo > a > b") < 0);
    CHECK_STR(err, "more than one < or > of a kind");
    CHECK(tokr("cat < a < b") < 0);
    CHECK_STR(err, "more than one < or > of a kind");
    CHECK(tokr("cc 2> a 2>> b") < 0);
    CHECK_STR(err, "more than one < or > of a kind");
    CHECK(tokr("cc 2>") < 0);
    CHECK_STR(err, "missing file name after < or >");
    CHECK(tokr("< in") == 0);
    CHECK_STR(redir.in, "in");
}

UNIT_MAIN(
    UNIT_CASE(tokenize_redirections),
    UNIT_CASE(tokenize_bad_redirections),
    UNIT_CASE(tokenize_blank_separated),
    UNIT_CASE(tokenize_empty_and_blank_lines),
    UNIT_CASE(tokenize_single_quotes_literal),
    UNIT_CASE(tokenize_double_quotes),
    UNIT_CASE(tokenize_backslash_outside_quotes),
    UNIT_CASE(tokenize_joined_parts_and_empty_words),
    UNIT_CASE(tokenize_variables),
    UNIT_CASE(tokenize_without_lookup),
    UNIT_CASE(tokenize_comments),
    UNIT_CASE(tokenize_errors),
    UNIT_CASE(tokenize_word_limit),
    UNIT_CASE(tokenize_buffer_limit),
    UNIT_CASE(tokenize_random_lines)
)
