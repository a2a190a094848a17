/* SPDX-License-Identifier: MIT */
/*
 * Host tests for init's manifest (initrd/init/manifest.c and
 * manifest_order.c): good lines of every key and capability, each kind
 * of bad line with its message, quoting and comments, and the checks
 * across lines (duplicates, unknown services and binaries, endpoints
 * nobody serves, cycles) with the start order they leave.
 */
#include <stdint.h>
#include "unit.h"
#include "../../initrd/init/manifest.h"

static struct manifest man;
static char reports[2048];
static unsigned report_count;

static void report(void *ctx, const char *file, uint32_t line, const char *what)
{
    (void)ctx;
    size_t used = strlen(reports);
    snprintf(reports + used, sizeof(reports) - used, "%s:%u: %s\n", file, line, what);
    report_count++;
}

static void reset(void)
{
    mf_init(&man);
    reports[0] = 0;
    report_count = 0;
}

static int parse(const char *line, struct mf_service *s, char *err)
{
    return mf_parse_line(line, strlen(line), s, err, MF_ERR_MAX);
}

static bool no_bin_x(const char *bin, void *ctx)
{
    (void)ctx;
    return strcmp(bin, "bin/x") != 0;
}

/* The names of the start order, space-separated. */
static const char *order(void)
{
    static char out[512];
    out[0] = 0;
    for (uint32_t i = 0; i < man.order_count; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, man.svc[man.order[i]].name);
    }
    return out;
}

static void load(const char *text)
{
    mf_parse(&man, "etc/services", text, strlen(text), report, NULL);
    mf_resolve(&man, no_bin_x, NULL, report, NULL);
}

UNIT_TEST(blank_and_comment_lines)
{
    struct mf_service s;
    char err[MF_ERR_MAX];
    CHECK_EQ_U(parse("", &s, err), 0);
    CHECK_EQ_U(parse("   \t ", &s, err), 0);
    CHECK_EQ_U(parse("# service x bin=bin/x", &s, err), 0);
    CHECK_EQ_U(parse("   # indented comment", &s, err), 0);
}

UNIT_TEST(minimal_line_defaults)
{
    struct mf_service s;
    char err[MF_ERR_MAX];
    CHECK_EQ_U(parse("service names bin=bin/names", &s, err), 1);
    CHECK_STR(s.name, "names");
    CHECK_STR(s.bin, "bin/names");
    CHECK_EQ_U(s.restart, MF_RESTART_ALWAYS);
    CHECK(s.retries == -1);
    CHECK_EQ_U(s.backoff_ms, 50);
    CHECK(s.priority == -1);
    CHECK_EQ_U(s.argc, 0);
    CHECK_EQ_U(s.cap_count, 0);
    CHECK_EQ_U(mf_handle_count(&s), 1);
}

UNIT_TEST(every_key)
{
    struct mf_service s;
    char err[MF_ERR_MAX];
    CHECK_EQ_U(parse("service kbd  bin=bin/kbd after=console,names\tcaps=serve:kbd,"
                     "ioports:0x60+1,ioports:100+4,irq:1,endpoint:console:input "
                     "args=a,b restart=on-failure retries=5 backoff=0 register=keys,k2 "
                     "priority=150 # trailing comment", &s, err), 1);
    CHECK_EQ_U(s.dep_count, 2);
    CHECK_STR(s.deps[0], "console");
    CHECK_STR(s.deps[1], "names");
    CHECK_EQ_U(s.cap_count, 5);
    CHECK_EQ_U(s.caps[0].kind, MF_CAP_SERVE);
    CHECK_STR(s.caps[0].svc, "kbd");
    CHECK_EQ_U(s.caps[1].kind, MF_CAP_IOPORTS);
    CHECK_EQ_U(s.caps[1].base, 0x60);
    CHECK_EQ_U(s.caps[1].count, 1);
    CHECK_EQ_U(s.caps[2].base, 100);
    CHECK_EQ_U(s.caps[2].count, 4);
    CHECK_EQ_U(s.caps[3].kind, MF_CAP_IRQ);
    CHECK_EQ_U(s.caps[3].base, 1);
    CHECK_EQ_U(s.caps[4].kind, MF_CAP_ENDPOINT);
    CHECK_STR(s.caps[4].svc, "console");
    CHECK_EQ_U(s.caps[4].badge, MF_BADGE_INPUT);
    CHECK_EQ_U(s.argc, 2);
    CHECK_STR(mf_arg(&s, 0), "a");
    CHECK_STR(mf_arg(&s, 1), "b");
    CHECK(mf_arg(&s, 2) == NULL);
    CHECK_EQ_U(s.restart, MF_RESTART_ON_FAILURE);
    CHECK(s.retries == 5);
    CHECK_EQ_U(s.backoff_ms, 0);
    CHECK_EQ_U(s.reg_count, 2);
    CHECK_STR(s.reg[1], "k2");
    CHECK(s.priority == 150);
    /* names + serve + 2 ioports + irq (two) + endpoint */
    CHECK_EQ_U(mf_handle_count(&s), 7);
}

UNIT_TEST(other_capabilities)
{
    struct mf_service s;
    char err[MF_ERR_MAX];
    CHECK_EQ_U(parse("service pci bin=bin/pci caps=resource,initrd,screen,init,"
                     "endpoint:vfs,endpoint:vfs:0x40,endpoint:vfs:client", &s, err), 1);
    CHECK_EQ_U(s.caps[0].kind, MF_CAP_RESOURCE);
    CHECK_EQ_U(s.caps[1].kind, MF_CAP_INITRD);
    CHECK_EQ_U(s.caps[2].kind, MF_CAP_SCREEN);
    CHECK_EQ_U(s.caps[3].kind, MF_CAP_INIT);
    CHECK_EQ_U(s.caps[3].badge, MF_BADGE_CLIENT);
    CHECK_EQ_U(s.caps[4].badge, MF_BADGE_CLIENT);
    CHECK_EQ_U(s.caps[5].badge, 0x40);
    CHECK_EQ_U(s.caps[6].badge, MF_BADGE_CLIENT);
    CHECK_EQ_U(mf_handle_count(&s), 8);
}

UNIT_TEST(quoted_args)
{
    struct mf_service s;
    char err[MF_ERR_MAX];
    CHECK_EQ_U(parse("service sh bin=bin/shell args=\"-x  --name=a,b  #notcomment\" "
                     "restart=never", &s, err), 1);
    CHECK_EQ_U(s.argc, 3);
    CHECK_STR(mf_arg(&s, 0), "-x");
    CHECK_STR(mf_arg(&s, 1), "--name=a,b");
    CHECK_STR(mf_arg(&s, 2), "#notcomment");
    CHECK_EQ_U(s.restart, MF_RESTART_NEVER);
    CHECK_EQ_U(parse("service sh bin=\"bin/shell\" args=\"\"", &s, err), 1);
    CHECK_STR(s.bin, "bin/shell");
    CHECK_EQ_U(s.argc, 0);
}

/* Each bad line fails with a message that contains what. */
static int bad(const char *line, const char *what)
{
    struct mf_service s;
    char err[MF_ERR_MAX];
    if (parse(line, &s, err) != -1) {
        printf("  accepted: %s\n", line);
        return 0;
    }
    if (!strstr(err, what)) {
        printf("  message \"%s\" lacks \"%s\"\n", err, what);
        return 0;
    }
    return 1;
}

UNIT_TEST(bad_lines)
{
    CHECK(bad("services x bin=bin/x", "must start with"));
    CHECK(bad("service", "bad service name"));
    CHECK(bad("service X bin=bin/x", "bad service name"));
    CHECK(bad("service abcdefghijabcdefghijabcdefghijab bin=bin/x", "bad service name"));
    CHECK(bad("service x", "missing bin"));
    CHECK(bad("service x bin=", "bin: bad path"));
    CHECK(bad("service x bin=bin/x colour=red", "unknown key \"colour\""));
    CHECK(bad("service x bin=bin/x bin=bin/y", "given twice"));
    CHECK(bad("service x bin=bin/x junk", "expected KEY=VALUE"));
    CHECK(bad("service x bin=bin/x =1", "expected KEY=VALUE"));
    CHECK(bad("service x bin=bin/x args=\"a b", "unterminated quote"));
    CHECK(bad("service x bin=bin/x \"args\"=a", "must not be quoted"));
    CHECK(bad("service x bin=bin/x restart=sometimes", "restart"));
    CHECK(bad("service x bin=bin/x retries=-1", "retries"));
    CHECK(bad("service x bin=bin/x retries=1x", "retries"));
    CHECK(bad("service x bin=bin/x backoff=99999999", "backoff"));
    CHECK(bad("service x bin=bin/x priority=201", "priority"));
    CHECK(bad("service x bin=bin/x after=a,,b", "empty item"));
    CHECK(bad("service x bin=bin/x after=A", "after: bad service name"));
    CHECK(bad("service x bin=bin/x register=a/b", "register: bad service name"));
    CHECK(bad("service x bin=bin/x caps=tty", "bad capability \"tty\""));
    CHECK(bad("service x bin=bin/x caps=serve:", "bad capability"));
    CHECK(bad("service x bin=bin/x caps=serve:init", "init's own"));
    CHECK(bad("service x bin=bin/x caps=endpoint:a:0", "bad capability"));
    CHECK(bad("service x bin=bin/x caps=endpoint:a:output", "bad capability"));
    CHECK(bad("service x bin=bin/x caps=ioports:0x60", "bad capability"));
    CHECK(bad("service x bin=bin/x caps=ioports:0x60+0", "bad capability"));
    CHECK(bad("service x bin=bin/x caps=ioports:0xffff+2", "bad capability"));
    CHECK(bad("service x bin=bin/x caps=ioports:0x10000+1", "bad capability"));
    CHECK(bad("service x bin=bin/x caps=irq:24", "bad capability"));
    CHECK(bad("service x bin=bin/x caps=irq:", "bad capability"));
    CHECK(bad("service x bin=bin/x caps=irq:1,irq:2,irq:3,irq:4", "too many handles"));
    CHECK(bad("service x bin=bin/x caps=initrd,initrd,initrd,initrd,initrd,initrd,initrd,"
              "initrd", "too many handles"));
    CHECK(bad("service x bin=bin/x caps=initrd,initrd,initrd,initrd,initrd,initrd,initrd,"
              "initrd,initrd", "too many capabilities"));
    CHECK(bad("service x bin=bin/x args=a,b,c,d,e,f,g,h,i,j,k,l,m", "too many arguments"));
}

UNIT_TEST(names_service_handles)
{
    struct mf_service s;
    char err[MF_ERR_MAX];
    /* The name service's serve:names is its handles[0], not one more. */
    CHECK_EQ_U(parse("service names bin=bin/names caps=serve:names", &s, err), 1);
    CHECK_EQ_U(mf_handle_count(&s), 1);
    CHECK_EQ_U(parse("service other bin=bin/o caps=serve:names2", &s, err), 1);
    CHECK_EQ_U(mf_handle_count(&s), 2);
}

UNIT_TEST(real_manifest_order)
{
    reset();
    load("# the system\n"
         "service shell bin=bin/shell caps=endpoint:init after=console,vfs\n"
         "service names bin=bin/names\n"
         "service vfs bin=bin/vfs caps=serve:vfs,initrd\n"
         "\n"
         "service console bin=bin/console caps=serve:console,screen,endpoint:serial\n"
         "service serial bin=bin/serial caps=serve:serial,ioports:0x3f8+8,irq:4,"
         "endpoint:console:input\n");
    CHECK_EQ_U(report_count, 0);
    CHECK_EQ_U(man.count, 5);
    CHECK_STR(order(), "names vfs console shell serial");
    CHECK_STR(man.svc[0].file, "etc/services");
    CHECK_EQ_U(man.svc[0].line, 2);
}

UNIT_TEST(dependencies_first_then_manifest_order)
{
    reset();
    load("service c bin=bin/c after=b\n"
         "service b bin=bin/b after=a\n"
         "service a bin=bin/a\n"
         "service d bin=bin/d\n");
    CHECK_EQ_U(report_count, 0);
    CHECK_STR(order(), "a b c d");
}

UNIT_TEST(duplicate_and_unknown)
{
    reset();
    load("service a bin=bin/a\n"
         "service a bin=bin/a2\n"
         "service b bin=bin/b after=zz\n"
         "service c bin=bin/c after=b\n"
         "service x bin=bin/x\n"
         "service e bin=bin/e caps=endpoint:nobody\n"
         "service f bin=bin/f after=x\n");
    CHECK_STR(order(), "a");
    CHECK(strstr(reports, "etc/services:2: duplicate service name \"a\"\n"));
    CHECK(strstr(reports, "etc/services:3: after: dependency on unknown service \"zz\"\n"));
    CHECK(strstr(reports, "etc/services:4: after: depends on \"b\", which was left out\n"));
    CHECK(strstr(reports, "etc/services:5: unknown binary \"bin/x\"\n"));
    CHECK(strstr(reports, "etc/services:6: endpoint:nobody: no service serves that name\n"));
    CHECK(strstr(reports, "etc/services:7: after: depends on \"x\", which was left out\n"));
    CHECK_EQ_U(report_count, 6);
}

UNIT_TEST(served_twice)
{
    reset();
    load("service a bin=bin/a caps=serve:log\n"
         "service b bin=bin/b caps=serve:log\n"
         "service c bin=bin/c caps=serve:q,serve:q\n"
         "service d bin=bin/d caps=endpoint:log\n");
    CHECK_STR(order(), "a d");
    CHECK(strstr(reports, "etc/services:2: serve:log: already served by another service\n"));
    CHECK(strstr(reports, "etc/services:3: serve:q given twice\n"));
    CHECK_EQ_U(report_count, 2);
}

UNIT_TEST(cycles)
{
    reset();
    load("service a bin=bin/a after=b\n"
         "service b bin=bin/b after=a\n"
         "service c bin=bin/c after=a\n"
         "service s bin=bin/s after=s\n"
         "service ok bin=bin/ok\n"
         "service e bin=bin/e caps=endpoint:q\n"
         "service q bin=bin/q caps=serve:q after=r\n"
         "service r bin=bin/r after=q\n");
    CHECK_STR(order(), "ok");
    CHECK(strstr(reports, "etc/services:1: after: dependency cycle through \"a\"\n"));
    CHECK(strstr(reports, "etc/services:2: after: dependency cycle through \"b\"\n"));
    CHECK(strstr(reports, "etc/services:3: after: depends on \"a\", which is on a dependency "
                          "cycle\n"));
    CHECK(strstr(reports, "etc/services:4: after: dependency cycle (depends on itself)\n"));
    CHECK(strstr(reports, "etc/services:6: endpoint:q: no service serves that name\n"));
    CHECK_EQ_U(report_count, 7);
}

UNIT_TEST(several_files_and_line_numbers)
{
    reset();
    const char *a = "service a bin=bin/a\n\nservice bad\n";
    const char *b = "# more\nservice b bin=bin/b after=a";   /* no final newline */
    mf_parse(&man, "etc/services", a, strlen(a), report, NULL);
    mf_parse(&man, "etc/services.d/b", b, strlen(b), report, NULL);
    mf_resolve(&man, NULL, NULL, report, NULL);
    CHECK_STR(order(), "a b");
    CHECK(strstr(reports, "etc/services:3: missing bin=PATH\n"));
    CHECK_STR(man.svc[1].file, "etc/services.d/b");
    CHECK_EQ_U(man.svc[1].line, 2);
    CHECK_EQ_U(report_count, 1);
}

UNIT_TEST(too_many_services)
{
    reset();
    static char text[40 * 40];
    text[0] = 0;
    for (int i = 0; i < 34; i++) {
        char line[40];
        snprintf(line, sizeof(line), "service s%d bin=bin/s\n", i);
        strcat(text, line);
    }
    load(text);
    CHECK_EQ_U(man.count, MF_MAX_SERVICES);
    CHECK_EQ_U(man.order_count, MF_MAX_SERVICES);
    CHECK(strstr(reports, "etc/services:33: too many services"));
    CHECK_EQ_U(report_count, 2);
}

UNIT_TEST(valid_names)
{
    CHECK(mf_valid_name("a.b_c-9", 7));
    CHECK(!mf_valid_name("", 0));
    CHECK(!mf_valid_name("a b", 3));
    CHECK(!mf_valid_name("Ab", 2));
    CHECK(mf_valid_name("abcdefghijabcdefghijabcdefghija", 31));
    CHECK(!mf_valid_name("abcdefghijabcdefghijabcdefghijab", 32));
}

UNIT_MAIN(UNIT_CASE(blank_and_comment_lines), UNIT_CASE(minimal_line_defaults),
          UNIT_CASE(every_key), UNIT_CASE(other_capabilities), UNIT_CASE(quoted_args),
          UNIT_CASE(bad_lines), UNIT_CASE(names_service_handles),
          UNIT_CASE(real_manifest_order), UNIT_CASE(dependencies_first_then_manifest_order),
          UNIT_CASE(duplicate_and_unknown), UNIT_CASE(served_twice), UNIT_CASE(cycles),
          UNIT_CASE(several_files_and_line_numbers), UNIT_CASE(too_many_services),
          UNIT_CASE(valid_names))
