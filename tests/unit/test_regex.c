/* The PCRE2 wrapper: matches, captures, errors and the match limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval/regex.h"
#include "tenet/errors.h"

static tn_regex *re_ok(const char *p) {
    char err[256];
    size_t off;
    tn_regex *re = tn_regex_compile(p, strlen(p), err, sizeof err, &off);
    if (!re) fail_msg("'%s': %s at %zu", p, err, off);
    return re;
}

static void test_match(void **state) {
    (void)state;
    void *md = tn_regex_match_data_new();
    assert_non_null(md);
    tn_regex *re = re_ok("^cache\\.t[23]\\.");
    assert_int_equal(tn_regex_captures(re), 0);
    assert_int_equal(tn_regex_match(re, "cache.t2.micro", 14, md, NULL, NULL), 1);
    assert_int_equal(tn_regex_match(re, "cache.m5.large", 14, md, NULL, NULL), 0);
    /* unanchored */
    tn_regex *re2 = re_ok("micro");
    assert_int_equal(tn_regex_match(re2, "cache.t2.micro", 14, md, NULL, NULL), 1);
    /* length is honoured, not the NUL */
    assert_int_equal(tn_regex_match(re2, "cache.t2.micro", 10, md, NULL, NULL), 0);
    /* no match data: a temporary one is used */
    assert_int_equal(tn_regex_match(re2, "micro", 5, NULL, NULL, NULL), 1);
    /* UTF-8 aware, and invalid UTF-8 is just a non-match */
    tn_regex *re3 = re_ok("^.$");
    assert_int_equal(tn_regex_match(re3, "\xc3\xa9", 2, md, NULL, NULL), 1);
    assert_int_equal(tn_regex_match(re3, "\xff", 1, md, NULL, NULL), 0);
    tn_regex_free(re);
    tn_regex_free(re2);
    tn_regex_free(re3);
    tn_regex_match_data_free(md);
    tn_regex_free(NULL);
    tn_regex_match_data_free(NULL);
}

static void test_capture(void **state) {
    (void)state;
    void *md = tn_regex_match_data_new();
    tn_regex *re = re_ok("^cache\\.([a-z0-9]+)\\.");
    assert_int_equal(tn_regex_captures(re), 1);
    size_t off = 99, len = 99;
    const char *s = "cache.r6g.large";
    assert_int_equal(tn_regex_match(re, s, strlen(s), md, &off, &len), 1);
    assert_int_equal(off, 6);
    assert_int_equal(len, 3);
    /* no group: the whole match */
    tn_regex *re2 = re_ok("r[0-9]+");
    assert_int_equal(tn_regex_match(re2, s, strlen(s), md, &off, &len), 1);
    assert_int_equal(off, 6);
    assert_int_equal(len, 2);
    /* group 1 not taking part */
    tn_regex *re3 = re_ok("(x)?large");
    assert_int_equal(tn_regex_match(re3, s, strlen(s), md, &off, &len), 1);
    assert_int_equal(len, 0);
    tn_regex_free(re);
    tn_regex_free(re2);
    tn_regex_free(re3);
    tn_regex_match_data_free(md);
}

static void test_compile_error(void **state) {
    (void)state;
    char err[256];
    size_t off = 0;
    tn_regex *re = tn_regex_compile("abc(def", 7, err, sizeof err, &off);
    assert_null(re);
    assert_int_equal(off, 7);
    assert_non_null(strstr(err, "missing closing parenthesis"));
    re = tn_regex_compile("a{2,1}", 6, err, sizeof err, &off);
    assert_null(re);
    assert_true(err[0] != '\0');
    assert_int_equal(off, 5);
    /* tiny buffers are fine */
    char small[8];
    re = tn_regex_compile("(", 1, small, sizeof small, &off);
    assert_null(re);
    assert_true(strlen(small) < sizeof small);
}

static void test_catastrophic(void **state) {
    (void)state;
    void *md = tn_regex_match_data_new();
    tn_regex *re = re_ok("(a+)+$");
    size_t n = 50000;
    char *s = malloc(n + 2);
    assert_non_null(s);
    memset(s, 'a', n);
    s[n] = 'b';
    s[n + 1] = '\0';
    clock_t t0 = clock();
    int rc = tn_regex_match(re, s, n + 1, md, NULL, NULL);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(rc == TENET_ELIMIT || rc == 0);
    assert_true(secs < 5.0);
    /* nested quantifiers the optimiser cannot rescue */
    tn_regex *re2 = re_ok("^(a|aa)+(b|c)$");
    rc = tn_regex_match(re2, s, 40, md, NULL, NULL);
    assert_true(rc == TENET_ELIMIT || rc == 0);
    free(s);
    tn_regex_free(re);
    tn_regex_free(re2);
    tn_regex_match_data_free(md);
}

/* Limits travel with the match data: a pattern that needs a few hundred
 * backtracking steps fails under a tiny limit and succeeds by default. */
static void test_configurable_limits(void **state) {
    (void)state;
    tn_regex *re = re_ok("^(a|ab)*c$");
    const char *s = "abababababababababababababababababababababxc";
    void *def = tn_regex_match_data_new();
    void *tight = tn_regex_match_data_new_limits(10, 0);
    void *shallow = tn_regex_match_data_new_limits(0, 2);
    assert_non_null(def);
    assert_non_null(tight);
    assert_non_null(shallow);
    assert_int_equal(tn_regex_match(re, s, strlen(s), def, NULL, NULL), 0);
    assert_int_equal(tn_regex_match(re, s, strlen(s), tight, NULL, NULL), TENET_ELIMIT);
    assert_int_equal(tn_regex_match(re, "ababc", 5, def, NULL, NULL), 1);
    /* the depth limit binds the interpreter (JIT ignores it): never a crash */
    int rc = tn_regex_match(re, s, strlen(s), shallow, NULL, NULL);
    assert_true(rc == 0 || rc == TENET_ELIMIT);
    /* huge limits saturate instead of wrapping to a tiny one */
    void *huge = tn_regex_match_data_new_limits((size_t)-1, (size_t)-1);
    assert_non_null(huge);
    assert_int_equal(tn_regex_match(re, s, strlen(s), huge, NULL, NULL), 0);
    tn_regex_match_data_free(huge);
    tn_regex_match_data_free(def);
    tn_regex_match_data_free(tight);
    tn_regex_match_data_free(shallow);
    tn_regex_free(re);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_configurable_limits),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_capture),
        cmocka_unit_test(test_compile_error),
        cmocka_unit_test(test_catastrophic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
