/* SPDX-License-Identifier: MIT */
/* The shell's Graphviz DOT writer (dot.h). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "dot.h"

void dot_init(struct dot_out *o, char *buf, size_t cap)
{
    o->buf = buf;
    o->cap = cap;
    o->overflow = false;
    dot_reset(o);
}

void dot_reset(struct dot_out *o)
{
    o->len = 0;
    if (o->cap > 0)
        o->buf[0] = '\0';
}

static void put(struct dot_out *o, char c)
{
    if (o->len + 1 < o->cap) {
        o->buf[o->len++] = c;
        o->buf[o->len] = '\0';
    } else {
        o->overflow = true;
    }
}

static void puts_raw(struct dot_out *o, const char *s)
{
    while (*s)
        put(o, *s++);
}

static void put_u64(struct dot_out *o, uint64_t v)
{
    char digits[21];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        put(o, digits[--n]);
}

static void put_i64(struct dot_out *o, int64_t v)
{
    if (v < 0) {
        put(o, '-');
        put_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(o, (uint64_t)v);
    }
}

/* A DOT string's contents: '"' and '\\' escaped, control bytes and
 * bytes >= 0x7f as '?' (a label is for people; the graph stays valid). */
static void put_escaped(struct dot_out *o, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            put(o, '\\');
            put(o, (char)c);
        } else if (c < 0x20 || c >= 0x7f) {
            put(o, '?');
        } else {
            put(o, (char)c);
        }
    }
}

static void put_quoted(struct dot_out *o, const char *s)
{
    put(o, '"');
    put_escaped(o, s);
    put(o, '"');
}

const char *dot_type_name(uint32_t type)
{
    static const char *const names[KS_OBJECT_TYPE_COUNT] = {
        [KS_OBJECT_NONE] = "none",
        [KS_OBJECT_NOTIFICATION] = "notification",
        [KS_OBJECT_ENDPOINT] = "endpoint",
        [KS_OBJECT_MEMORY] = "memory",
        [KS_OBJECT_PROCESS] = "process",
        [KS_OBJECT_THREAD] = "thread",
        [KS_OBJECT_INTERRUPT] = "interrupt",
        [KS_OBJECT_IO_PORTS] = "io-ports",
        [KS_OBJECT_RESOURCE] = "resource",
    };
    if (type < KS_OBJECT_TYPE_COUNT && names[type])
        return names[type];
    return "object";
}

void dot_rights(uint32_t rights, char out[10])
{
    static const struct { uint32_t bit; char letter; } table[] = {
        { KS_RIGHT_READ, 'R' },     { KS_RIGHT_WRITE, 'W' },  { KS_RIGHT_TRANSFER, 'T' },
        { KS_RIGHT_DUPLICATE, 'D' }, { KS_RIGHT_MAP, 'M' },   { KS_RIGHT_EXECUTE, 'X' },
        { KS_RIGHT_SIGNAL, 'S' },   { KS_RIGHT_WAIT, 'A' },   { KS_RIGHT_MANAGE, 'G' },
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (rights & table[i].bit)
            out[n++] = table[i].letter;
    if (n == 0)
        out[n++] = '-';
    out[n] = '\0';
}

void dot_begin(struct dot_out *o, const char *proc_label)
{
    puts_raw(o, "digraph caps {\n  ");
    put_quoted(o, proc_label);
    puts_raw(o, " [shape=box];\n");
}

void dot_edge(struct dot_out *o, const char *proc_label, const struct ks_handle_entry *e)
{
    char rights[10];
    const char *type = dot_type_name(e->info.type);

    puts_raw(o, "  ");
    put_quoted(o, proc_label);
    puts_raw(o, " -> \"");
    puts_raw(o, type);
    if (e->info.type >= KS_OBJECT_TYPE_COUNT) {
        /* An unknown type keeps its number, so two kinds never merge. */
        put(o, ' ');
        put_u64(o, e->info.type);
    }
    puts_raw(o, " #");
    put_u64(o, e->info.object_id);
    puts_raw(o, "\" [label=\"h");
    put_i64(o, e->handle);
    put(o, ' ');
    dot_rights(e->info.rights, rights);
    puts_raw(o, rights);
    if (e->info.badge) {
        puts_raw(o, " badge ");
        put_u64(o, e->info.badge);
    }
    puts_raw(o, "\"];\n");
}

void dot_end(struct dot_out *o)
{
    puts_raw(o, "}\n");
}
