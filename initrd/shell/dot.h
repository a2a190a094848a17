/* SPDX-License-Identifier: MIT */
/*
 * The Graphviz DOT writer of the shell's "caps" command: a process's
 * handle table as a graph.  One node for the process, one node per
 * object (named by its type and object id, so handles to one object
 * meet at one node), one edge per handle labelled with the handle's
 * value, its rights as letters (dot_rights) and its badge when it has
 * one:
 *
 *   digraph caps {
 *     "pid 7 (serial)" [shape=box];
 *     "pid 7 (serial)" -> "endpoint #42" [label="h3 RWTD badge 2"];
 *   }
 *
 * Pure (host-tested in tests/unit/test_shell_dot.c): it appends to a
 * caller's buffer, which the caller may empty between calls to stream
 * a large table.
 */
#ifndef SHELL_DOT_H
#define SHELL_DOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kestrel/handle.h"

struct dot_out {
    char *buf;
    size_t cap, len;            /* buf[len] is always NUL (cap >= 1) */
    bool overflow;              /* something did not fit and was cut */
};

void dot_init(struct dot_out *o, char *buf, size_t cap);
/* Empty the buffer (after the caller printed it). */
void dot_reset(struct dot_out *o);

/* "endpoint", "memory", ...; "object" for a type it does not know. */
const char *dot_type_name(uint32_t type);
/* Rights as letters in this order: R read, W write, T transfer,
 * D duplicate, M map, X execute, S signal, A wait (await), G manage
 * (govern); "-" for none.  out needs 10 bytes. */
void dot_rights(uint32_t rights, char out[10]);

/* The graph's first lines, naming the process node; proc_label is any
 * text (quotes, backslashes and control bytes are escaped). */
void dot_begin(struct dot_out *o, const char *proc_label);
void dot_edge(struct dot_out *o, const char *proc_label, const struct ks_handle_entry *e);
void dot_end(struct dot_out *o);

#endif /* SHELL_DOT_H */
