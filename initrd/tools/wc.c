/* SPDX-License-Identifier: MIT */
/*
 * wc [FILE...]: lines, words and bytes of each file, or of standard
 * input without one (so `wc < FILE` shows a redirected stdin reaching a
 * program), then a total when there were several.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
    unsigned long lines, words, bytes;
};

static int count(int fd, struct counts *c)
{
    static char buf[4096];
    int in_word = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        for (ssize_t i = 0; i < n; i++) {
            char ch = buf[i];
            int blank = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
            c->lines += ch == '\n';
            c->words += !blank && !in_word;
            in_word = !blank;
        }
        c->bytes += (unsigned long)n;
    }
}

static void show(const struct counts *c, const char *name)
{
    printf("%7lu %7lu %7lu%s%s\n", c->lines, c->words, c->bytes, name ? " " : "",
           name ? name : "");
}

int main(int argc, char **argv)
{
    struct counts total = { 0, 0, 0 };
    int status = 0;
    if (argc < 2) {
        if (count(0, &total) < 0) {
            perror("wc: standard input");
            return 1;
        }
        show(&total, NULL);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        struct counts c = { 0, 0, 0 };
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0 || count(fd, &c) < 0) {
            perror(argv[i]);
            status = 1;
            if (fd >= 0)
                close(fd);
            continue;
        }
        close(fd);
        show(&c, argv[i]);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
    }
    if (argc > 2)
        show(&total, "total");
    return status;
}
