/* Every configurable limit of tenet_check_options, end to end: exceeding one
 * is a TENET_ELIMIT input error with a position (or, for scenarios and
 * regular expressions, a diagnostic), never a crash; the defaults accept
 * what the tight limits refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tenet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char PACK[] =
    "tenet: 1\n"
    "name: limits\n"
    "kinds:\n"
    "  test.thing:\n"
    "    fields:\n"
    "      name: {type: string}\n"
    "      flavour: {type: string, derive: {from: name, extract: '^((a|ab)*)c$'}}\n"
    "    cloudformation:\n"
    "      type: Custom::Thing\n"
    "      fields: {name: Name}\n"
    "rules:\n"
    "  - id: NAME\n"
    "    title: Names are made of a and ab\n"
    "    kind: test.thing\n"
    "    severity: error\n"
    "    require: {name: {matches: '^(a|ab)*c$'}}\n"
    "    message: bad name {name}\n";

static tenet_ruleset *rules;

static int setup(void **state) {
    (void)state;
    tenet_rules_source src = {"limits.yaml", PACK, sizeof PACK - 1};
    tenet_error err;
    memset(&err, 0, sizeof err);
    if (tenet_ruleset_compile(&rules, &src, 1, &err) != TENET_OK) {
        fprintf(stderr, "%s:%u:%u: %s\n", err.source, err.line, err.column, err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state) {
    (void)state;
    tenet_ruleset_free(rules);
    return 0;
}

typedef struct result {
    int rc;
    tenet_error err;
    tenet_summary sum;
    char rule[64], message[512], reason[512];
    unsigned line;
} result;

/* Checks `text` with `o` and keeps the status, the error and the first
 * diagnostic of rule `rule` (if any). */
static result check(const char *text, size_t len, const tenet_check_options *o,
                    const char *rule) {
    result r;
    memset(&r, 0, sizeof r);
    tenet_report *rep = NULL;
    assert_int_equal(tenet_report_new(&rep), TENET_OK);
    r.rc = tenet_check(rep, rules, text, len, o, &r.err);
    tenet_report_summary(rep, &r.sum);
    for (size_t i = 0; rule && i < tenet_report_count(rep); i++) {
        tenet_diagnostic d;
        memset(&d, 0, sizeof d);
        d.version = TENET_DIAGNOSTIC_VERSION;
        assert_int_equal(tenet_report_get(rep, i, &d), TENET_OK);
        if (strcmp(d.rule, rule) == 0) {
            snprintf(r.rule, sizeof r.rule, "%s", d.rule);
            snprintf(r.message, sizeof r.message, "%s", d.message);
            snprintf(r.reason, sizeof r.reason, "%s", d.reason ? d.reason : "");
            r.line = d.line;
            break;
        }
    }
    tenet_report_free(rep);
    return r;
}

static tenet_check_options opts(void) {
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "t.yaml";
    return o;
}

static void assert_limit(const result *r, unsigned line, const char *words) {
    assert_int_equal(r->rc, TENET_ELIMIT);
    assert_int_equal(r->err.code, TENET_ELIMIT);
    assert_int_equal(r->sum.input_errors, 1);
    assert_int_equal(r->err.line, line);
    if (!strstr(r->err.message, words))
        fail_msg("message \"%s\" lacks \"%s\"", r->err.message, words);
}

static void test_input_bytes(void **state) {
    (void)state;
    static const char text[] = "Resources: {}\n";
    tenet_check_options o = opts();
    o.max_input_bytes = 8;
    result r = check(text, sizeof text - 1, &o, NULL);
    assert_limit(&r, 0, "larger than the limit of 8 bytes");
    o.max_input_bytes = 0;
    assert_int_equal(check(text, sizeof text - 1, &o, NULL).rc, TENET_OK);
}

static void test_depth(void **state) {
    (void)state;
    static const char yaml[] = "Resources:\n  A:\n    B:\n      C:\n        D: [[[1]]]\n";
    static const char json[] = "{\"Resources\": {\"A\": {\"B\": [[{\"C\": 1}]]}}}";
    tenet_check_options o = opts();
    o.max_depth = 4;
    result r = check(yaml, sizeof yaml - 1, &o, NULL);
    assert_limit(&r, 5, "nesting");
    r = check(json, sizeof json - 1, &o, NULL);
    assert_limit(&r, 1, "nesting");
    o.max_depth = 0;
    assert_int_equal(check(yaml, sizeof yaml - 1, &o, NULL).rc, TENET_OK);
    assert_int_equal(check(json, sizeof json - 1, &o, NULL).rc, TENET_OK);
    /* the ceiling: deeper trees could exhaust the stack of a recursive walk */
    o.max_depth = 1000;
    assert_int_equal(check(json, sizeof json - 1, &o, NULL).rc, TENET_OK);
    o.max_depth = 1001;
    r = check(json, sizeof json - 1, &o, NULL);
    assert_int_equal(r.rc, TENET_EINVAL);
    assert_non_null(strstr(r.err.message, "ceiling of 1000"));
}

/* A document at the ceiling of nesting, through every walk of the
 * CloudFormation frontend (resolution, scenarios, links): no stack
 * overflow, under the sanitizers too. */
static void test_depth_ceiling(void **state) {
    (void)state;
    size_t depth = 330, cap = 64 + depth * 64;
    char *t = malloc(cap);
    assert_non_null(t);
    size_t n = (size_t)snprintf(t, cap, "{\"Resources\": {\"A\": {\"Type\": \"Custom::Thing\", "
                                         "\"Properties\": {\"Name\": ");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)snprintf(t + n, cap - n, "{\"Fn::Join\": [\"\", [");
    n += (size_t)snprintf(t + n, cap - n, "\"ac\"");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)snprintf(t + n, cap - n, "]]}");
    n += (size_t)snprintf(t + n, cap - n, "}}}}");
    tenet_check_options o = opts();
    o.max_depth = 1000;
    result r = check(t, n, &o, "NAME");
    assert_int_equal(r.rc, TENET_OK);
    o.max_depth = 0;
    r = check(t, n, &o, NULL);
    assert_limit(&r, 1, "nesting");
    free(t);
}

static void test_alias_nodes(void **state) {
    (void)state;
    static const char bomb[] = "Metadata:\n"
                               "  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                               "  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                               "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                               "  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                               "Resources: {}\n";
    tenet_check_options o = opts();
    o.max_alias_nodes = 500;
    result r = check(bomb, sizeof bomb - 1, &o, NULL);
    assert_limit(&r, 4, "alias");
    o.max_alias_nodes = 0;
    assert_int_equal(check(bomb, sizeof bomb - 1, &o, NULL).rc, TENET_OK);
}

static void test_scalar_bytes(void **state) {
    (void)state;
    static const char yaml[] = "Resources:\n  A:\n    Type: Custom::Thing\n"
                               "    Properties: {Name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac}\n";
    static const char json[] = "{\"Resources\": {\"A\": {\"Name\": \"aaaaaaaaaaaaaaaaaaaaaaaaa\"}}}";
    tenet_check_options o = opts();
    o.max_scalar_bytes = 16;
    result r = check(yaml, sizeof yaml - 1, &o, NULL);
    assert_limit(&r, 4, "too large");
    r = check(json, sizeof json - 1, &o, NULL);
    assert_limit(&r, 1, "too large");
    o.max_scalar_bytes = 0;
    assert_int_equal(check(yaml, sizeof yaml - 1, &o, NULL).rc, TENET_OK);
}

static void test_scenarios(void **state) {
    (void)state;
    static const char yaml[] = "Parameters:\n"
                               "  N: {Type: String, AllowedValues: [ac, abc, aac, x, y, z]}\n"
                               "Resources:\n"
                               "  A:\n"
                               "    Type: Custom::Thing\n"
                               "    Properties: {Name: !Ref N}\n";
    tenet_check_options o = opts();
    o.max_scenarios = 2;
    result r = check(yaml, sizeof yaml - 1, &o, "scenario-limit");
    assert_int_equal(r.rc, TENET_OK);
    assert_string_equal(r.rule, "scenario-limit");
    assert_int_equal(r.line, 4);
    o.max_scenarios = 0;
    r = check(yaml, sizeof yaml - 1, &o, "scenario-limit");
    assert_int_equal(r.rc, TENET_OK);
    assert_string_equal(r.rule, "");
    r = check(yaml, sizeof yaml - 1, &o, "NAME");
    assert_string_equal(r.message, "bad name x");
}

/* A name that needs more backtracking than the limit allows: with the
 * default limits the rule fails; with a tiny one it cannot be verified. */
static void test_regex_limits(void **state) {
    (void)state;
    static const char yaml[] = "Resources:\n"
                               "  A:\n"
                               "    Type: Custom::Thing\n"
                               "    Properties: {Name: abababababababababababababababababxc}\n";
    tenet_check_options o = opts();
    result r = check(yaml, sizeof yaml - 1, &o, "NAME");
    assert_int_equal(r.rc, TENET_OK);
    assert_string_equal(r.message, "bad name abababababababababababababababababxc");
    o.regex_match_limit = 5;
    r = check(yaml, sizeof yaml - 1, &o, "NAME");
    assert_int_equal(r.rc, TENET_OK);
    assert_non_null(strstr(r.message, "could not verify"));
    assert_non_null(strstr(r.reason, "match limit"));
    assert_int_equal(r.line, 4);
    /* the depth limit is accepted too (the JIT ignores it; never a crash) */
    o.regex_match_limit = 0;
    o.regex_depth_limit = 1;
    r = check(yaml, sizeof yaml - 1, &o, "NAME");
    assert_int_equal(r.rc, TENET_OK);
    assert_string_not_equal(r.rule, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_bytes), cmocka_unit_test(test_depth),
        cmocka_unit_test(test_depth_ceiling),
        cmocka_unit_test(test_alias_nodes), cmocka_unit_test(test_scalar_bytes),
        cmocka_unit_test(test_scenarios),   cmocka_unit_test(test_regex_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
