/* The shell word splitter: quoting, escapes, continuations (POSIX, Windows,
 * mid-line and with trailing blanks), comments, separators, expansions and
 * positions. */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "frontend/shellwords.h"
#include <string.h>

static tn_arena arena;

static tn_sw_command split_at(const char *text, size_t start) {
    tn_sw_command c;
    assert_int_equal(tn_sw_split(text, strlen(text), start, &arena, &c), 0);
    return c;
}

static tn_sw_command split(const char *text) { return split_at(text, 0); }

/* Checks the words' texts against a NULL-terminated list. */
static void expect_words(const tn_sw_command *c, const char *const *want) {
    size_t n = 0;
    while (want[n])
        n++;
    assert_int_equal(c->n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(c->words[i].text, want[i]);
}

static int setup(void **state) {
    (void)state;
    tn_arena_init(&arena);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    tn_arena_release(&arena);
    return 0;
}

static void test_plain_words(void **state) {
    (void)state;
    const char *t = "aws  elasticache\tcreate-replication-group --engine redis";
    tn_sw_command c = split(t);
    expect_words(&c, (const char *[]){"aws", "elasticache", "create-replication-group", "--engine",
                                      "redis", NULL});
    assert_int_equal(c.ended_by, TN_SW_EOF);
    assert_int_equal(c.end, strlen(t));
    assert_int_equal(c.words[1].off, 5);
    assert_int_equal(c.words[1].end, 16);
    assert_int_equal(c.words[1].verbatim, 5);
    assert_false(c.words[1].quoted);
    assert_false(c.words[1].expands);
}

static void test_quotes_and_escapes(void **state) {
    (void)state;
    const char *t = "a 'b c' \"d \\\"e\\\" \\q\" f\\ g 'x'\"y\"z ''";
    tn_sw_command c = split(t);
    expect_words(&c, (const char *[]){"a", "b c", "d \"e\" \\q", "f g", "xyz", "", NULL});
    assert_true(c.words[1].quoted);
    assert_int_equal(c.words[1].verbatim, 3); /* inside the quotes */
    assert_int_equal(c.words[1].off, 2);
    assert_int_equal(c.words[1].end, 7);
    assert_int_equal(c.words[2].verbatim, -1); /* escapes: assembled */
    assert_int_equal(c.words[3].verbatim, -1);
    assert_int_equal(c.words[4].verbatim, -1); /* three segments */
    assert_true(c.words[5].quoted);
    assert_int_equal(c.words[5].len, 0);
}

static void test_json_word_is_verbatim(void **state) {
    (void)state;
    const char *t = "--x '{\n  \"A\": 1\n}'";
    tn_sw_command c = split(t);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.words[1].text, "{\n  \"A\": 1\n}");
    assert_int_equal(c.words[1].verbatim, 5);
    assert_int_equal(c.words[1].end, strlen(t));
}

static void test_posix_continuations(void **state) {
    (void)state;
    tn_sw_command c = split("aws \\\n  elasticache \\   \n  x\\\ny \\\r\nz\nnext");
    expect_words(&c, (const char *[]){"aws", "elasticache", "xy", "z", NULL});
    assert_int_equal(c.ended_by, TN_SW_NEWLINE);
    /* a backslash ending a word, then blanks, then the newline */
    c = split("a b\\  \nc");
    expect_words(&c, (const char *[]){"a", "b", "c", NULL});
}

static void test_windows_continuations(void **state) {
    (void)state;
    tn_sw_command c = split("aws ^\n  elasticache ^ \t\n  create^\n  --x a^b\nnext");
    expect_words(&c, (const char *[]){"aws", "elasticache", "create", "--x", "a^b", NULL});
    assert_int_equal(c.ended_by, TN_SW_NEWLINE);
    c = split("aws `\n  elasticache ` \n  x` \n  --y `id` ` --z\nnext"); /* PowerShell */
    expect_words(&c, (const char *[]){"aws", "elasticache", "x", "--y", "`id`", "--z", NULL});
    assert_true(c.words[4].expands);
    c = split("a ^"); /* a continuation at the end of the input */
    expect_words(&c, (const char *[]){"a", NULL});
    assert_int_equal(c.ended_by, TN_SW_EOF);
}

static void test_flattened_continuations(void **state) {
    (void)state;
    /* multi-line examples flattened onto one line keep their \ and ^ */
    tn_sw_command c = split("aws x \\ --a 1 \\ --b \"3 node\" \\ --c");
    expect_words(&c, (const char *[]){"aws", "x", "--a", "1", "--b", "3 node", "--c", NULL});
    c = split("aws x ^ --a 1 ^ --b \"3 node\" ^ --c\n");
    expect_words(&c, (const char *[]){"aws", "x", "--a", "1", "--b", "3 node", "--c", NULL});
    assert_int_equal(c.ended_by, TN_SW_NEWLINE);
}

static void test_comments(void **state) {
    (void)state;
    const char *t = "a b # c d \\\ne";
    tn_sw_command c = split(t);
    expect_words(&c, (const char *[]){"a", "b", NULL});
    assert_int_equal(c.ended_by, TN_SW_NEWLINE);
    assert_int_equal(c.end, strlen(t) - 1);
    c = split("a#b 'c#d'");
    expect_words(&c, (const char *[]){"a#b", "c#d", NULL});
}

static void test_separators_and_commands(void **state) {
    (void)state;
    const char *t = "aws a b; aws c && aws d | grep x\naws e\n";
    tn_sw_command c = split(t);
    expect_words(&c, (const char *[]){"aws", "a", "b", NULL});
    assert_int_equal(c.ended_by, TN_SW_SEPARATOR);
    assert_int_equal(c.end, 8);
    c = split_at(t, c.end);
    expect_words(&c, (const char *[]){"aws", "c", NULL});
    assert_int_equal(c.end, 17); /* past && */
    c = split_at(t, c.end);
    expect_words(&c, (const char *[]){"aws", "d", NULL});
    c = split_at(t, c.end);
    expect_words(&c, (const char *[]){"grep", "x", NULL});
    assert_int_equal(c.ended_by, TN_SW_NEWLINE);
    c = split_at(t, c.end);
    expect_words(&c, (const char *[]){"aws", "e", NULL});
    assert_int_equal(c.words[0].off, 33);
    c = split_at(t, c.end);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.ended_by, TN_SW_EOF);
}

static void test_expansions(void **state) {
    (void)state;
    tn_sw_command c = split("--r $REGION --v \"${V}\" --x $(cat f | tr a b) --y `id -u` --z a$ "
                            "--w 'lit $X' --u \"$\"");
    expect_words(&c, (const char *[]){"--r", "$REGION", "--v", "${V}", "--x", "$(cat f | tr a b)",
                                      "--y", "`id -u`", "--z", "a$", "--w", "lit $X", "--u", "$",
                                      NULL});
    assert_true(c.words[1].expands);
    assert_true(c.words[3].expands);
    assert_true(c.words[5].expands);
    assert_true(c.words[7].expands);
    assert_false(c.words[9].expands);
    assert_false(c.words[11].expands); /* single quotes do not expand */
    assert_false(c.words[13].expands);
    assert_false(c.words[0].expands);
}

static void test_placeholders_are_words(void **state) {
    (void)state;
    tn_sw_command c = split("--subnet-ids <your VPC subnet IDs> --x SUBNET_GROUP_NAME>");
    expect_words(&c, (const char *[]){"--subnet-ids", "<your", "VPC", "subnet", "IDs>", "--x",
                                      "SUBNET_GROUP_NAME>", NULL});
}

static void test_unterminated_quote(void **state) {
    (void)state;
    const char *t = "aws x --d \u201cA b\" \\\n  --e f\n";
    tn_sw_command c = split(t);
    assert_int_equal(c.ended_by, TN_SW_UNTERMINATED);
    assert_int_equal(c.quote_off, strchr(t, '"') - t);
    assert_int_equal(c.end, strlen(t));
    assert_string_equal(c.words[3].text, "\u201cA");
    assert_string_equal(c.words[4].text, "b \\\n  --e f\n");
}

static void test_slash_typo(void **state) {
    (void)state;
    tn_sw_command c = split("aws x /\n\t--a 1 /\n\t--b\n--c");
    expect_words(&c, (const char *[]){"aws", "x", "--a", "1", "--b", NULL});
    assert_int_equal(c.nslashes, 2);
    assert_int_equal(c.slashes[0], 6);
    c = split("cd /\nls"); /* not followed by an option: a real argument */
    expect_words(&c, (const char *[]){"cd", "/", NULL});
    assert_int_equal(c.nslashes, 0);
}

static void test_start_offset_and_empty(void **state) {
    (void)state;
    tn_sw_command c = split("");
    assert_int_equal(c.n, 0);
    assert_int_equal(c.ended_by, TN_SW_EOF);
    c = split_at("abc", 10);
    assert_int_equal(c.n, 0);
    assert_int_equal(c.end, 3);
    c = split("a\\");
    expect_words(&c, (const char *[]){"a\\", NULL});
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quotes_and_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_word_is_verbatim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_posix_continuations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_windows_continuations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flattened_continuations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_separators_and_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expansions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_placeholders_are_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unterminated_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slash_typo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_offset_and_empty, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
