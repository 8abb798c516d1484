/* tenet_check end to end with a small inline pack: argument checks, input
 * errors, loader notes, region expansion, scenario folding, and no leaks
 * on any path (run under ASan; allocation failures are injected). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tenet.h"
#include "util/alloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char PACK[] =
    "tenet: 1\n"
    "name: test-pack\n"
    "regions: $all_regions\n"
    "sets:\n"
    "  all_regions: [r-one, r-two, r-three]\n"
    "  bad_regions: [r-three]\n"
    "kinds:\n"
    "  test.thing:\n"
    "    fields:\n"
    "      version: {type: version}\n"
    "      secure: {type: bool, default: false}\n"
    "    cloudformation:\n"
    "      type: Custom::Thing\n"
    "      fields: {version: Version, secure: Secure}\n"
    "rules:\n"
    "  - id: T-001\n"
    "    title: Secure things need version 2 or later\n"
    "    kind: test.thing\n"
    "    severity: error\n"
    "    when: {secure: {is: true}}\n"
    "    require: {version: {version: \">= 2\"}}\n"
    "    message: \"version {version} cannot be secure\"\n"
    "    fix: \"use version 2\"\n"
    "    source: \"Section 1\"\n"
    "  - id: T-002\n"
    "    title: Things are not available in r-three\n"
    "    kind: test.thing\n"
    "    severity: warning\n"
    "    when: {\"@region\": {in: $bad_regions}}\n"
    "    message: \"not available in this region\"\n"
    "    on_unknown: pass\n";

static const char TEMPLATE[] = "Parameters:\n"
                               "  Secure:\n"
                               "    Type: String\n"
                               "    AllowedValues: [\"true\", \"false\"]\n"
                               "    Default: \"false\"\n"
                               "Resources:\n"
                               "  Thing:\n"
                               "    Type: Custom::Thing\n"
                               "    Properties:\n"
                               "      Version: \"1.0\"\n"
                               "      Secure: !Ref Secure\n";

static tenet_ruleset *rs;

static int setup(void **state) {
    (void)state;
    tenet_rules_source src = {"test-pack.yaml", PACK, sizeof PACK - 1};
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

static int check(tenet_report *r, const char *text, const tenet_check_options *o, tenet_error *err) {
    return tenet_check(r, rs, text, strlen(text), o, err);
}

static void test_arguments(void **state) {
    (void)state;
    tenet_report *r;
    tenet_error err;
    assert_int_equal(tenet_report_new(&r), 0);
    assert_int_equal(tenet_check(NULL, rs, "x", 1, NULL, &err), TENET_EINVAL);
    assert_int_equal(err.code, TENET_EINVAL);
    assert_int_equal(tenet_check(r, NULL, "x", 1, NULL, &err), TENET_EINVAL);
    assert_int_equal(tenet_check(r, rs, NULL, 1, NULL, &err), TENET_EINVAL);
    tenet_check_options o;
    assert_int_equal(tenet_check_options_init(&o, 99), TENET_EINVAL);
    assert_int_equal(tenet_check_options_init(NULL, TENET_CHECK_OPTIONS_VERSION), TENET_EINVAL);
    assert_int_equal(tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION), 0);
    o.version = 7;
    assert_int_equal(tenet_check(r, rs, "x", 1, &o, &err), TENET_EINVAL);
    /* API misuse is not an input error of any file. */
    tenet_summary s;
    tenet_report_summary(r, &s);
    assert_int_equal(s.files, 0);
    tenet_report_free(r);
}

static void test_scenarios_and_defaults(void **state) {
    (void)state;
    tenet_report *r;
    tenet_error err;
    assert_int_equal(tenet_report_new(&r), 0);
    assert_int_equal(check(r, TEMPLATE, NULL, &err), TENET_OK);
    assert_int_equal(tenet_report_count(r), 1);
    tenet_diagnostic d;
    assert_int_equal(tenet_report_get(r, 0, &d), 0);
    assert_string_equal(d.rule, "T-001");
    assert_string_equal(d.file, "<input>");
    assert_string_equal(d.verdict, "fail");
    assert_int_equal(d.severity, TENET_SEVERITY_ERROR);
    assert_string_equal(d.message, "version 1.0 cannot be secure");
    assert_string_equal(d.fix, "use version 2");
    assert_string_equal(d.source, "Section 1");
    assert_string_equal(d.subject, "Thing");
    assert_string_equal(d.kind, "test.thing");
    assert_string_equal(d.operation, "create");
    assert_int_equal(d.line, 10);
    assert_int_equal(d.column, 16);
    assert_non_null(d.scenario); /* only when Secure is "true" */
    assert_non_null(strstr(d.scenario, "Secure"));
    assert_null(d.region);
    tenet_summary s;
    tenet_report_summary(r, &s);
    assert_int_equal(s.files, 1);
    assert_int_equal(s.subjects, 1);

    /* With the parameter fixed there is one variant: no scenario. */
    tenet_param p = {"Secure", "true"};
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.filename = "fixed.yaml";
    o.params = &p;
    o.param_count = 1;
    assert_int_equal(check(r, TEMPLATE, &o, &err), TENET_OK);
    assert_int_equal(tenet_report_count(r), 2);
    assert_int_equal(tenet_report_get(r, 1, &d), 0);
    assert_string_equal(d.file, "fixed.yaml");
    assert_null(d.scenario);
    tenet_report_free(r);
}

static void test_regions(void **state) {
    (void)state;
    tenet_report *r;
    tenet_error err;
    assert_int_equal(tenet_report_new(&r), 0);
    const char *regions[] = {"r-two", "all", "r-one"};
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.regions = regions;
    o.region_count = 3;
    o.filename = "t.yaml";
    assert_int_equal(check(r, TEMPLATE, &o, &err), TENET_OK);
    tenet_summary s;
    tenet_report_summary(r, &s);
    assert_int_equal(s.subjects, 1); /* one resource, however many regions */
    size_t n = tenet_report_count(r);
    bool saw_t1 = false, saw_t2 = false;
    for (size_t i = 0; i < n; i++) {
        tenet_diagnostic d;
        assert_int_equal(tenet_report_get(r, i, &d), 0);
        if (strcmp(d.rule, "T-001") == 0) {
            saw_t1 = true;
            /* "all" expanded after r-two, duplicates dropped, merged in order. */
            assert_string_equal(d.region, "r-two");
            assert_string_equal(d.regions, "r-two,r-one,r-three");
        } else if (strcmp(d.rule, "T-002") == 0) {
            saw_t2 = true;
            assert_string_equal(d.region, "r-three");
            assert_string_equal(d.regions, "r-three");
            assert_null(d.scenario); /* whatever the parameter */
        }
    }
    assert_true(saw_t1 && saw_t2);
    tenet_report_free(r);

    /* A pack without a region set cannot expand "all". */
    static const char nopack[] = "tenet: 1\nname: empty\n";
    tenet_rules_source src = {"empty.yaml", nopack, sizeof nopack - 1};
    tenet_ruleset *empty;
    assert_int_equal(tenet_ruleset_compile(&empty, &src, 1, &err), TENET_OK);
    assert_int_equal(tenet_report_new(&r), 0);
    const char *all[] = {"all"};
    o.regions = all;
    o.region_count = 1;
    assert_int_equal(tenet_check(r, empty, TEMPLATE, strlen(TEMPLATE), &o, &err), TENET_EINVAL);
    assert_non_null(strstr(err.message, "no region set"));
    tenet_report_summary(r, &s);
    assert_int_equal(s.input_errors, 1);
    tenet_report_free(r);
    tenet_ruleset_free(empty);
}

static void test_input_errors(void **state) {
    (void)state;
    tenet_report *r;
    tenet_error err;
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    assert_int_equal(tenet_report_new(&r), 0);

    o.filename = "broken.yaml";
    assert_int_equal(check(r, "Resources:\n  A: [1, 2\n", &o, &err), TENET_EPARSE);
    assert_string_equal(err.source, "broken.yaml");
    assert_true(err.line > 0);

    o.filename = "notes.txt";
    assert_int_equal(check(r, "just some words\n", &o, &err), TENET_EFORMAT);
    assert_non_null(strstr(err.message, "could not tell the input format"));

    o.filename = "x.yaml";
    o.input_format = "klingon";
    assert_int_equal(check(r, TEMPLATE, &o, &err), TENET_EINVAL);
    assert_non_null(strstr(err.message, "unknown input format klingon (expected one of: "));
    assert_non_null(strstr(err.message, "cloudformation"));

    o.input_format = "cloudformation";
    assert_int_equal(check(r, TEMPLATE, &o, &err), TENET_OK);
    o.input_format = "auto";
    assert_int_equal(check(r, TEMPLATE, &o, &err), TENET_OK);

    o.input_format = NULL;
    o.max_input_bytes = 10;
    assert_int_equal(check(r, TEMPLATE, &o, &err), TENET_ELIMIT);
    o.max_input_bytes = 0;
    o.max_depth = 3;
    assert_int_equal(check(r, "Resources: {a: {b: {c: {d: {e: 1}}}}}\n", &o, &err), TENET_ELIMIT);

    tenet_summary s;
    tenet_report_summary(r, &s);
    assert_int_equal(s.files, 7);
    assert_int_equal(s.input_errors, 5);

    tenet_render_options ro = TENET_RENDER_OPTIONS_INIT;
    tenet_buf out;
    assert_int_equal(tenet_report_render(r, &ro, &out, &err), 0);
    assert_non_null(strstr(out.ptr, "broken.yaml:"));
    assert_non_null(strstr(out.ptr, "[input-error]"));
    assert_non_null(strstr(out.ptr, "5 input errors"));
    tenet_buf_dispose(&out);
    ro.format = TENET_FORMAT_JSON;
    assert_int_equal(tenet_report_render(r, &ro, &out, &err), 0);
    assert_non_null(strstr(out.ptr, "\"code\": "));
    assert_non_null(strstr(out.ptr, "\"input_errors\": 5, \"suppressed\": 0}"));
    tenet_buf_dispose(&out);
    tenet_report_free(r);
}

static void test_duplicate_keys_and_utf16(void **state) {
    (void)state;
    tenet_report *r;
    tenet_error err;
    assert_int_equal(tenet_report_new(&r), 0);
    static const char dup[] = "Resources:\n"
                              "  Thing:\n"
                              "    Type: Custom::Thing\n"
                              "    Properties:\n"
                              "      Version: \"3\"\n"
                              "      Version: \"1\"\n";
    assert_int_equal(check(r, dup, NULL, &err), TENET_OK);
    bool saw = false;
    for (size_t i = 0; i < tenet_report_count(r); i++) {
        tenet_diagnostic d;
        assert_int_equal(tenet_report_get(r, i, &d), 0);
        if (strcmp(d.rule, "duplicate-key") == 0) {
            saw = true;
            assert_string_equal(d.verdict, "note");
            assert_int_equal(d.severity, TENET_SEVERITY_ERROR);
            assert_non_null(strstr(d.message, "the later value wins silently"));
            assert_int_equal(d.line, 6);
        }
    }
    assert_true(saw);
    tenet_report_free(r);

    /* UTF-16LE with a BOM is transcoded; positions refer to the UTF-8 text. */
    assert_int_equal(tenet_report_new(&r), 0);
    char u16[2 + 2 * sizeof TEMPLATE];
    u16[0] = (char)0xFF;
    u16[1] = (char)0xFE;
    for (size_t i = 0; i < sizeof TEMPLATE - 1; i++) {
        u16[2 + 2 * i] = TEMPLATE[i];
        u16[3 + 2 * i] = 0;
    }
    assert_int_equal(tenet_check(r, rs, u16, 2 + 2 * (sizeof TEMPLATE - 1), NULL, &err), 0);
    assert_int_equal(tenet_report_count(r), 1);
    tenet_diagnostic d;
    assert_int_equal(tenet_report_get(r, 0, &d), 0);
    assert_int_equal(d.line, 10);
    tenet_render_options ro = TENET_RENDER_OPTIONS_INIT;
    tenet_buf out;
    assert_int_equal(tenet_report_render(r, &ro, &out, &err), 0);
    assert_non_null(strstr(out.ptr, "10 |       Version: \"1.0\"\n"));
    tenet_buf_dispose(&out);
    tenet_report_free(r);
}

/* Every allocation failure is TENET_ENOMEM (or an input error), with no
 * leak and no crash, whichever allocation it hits. */
static void test_allocation_failures(void **state) {
    (void)state;
    const char *regions[] = {"all"};
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    o.regions = regions;
    o.region_count = 1;
    bool reached_ok = false;
    size_t iterations = 0;
    for (long n = 0; n < 20000 && !reached_ok; n++) {
        tenet_report *r = NULL;
        if (tenet_report_new(&r) != TENET_OK)
            continue;
        tn_alloc_fail_after(n);
        int rc = check(r, TEMPLATE, &o, NULL);
        tn_alloc_fail_after(-1);
        assert_true(rc == TENET_OK || rc == TENET_ENOMEM);
        reached_ok = rc == TENET_OK;
        tenet_report_free(r);
        iterations++;
    }
    assert_true(reached_ok);
    print_message("allocation failure injected at %zu points\n", iterations);
    assert_true(iterations > 10); /* fewer without TENET_DEBUG_ARENA */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_scenarios_and_defaults),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_input_errors),
        cmocka_unit_test(test_duplicate_keys_and_utf16),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
