/* tenet_report_merge (parallel checking merges one report per file) and
 * tenet_detect_format (directory walks keep what a frontend recognises). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/alloc.h"
#include <tenet.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char BAD[] = "Resources:\n"
                          "  Cache:\n"
                          "    Type: AWS::ElastiCache::ReplicationGroup\n"
                          "    Properties:\n"
                          "      ReplicationGroupDescription: d\n"
                          "      Engine: redis\n"
                          "      EngineVersion: 3.2.10\n"
                          "      CacheNodeType: cache.t3.micro\n"
                          "      NumCacheClusters: 2\n"
                          "      AtRestEncryptionEnabled: true\n";

static const char CLEAN[] = "{\"Resources\": {\"C\": {\"Type\": \"AWS::ElastiCache::ReplicationGroup\","
                            " \"Properties\": {\"ReplicationGroupDescription\": \"d\","
                            " \"Engine\": \"redis\", \"EngineVersion\": \"7.1\","
                            " \"CacheNodeType\": \"cache.r5.large\", \"NumCacheClusters\": 2,"
                            " \"CacheSubnetGroupName\": \"p\","
                            " \"AtRestEncryptionEnabled\": true}}}}";

static const char BROKEN[] = "Resources: [unclosed\n";

static const char PLAN[] = "{\"format_version\": \"1.2\", \"resource_changes\": []}";

typedef struct input {
    const char *name;
    const char *text;
} input;

static const input inputs[] = {
    {"a.yaml", BAD}, {"b.json", CLEAN}, {"c.yaml", BROKEN}, {"d.yaml", BAD}};
#define NINPUTS (sizeof inputs / sizeof inputs[0])

static tenet_ruleset *rs;

static int setup(void **state) {
    (void)state;
    return tenet_ruleset_builtin(&rs, NULL) == TENET_OK ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    tenet_ruleset_free(rs);
    return 0;
}

static int check(tenet_report *r, const input *in) {
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    const char *region = "us-east-1";
    o.regions = &region;
    o.region_count = 1;
    o.filename = in->name;
    return tenet_check(r, rs, in->text, strlen(in->text), &o, NULL);
}

static char *render(const tenet_report *r, int format) {
    tenet_render_options o;
    tenet_render_options_init(&o, TENET_RENDER_OPTIONS_VERSION);
    o.format = format;
    tenet_buf out = {NULL, 0};
    assert_int_equal(tenet_report_render(r, &o, &out, NULL), TENET_OK);
    return out.ptr;
}

/* One report per input, merged in order, renders exactly as one report
 * that checked the inputs in that order. */
static void test_merge_equals_sequential(void **state) {
    (void)state;
    tenet_report *seq, *merged;
    assert_int_equal(tenet_report_new(&seq), TENET_OK);
    assert_int_equal(tenet_report_new(&merged), TENET_OK);
    for (size_t i = 0; i < NINPUTS; i++) {
        check(seq, &inputs[i]);
        tenet_report *one;
        assert_int_equal(tenet_report_new(&one), TENET_OK);
        check(one, &inputs[i]);
        assert_int_equal(tenet_report_merge(merged, one), TENET_OK);
        /* src is left empty (and can be merged again: a no-op). */
        assert_int_equal(tenet_report_count(one), 0);
        tenet_summary s;
        tenet_report_summary(one, &s);
        assert_int_equal(s.files + s.subjects + s.input_errors, 0);
        assert_int_equal(tenet_report_merge(merged, one), TENET_OK);
        tenet_report_free(one);
    }
    for (int format = 0; format < 2; format++) {
        char *a = render(seq, format), *b = render(merged, format);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    tenet_summary s;
    tenet_report_summary(merged, &s);
    assert_int_equal(s.files, NINPUTS);
    assert_int_equal(s.input_errors, 1);
    /* Diagnostics point at their own file after the merge. */
    tenet_diagnostic d;
    size_t n = tenet_report_count(merged);
    assert_true(n >= 2);
    assert_int_equal(tenet_report_get(merged, 0, &d), TENET_OK);
    assert_string_equal(d.file, "a.yaml");
    assert_int_equal(tenet_report_get(merged, n - 1, &d), TENET_OK);
    assert_string_equal(d.file, "d.yaml");
    tenet_report_free(seq);
    tenet_report_free(merged);
}

/* A report that was merged away keeps working, and so does the target. */
static void test_reuse_after_merge(void **state) {
    (void)state;
    tenet_report *dst, *src;
    assert_int_equal(tenet_report_new(&dst), TENET_OK);
    assert_int_equal(tenet_report_new(&src), TENET_OK);
    check(src, &inputs[0]);
    assert_int_equal(tenet_report_merge(dst, src), TENET_OK);
    check(src, &inputs[3]);
    check(dst, &inputs[1]);
    assert_int_equal(tenet_report_merge(dst, src), TENET_OK);
    tenet_summary s;
    tenet_report_summary(dst, &s);
    assert_int_equal(s.files, 3);
    char *text = render(dst, 0);
    assert_non_null(strstr(text, "a.yaml:7:22"));
    assert_non_null(strstr(text, "d.yaml:7:22"));
    assert_true(strstr(text, "a.yaml") < strstr(text, "d.yaml"));
    free(text);
    tenet_report_free(src);
    tenet_report_free(dst);
}

static void test_merge_arguments(void **state) {
    (void)state;
    tenet_report *r;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    assert_int_equal(tenet_report_merge(NULL, r), TENET_EINVAL);
    assert_int_equal(tenet_report_merge(r, NULL), TENET_EINVAL);
    assert_int_equal(tenet_report_merge(r, r), TENET_EINVAL);
    tenet_report_free(r);
}

/* Out of memory while merging changes neither report. */
static void test_merge_allocation_failures(void **state) {
    (void)state;
    bool reached_ok = false;
    for (long n = 0; n < 100 && !reached_ok; n++) {
        tenet_report *dst, *src;
        assert_int_equal(tenet_report_new(&dst), TENET_OK);
        assert_int_equal(tenet_report_new(&src), TENET_OK);
        check(dst, &inputs[0]);
        check(src, &inputs[2]);
        check(src, &inputs[3]);
        size_t dn = tenet_report_count(dst), sn = tenet_report_count(src);
        tn_alloc_fail_after(n);
        int rc = tenet_report_merge(dst, src);
        tn_alloc_fail_after(-1);
        assert_true(rc == TENET_OK || rc == TENET_ENOMEM);
        if (rc == TENET_ENOMEM) {
            assert_int_equal(tenet_report_count(dst), dn);
            assert_int_equal(tenet_report_count(src), sn);
        } else {
            assert_int_equal(tenet_report_count(dst), dn + sn);
            reached_ok = true;
        }
        char *text = render(dst, 0);
        free(text);
        tenet_report_free(src);
        tenet_report_free(dst);
    }
    assert_true(reached_ok);
}

static void test_detect_format(void **state) {
    (void)state;
    const char *f = "unset";
    assert_int_equal(tenet_detect_format(BAD, strlen(BAD), &f), TENET_OK);
    assert_string_equal(f, "cloudformation");
    assert_int_equal(tenet_detect_format(CLEAN, strlen(CLEAN), &f), TENET_OK);
    assert_string_equal(f, "cloudformation");
    assert_int_equal(tenet_detect_format(PLAN, strlen(PLAN), &f), TENET_OK);
    assert_string_equal(f, "terraform-plan");

    /* Not a template, not parseable, empty: no format, *format_out NULL. */
    static const char *const none[] = {"name: service\nreplicas: 3\n", BROKEN, "", "[1, 2]"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        f = "unset";
        assert_int_equal(tenet_detect_format(none[i], strlen(none[i]), &f), TENET_EFORMAT);
        assert_null(f);
    }

    /* A UTF-16 template is decoded as tenet_check does. */
    char utf16[2 + 2 * sizeof BAD];
    size_t n = 0;
    utf16[n++] = (char)0xFF;
    utf16[n++] = (char)0xFE;
    for (size_t i = 0; BAD[i]; i++) {
        utf16[n++] = BAD[i];
        utf16[n++] = 0;
    }
    assert_int_equal(tenet_detect_format(utf16, n, &f), TENET_OK);
    assert_string_equal(f, "cloudformation");

    assert_int_equal(tenet_detect_format(NULL, 3, &f), TENET_EINVAL);
    assert_int_equal(tenet_detect_format(BAD, strlen(BAD), NULL), TENET_EINVAL);
    assert_int_equal(tenet_detect_format(NULL, 0, &f), TENET_EFORMAT);
}

/* Detection agrees with tenet_check: what it rejects, tenet_check cannot
 * tell either; what it names, tenet_check reads as that format. */
static void test_detect_agrees_with_check(void **state) {
    (void)state;
    static const char *const texts[] = {BAD, CLEAN, PLAN, "name: x\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *f;
        int drc = tenet_detect_format(texts[i], strlen(texts[i]), &f);
        tenet_report *r;
        assert_int_equal(tenet_report_new(&r), TENET_OK);
        input in = {"x", texts[i]};
        int crc = check(r, &in);
        assert_int_equal(drc == TENET_OK, crc == TENET_OK);
        if (drc != TENET_OK)
            assert_int_equal(crc, TENET_EFORMAT);
        tenet_report_free(r);
    }
}

static void test_detect_allocation_failures(void **state) {
    (void)state;
    bool reached_ok = false;
    for (long n = 0; n < 10000 && !reached_ok; n++) {
        const char *f = NULL;
        tn_alloc_fail_after(n);
        int rc = tenet_detect_format(BAD, strlen(BAD), &f);
        tn_alloc_fail_after(-1);
        /* A YAML parse that runs out of memory may also read as "not a
         * document"; never anything else, and never a wrong format. */
        assert_true(rc == TENET_OK || rc == TENET_ENOMEM || rc == TENET_EFORMAT);
        if (rc == TENET_OK) {
            assert_string_equal(f, "cloudformation");
            reached_ok = true;
        }
    }
    assert_true(reached_ok);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_equals_sequential),
        cmocka_unit_test(test_reuse_after_merge),
        cmocka_unit_test(test_merge_arguments),
        cmocka_unit_test(test_merge_allocation_failures),
        cmocka_unit_test(test_detect_format),
        cmocka_unit_test(test_detect_agrees_with_check),
        cmocka_unit_test(test_detect_allocation_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
