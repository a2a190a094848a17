/* SPDX-License-Identifier: MIT */
/*
 * hello: prints a greeting, then its arguments ("argv[N]: TEXT") and
 * its environment ("env: NAME=VALUE"), one per line, so tests can see
 * what a program the shell started received.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    printf("hello from Kestrel userspace\n");
    for (int i = 0; i < argc; i++)
        printf("argv[%d]: %s\n", i, argv[i]);
    for (char **e = environ; e && *e; e++)
        printf("env: %s\n", *e);
    return 0;
}
