/* Suppressions (inline comments, template metadata, central entries with
 * globs and expiry), unsuppressible rules, severity overrides, the JSON
 * fields they add, set overrides in rule packs, and the glob matcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tenet.h"
#include "util/alloc.h"
#include "util/glob.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char PACK[] =
    "tenet: 1\n"
    "name: sup-pack\n"
    "sets:\n"
    "  families: [a, b]\n"
    "kinds:\n"
    "  test.thing:\n"
    "    fields:\n"
    "      version: {type: version}\n"
    "      secure: {type: bool, default: false}\n"
    "      family: {type: string}\n"
    "    cloudformation:\n"
    "      type: Custom::Thing\n"
    "      fields: {version: Version, secure: Secure, family: Family}\n"
    "rules:\n"
    "  - id: T-001\n"
    "    kind: test.thing\n"
    "    severity: error\n"
    "    when: {secure: {is: true}}\n"
    "    require: {version: {version: \">= 2\"}}\n"
    "    message: \"version {version} cannot be secure\"\n"
    "  - id: T-002\n"
    "    kind: test.thing\n"
    "    severity: warning\n"
    "    when: {secure: {is: true}}\n"
    "    message: \"secure things are slow\"\n"
    "  - id: T-003\n"
    "    kind: test.thing\n"
    "    severity: error\n"
    "    require: {family: {in: $families}}\n"
    "    message: \"family {family} is not supported\"\n"
    "    suppressible: false\n";

static tenet_ruleset *rs;

static int setup(void **state) {
    (void)state;
    tenet_rules_source src = {"sup-pack.yaml", PACK, sizeof PACK - 1};
    tenet_error err;
    int rc = tenet_ruleset_compile(&rs, &src, 1, &err);
    if (rc != TENET_OK)
        fprintf(stderr, "pack: %s:%u:%u: %s\n", err.source, err.line, err.column, err.message);
    return rc;
}

static int teardown(void **state) {
    (void)state;
    tenet_ruleset_free(rs);
    return 0;
}

/* Checks `text` into a fresh report; asserts it was judged. */
static tenet_report *run(const char *text, const tenet_check_options *o) {
    tenet_report *r;
    tenet_error err;
    assert_int_equal(tenet_report_new(&r), 0);
    int rc = tenet_check(r, rs, text, strlen(text), o, &err);
    if (rc != TENET_OK)
        fprintf(stderr, "check: %s\n", err.message);
    assert_int_equal(rc, TENET_OK);
    return r;
}

/* The diagnostic of `rule` (at `line` unless 0), or fails the test. */
static tenet_diagnostic get(const tenet_report *r, const char *rule, uint32_t line) {
    tenet_diagnostic d;
    for (size_t i = 0; i < tenet_report_count(r); i++) {
        assert_int_equal(tenet_report_get(r, i, &d), 0);
        if (strcmp(d.rule, rule) == 0 && (!line || d.line == line))
            return d;
    }
    fail_msg("no %s diagnostic at line %u", rule, (unsigned)line);
    return d;
}

static size_t count(const tenet_report *r, const char *rule) {
    size_t n = 0;
    tenet_diagnostic d;
    for (size_t i = 0; i < tenet_report_count(r); i++) {
        assert_int_equal(tenet_report_get(r, i, &d), 0);
        n += strcmp(d.rule, rule) == 0;
    }
    return n;
}

/* Line 6: Version (T-001), line 5: Secure (T-002), line 7: Family (T-003). */
#define THING(name, extra)                                                                         \
    "  " name ":\n"                                                                                \
    "    Type: Custom::Thing\n" extra "    Properties:\n"                                         \
    "      Secure: true\n"                                                                        \
    "      Version: \"1.0\"\n"                                                                    \
    "      Family: a\n"

static void test_inline_same_line_and_above(void **state) {
    (void)state;
    const char *t = "Resources:\n"
                    "  A:\n"
                    "    Type: Custom::Thing\n"
                    "    Properties:\n"
                    "      # tenet:ignore T-002 slow is fine\n"
                    "      # (reviewed by the platform team)\n"
                    "      Secure: true\n"
                    "      Version: \"1.0\" # tenet:ignore T-001: pinned by the vendor\n"
                    "      Family: a\n";
    tenet_report *r = run(t, NULL);
    tenet_diagnostic d = get(r, "T-001", 8);
    assert_true(d.suppressed);
    assert_string_equal(d.suppression, "inline: pinned by the vendor");
    d = get(r, "T-002", 7);
    assert_true(d.suppressed);
    assert_string_equal(d.suppression, "inline: slow is fine");
    tenet_summary s;
    tenet_report_summary(r, &s);
    assert_int_equal(s.errors + s.warnings + s.infos, 0);
    assert_int_equal(s.suppressed, 2);
    tenet_report_free(r);
}

static void test_inline_other_rule_and_distance(void **state) {
    (void)state;
    /* The comment names another rule; one above is separated by a code line;
     * a trailing comment on the line above covers only its own line. */
    const char *t = "Resources:\n"
                    "  A:\n"
                    "    Type: Custom::Thing\n"
                    "    Properties:\n"
                    "      # tenet:ignore T-001 not this line\n"
                    "      Family: a\n"
                    "      Secure: true # tenet:ignore T-001 wrong rule here\n"
                    "      Version: \"1.0\"\n";
    tenet_report *r = run(t, NULL);
    assert_false(get(r, "T-001", 8).suppressed);
    assert_false(get(r, "T-002", 7).suppressed);
    tenet_report_free(r);
}

static void test_inline_lists_subject_and_bad(void **state) {
    (void)state;
    /* Above the resource: every diagnostic of it; a list of rules; and a
     * comment with a glob instead of ids, which is a warning. */
    const char *t = "Resources:\n"
                    "  # tenet:ignore T-001, T-002 legacy resource\n"
                    "  A:\n"
                    "    Type: Custom::Thing\n"
                    "    Properties:\n"
                    "      Secure: true\n"
                    "      Version: \"1.0\"\n"
                    "      Family: a\n"
                    "  B:\n"
                    "    Type: Custom::Thing # tenet:ignore T-*\n"
                    "    Properties: {Secure: true, Version: \"1.0\", Family: a}\n";
    tenet_report *r = run(t, NULL);
    tenet_diagnostic d = get(r, "T-001", 7);
    assert_true(d.suppressed);
    assert_string_equal(d.suppression, "inline: legacy resource");
    assert_true(get(r, "T-002", 6).suppressed);
    assert_false(get(r, "T-001", 11).suppressed);
    d = get(r, "bad-suppression", 10);
    assert_int_equal(d.severity, TENET_SEVERITY_WARNING);
    assert_int_equal(d.column, 25);
    assert_false(d.suppressed);
    tenet_report_free(r);
}

static void test_inline_not_in_json(void **state) {
    (void)state;
    /* JSON has no comments: text inside a string is not a directive. */
    const char *t = "{\"Resources\": {\"A\": {\"Type\": \"Custom::Thing\", \"Properties\": {\n"
                    "\"Secure\": true, \"Version\": \"1.0\", \"Family\": \"# tenet:ignore T-001 x\"}}}}\n";
    tenet_report *r = run(t, NULL);
    assert_false(get(r, "T-001", 2).suppressed);
    tenet_report_free(r);
}

static void test_metadata(void **state) {
    (void)state;
    const char *t = "Metadata:\n"
                    "  tenet:\n"
                    "    ignore: [T-002]\n"
                    "Resources:\n" THING("A", "    Metadata:\n"
                                              "      tenet:\n"
                                              "        ignore:\n"
                                              "          - {rule: T-001, reason: vendor pin}\n"
                                              "          - {rule: T-009, why: typo}\n") THING("B", "");
    tenet_report *r = run(t, NULL);
    /* A's T-001 is suppressed with a reason; B's is not. */
    tenet_diagnostic d = get(r, "T-001", 14);
    assert_true(d.suppressed);
    assert_string_equal(d.subject, "A");
    assert_string_equal(d.suppression, "metadata: vendor pin");
    assert_false(get(r, "T-001", 20).suppressed);
    /* The template-level entry covers both resources. */
    d = get(r, "T-002", 13);
    assert_true(d.suppressed);
    assert_string_equal(d.suppression, "metadata");
    assert_true(get(r, "T-002", 19).suppressed);
    /* The malformed entry is reported, not fatal. */
    d = get(r, "bad-suppression", 11);
    assert_int_equal(d.column, 27);
    tenet_report_free(r);
}

static const char PLAIN[] = "Resources:\n" THING("Cache", "") THING("Other", "");

static void test_config_globs(void **state) {
    (void)state;
    tenet_suppression s[] = {
        {"T-00[12]", "templates/*.yaml", "Cach?", "legacy", NULL},
    };
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.suppressions = s;
    o.suppression_count = 1;
    o.filename = "./templates/a.yaml";
    tenet_report *r = run(PLAIN, &o);
    tenet_diagnostic d = get(r, "T-001", 6);
    assert_true(d.suppressed);
    assert_string_equal(d.suppression, "config: legacy");
    assert_true(get(r, "T-002", 5).suppressed);
    assert_false(get(r, "T-001", 12).suppressed); /* subject Other */
    tenet_report_free(r);

    /* `*` does not cross '/'; match_path replaces the filename. */
    o.filename = "templates/deep/a.yaml";
    r = run(PLAIN, &o);
    assert_false(get(r, "T-001", 6).suppressed);
    tenet_report_free(r);
    s[0].path = "templates/**/*.yaml";
    r = run(PLAIN, &o);
    assert_true(get(r, "T-001", 6).suppressed);
    tenet_report_free(r);
    o.match_path = "elsewhere/a.yaml";
    r = run(PLAIN, &o);
    assert_false(get(r, "T-001", 6).suppressed);
    tenet_report_free(r);
}

static void test_config_expiry(void **state) {
    (void)state;
    tenet_suppression s[] = {{"T-001", NULL, NULL, "until the upgrade", "2025-03-01"}};
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.suppressions = s;
    o.suppression_count = 1;
    o.today = "2025-02-28";
    tenet_report *r = run(PLAIN, &o);
    assert_true(get(r, "T-001", 6).suppressed);
    assert_int_equal(count(r, "expired-suppression"), 0);
    tenet_report_free(r);

    /* From the expiry date on, the finding is back and says why. */
    o.today = "2025-03-01";
    r = run(PLAIN, &o);
    assert_false(get(r, "T-001", 6).suppressed);
    tenet_diagnostic d = get(r, "expired-suppression", 6);
    assert_int_equal(d.severity, TENET_SEVERITY_INFO);
    assert_string_equal(d.message,
                        "suppression for T-001 expired on 2025-03-01 (reason: until the upgrade)");
    assert_string_equal(d.subject, "Cache");
    assert_int_equal(count(r, "expired-suppression"), 2); /* both resources */
    tenet_summary sum;
    tenet_report_summary(r, &sum);
    assert_int_equal(sum.suppressed, 0);
    tenet_report_free(r);

    /* Another, live entry still suppresses it, without the note. */
    tenet_suppression two[] = {s[0], {"T-*", NULL, NULL, "all of them", NULL}};
    o.suppressions = two;
    o.suppression_count = 2;
    r = run(PLAIN, &o);
    assert_string_equal(get(r, "T-001", 6).suppression, "config: all of them");
    assert_int_equal(count(r, "expired-suppression"), 0);
    tenet_report_free(r);
}

static void test_unsuppressible(void **state) {
    (void)state;
    const char *t = "Resources:\n"
                    "  A:\n"
                    "    Type: Custom::Thing\n"
                    "    Metadata: {tenet: {ignore: [T-003]}}\n"
                    "    Properties:\n"
                    "      Family: z # tenet:ignore T-003 we know\n";
    tenet_suppression s[] = {{"T-003", NULL, NULL, "central", NULL}};
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.suppressions = s;
    o.suppression_count = 1;
    tenet_report *r = run(t, &o);
    assert_false(get(r, "T-003", 6).suppressed);
    tenet_diagnostic d = get(r, "unsuppressible", 6);
    assert_int_equal(d.severity, TENET_SEVERITY_INFO);
    assert_non_null(strstr(d.message, "T-003 cannot be suppressed"));
    assert_non_null(strstr(d.message, "tenet:ignore comment"));
    tenet_summary sum;
    tenet_report_summary(r, &sum);
    assert_int_equal(sum.errors, 1);
    tenet_report_free(r);

    /* Nor can an override lower it or turn it off; raising is fine. */
    tenet_severity_override off[] = {{"T-003", TENET_SEVERITY_OFF}};
    tenet_check_options o2 = TENET_CHECK_OPTIONS_INIT;
    o2.severity_overrides = off;
    o2.severity_override_count = 1;
    const char *t2 = "Resources:\n"
                     "  A:\n"
                     "    Type: Custom::Thing\n"
                     "    Properties: {Family: z}\n";
    r = run(t2, &o2);
    assert_int_equal(get(r, "T-003", 4).severity, TENET_SEVERITY_ERROR);
    assert_non_null(strstr(get(r, "unsuppressible", 4).message, "severity override"));
    tenet_report_free(r);
}

static void test_severity_overrides(void **state) {
    (void)state;
    tenet_severity_override v[] = {
        {"T-00*", TENET_SEVERITY_INFO},
        {"T-001", TENET_SEVERITY_WARNING}, /* exact wins over the earlier glob */
        {"T-002", TENET_SEVERITY_OFF},
        {"unknown-parameter", TENET_SEVERITY_OFF},
    };
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.severity_overrides = v;
    o.severity_override_count = 4;
    tenet_param p = {"Nope", "x"};
    o.params = &p;
    o.param_count = 1;
    tenet_report *r = run(PLAIN, &o);
    assert_int_equal(get(r, "T-001", 6).severity, TENET_SEVERITY_WARNING);
    assert_int_equal(count(r, "T-002"), 0);
    assert_int_equal(count(r, "unknown-parameter"), 0);
    tenet_summary s;
    tenet_report_summary(r, &s);
    assert_int_equal(s.errors, 0);
    assert_int_equal(s.warnings, 2);
    tenet_report_free(r);

    /* "could not verify" stays an info whatever the rule's severity. */
    const char *t = "Parameters: {V: {Type: String}}\n"
                    "Resources:\n"
                    "  A:\n"
                    "    Type: Custom::Thing\n"
                    "    Properties: {Secure: true, Version: !Ref V, Family: a}\n";
    tenet_severity_override up[] = {{"T-001", TENET_SEVERITY_ERROR}, {"T-002", TENET_SEVERITY_ERROR}};
    o.severity_overrides = up;
    o.severity_override_count = 2;
    o.param_count = 0;
    r = run(t, &o);
    tenet_diagnostic d = get(r, "T-001", 0);
    assert_string_equal(d.verdict, "unknown");
    assert_int_equal(d.severity, TENET_SEVERITY_INFO);
    assert_int_equal(get(r, "T-002", 0).severity, TENET_SEVERITY_ERROR);
    tenet_report_free(r);
}

static void test_json_fields(void **state) {
    (void)state;
    const char *t = "Resources:\n"
                    "  A:\n"
                    "    Type: Custom::Thing\n"
                    "    Properties:\n"
                    "      Secure: true\n"
                    "      Version: \"1.0\" # tenet:ignore T-001 \"quoted\" reason\n"
                    "      Family: a\n";
    tenet_report *r = run(t, NULL);
    tenet_render_options ro = TENET_RENDER_OPTIONS_INIT;
    ro.format = TENET_FORMAT_JSON;
    tenet_buf out;
    tenet_error err;
    assert_int_equal(tenet_report_render(r, &ro, &out, &err), 0);
    assert_non_null(strstr(out.ptr, "\"suppressed\": true,\n"
                                    "      \"suppression\": \"inline: \\\"quoted\\\" reason\"\n"));
    assert_non_null(strstr(out.ptr, "\"suppressed\": false,\n      \"suppression\": null\n"));
    assert_non_null(strstr(out.ptr, "\"input_errors\": 0, \"suppressed\": 1}"));
    tenet_buf_dispose(&out);

    /* Text output hides it and counts it. */
    ro.format = TENET_FORMAT_TEXT;
    assert_int_equal(tenet_report_render(r, &ro, &out, &err), 0);
    assert_null(strstr(out.ptr, "[T-001]"));
    assert_non_null(strstr(out.ptr, "[T-002]"));
    assert_non_null(strstr(out.ptr, ", 1 suppressed\n"));
    tenet_buf_dispose(&out);
    tenet_report_free(r);
}

static void test_validation_and_v1(void **state) {
    (void)state;
    tenet_report *r;
    tenet_error err;
    assert_int_equal(tenet_report_new(&r), 0);
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.today = "2025-02-30";
    assert_int_equal(tenet_check(r, rs, PLAIN, strlen(PLAIN), &o, &err), TENET_EINVAL);
    assert_non_null(strstr(err.message, "YYYY-MM-DD"));
    tenet_suppression s = {"T-001", NULL, NULL, NULL, NULL};
    o.today = NULL;
    o.suppressions = &s;
    o.suppression_count = 1;
    assert_int_equal(tenet_check(r, rs, PLAIN, strlen(PLAIN), &o, &err), TENET_EINVAL);
    assert_non_null(strstr(err.message, "suppression 1 has no reason"));
    s.reason = "r";
    s.expires = "soon";
    assert_int_equal(tenet_check(r, rs, PLAIN, strlen(PLAIN), &o, &err), TENET_EINVAL);
    tenet_severity_override v = {"T-001", 7};
    o.suppression_count = 0;
    o.severity_overrides = &v;
    o.severity_override_count = 1;
    assert_int_equal(tenet_check(r, rs, PLAIN, strlen(PLAIN), &o, &err), TENET_EINVAL);
    assert_non_null(strstr(err.message, "invalid severity"));
    tenet_report_free(r);

    /* A version 1 struct is shorter: init and check never touch the rest. */
    unsigned char buf[sizeof(tenet_check_options)];
    memset(buf, 0xAB, sizeof buf);
    size_t v1 = offsetof(tenet_check_options, suppressions);
    assert_int_equal(tenet_check_options_init((tenet_check_options *)(void *)buf, 1), 0);
    for (size_t i = v1; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xAB);
    r = run(PLAIN, (tenet_check_options *)(void *)buf);
    assert_int_equal(count(r, "T-001"), 2);
    tenet_report_free(r);
}

static void test_allocation_failures(void **state) {
    (void)state;
    const char *t = "Metadata: {tenet: {ignore: [{rule: T-002, reason: r}, {bad: 1}]}}\n"
                    "Resources:\n"
                    "  # tenet:ignore T-001 above\n"
                    "  A:\n"
                    "    Type: Custom::Thing\n"
                    "    Properties: {Secure: true, Version: \"1.0\", Family: z} # tenet:ignore *\n";
    tenet_suppression s[] = {{"T-003", NULL, NULL, "r", NULL}, {"T-001", NULL, NULL, "r", "2000-01-01"}};
    tenet_severity_override v[] = {{"T-002", TENET_SEVERITY_OFF}, {"T-003", TENET_SEVERITY_INFO}};
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.suppressions = s;
    o.suppression_count = 2;
    o.severity_overrides = v;
    o.severity_override_count = 2;
    bool reached_ok = false;
    for (long n = 0; n < 20000 && !reached_ok; n++) {
        tenet_report *r = NULL;
        if (tenet_report_new(&r) != TENET_OK)
            continue;
        tn_alloc_fail_after(n);
        int rc = tenet_check(r, rs, t, strlen(t), &o, NULL);
        tn_alloc_fail_after(-1);
        assert_true(rc == TENET_OK || rc == TENET_ENOMEM);
        reached_ok = rc == TENET_OK;
        tenet_report_free(r);
    }
    assert_true(reached_ok);
}

/* ---- set overrides in rule packs ---- */

static void test_override_sets(void **state) {
    (void)state;
    static const char over[] = "tenet: 1\nname: local\noverride_sets:\n  families: [z]\n";
    tenet_rules_source src[] = {{"sup-pack.yaml", PACK, sizeof PACK - 1},
                                {"local.yaml", over, sizeof over - 1}};
    tenet_ruleset *two;
    tenet_error err;
    assert_int_equal(tenet_ruleset_compile(&two, src, 2, &err), 0);
    const char *t = "Resources:\n  A:\n    Type: Custom::Thing\n    Properties: {Family: z}\n";
    tenet_report *r;
    assert_int_equal(tenet_report_new(&r), 0);
    assert_int_equal(tenet_check(r, two, t, strlen(t), NULL, &err), 0);
    assert_int_equal(count(r, "T-003"), 0); /* z is a family now */
    tenet_report_free(r);
    tenet_ruleset_free(two);

    /* Only a set of an earlier pack can be replaced. */
    static const char typo[] = "tenet: 1\nname: local\noverride_sets:\n  familys: [z]\n";
    src[1].data = typo;
    src[1].len = sizeof typo - 1;
    assert_int_equal(tenet_ruleset_compile(&two, src, 2, &err), TENET_ERULES);
    assert_string_equal(err.source, "local.yaml");
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.message, "no earlier pack defines set $familys to override"));
    assert_non_null(strstr(err.message, "did you mean \"families\""));
    tenet_rules_source self = {"self.yaml", over, sizeof over - 1};
    assert_int_equal(tenet_ruleset_compile(&two, &self, 1, &err), TENET_ERULES);
}

static void test_glob(void **state) {
    (void)state;
    assert_true(tn_glob_match("EC-AR-*", "EC-AR-001"));
    assert_true(tn_glob_match("EC-AR-00[1-3]", "EC-AR-002"));
    assert_false(tn_glob_match("EC-AR-00[!1-3]", "EC-AR-002"));
    assert_true(tn_glob_match("?", "a"));
    assert_false(tn_glob_match("?", "/"));
    assert_false(tn_glob_match("*.yaml", "dir/a.yaml"));
    assert_true(tn_glob_match("**/*.yaml", "dir/a.yaml"));
    assert_true(tn_glob_match("**/*.yaml", "a.yaml"));
    assert_true(tn_glob_match("a/**/b", "a/b"));
    assert_true(tn_glob_match("a/**/b", "a/x/y/b"));
    assert_true(tn_glob_match("a/**", "a/x/y"));
    assert_true(tn_glob_match("\\*", "*"));
    assert_false(tn_glob_match("\\*", "x"));
    assert_true(tn_glob_match("[", "["));
    assert_true(tn_glob_match("", ""));
    assert_false(tn_glob_match("a", ""));
    assert_false(tn_glob_match("", "a"));
    assert_true(tn_glob_match("*", ""));
    assert_false(tn_glob_is_pattern("EC-AR-001"));
    assert_true(tn_glob_is_pattern("EC-*"));
    /* Pathological patterns end, without a match. */
    char s[200];
    memset(s, 'a', sizeof s - 1);
    s[sizeof s - 1] = '\0';
    assert_false(tn_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", s));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline_same_line_and_above),
        cmocka_unit_test(test_inline_other_rule_and_distance),
        cmocka_unit_test(test_inline_lists_subject_and_bad),
        cmocka_unit_test(test_inline_not_in_json),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_config_globs),
        cmocka_unit_test(test_config_expiry),
        cmocka_unit_test(test_unsuppressible),
        cmocka_unit_test(test_severity_overrides),
        cmocka_unit_test(test_json_fields),
        cmocka_unit_test(test_validation_and_v1),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_override_sets),
        cmocka_unit_test(test_glob),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
