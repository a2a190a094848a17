/* SPDX-License-Identifier: MIT */
/*
 * Host tests for kernel/lib/cmdline.c: tokenizing, every documented
 * option, defaults, and that unknown or malformed words are warned about
 * and ignored rather than changing the result.
 */
#include "unit.h"
#include "lib/cmdline.h"

struct warn_log {
    int count;
    char last_word[64];
    char last_why[64];
};

static void record_warning(void *ctx, const char *word, size_t len, const char *why)
{
    struct warn_log *log = ctx;
    log->count++;
    snprintf(log->last_word, sizeof(log->last_word), "%.*s", (int)len, word);
    snprintf(log->last_why, sizeof(log->last_why), "%s", why);
}

UNIT_TEST(cmdline_empty_gives_defaults)
{
    struct cmdline_options o;
    struct warn_log log = { 0 };
    cmdline_parse("", &o, record_warning, &log);
    CHECK(!o.ktest && !o.exit);
    CHECK_EQ_U(o.log_level, LOG_INFO);
    CHECK_EQ_U(o.break_points, 0);
    CHECK_EQ_U(o.smp, 0);
    cmdline_parse(NULL, &o, record_warning, &log);
    CHECK_EQ_U(log.count, 0);
}

UNIT_TEST(cmdline_tokenizer_splits_words_and_values)
{
    const char *cursor = "  a=1\tflag  key=  last=x=y ";
    struct cmdline_word w;
    CHECK(cmdline_next_word(&cursor, &w));
    CHECK_EQ_U(w.key_len, 1);
    CHECK(w.value && w.value_len == 1 && w.value[0] == '1');
    CHECK(cmdline_next_word(&cursor, &w));
    CHECK(w.key_len == 4 && !w.value);
    CHECK(cmdline_next_word(&cursor, &w));
    CHECK(w.key_len == 3 && w.value && w.value_len == 0);
    CHECK(cmdline_next_word(&cursor, &w));
    CHECK(w.key_len == 4 && w.value_len == 3);
    CHECK(!cmdline_next_word(&cursor, &w));
}

UNIT_TEST(cmdline_ktest_name_and_console_parse)
{
    struct cmdline_options o;
    struct warn_log log = { 0 };
    cmdline_parse("ktest=some_test console=serial", &o, record_warning, &log);
    CHECK_EQ_U(log.count, 0);
    CHECK(o.ktest && o.exit && o.serial_only);
    CHECK(o.ktest_only && o.ktest_only_len == 9);
    CHECK(strncmp(o.ktest_only, "some_test", 9) == 0);
    cmdline_parse("ktest console=all", &o, record_warning, &log);
    CHECK(o.ktest && !o.ktest_only && !o.serial_only);
    CHECK_EQ_U(log.count, 0);
}

UNIT_TEST(cmdline_ipc_path_choice)
{
    struct cmdline_options o;
    struct warn_log log = { 0 };
    cmdline_parse("usertest", &o, record_warning, &log);
    CHECK(!o.ipc_slow);                   /* the fast path by default */
    cmdline_parse("ipc=slow usertest", &o, record_warning, &log);
    CHECK(o.ipc_slow && o.usertest);
    cmdline_parse("ipc=slow ipc=fast", &o, record_warning, &log);
    CHECK(!o.ipc_slow);
    CHECK_EQ_U(log.count, 0);
    cmdline_parse("ipc=turbo ipc", &o, record_warning, &log);
    CHECK(!o.ipc_slow);
    CHECK_EQ_U(log.count, 2);             /* a bad value, and no value */
}

UNIT_TEST(cmdline_bench_implies_exit)
{
    struct cmdline_options o;
    struct warn_log log = { 0 };
    cmdline_parse("bench", &o, record_warning, &log);
    CHECK_EQ_U(log.count, 0);
    CHECK(o.bench && o.exit && !o.ktest);
    cmdline_parse("bench=1", &o, record_warning, &log);
    CHECK_EQ_U(log.count, 1);
    CHECK(!o.bench);
}

UNIT_TEST(cmdline_bad_ktest_and_console_values_warn)
{
    struct cmdline_options o;
    struct warn_log log = { 0 };
    cmdline_parse("console=vga ktest=", &o, record_warning, &log);
    CHECK_EQ_U(log.count, 2);
    CHECK_STR(log.last_word, "ktest=");
    CHECK(!o.ktest && !o.serial_only);
}

UNIT_TEST(cmdline_all_options_parse)
{
    struct cmdline_options o;
    struct warn_log log = { 0 };
    cmdline_parse("exit log=debug break=entry,panic smp=4 break=ktest", &o,
                  record_warning, &log);
    CHECK_EQ_U(log.count, 0);
    CHECK(o.exit && !o.ktest);
    CHECK_EQ_U(o.log_level, LOG_DEBUG);
    CHECK_EQ_U(o.break_points, BREAK_ENTRY | BREAK_PANIC | BREAK_KTEST);
    CHECK_EQ_U(o.smp, 4);
}

UNIT_TEST(cmdline_ktest_implies_exit)
{
    struct cmdline_options o;
    cmdline_parse("ktest", &o, NULL, NULL);
    CHECK(o.ktest && o.exit);
}

UNIT_TEST(cmdline_unknown_option_is_warned_and_ignored)
{
    struct cmdline_options o;
    struct warn_log log = { 0 };
    cmdline_parse("quiet foo=bar ktest", &o, record_warning, &log);
    CHECK_EQ_U(log.count, 2);
    CHECK_STR(log.last_word, "foo=bar");
    CHECK_STR(log.last_why, "unknown option");
    CHECK(o.ktest);
}

UNIT_TEST(cmdline_bad_values_keep_defaults)
{
    struct cmdline_options o;
    struct warn_log log = { 0 };
    cmdline_parse("log=loud break=entry,bogus smp=0 smp=999 smp=x1 log= ktest=", &o,
                  record_warning, &log);
    CHECK_EQ_U(log.count, 7);
    CHECK_STR(log.last_word, "ktest=");
    CHECK_EQ_U(o.log_level, LOG_INFO);
    CHECK_EQ_U(o.break_points, 0);
    CHECK_EQ_U(o.smp, 0);
    CHECK(!o.ktest);
}

UNIT_TEST(cmdline_init_and_usertest)
{
    struct cmdline_options o;
    struct warn_log log = { 0 };
    cmdline_parse("", &o, NULL, NULL);
    CHECK(o.init_len == 8 && memcmp(o.init, "bin/init", 8) == 0);
    CHECK(!o.usertest);
    cmdline_parse("init=/bin/shell", &o, record_warning, &log);
    CHECK_EQ_U(log.count, 0);
    CHECK(o.init_len == 10 && memcmp(o.init, "/bin/shell", 10) == 0);
    CHECK(!o.exit);
    cmdline_parse("usertest", &o, NULL, NULL);
    CHECK(o.usertest && o.exit);
    CHECK(o.init_len == 12 && memcmp(o.init, "bin/usertest", 12) == 0);
    static char long_path[CMDLINE_INIT_MAX + 8];
    memcpy(long_path, "init=", 5);
    memset(long_path + 5, 'a', CMDLINE_INIT_MAX);
    cmdline_parse(long_path, &o, record_warning, &log);
    CHECK_EQ_U(log.count, 1);
    CHECK(o.init_len == 8 && memcmp(o.init, "bin/init", 8) == 0);
    cmdline_parse("init=", &o, record_warning, &log);
    CHECK_EQ_U(log.count, 2);
    CHECK_STR(log.last_why, "bad value (a path in the initramfs)");
}

UNIT_TEST(cmdline_log_level_names_round_trip)
{
    CHECK_STR(cmdline_log_level_name(LOG_ERROR), "error");
    CHECK_STR(cmdline_log_level_name(LOG_DEBUG), "debug");
    CHECK_STR(cmdline_log_level_name((enum log_level)9), "?");
}

UNIT_MAIN(
    UNIT_CASE(cmdline_empty_gives_defaults),
    UNIT_CASE(cmdline_tokenizer_splits_words_and_values),
    UNIT_CASE(cmdline_ktest_name_and_console_parse),
    UNIT_CASE(cmdline_ipc_path_choice),
    UNIT_CASE(cmdline_bench_implies_exit),
    UNIT_CASE(cmdline_bad_ktest_and_console_values_warn),
    UNIT_CASE(cmdline_all_options_parse),
    UNIT_CASE(cmdline_ktest_implies_exit),
    UNIT_CASE(cmdline_init_and_usertest),
    UNIT_CASE(cmdline_unknown_option_is_warned_and_ignored),
    UNIT_CASE(cmdline_bad_values_keep_defaults),
    UNIT_CASE(cmdline_log_level_names_round_trip)
)
