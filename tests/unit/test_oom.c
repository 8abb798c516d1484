/* Allocation failure at every point of every public call: for each N, the
 * Nth allocation (and every later one) fails inside the call, which must
 * then return TENET_ENOMEM (or succeed), never crash, and leave exactly as
 * many live allocations as before (tn_alloc_live; LSan checks the rest in
 * the sanitizer build). The calls: ruleset compile and built-in, report
 * new, check in every input format, render in every output format, adding
 * input errors, merging reports and detecting formats. */
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

/* Stop searching for the first N at which the call succeeds. */
#define MAX_POINTS 200000

static const char PACK[] =
    "tenet: 1\n"
    "name: oom\n"
    "regions: $regions\n"
    "sets:\n"
    "  regions: [us-east-1, eu-west-1]\n"
    "kinds:\n"
    "  oom.group:\n"
    "    fields:\n"
    "      engine: {type: string, default: redis}\n"
    "      version: {type: version}\n"
    "      node: {type: string}\n"
    "      family: {type: string, derive: {from: node, extract: '^cache\\.([a-z0-9]+)\\.'}}\n"
    "      secure: {type: bool, default: false}\n"
    "      key: {type: string, ref: oom.key}\n"
    "    cloudformation:\n"
    "      type: AWS::ElastiCache::ReplicationGroup\n"
    "      fields: {engine: Engine, version: EngineVersion, node: CacheNodeType,\n"
    "               secure: AtRestEncryptionEnabled, key: KmsKeyId}\n"
    "    terraform:\n"
    "      type: aws_elasticache_replication_group\n"
    "      fields: {version: engine_version, secure: at_rest_encryption_enabled}\n"
    "    api:\n"
    "      operations: {CreateReplicationGroup: create}\n"
    "      fields: {version: EngineVersion, secure: AtRestEncryptionEnabled}\n"
    "  oom.key:\n"
    "    fields: {rotation: {type: bool, default: false}}\n"
    "    cloudformation: {type: AWS::KMS::Key, fields: {rotation: EnableKeyRotation}}\n"
    "rules:\n"
    "  - id: OOM-1\n"
    "    title: Encryption needs a new version\n"
    "    kind: oom.group\n"
    "    severity: error\n"
    "    when: {secure: {is: true}, '@region': {in: $regions}}\n"
    "    require: {version: {version: '3.2.6 || >= 4.0.10'}, node: {matches: '^cache\\.'}}\n"
    "    message: '{version} in {@region} ({family}, key rotation {key->rotation})'\n"
    "    fix: use 4.0.10\n";

typedef struct input {
    const char *format; /* NULL = detect */
    const char *text;
} input;

static const input INPUTS[] = {
    {"cloudformation",
     "Parameters:\n"
     "  V: {Type: String, Default: 3.2.10, AllowedValues: [3.2.10, 4.0.10]}\n"
     "Conditions:\n"
     "  C: !Equals [!Ref 'AWS::Region', us-east-1]\n"
     "Resources:\n"
     "  K: {Type: AWS::KMS::Key, Properties: {EnableKeyRotation: false}}\n"
     "  G:\n"
     "    Type: AWS::ElastiCache::ReplicationGroup\n"
     "    Properties:\n"
     "      EngineVersion: !Ref V\n"
     "      CacheNodeType: !Sub 'cache.${AWS::Region}.x'\n"
     "      AtRestEncryptionEnabled: !If [C, true, 'true']\n"
     "      KmsKeyId: !Ref K\n"
     "      Engine: redis\n"
     "      Engine: redis\n"},
    {"cloudformation",
     "{\"Resources\": {\"G\": {\"Type\": \"AWS::ElastiCache::ReplicationGroup\", "
     "\"Properties\": {\"EngineVersion\": \"3.2.4\", \"AtRestEncryptionEnabled\": true, "
     "\"CacheNodeType\": {\"Fn::Join\": [\".\", [\"cache\", \"t2\", \"micro\"]]}}}}}"},
    {"terraform-plan",
     "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": "
     "\"aws_elasticache_replication_group.g\", \"type\": \"aws_elasticache_replication_group\", "
     "\"name\": \"g\", \"mode\": \"managed\", \"change\": {\"actions\": [\"create\"], "
     "\"after\": {\"engine_version\": \"3.2.10\", \"at_rest_encryption_enabled\": true}, "
     "\"after_unknown\": {}}}], \"configuration\": {\"provider_config\": {\"aws\": "
     "{\"name\": \"aws\", \"expressions\": {\"region\": {\"constant_value\": \"eu-west-1\"}}}}}}"},
    {"api-query", "https://elasticache.us-east-1.amazonaws.com/?Action=CreateReplicationGroup"
                  "&EngineVersion=3.2.10&AtRestEncryptionEnabled=true&Version=2015-02-02\n"},
    {"aws-cli", "aws elasticache create-replication-group --region eu-west-1 \\\n"
                "  --engine-version 3.2.10 --at-rest-encryption-enabled\n"},
    {"cli-json", "{\"EngineVersion\": \"3.2.10\", \"AtRestEncryptionEnabled\": true}"},
    {"cloudtrail",
     "{\"Records\": [{\"eventSource\": \"elasticache.amazonaws.com\", \"eventName\": "
     "\"CreateReplicationGroup\", \"awsRegion\": \"us-east-1\", \"requestParameters\": "
     "{\"engineVersion\": \"3.2.10\", \"atRestEncryptionEnabled\": true}}]}"},
    {NULL, "Resources: {G: {Type: AWS::ElastiCache::ReplicationGroup, Properties: "
           "{EngineVersion: 2.8.24, AtRestEncryptionEnabled: true}}}\n"},
    {NULL, "not: [valid"}, /* a parse error must still be recorded under OOM */
};

#define NINPUTS (sizeof INPUTS / sizeof INPUTS[0])

static tenet_ruleset *compile_pack(void) {
    tenet_rules_source src = {"oom.yaml", PACK, sizeof PACK - 1};
    tenet_ruleset *rs = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    if (tenet_ruleset_compile(&rs, &src, 1, &err) != TENET_OK)
        fail_msg("%s:%u:%u: %s", err.source, err.line, err.column, err.message);
    return rs;
}

static int check_input(tenet_report *rep, const tenet_ruleset *rs, const input *in,
                       tenet_error *err) {
    static const char *const regions[] = {"all"};
    static const char *const none[] = {"us-east-1"};
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "input";
    o.input_format = in->format;
    o.operation = "CreateReplicationGroup";
    o.regions = in->format && strcmp(in->format, "cloudformation") == 0 ? regions : none;
    o.region_count = 1;
    memset(err, 0, sizeof *err);
    return tenet_check(rep, rs, in->text, strlen(in->text), &o, err);
}

/* Asserts what every fault-injected call must satisfy. */
static void assert_outcome(const char *what, long n, int rc, bool allow_other) {
    if (rc == TENET_OK || rc == TENET_ENOMEM || allow_other)
        return;
    fail_msg("%s, allocation %ld failing: status %d (%s) instead of TENET_ENOMEM", what, n, rc,
             tenet_status_str(rc));
}

static void assert_no_leak(const char *what, long n, long before) {
    long now = tn_alloc_live();
    if (now != before)
        fail_msg("%s, allocation %ld failing: %ld allocations leaked", what, n, now - before);
}

static void test_ruleset_compile(void **state) {
    (void)state;
    tenet_rules_source src = {"oom.yaml", PACK, sizeof PACK - 1};
    long n = 0;
    for (;; n++) {
        assert_true(n < MAX_POINTS);
        long before = tn_alloc_live();
        tenet_ruleset *rs = NULL;
        tenet_error err;
        memset(&err, 0, sizeof err);
        tn_alloc_fail_after(n);
        int rc = tenet_ruleset_compile(&rs, &src, 1, &err);
        tn_alloc_fail_after(-1);
        assert_outcome("tenet_ruleset_compile", n, rc, false);
        assert_true((rc == TENET_OK) == (rs != NULL));
        if (rc != TENET_OK)
            assert_int_equal(err.code, rc);
        tenet_ruleset_free(rs);
        assert_no_leak("tenet_ruleset_compile", n, before);
        if (rc == TENET_OK)
            break;
    }
    print_message("tenet_ruleset_compile: %ld failure points\n", n);
}

/* The built-in pack is large: every point up to 3000, then every 97th. */
static void test_ruleset_builtin(void **state) {
    (void)state;
    long n = 0, tried = 0;
    for (;; n += n < 3000 ? 1 : 97, tried++) {
        assert_true(n < 50 * MAX_POINTS);
        long before = tn_alloc_live();
        tenet_ruleset *rs = NULL;
        tn_alloc_fail_after(n);
        int rc = tenet_ruleset_builtin(&rs, NULL);
        tn_alloc_fail_after(-1);
        assert_outcome("tenet_ruleset_builtin", n, rc, false);
        tenet_ruleset_free(rs);
        assert_no_leak("tenet_ruleset_builtin", n, before);
        if (rc == TENET_OK)
            break;
    }
    print_message("tenet_ruleset_builtin: %ld of %ld failure points\n", tried, n);
}

static void test_report_new(void **state) {
    (void)state;
    for (long n = 0;; n++) {
        assert_true(n < 100);
        long before = tn_alloc_live();
        tenet_report *rep = (tenet_report *)&n; /* must be reset */
        tn_alloc_fail_after(n);
        int rc = tenet_report_new(&rep);
        tn_alloc_fail_after(-1);
        assert_outcome("tenet_report_new", n, rc, false);
        if (rc != TENET_OK)
            assert_null(rep);
        tenet_report_free(rc == TENET_OK ? rep : NULL);
        assert_no_leak("tenet_report_new", n, before);
        if (rc == TENET_OK)
            break;
    }
}

/* Renders `rep` in every format outside any fault window: a report a
 * failed call left behind must stay usable. */
static void render_all_ok(const tenet_report *rep) {
    for (int f = TENET_FORMAT_TEXT; f <= TENET_FORMAT_GITHUB; f++) {
        tenet_render_options ro;
        tenet_render_options_init(&ro, TENET_RENDER_OPTIONS_VERSION);
        ro.format = f;
        tenet_buf out = {NULL, 0};
        tenet_error err;
        assert_int_equal(tenet_report_render(rep, &ro, &out, &err), TENET_OK);
        tenet_buf_dispose(&out);
    }
}

static void test_check(void **state) {
    (void)state;
    tenet_ruleset *rs = compile_pack();
    for (size_t i = 0; i < NINPUTS; i++) {
        const input *in = &INPUTS[i];
        /* The status without failures: OK, or the input error of a bad input. */
        tenet_report *rep = NULL;
        tenet_error err;
        assert_int_equal(tenet_report_new(&rep), TENET_OK);
        int want = check_input(rep, rs, in, &err);
        tenet_summary sum;
        tenet_report_summary(rep, &sum);
        if (want == TENET_OK && in->format && sum.errors == 0)
            fail_msg("input %zu (%s) found nothing: %zu diagnostics", i, in->format,
                     tenet_report_count(rep));
        tenet_report_free(rep);
        long n = 0;
        for (;; n++) {
            assert_true(n < MAX_POINTS);
            long before = tn_alloc_live();
            assert_int_equal(tenet_report_new(&rep), TENET_OK);
            tn_alloc_fail_after(n);
            int rc = check_input(rep, rs, in, &err);
            tn_alloc_fail_after(-1);
            if (rc != want && rc != TENET_ENOMEM)
                fail_msg("input %zu (%s), allocation %ld failing: status %d (%s: %s)", i,
                         in->format ? in->format : "auto", n, rc, tenet_status_str(rc),
                         err.message);
            if (rc != TENET_OK)
                assert_int_equal(err.code, rc);
            render_all_ok(rep);
            tenet_report_free(rep);
            assert_no_leak("tenet_check", n, before);
            if (rc == want)
                break;
        }
        print_message("tenet_check %s: %ld failure points\n", in->format ? in->format : "auto",
                      n);
    }
    tenet_ruleset_free(rs);
}

static tenet_report *full_report(const tenet_ruleset *rs) {
    tenet_report *rep = NULL;
    tenet_error err;
    assert_int_equal(tenet_report_new(&rep), TENET_OK);
    for (size_t i = 0; i < NINPUTS; i++)
        (void)check_input(rep, rs, &INPUTS[i], &err);
    tenet_error io = {0};
    io.code = TENET_EIO;
    snprintf(io.message, sizeof io.message, "cannot read: Permission denied");
    assert_int_equal(tenet_report_add_input_error(rep, "locked.yaml", &io), TENET_OK);
    return rep;
}

/* A pattern's JIT code is made at its first match and kept by the ruleset:
 * a failure there is TENET_ENOMEM like any other, and what it made is
 * freed with the ruleset. */
static void test_first_match(void **state) {
    (void)state;
    const input *in = &INPUTS[0]; /* derives `family` through a regex */
    long n = 0;
    for (;; n++) {
        assert_true(n < MAX_POINTS);
        long before = tn_alloc_live();
        tenet_ruleset *rs = compile_pack();
        tenet_report *rep = NULL;
        tenet_error err;
        assert_int_equal(tenet_report_new(&rep), TENET_OK);
        tn_alloc_fail_after(n);
        int rc = check_input(rep, rs, in, &err);
        tn_alloc_fail_after(-1);
        assert_outcome("first match", n, rc, false);
        tenet_report_free(rep);
        if (rc != TENET_OK) { /* the ruleset still works */
            assert_int_equal(tenet_report_new(&rep), TENET_OK);
            assert_int_equal(check_input(rep, rs, in, &err), TENET_OK);
            tenet_report_free(rep);
        }
        tenet_ruleset_free(rs);
        assert_no_leak("first match", n, before);
        if (rc == TENET_OK)
            break;
    }
    print_message("first match: %ld failure points\n", n);
}

static void test_render(void **state) {
    (void)state;
    tenet_ruleset *rs = compile_pack();
    tenet_report *rep = full_report(rs);
    for (int f = TENET_FORMAT_TEXT; f <= TENET_FORMAT_GITHUB; f++) {
        for (int color = 0; color <= (f == TENET_FORMAT_TEXT); color++) {
            long n = 0;
            for (;; n++) {
                assert_true(n < MAX_POINTS);
                tenet_render_options ro;
                tenet_render_options_init(&ro, TENET_RENDER_OPTIONS_VERSION);
                ro.format = f;
                ro.color = color;
                tenet_buf out = {(char *)&n, 12345}; /* must be overwritten */
                tenet_error err;
                memset(&err, 0, sizeof err);
                long before = tn_alloc_live();
                tn_alloc_fail_after(n);
                int rc = tenet_report_render(rep, &ro, &out, &err);
                tn_alloc_fail_after(-1);
                assert_outcome("tenet_report_render", n, rc, false);
                if (rc != TENET_OK) {
                    assert_null(out.ptr);
                    assert_int_equal(out.size, 0);
                    assert_int_equal(err.code, rc);
                } else {
                    assert_non_null(out.ptr);
                }
                tenet_buf_dispose(&out);
                assert_no_leak("tenet_report_render", n, before);
                if (rc == TENET_OK)
                    break;
            }
            print_message("tenet_report_render format %d%s: %ld failure points\n", f,
                          color ? " (colour)" : "", n);
        }
    }
    tenet_report_free(rep);
    tenet_ruleset_free(rs);
}

static void test_report_misc(void **state) {
    (void)state;
    tenet_ruleset *rs = compile_pack();
    /* Patterns get their JIT code at first match and keep it: made here,
     * it is not counted as a leak of the calls measured below. */
    tenet_report_free(full_report(rs));
    /* tenet_report_add_input_error */
    for (long n = 0;; n++) {
        assert_true(n < MAX_POINTS);
        tenet_report *rep = NULL;
        long before = tn_alloc_live();
        assert_int_equal(tenet_report_new(&rep), TENET_OK);
        tenet_error io = {0};
        io.code = TENET_EIO;
        io.line = 3;
        snprintf(io.message, sizeof io.message, "cannot read");
        tn_alloc_fail_after(n);
        int rc = tenet_report_add_input_error(rep, "x.yaml", &io);
        tn_alloc_fail_after(-1);
        assert_outcome("tenet_report_add_input_error", n, rc, false);
        render_all_ok(rep);
        tenet_report_free(rep);
        assert_no_leak("tenet_report_add_input_error", n, before);
        if (rc == TENET_OK)
            break;
    }
    /* tenet_report_merge: on failure neither report changed */
    for (long n = 0;; n++) {
        assert_true(n < MAX_POINTS);
        long before = tn_alloc_live();
        tenet_report *dst = full_report(rs), *src = full_report(rs);
        size_t nd = tenet_report_count(dst), ns = tenet_report_count(src);
        tn_alloc_fail_after(n);
        int rc = tenet_report_merge(dst, src);
        tn_alloc_fail_after(-1);
        assert_outcome("tenet_report_merge", n, rc, false);
        if (rc == TENET_OK) {
            assert_int_equal(tenet_report_count(dst), nd + ns);
            assert_int_equal(tenet_report_count(src), 0);
        } else {
            assert_int_equal(tenet_report_count(dst), nd);
            assert_int_equal(tenet_report_count(src), ns);
        }
        render_all_ok(dst);
        render_all_ok(src);
        tenet_report_free(dst);
        tenet_report_free(src);
        assert_no_leak("tenet_report_merge", n, before);
        if (rc == TENET_OK)
            break;
    }
    /* tenet_detect_format */
    for (size_t i = 0; i < NINPUTS; i++) {
        const char *want = NULL;
        int want_rc = tenet_detect_format(INPUTS[i].text, strlen(INPUTS[i].text), &want);
        for (long n = 0;; n++) {
            assert_true(n < MAX_POINTS);
            long before = tn_alloc_live();
            const char *got = NULL;
            tn_alloc_fail_after(n);
            int rc = tenet_detect_format(INPUTS[i].text, strlen(INPUTS[i].text), &got);
            tn_alloc_fail_after(-1);
            if (rc != want_rc && rc != TENET_ENOMEM)
                fail_msg("tenet_detect_format input %zu, allocation %ld failing: %d", i, n, rc);
            assert_no_leak("tenet_detect_format", n, before);
            if (rc == want_rc) {
                if (rc == TENET_OK)
                    assert_string_equal(got, want);
                break;
            }
        }
    }
    tenet_ruleset_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ruleset_compile), cmocka_unit_test(test_ruleset_builtin),
        cmocka_unit_test(test_report_new),      cmocka_unit_test(test_check),
        cmocka_unit_test(test_first_match),
        cmocka_unit_test(test_render),          cmocka_unit_test(test_report_misc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
