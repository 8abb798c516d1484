/* Versions and version ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "eval/version.h"

static tn_tri match(const tn_vrange *r, const char *s) { return tn_vrange_match(r, s, strlen(s)); }

static tn_vrange *compile(tn_arena *a, const char *expr) {
    char err[256];
    size_t off = 99;
    tn_vrange *r = tn_vrange_compile(expr, strlen(expr), a, err, sizeof err, &off);
    if (!r) fail_msg("'%s' did not compile: %s at %zu", expr, err, off);
    return r;
}

static void test_parse(void **state) {
    (void)state;
    tn_version v;
    assert_true(tn_version_parse("3.2.6", 5, &v));
    assert_int_equal(v.nparts, 3);
    assert_int_equal(v.part[0], 3);
    assert_int_equal(v.part[1], 2);
    assert_int_equal(v.part[2], 6);
    assert_false(v.wildcard);
    assert_true(tn_version_parse("4.0.10", 6, &v));
    assert_int_equal(v.part[2], 10);
    assert_true(tn_version_parse("6.x", 3, &v));
    assert_int_equal(v.nparts, 1);
    assert_true(v.wildcard);
    assert_true(tn_version_parse("7.1", 3, &v));
    assert_int_equal(v.nparts, 2);
    assert_false(v.wildcard);
    assert_true(tn_version_parse(" 6.2.6 ", 7, &v));
    assert_int_equal(v.nparts, 3);
    assert_true(tn_version_parse("5.0.0", 5, &v));
    assert_true(tn_version_parse("7", 1, &v));
    assert_true(tn_version_parse("1.2.3.4", 7, &v));
    assert_int_equal(v.nparts, 4);

    const char *bad[] = {"", " ", "x", "6.", ".6", "6..1", "6.x.1", "redis", "6.2-rc1",
                         "1.2.3.4.5", "99999999999", "-1", "6.2.6a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(tn_version_parse(bad[i], strlen(bad[i]), &v));
}

static void test_cmp(void **state) {
    (void)state;
    tn_version a, b;
    assert_true(tn_version_parse("4.0.10", 6, &a));
    assert_true(tn_version_parse("4.0.9", 5, &b));
    assert_int_equal(tn_version_cmp(&a, &b), 1);
    assert_int_equal(tn_version_cmp(&b, &a), -1);
    assert_true(tn_version_parse("4", 1, &b));
    assert_true(tn_version_parse("4.0.0", 5, &a));
    assert_int_equal(tn_version_cmp(&a, &b), 0);
}

static void test_at_rest_range(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    tn_vrange *r = compile(&a, "3.2.6 || >= 4.0.10");
    const char *vals[] = {"2.8.24", "3.2.4", "3.2.6", "3.2.10", "4.0.10",
                          "5.0.6",  "6.x",   "6.0",   "6.2",    "7.1"};
    const tn_tri want[] = {TN_FALSE, TN_FALSE, TN_TRUE, TN_FALSE, TN_TRUE,
                           TN_TRUE,  TN_TRUE,  TN_TRUE, TN_TRUE,  TN_TRUE};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        if (match(r, vals[i]) != want[i]) fail_msg("%s: got %d", vals[i], match(r, vals[i]));
    }
    tn_arena_release(&a);
}

static void test_partial_overlap(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    tn_vrange *r = compile(&a, ">= 4.0.10");
    assert_int_equal(match(r, "4.x"), TN_UNKNOWN);
    assert_int_equal(match(r, "4"), TN_UNKNOWN);
    assert_int_equal(match(r, "4.0"), TN_UNKNOWN);
    assert_int_equal(match(r, "4.0.9"), TN_FALSE);
    assert_int_equal(match(r, "5.x"), TN_TRUE);
    assert_int_equal(match(r, "3.x"), TN_FALSE);
    /* not a version at all */
    assert_int_equal(match(r, "latest"), TN_UNKNOWN);
    assert_int_equal(match(r, ""), TN_UNKNOWN);
    assert_int_equal(tn_vrange_match(r, NULL, 0), TN_UNKNOWN);
    tn_arena_release(&a);
}

static void test_comparators(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    tn_vrange *r = compile(&a, ">= 4.0.10, < 7");
    assert_int_equal(match(r, "6.2"), TN_TRUE);
    assert_int_equal(match(r, "7.0"), TN_FALSE);
    assert_int_equal(match(r, "4.0.10"), TN_TRUE);

    r = compile(&a, ">3 <=6.2");
    assert_int_equal(match(r, "3.2.6"), TN_FALSE); /* > 3 means above every 3.* */
    assert_int_equal(match(r, "4.0.10"), TN_TRUE);
    assert_int_equal(match(r, "6.2.6"), TN_TRUE); /* <= 6.2 holds every 6.2 patch */
    assert_int_equal(match(r, "6.2"), TN_TRUE);
    assert_int_equal(match(r, "6.x"), TN_UNKNOWN); /* 6.3 and later are above */
    assert_int_equal(match(r, "7.0"), TN_FALSE);

    r = compile(&a, "= 3.2.6");
    assert_int_equal(match(r, "3.2.6"), TN_TRUE);
    assert_int_equal(match(r, "3.2.x"), TN_UNKNOWN);

    r = compile(&a, "== 5.0.6");
    assert_int_equal(match(r, "5.0.6"), TN_TRUE);

    r = compile(&a, ">= 3.2.6, != 3.2.10");
    assert_int_equal(match(r, "3.2.10"), TN_FALSE);
    assert_int_equal(match(r, "3.2.11"), TN_TRUE);
    assert_int_equal(match(r, "3.2.x"), TN_UNKNOWN);
    assert_int_equal(match(r, "4.x"), TN_TRUE);

    r = compile(&a, "6.x");
    assert_int_equal(match(r, "6.0"), TN_TRUE);
    assert_int_equal(match(r, "6.2.6"), TN_TRUE);
    assert_int_equal(match(r, "6"), TN_TRUE);
    assert_int_equal(match(r, "7.1"), TN_FALSE);

    r = compile(&a, "< 6");
    assert_int_equal(match(r, "5.0.6"), TN_TRUE);
    assert_int_equal(match(r, "6.x"), TN_FALSE);

    /* alternatives that touch merge into one interval */
    r = compile(&a, "4.x || 5.x");
    assert_int_equal(match(r, "4.0.10"), TN_TRUE);
    assert_int_equal(match(r, "5.0"), TN_TRUE);
    r = compile(&a, ">= 4, < 5 || >= 5, < 6");
    assert_int_equal(match(r, "4.x"), TN_TRUE);

    /* contradictory comparators: nothing matches */
    r = compile(&a, ">= 7, < 6");
    assert_int_equal(match(r, "6.5"), TN_FALSE);
    tn_arena_release(&a);
}

static void expect_error(const char *expr, size_t want_off, const char *want_msg) {
    tn_arena a;
    tn_arena_init(&a);
    char err[256];
    size_t off = 12345;
    tn_vrange *r = tn_vrange_compile(expr, strlen(expr), &a, err, sizeof err, &off);
    if (r) fail_msg("'%s' compiled", expr);
    if (off != want_off) fail_msg("'%s': offset %zu, want %zu (%s)", expr, off, want_off, err);
    if (!strstr(err, want_msg)) fail_msg("'%s': message '%s' lacks '%s'", expr, err, want_msg);
    tn_arena_release(&a);
}

static void test_errors(void **state) {
    (void)state;
    expect_error("=> 4.0", 0, "'=>'");
    expect_error(">= 4.0.10, ~4", 11, "'~'");
    expect_error("3.2.6 || >= abc", 12, "'abc' is not a version");
    expect_error(">=", 0, "needs a version");
    expect_error("3.2.6 ||", 8, "empty alternative");
    expect_error("", 0, "empty version range");
    expect_error("3.2.6 | 4", 6, "'|'");
    expect_error("3.2.6,", 6, "after ','");
    expect_error(", 3.2.6", 0, "before ','");
    expect_error("4.0.x.1", 0, "not a version");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),          cmocka_unit_test(test_cmp),
        cmocka_unit_test(test_at_rest_range),  cmocka_unit_test(test_partial_overlap),
        cmocka_unit_test(test_comparators),    cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
