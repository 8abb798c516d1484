/* Public API tests: only <tenet.h>, linked against the shared library. */
#include <tenet.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Fails the test with the library's message when `expr` is not TENET_OK. */
#define assert_tenet_ok(expr, err)                                                        \
    do {                                                                                   \
        int rc_ = (expr);                                                                  \
        if (rc_ != TENET_OK)                                                               \
            fail_msg("%s = %d (%s): %s", #expr, rc_, tenet_status_str(rc_), (err)->message); \
    } while (0)

static const char bad_template[] =
    "AWSTemplateFormatVersion: '2010-09-09'\n"
    "Resources:\n"
    "  Cache:\n"
    "    Type: AWS::ElastiCache::ReplicationGroup\n"
    "    Properties:\n"
    "      ReplicationGroupDescription: test\n"
    "      Engine: redis\n"
    "      EngineVersion: 3.2.10\n"
    "      CacheNodeType: cache.m5.large\n"
    "      NumCacheClusters: 2\n"
    "      AtRestEncryptionEnabled: true\n";

static void test_version(void **state)
{
    (void)state;
    assert_int_equal(TENET_VERSION_NUMBER, tenet_version_number());
    assert_string_equal(TENET_VERSION_STRING, tenet_version());
    assert_true(TENET_VERSION_CHECK(0, 0, 0));
    assert_false(TENET_VERSION_CHECK(TENET_VERSION_MAJOR + 1, 0, 0));
}

static void test_status_strings(void **state)
{
    (void)state;
    static const int codes[] = {TENET_OK,     TENET_ERROR,  TENET_EINVAL, TENET_ENOMEM, TENET_EPARSE,
                                TENET_ERULES, TENET_ELIMIT, TENET_EIO,    TENET_EFORMAT};
    size_t n = sizeof(codes) / sizeof(codes[0]);
    for (size_t i = 0; i < n; i++) {
        const char *s = tenet_status_str(codes[i]);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s, tenet_status_str(codes[j]));
    }
    assert_non_null(tenet_status_str(12345));
    assert_non_null(tenet_status_str(-12345));
}

static void test_null_frees(void **state)
{
    (void)state;
    tenet_report_free(NULL);
    tenet_ruleset_free(NULL);
    tenet_buf_dispose(NULL);
    tenet_buf b = {NULL, 0};
    tenet_buf_dispose(&b);
    tenet_buf_dispose(&b);
    assert_null(b.ptr);
}

static void test_options_init(void **state)
{
    (void)state;
    tenet_check_options o;
    memset(&o, 0xff, sizeof(o));
    assert_int_equal(tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION), TENET_OK);
    assert_int_equal(o.version, TENET_CHECK_OPTIONS_VERSION);
    assert_null(o.filename);
    assert_int_equal(o.region_count, 0);
    assert_int_equal(o.max_scenarios, 0);
    assert_int_equal(tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION + 100), TENET_EINVAL);
    assert_int_equal(tenet_check_options_init(NULL, TENET_CHECK_OPTIONS_VERSION), TENET_EINVAL);

    tenet_check_options s = TENET_CHECK_OPTIONS_INIT;
    assert_int_equal(s.version, TENET_CHECK_OPTIONS_VERSION);

    tenet_render_options r;
    assert_int_equal(tenet_render_options_init(&r, TENET_RENDER_OPTIONS_VERSION), TENET_OK);
    assert_int_equal(r.version, TENET_RENDER_OPTIONS_VERSION);
    assert_int_equal(r.format, TENET_FORMAT_TEXT);
    assert_int_equal(tenet_render_options_init(&r, 0), TENET_EINVAL);
}

static void test_builtin(void **state)
{
    (void)state;
    tenet_error err;
    memset(&err, 0, sizeof(err));
    tenet_ruleset *rs = NULL;
    assert_tenet_ok(tenet_ruleset_builtin(&rs, &err), &err);
    assert_non_null(rs);
    assert_true(tenet_ruleset_rule_count(rs) > 0);
    assert_true(tenet_ruleset_pack_count(rs) > 0);

    size_t idx = 0;
    assert_int_equal(tenet_ruleset_find_rule(rs, "EC-AR-001", &idx), TENET_OK);
    tenet_rule_info ri;
    memset(&ri, 0, sizeof(ri));
    ri.version = TENET_RULE_INFO_VERSION;
    assert_int_equal(tenet_ruleset_rule_info(rs, idx, &ri), TENET_OK);
    assert_string_equal(ri.id, "EC-AR-001");
    assert_non_null(ri.kind);
    assert_non_null(ri.message);
    assert_non_null(ri.pack);
    assert_int_equal(tenet_ruleset_find_rule(rs, "NO-SUCH-RULE", &idx), TENET_EINVAL);
    assert_int_equal(tenet_ruleset_rule_info(rs, tenet_ruleset_rule_count(rs), &ri), TENET_EINVAL);

    const char *name = NULL;
    size_t len = 0;
    const char *pack = tenet_builtin_pack(0, &name, &len);
    assert_non_null(pack);
    assert_non_null(name);
    assert_true(len > 0);
    tenet_ruleset_free(rs);
}

static void test_bad_rules(void **state)
{
    (void)state;
    static const char bad[] = "tenet: 1\n"
                              "name: broken\n"
                              "bogus_key: 1\n";
    tenet_rules_source src = {"broken.yaml", bad, sizeof(bad) - 1};
    tenet_error err;
    memset(&err, 0, sizeof(err));
    tenet_ruleset *rs = (tenet_ruleset *)&err; /* must be reset to NULL */
    assert_int_equal(tenet_ruleset_compile(&rs, &src, 1, &err), TENET_ERULES);
    assert_null(rs);
    assert_int_equal(err.code, TENET_ERULES);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 1);
    assert_true(strlen(err.message) > 0);
    assert_string_equal(err.source, "broken.yaml");

    /* Not even YAML. */
    static const char junk[] = "rules: [unclosed\n";
    tenet_rules_source src2 = {NULL, junk, sizeof(junk) - 1};
    memset(&err, 0, sizeof(err));
    assert_int_not_equal(tenet_ruleset_compile(&rs, &src2, 1, &err), TENET_OK);
    assert_null(rs);
    assert_true(err.line > 0);
}

/* Checks `text` with the built-in rules into a new report. */
static tenet_report *check_text(const tenet_ruleset *rs, const char *text, int expect_rc)
{
    tenet_report *report = NULL;
    assert_int_equal(tenet_report_new(&report), TENET_OK);
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "template.yaml";
    static const char *const regions[] = {"us-east-1"};
    o.regions = regions;
    o.region_count = 1;
    tenet_error err;
    memset(&err, 0, sizeof(err));
    int rc = tenet_check(report, rs, text, strlen(text), &o, &err);
    if (rc != expect_rc)
        fail_msg("tenet_check = %d, expected %d: %s", rc, expect_rc, err.message);
    return report;
}

static void test_check_finds_rule(void **state)
{
    (void)state;
    tenet_error err;
    memset(&err, 0, sizeof(err));
    tenet_ruleset *rs = NULL;
    assert_tenet_ok(tenet_ruleset_builtin(&rs, &err), &err);
    tenet_report *report = check_text(rs, bad_template, TENET_OK);

    int found = 0;
    for (size_t i = 0; i < tenet_report_count(report); i++) {
        tenet_diagnostic d;
        memset(&d, 0, sizeof(d));
        d.version = TENET_DIAGNOSTIC_VERSION;
        assert_int_equal(tenet_report_get(report, i, &d), TENET_OK);
        if (strcmp(d.rule, "EC-AR-001") == 0 && strcmp(d.verdict, "fail") == 0) {
            found = 1;
            assert_int_equal(d.severity, TENET_SEVERITY_ERROR);
            assert_string_equal(d.file, "template.yaml");
            assert_int_equal(d.line, 8); /* EngineVersion: 3.2.10 */
            assert_int_equal(d.column, 22);
            assert_non_null(d.message);
            assert_non_null(d.subject);
            assert_string_equal(d.subject, "Cache");
        }
    }
    assert_true(found);
    tenet_diagnostic d;
    memset(&d, 0, sizeof(d));
    assert_int_equal(tenet_report_get(report, tenet_report_count(report), &d), TENET_EINVAL);

    tenet_summary s;
    tenet_report_summary(report, &s);
    assert_int_equal(s.files, 1);
    assert_int_equal(s.input_errors, 0);
    assert_true(s.errors >= 1);

    tenet_render_options ro;
    tenet_render_options_init(&ro, TENET_RENDER_OPTIONS_VERSION);
    ro.format = TENET_FORMAT_JSON;
    tenet_buf out = {NULL, 0};
    assert_tenet_ok(tenet_report_render(report, &ro, &out, &err), &err);
    assert_non_null(out.ptr);
    /* One object whose first key is "tenet" (whitespace may be pretty-printing). */
    assert_int_equal(out.ptr[0], '{');
    const char *first = out.ptr + 1 + strspn(out.ptr + 1, " \t\r\n");
    assert_int_equal(strncmp(first, "\"tenet\"", 7), 0);
    assert_int_equal(strlen(out.ptr), out.size);
    assert_non_null(strstr(out.ptr, "EC-AR-001"));
    tenet_buf_dispose(&out);
    assert_null(out.ptr);

    ro.format = TENET_FORMAT_TEXT;
    assert_tenet_ok(tenet_report_render(report, &ro, &out, &err), &err);
    assert_non_null(strstr(out.ptr, "template.yaml:8:22: error: "));
    tenet_buf_dispose(&out);

    tenet_report_free(report);
    tenet_ruleset_free(rs);
}

static void test_parse_error(void **state)
{
    (void)state;
    tenet_error err;
    memset(&err, 0, sizeof(err));
    tenet_ruleset *rs = NULL;
    assert_tenet_ok(tenet_ruleset_builtin(&rs, &err), &err);
    tenet_report *report = NULL;
    assert_int_equal(tenet_report_new(&report), TENET_OK);
    static const char text[] = "Resources:\n  Cache: [unclosed\n";
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "broken.yaml";
    assert_int_equal(tenet_check(report, rs, text, sizeof(text) - 1, &o, &err), TENET_EPARSE);
    assert_int_equal(err.code, TENET_EPARSE);
    assert_true(err.line > 0);
    assert_true(strlen(err.message) > 0);

    tenet_summary s;
    tenet_report_summary(report, &s);
    assert_int_equal(s.files, 1);
    assert_int_equal(s.input_errors, 1);

    tenet_render_options ro;
    tenet_render_options_init(&ro, TENET_RENDER_OPTIONS_VERSION);
    ro.format = TENET_FORMAT_JSON;
    tenet_buf out = {NULL, 0};
    assert_tenet_ok(tenet_report_render(report, &ro, &out, &err), &err);
    const char *ie = strstr(out.ptr, "\"input_errors\"");
    assert_non_null(ie);
    assert_non_null(strstr(ie, "broken.yaml"));
    tenet_buf_dispose(&out);

    /* Bad arguments are refused, never crash. */
    assert_int_equal(tenet_check(NULL, rs, text, sizeof(text) - 1, &o, &err), TENET_EINVAL);
    assert_int_equal(tenet_check(report, NULL, text, sizeof(text) - 1, &o, &err), TENET_EINVAL);
    tenet_report_free(report);
    tenet_ruleset_free(rs);
}

/* Concurrency: one shared ruleset, many threads (TENET_TEST_THREADS, default
 * 32), one report per check; each thread checks every input format in turn
 * and must render exactly what a single-threaded check renders. The
 * ThreadSanitizer build runs this test to prove the ruleset is read-only. */
#define MAX_THREADS 256
#define ROUNDS 6

static const char plan_json[] =
    "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": "
    "\"aws_elasticache_replication_group.g\", \"type\": \"aws_elasticache_replication_group\", "
    "\"name\": \"g\", \"mode\": \"managed\", \"change\": {\"actions\": [\"create\"], "
    "\"after\": {\"engine\": \"redis\", \"engine_version\": \"3.2.10\", "
    "\"node_type\": \"cache.t3.micro\", \"at_rest_encryption_enabled\": true}, "
    "\"after_unknown\": {\"kms_key_id\": true}}}]}";

static const char template_with_params[] =
    "Parameters:\n"
    "  Version: {Type: String, Default: 4.0.10, AllowedValues: [3.2.4, 4.0.10, 6.x]}\n"
    "Conditions:\n"
    "  Gov: !Equals [!Ref 'AWS::Region', us-gov-west-1]\n"
    "Resources:\n"
    "  Key: {Type: AWS::KMS::Key, DeletionPolicy: Retain, Properties: {EnableKeyRotation: false}}\n"
    "  Cache:\n"
    "    Type: AWS::ElastiCache::ReplicationGroup\n"
    "    Properties:\n"
    "      EngineVersion: !Ref Version\n"
    "      CacheNodeType: !If [Gov, cache.t2.micro, cache.m5.large]\n"
    "      AtRestEncryptionEnabled: true\n"
    "      KmsKeyId: !GetAtt Key.Arn\n"
    "      CacheParameterGroupName: default.redis4.0.cluster.on\n"
    "      NumNodeGroups: 3\n";

typedef struct shared_input {
    const char *name, *format, *text;
} shared_input;

static const shared_input concurrent_inputs[] = {
    {"template.yaml", NULL, bad_template},
    {"params.yaml", "cloudformation", template_with_params},
    {"plan.json", "terraform-plan", plan_json},
};
#define NCONCURRENT (sizeof(concurrent_inputs) / sizeof(concurrent_inputs[0]))

typedef struct thread_arg {
    const tenet_ruleset *rs;
    char *const *reference; /* NCONCURRENT x 2 renderings */
    int index;
    int ok;
} thread_arg;

/* Checks input `which` into a fresh report and renders it as JSON (fmt 0)
 * or text (fmt 1). */
static char *check_and_render(const tenet_ruleset *rs, size_t which, int fmt)
{
    const shared_input *in = &concurrent_inputs[which];
    tenet_report *report = NULL;
    if (tenet_report_new(&report) != TENET_OK)
        return NULL;
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = in->name;
    o.input_format = in->format;
    static const char *const regions[] = {"us-east-1", "cn-north-1", "us-gov-west-1"};
    o.regions = regions;
    o.region_count = 3;
    tenet_error err;
    memset(&err, 0, sizeof(err));
    char *copy = NULL;
    if (tenet_check(report, rs, in->text, strlen(in->text), &o, &err) == TENET_OK) {
        tenet_render_options ro;
        tenet_render_options_init(&ro, TENET_RENDER_OPTIONS_VERSION);
        ro.format = fmt == 0 ? TENET_FORMAT_JSON : TENET_FORMAT_TEXT;
        tenet_buf out = {NULL, 0};
        if (tenet_report_render(report, &ro, &out, &err) == TENET_OK) {
            copy = malloc(out.size + 1);
            if (copy)
                memcpy(copy, out.ptr, out.size + 1);
        }
        tenet_buf_dispose(&out);
    }
    tenet_report_free(report);
    return copy;
}

static void *thread_main(void *p)
{
    thread_arg *a = p;
    a->ok = 1;
    for (int i = 0; i < ROUNDS && a->ok; i++) {
        for (size_t k = 0; k < NCONCURRENT * 2; k++) {
            /* Threads start at different inputs, so all formats overlap. */
            size_t slot = ((size_t)a->index + k) % (NCONCURRENT * 2);
            char *got = check_and_render(a->rs, slot / 2, (int)(slot % 2));
            if (!got || strcmp(got, a->reference[slot]) != 0)
                a->ok = 0;
            free(got);
        }
    }
    return NULL;
}

static int thread_count(void)
{
    const char *env = getenv("TENET_TEST_THREADS");
    int n = env ? atoi(env) : 32;
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : n;
}

static void test_concurrency(void **state)
{
    (void)state;
    tenet_error err;
    memset(&err, 0, sizeof(err));
    /* The references come from a ruleset of their own: the threads share one
     * that has never matched, so they also race to make the patterns' JIT
     * code on first match (src/eval/regex.c). */
    tenet_ruleset *rs = NULL, *ref_rs = NULL;
    assert_tenet_ok(tenet_ruleset_builtin(&rs, &err), &err);
    assert_tenet_ok(tenet_ruleset_builtin(&ref_rs, &err), &err);
    char *reference[NCONCURRENT * 2];
    for (size_t slot = 0; slot < NCONCURRENT * 2; slot++) {
        reference[slot] = check_and_render(ref_rs, slot / 2, (int)(slot % 2));
        assert_non_null(reference[slot]);
    }
    /* The inputs have findings: a broken check cannot pass as "same output". */
    assert_non_null(strstr(reference[0], "EC-AR-001"));
    assert_non_null(strstr(reference[4], "EC-AR-001"));

    int nthreads = thread_count();
    static pthread_t threads[MAX_THREADS];
    static thread_arg args[MAX_THREADS];
    for (int i = 0; i < nthreads; i++) {
        args[i].rs = rs;
        args[i].reference = reference;
        args[i].index = i;
        args[i].ok = 0;
        assert_int_equal(pthread_create(&threads[i], NULL, thread_main, &args[i]), 0);
    }
    for (int i = 0; i < nthreads; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    for (int i = 0; i < nthreads; i++)
        assert_true(args[i].ok);
    print_message("%d threads x %d rounds x %zu checks agree\n", nthreads, ROUNDS,
                  NCONCURRENT * 2);
    for (size_t slot = 0; slot < NCONCURRENT * 2; slot++)
        free(reference[slot]);
    tenet_ruleset_free(rs);
    tenet_ruleset_free(ref_rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),         cmocka_unit_test(test_status_strings),
        cmocka_unit_test(test_null_frees),      cmocka_unit_test(test_options_init),
        cmocka_unit_test(test_builtin),         cmocka_unit_test(test_bad_rules),
        cmocka_unit_test(test_check_finds_rule), cmocka_unit_test(test_parse_error),
        cmocka_unit_test(test_concurrency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
