/* SPDX-License-Identifier: MIT */
/*
 * Host tests for initrd/shell/dot.c: the exact text of a small graph,
 * every object type's name, rights letters, badges, escaping of the
 * process label, and truncation into a small buffer.
 */
#include <stdint.h>
#include "unit.h"
#include "../../initrd/shell/dot.h"

static struct ks_handle_entry entry(int64_t h, uint32_t type, uint32_t rights, uint64_t id,
                                    uint64_t badge)
{
    struct ks_handle_entry e;
    memset(&e, 0, sizeof(e));
    e.handle = h;
    e.info.type = type;
    e.info.rights = rights;
    e.info.object_id = id;
    e.info.badge = badge;
    return e;
}

UNIT_TEST(dot_whole_graph)
{
    char buf[1024];
    struct dot_out o;
    dot_init(&o, buf, sizeof(buf));
    struct ks_handle_entry e = entry(3, KS_OBJECT_ENDPOINT,
                                     KS_RIGHT_READ | KS_RIGHT_WRITE | KS_RIGHT_TRANSFER |
                                     KS_RIGHT_DUPLICATE, 42, 2);
    struct ks_handle_entry m = entry(5, KS_OBJECT_MEMORY, KS_RIGHT_READ | KS_RIGHT_MAP, 7, 0);
    dot_begin(&o, "pid 7 (serial)");
    dot_edge(&o, "pid 7 (serial)", &e);
    dot_edge(&o, "pid 7 (serial)", &m);
    dot_end(&o);
    CHECK_STR(buf, "digraph caps {\n"
                   "  \"pid 7 (serial)\" [shape=box];\n"
                   "  \"pid 7 (serial)\" -> \"endpoint #42\" [label=\"h3 RWTD badge 2\"];\n"
                   "  \"pid 7 (serial)\" -> \"memory #7\" [label=\"h5 RM\"];\n"
                   "}\n");
    CHECK(!o.overflow);
}

UNIT_TEST(dot_every_type_named)
{
    static const char *const want[] = {
        "none", "notification", "endpoint", "memory", "process", "thread",
        "interrupt", "io-ports", "resource",
    };
    CHECK_EQ_U(sizeof(want) / sizeof(want[0]), KS_OBJECT_TYPE_COUNT);
    for (uint32_t t = 0; t < KS_OBJECT_TYPE_COUNT; t++)
        CHECK_STR(dot_type_name(t), want[t]);
    CHECK_STR(dot_type_name(KS_OBJECT_TYPE_COUNT), "object");
    CHECK_STR(dot_type_name(0xFFFFFFFFu), "object");

    char buf[256];
    struct dot_out o;
    for (uint32_t t = 1; t < KS_OBJECT_TYPE_COUNT; t++) {
        dot_init(&o, buf, sizeof(buf));
        struct ks_handle_entry e = entry(1, t, KS_RIGHT_READ, 100 + t, 0);
        dot_edge(&o, "p", &e);
        char node[64];
        snprintf(node, sizeof(node), "-> \"%s #%u\"", want[t], 100 + t);
        CHECK(strstr(buf, node) != NULL);
    }
    dot_init(&o, buf, sizeof(buf));
    struct ks_handle_entry odd = entry(1, 77, 0, 9, 0);
    dot_edge(&o, "p", &odd);
    CHECK_STR(buf, "  \"p\" -> \"object 77 #9\" [label=\"h1 -\"];\n");
}

UNIT_TEST(dot_rights_letters)
{
    char r[10];
    dot_rights(0, r);
    CHECK_STR(r, "-");
    dot_rights(KS_RIGHTS_ALL, r);
    CHECK_STR(r, "RWTDMXSAG");
    dot_rights(KS_RIGHT_SIGNAL | KS_RIGHT_WAIT, r);
    CHECK_STR(r, "SA");
    dot_rights(KS_RIGHT_MANAGE | KS_RIGHT_EXECUTE | 0x80000000u, r);
    CHECK_STR(r, "XG");
}

UNIT_TEST(dot_escapes_labels)
{
    char buf[256];
    struct dot_out o;
    dot_init(&o, buf, sizeof(buf));
    dot_begin(&o, "pid 1 (a\"b\\c\nd\x7f)");
    CHECK_STR(buf, "digraph caps {\n  \"pid 1 (a\\\"b\\\\c?d?)\" [shape=box];\n");
}

UNIT_TEST(dot_big_numbers)
{
    char buf[256];
    struct dot_out o;
    dot_init(&o, buf, sizeof(buf));
    struct ks_handle_entry e = entry(INT64_MIN, KS_OBJECT_THREAD, KS_RIGHT_READ, UINT64_MAX,
                                     UINT64_MAX);
    dot_edge(&o, "x", &e);
    CHECK_STR(buf, "  \"x\" -> \"thread #18446744073709551615\" "
                   "[label=\"h-9223372036854775808 R badge 18446744073709551615\"];\n");
}

UNIT_TEST(dot_truncates_safely)
{
    char buf[16];
    struct dot_out o;
    dot_init(&o, buf, sizeof(buf));
    dot_begin(&o, "a long process label");
    CHECK(o.overflow);
    CHECK_EQ_U(strlen(buf), sizeof(buf) - 1);
    CHECK_EQ_U(o.len, sizeof(buf) - 1);
    dot_reset(&o);
    CHECK_STR(buf, "");
    dot_end(&o);
    CHECK_STR(buf, "}\n");
}

UNIT_MAIN(
    UNIT_CASE(dot_whole_graph),
    UNIT_CASE(dot_every_type_named),
    UNIT_CASE(dot_rights_letters),
    UNIT_CASE(dot_escapes_labels),
    UNIT_CASE(dot_big_numbers),
    UNIT_CASE(dot_truncates_safely)
)
