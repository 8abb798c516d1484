/* The report: merging across regions and scenarios, ordering, summary
 * counts, and the text and JSON renderings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/report.h"
#include "tenet.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char TEMPLATE[] = "Resources:\n"
                               "  Cache:\n"
                               "    Type: AWS::ElastiCache::ReplicationGroup\n"
                               "    Properties:\n"
                               "      AtRestEncryptionEnabled: true\n"
                               "      EngineVersion: 3.2.10\n";

static tn_span span(uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col) {
    tn_span s = {line, col, end_line, end_col, 0, 0};
    return s;
}

static tn_diag diag(const char *rule, uint32_t line, uint32_t col, const char *message) {
    tn_diag d;
    memset(&d, 0, sizeof d);
    d.rule = rule;
    d.severity = TENET_SEVERITY_ERROR;
    d.verdict = "fail";
    d.message = message;
    d.subject = "Cache";
    if (line) {
        d.has_span = true;
        d.span = span(line, col, line, col + 1);
    }
    return d;
}

static tenet_report *new_report(const char *name, const char *text) {
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    size_t fi = 99;
    assert_int_equal(tn_report_begin_file(r, name, text, text ? strlen(text) : 0, &fi), TENET_OK);
    assert_int_equal(fi, 0);
    return r;
}

static char *render(const tenet_report *r, int format, int color, int min_severity) {
    tenet_render_options o;
    assert_int_equal(tenet_render_options_init(&o, TENET_RENDER_OPTIONS_VERSION), TENET_OK);
    o.format = format;
    o.color = color;
    o.min_severity = min_severity;
    tenet_buf out = {NULL, 0};
    tenet_error err;
    assert_int_equal(tenet_report_render(r, &o, &out, &err), TENET_OK);
    assert_non_null(out.ptr);
    assert_int_equal(strlen(out.ptr), out.size);
    return out.ptr;
}

/* The report keeps only the cited lines, so the caller may free its text
 * once the file has ended (ASan would see a read of the freed text). */
static void test_keeps_only_cited_lines(void **state) {
    (void)state;
    const char src[] = "a: 1\r\nbb: 2\r\n\nlast";
    char *text = malloc(sizeof src);
    assert_non_null(text);
    memcpy(text, src, sizeof src);
    tenet_report *r = new_report("t.yaml", text);
    tn_diag d = diag("R1", 1, 1, "first");
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    d = diag("R2", 4, 2, "last line, no newline");
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    d = diag("R3", 9, 1, "past the end");
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    tn_report_end_file(r, 0);
    memset(text, 'x', sizeof src - 1);
    free(text);

    const tn_report_file *f = &r->files.v[0];
    const char *s;
    size_t n;
    assert_null(f->text);
    assert_int_equal(f->nlines, 2);
    assert_true(tn_report_file_line(f, 1, &s, &n));
    assert_int_equal(n, 4);
    assert_memory_equal(s, "a: 1", 4); /* CR stripped */
    assert_true(tn_report_file_line(f, 4, &s, &n));
    assert_int_equal(n, 4);
    assert_memory_equal(s, "last", 4);
    assert_false(tn_report_file_line(f, 2, &s, &n)); /* not cited */
    assert_false(tn_report_file_line(f, 9, &s, &n));
    assert_false(tn_report_file_line(f, 0, &s, &n));

    char *out = render(r, TENET_FORMAT_TEXT, 0, 0);
    assert_non_null(strstr(out, "1 | a: 1\n"));
    assert_non_null(strstr(out, "4 | last\n"));
    tenet_buf b = {out, strlen(out)};
    tenet_buf_dispose(&b);
    tenet_report_free(r);
}

static void test_empty_report(void **state) {
    (void)state;
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    assert_int_equal(tenet_report_count(r), 0);
    tenet_summary s;
    tenet_report_summary(r, &s);
    assert_int_equal(s.files + s.subjects + s.errors + s.warnings + s.infos + s.input_errors, 0);
    char *text = render(r, TENET_FORMAT_TEXT, 0, 0);
    assert_string_equal(text, "0 files, 0 subjects, 0 errors, 0 warnings, 0 suppressed\n");
    tenet_buf b = {text, strlen(text)};
    tenet_buf_dispose(&b);
    assert_null(b.ptr);
    tenet_report_free(r);
    tenet_report_free(NULL);
    assert_int_equal(tenet_report_count(NULL), 0);
}

static void test_merge_regions(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", TEMPLATE);
    const char *regions[] = {"us-gov-west-1", "us-gov-east-1", "us-gov-west-1", "cn-north-1"};
    for (size_t i = 0; i < 4; i++) {
        tn_diag d = diag("EC-AR-001", 6, 22, "Redis 3.2.10 cannot encrypt at rest");
        d.region = regions[i];
        d.regions = regions[i];
        d.scenario = i == 0 ? "when UseKey is true" : "when UseKey is false";
        assert_int_equal(tn_report_add(r, &d), TENET_OK);
    }
    tn_report_end_file(r, 0);
    assert_int_equal(tenet_report_count(r), 1);
    tenet_diagnostic out;
    assert_int_equal(tenet_report_get(r, 0, &out), TENET_OK);
    assert_string_equal(out.region, "us-gov-west-1");
    assert_string_equal(out.regions, "us-gov-west-1,us-gov-east-1,cn-north-1");
    assert_string_equal(out.scenario, "when UseKey is true"); /* the first one */
    assert_int_equal(tenet_report_get(r, 1, &out), TENET_EINVAL);
    tenet_report_free(r);
}

static void test_distinct_diagnostics_stay_apart(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", TEMPLATE);
    tn_diag a = diag("EC-AR-001", 6, 22, "one");
    tn_diag b = diag("EC-AR-001", 6, 22, "two");           /* message differs */
    tn_diag c = diag("EC-AR-001", 6, 23, "one");           /* position differs */
    tn_diag d = diag("EC-AR-002", 6, 22, "one");           /* rule differs */
    tn_diag e = diag("EC-AR-001", 6, 22, "one");
    e.verdict = "unknown";                                  /* verdict differs */
    tn_diag f = diag("EC-AR-001", 6, 22, "one");
    f.subject = "Other";                                    /* subject differs */
    const tn_diag *all[] = {&a, &b, &c, &d, &e, &f, &a};
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(tn_report_add(r, all[i]), TENET_OK);
    tn_report_end_file(r, 0);
    assert_int_equal(tenet_report_count(r), 6);

    /* Dedupe is per file. */
    assert_int_equal(tn_report_begin_file(r, "u.yaml", TEMPLATE, strlen(TEMPLATE), NULL), 0);
    assert_int_equal(tn_report_add(r, &a), TENET_OK);
    tn_report_end_file(r, 1);
    assert_int_equal(tenet_report_count(r), 7);
    tenet_diagnostic out;
    assert_int_equal(tenet_report_get(r, 6, &out), TENET_OK);
    assert_string_equal(out.file, "u.yaml");
    tenet_report_free(r);
}

static void test_sort_is_stable_by_line_column_rule(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", TEMPLATE);
    /* Enough diagnostics to take the merge-sort path. */
    char msg[64];
    for (int i = 40; i > 0; i--) {
        snprintf(msg, sizeof msg, "m%d", i);
        tn_diag d = diag(i % 2 ? "B-RULE" : "A-RULE", (uint32_t)(i % 5 + 1), (uint32_t)(i % 3 + 1), msg);
        assert_int_equal(tn_report_add(r, &d), TENET_OK);
    }
    tn_diag whole = diag("file-note", 0, 0, "no position");
    assert_int_equal(tn_report_add(r, &whole), TENET_OK);
    tn_report_end_file(r, 0);
    assert_int_equal(tenet_report_count(r), 41);
    tenet_diagnostic prev, cur;
    assert_int_equal(tenet_report_get(r, 0, &prev), TENET_OK);
    assert_string_equal(prev.rule, "file-note"); /* whole-file diagnostics first */
    assert_int_equal(prev.line, 0);
    for (size_t i = 1; i < 41; i++) {
        assert_int_equal(tenet_report_get(r, i, &cur), TENET_OK);
        int order = cur.line != prev.line ? (cur.line > prev.line ? 1 : -1)
                  : cur.column != prev.column ? (cur.column > prev.column ? 1 : -1)
                  : strcmp(cur.rule, prev.rule);
        assert_true(order >= 0);
        if (i > 1 && order == 0) {
            /* Equal keys keep insertion order: messages count down. */
            int a = atoi(prev.message + 1), b = atoi(cur.message + 1);
            assert_true(a > b);
        }
        prev = cur;
    }
    tenet_report_free(r);
}

static void test_strings_are_copied(void **state) {
    (void)state;
    char rule[] = "EC-AR-001", message[] = "original", region[] = "eu-west-1";
    tenet_report *r = new_report("t.yaml", TEMPLATE);
    tn_diag d = diag(rule, 6, 22, message);
    d.region = region;
    d.regions = region;
    d.path = "Resources.Cache.Properties.EngineVersion";
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    memset(rule, 'x', sizeof rule - 1);
    memset(message, 'x', sizeof message - 1);
    memset(region, 'x', sizeof region - 1);
    tn_report_end_file(r, 0);
    tenet_diagnostic out;
    assert_int_equal(tenet_report_get(r, 0, &out), TENET_OK);
    assert_int_equal(out.version, TENET_DIAGNOSTIC_VERSION);
    assert_string_equal(out.rule, "EC-AR-001");
    assert_string_equal(out.message, "original");
    assert_string_equal(out.region, "eu-west-1");
    assert_string_equal(out.regions, "eu-west-1");
    assert_string_equal(out.path, "Resources.Cache.Properties.EngineVersion");
    assert_int_equal(out.line, 6);
    assert_int_equal(out.column, 22);
    assert_null(out.fix);
    assert_null(out.scenario);
    tenet_report_free(r);
}

static void test_summary_counts(void **state) {
    (void)state;
    tenet_report *r = new_report("a.yaml", TEMPLATE);
    tn_diag e = diag("E", 1, 1, "e"), w = diag("W", 2, 1, "w"), i1 = diag("I", 3, 1, "i"),
            i2 = diag("I", 4, 1, "i");
    w.severity = TENET_SEVERITY_WARNING;
    i1.severity = i2.severity = TENET_SEVERITY_INFO;
    assert_int_equal(tn_report_add(r, &e), 0);
    assert_int_equal(tn_report_add(r, &w), 0);
    assert_int_equal(tn_report_add(r, &i1), 0);
    assert_int_equal(tn_report_add(r, &i2), 0);
    tn_report_end_file(r, 0);
    r->subjects = 3;
    size_t fi;
    assert_int_equal(tn_report_begin_file(r, "b.yaml", NULL, 0, &fi), 0);
    tenet_error err = {0};
    err.code = TENET_EPARSE;
    err.line = 2;
    err.column = 5;
    snprintf(err.message, sizeof err.message, "mapping values are not allowed here");
    assert_int_equal(tn_report_add_input_error(r, fi, &err), 0);
    tn_report_end_file(r, fi);
    tenet_summary s;
    tenet_report_summary(r, &s);
    assert_int_equal(s.files, 2);
    assert_int_equal(s.subjects, 3);
    assert_int_equal(s.errors, 1);
    assert_int_equal(s.warnings, 1);
    assert_int_equal(s.infos, 2);
    assert_int_equal(s.input_errors, 1);
    char *text = render(r, TENET_FORMAT_TEXT, 0, 0);
    const char *last = strstr(text, "2 files, 3 subjects, 1 error, 1 warning, 2 infos, "
                                    "0 suppressed, 1 input error\n");
    assert_non_null(last);
    assert_string_equal(last, "2 files, 3 subjects, 1 error, 1 warning, 2 infos, "
                              "0 suppressed, 1 input error\n");
    tn_free(text);
    tenet_report_free(r);
}

/* A report with one framed failure, one unknown, one frameless note and an
 * input error in a second file. */
static tenet_report *sample_report(void) {
    tenet_report *r = new_report("template.yaml", TEMPLATE);
    tn_report_set_format(r, 0, "cloudformation");
    tn_diag f = diag("EC-AR-001", 6, 22, "Redis 3.2.10 cannot encrypt at rest; 3.2.6 or 4.0.10 and later can");
    f.span.end_col = 28;
    f.fix = "set EngineVersion to 4.0.10 or later";
    f.path = "Resources.Cache.Properties.EngineVersion";
    f.kind = "elasticache.replication_group";
    f.operation = "create";
    f.scenario = "when UseCustomKey is true";
    f.source = "At-Rest Encryption Conditions, bullet 1";
    f.region = f.regions = "us-gov-west-1";
    assert_int_equal(tn_report_add(r, &f), 0);
    f.region = f.regions = "us-gov-east-1";
    assert_int_equal(tn_report_add(r, &f), 0);

    tn_diag u = diag("EC-AR-006", 2, 3, "could not verify: the key must be a KMS key");
    u.severity = TENET_SEVERITY_INFO;
    u.verdict = "unknown";
    u.span = span(2, 3, 6, 28); /* multi-line: the whole resource */
    u.reason = "KmsKeyId comes from parameter Key, which has no default";
    u.fix = "never shown for unknowns";
    assert_int_equal(tn_report_add(r, &u), 0);

    tn_diag n = diag("transform-not-expanded", 0, 0, "Transform \"AWS::Serverless\" is not expanded");
    n.severity = TENET_SEVERITY_WARNING;
    n.verdict = "note";
    n.subject = NULL;
    assert_int_equal(tn_report_add(r, &n), 0);
    tn_report_end_file(r, 0);
    r->subjects = 1;

    size_t fi;
    assert_int_equal(tn_report_begin_file(r, "bad.json", "{\n  \"a\": tru\n}\n", 14, &fi), 0);
    tenet_error err = {0};
    err.code = TENET_EPARSE;
    err.line = 2;
    err.column = 8;
    snprintf(err.message, sizeof err.message, "invalid literal");
    assert_int_equal(tn_report_add_input_error(r, fi, &err), 0);
    tn_report_end_file(r, fi);
    return r;
}

static void test_text_rendering(void **state) {
    (void)state;
    tenet_report *r = sample_report();
    char *text = render(r, TENET_FORMAT_TEXT, 0, 0);
    const char *expected =
        "template.yaml: warning: Transform \"AWS::Serverless\" is not expanded "
        "[transform-not-expanded]\n"
        "\n"
        "template.yaml:2:3: info: could not verify: the key must be a KMS key [EC-AR-006]\n"
        "  |\n"
        "2 |   Cache:\n"
        "  |   ^^^^^^\n"
        "  = reason: KmsKeyId comes from parameter Key, which has no default\n"
        "\n"
        "template.yaml:6:22: error: Redis 3.2.10 cannot encrypt at rest; 3.2.6 or 4.0.10 and "
        "later can [EC-AR-001]\n"
        "  |\n"
        "6 |       EngineVersion: 3.2.10\n"
        "  |                      ^^^^^^\n"
        "  = fix: set EngineVersion to 4.0.10 or later\n"
        "  = scenario: when UseCustomKey is true\n"
        "  = regions: us-gov-west-1, us-gov-east-1\n"
        "\n"
        "bad.json:2:8: error: invalid literal [input-error]\n"
        "  |\n"
        "2 |   \"a\": tru\n"
        "  |        ^\n"
        "\n"
        "2 files, 1 subject, 1 error, 1 warning, 1 info, 0 suppressed, 1 input error\n";
    assert_string_equal(text, expected);
    tn_free(text);

    /* min_severity hides diagnostics, not the summary or input errors. */
    text = render(r, TENET_FORMAT_TEXT, 0, TENET_SEVERITY_ERROR);
    assert_null(strstr(text, "EC-AR-006"));
    assert_null(strstr(text, "transform-not-expanded"));
    assert_non_null(strstr(text, "[EC-AR-001]"));
    assert_non_null(strstr(text, "[input-error]"));
    assert_non_null(strstr(text, "1 error, 1 warning, 1 info"));
    tn_free(text);

    /* Colour only on request. */
    text = render(r, TENET_FORMAT_TEXT, 1, 0);
    assert_non_null(strstr(text, "\x1b[1;31merror:\x1b[0m"));
    assert_non_null(strstr(text, "\x1b[1;36minfo:\x1b[0m"));
    assert_non_null(strstr(text, "\x1b[1;33mwarning:\x1b[0m"));
    assert_non_null(strstr(text, "\x1b[1mtemplate.yaml:6:22:\x1b[0m"));
    tn_free(text);
    tenet_report_free(r);
}

static void test_text_sanitises_messages(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", "k: v\n");
    tn_diag d = diag("R", 1, 4, "value \x1b[2Jevil\nsecond line");
    assert_int_equal(tn_report_add(r, &d), 0);
    tn_report_end_file(r, 0);
    char *text = render(r, TENET_FORMAT_TEXT, 0, 0);
    assert_null(strchr(text, '\x1b'));
    assert_non_null(strstr(text, "evil second line [R]"));
    tn_free(text);
    tenet_report_free(r);
}

static void test_text_regions_line(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", NULL);
    const char *checked[] = {"r1", "r2", "r3", "r4"};
    assert_int_equal(tn_report_set_regions(r, 0, checked, 4), TENET_OK);
    const char *msgs[] = {"everywhere", "all but one", "two of four"};
    size_t counts[] = {4, 3, 2};
    for (size_t m = 0; m < 3; m++) {
        for (size_t i = 0; i < counts[m]; i++) {
            tn_diag d = diag("R", (uint32_t)m + 1, 1, msgs[m]);
            d.region = d.regions = checked[i];
            assert_int_equal(tn_report_add(r, &d), TENET_OK);
        }
    }
    tn_report_end_file(r, 0);
    char *text = render(r, TENET_FORMAT_TEXT, 0, 0);
    assert_string_equal(text, "t.yaml:1:1: error: everywhere [R]\n"
                              "\n"
                              "t.yaml:2:1: error: all but one [R]\n"
                              "  = regions: all checked except r4\n"
                              "\n"
                              "t.yaml:3:1: error: two of four [R]\n"
                              "  = regions: r1, r2\n"
                              "\n"
                              "1 file, 0 subjects, 3 errors, 0 warnings, 0 suppressed\n");
    tn_free(text);
    tenet_report_free(r);
}

static void test_distinct_subjects(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", TEMPLATE);
    tn_span a = span(2, 3, 2, 8), b = span(9, 3, 9, 8);
    assert_int_equal(tn_report_note_subject(r, "Cache", &a), 1);
    assert_int_equal(tn_report_note_subject(r, "Cache", &a), 0); /* another region */
    assert_int_equal(tn_report_note_subject(r, "Cache", &b), 1);  /* same name, elsewhere */
    assert_int_equal(tn_report_note_subject(r, "Other", &a), 1);
    tn_report_end_file(r, 0);
    assert_int_equal(tn_report_begin_file(r, "u.yaml", NULL, 0, NULL), TENET_OK);
    assert_int_equal(tn_report_note_subject(r, "Cache", &a), 1); /* per file */
    tenet_report_free(r);
}

static void test_json_rendering(void **state) {
    (void)state;
    tenet_report *r = sample_report();
    char *json = render(r, TENET_FORMAT_JSON, 1, TENET_SEVERITY_ERROR);
    char head[128];
    snprintf(head, sizeof head, "{\n  \"tenet\": \"%s\",\n  \"schema\": 1,\n", tenet_version());
    assert_true(strncmp(json, head, strlen(head)) == 0);
    const char *diag_note =
        "    {\n"
        "      \"rule\": \"transform-not-expanded\",\n"
        "      \"severity\": \"warning\",\n"
        "      \"verdict\": \"note\",\n"
        "      \"message\": \"Transform \\\"AWS::Serverless\\\" is not expanded\",\n"
        "      \"fix\": null,\n"
        "      \"reason\": null,\n"
        "      \"file\": \"template.yaml\",\n"
        "      \"line\": null,\n"
        "      \"column\": null,\n"
        "      \"end_line\": null,\n"
        "      \"end_column\": null,\n"
        "      \"path\": null,\n"
        "      \"subject\": null,\n"
        "      \"kind\": null,\n"
        "      \"operation\": null,\n"
        "      \"region\": null,\n"
        "      \"regions\": [],\n"
        "      \"scenario\": null,\n"
        "      \"source\": null,\n"
        "      \"suppressed\": false,\n"
        "      \"suppression\": null\n"
        "    }";
    assert_non_null(strstr(json, diag_note));
    const char *diag_fail =
        "    {\n"
        "      \"rule\": \"EC-AR-001\",\n"
        "      \"severity\": \"error\",\n"
        "      \"verdict\": \"fail\",\n"
        "      \"message\": \"Redis 3.2.10 cannot encrypt at rest; 3.2.6 or 4.0.10 and later can\",\n"
        "      \"fix\": \"set EngineVersion to 4.0.10 or later\",\n"
        "      \"reason\": null,\n"
        "      \"file\": \"template.yaml\",\n"
        "      \"line\": 6,\n"
        "      \"column\": 22,\n"
        "      \"end_line\": 6,\n"
        "      \"end_column\": 28,\n"
        "      \"path\": \"Resources.Cache.Properties.EngineVersion\",\n"
        "      \"subject\": \"Cache\",\n"
        "      \"kind\": \"elasticache.replication_group\",\n"
        "      \"operation\": \"create\",\n"
        "      \"region\": \"us-gov-west-1\",\n"
        "      \"regions\": [\"us-gov-west-1\", \"us-gov-east-1\"],\n"
        "      \"scenario\": \"when UseCustomKey is true\",\n"
        "      \"source\": \"At-Rest Encryption Conditions, bullet 1\",\n"
        "      \"suppressed\": false,\n"
        "      \"suppression\": null\n"
        "    }";
    assert_non_null(strstr(json, diag_fail));
    /* JSON ignores min_severity: all three diagnostics are there, in order. */
    const char *p1 = strstr(json, "transform-not-expanded"), *p2 = strstr(json, "EC-AR-006"),
               *p3 = strstr(json, "\"EC-AR-001\"");
    assert_true(p1 && p2 && p3 && p1 < p2 && p2 < p3);
    const char *tail =
        "  \"input_errors\": [\n"
        "    {\n"
        "      \"file\": \"bad.json\",\n"
        "      \"line\": 2,\n"
        "      \"column\": 8,\n"
        "      \"code\": \"%s\",\n"
        "      \"message\": \"invalid literal\"\n"
        "    }\n"
        "  ],\n"
        "  \"summary\": {\"files\": 2, \"subjects\": 1, \"errors\": 1, \"warnings\": 1, \"infos\": 1, "
        "\"input_errors\": 1, \"suppressed\": 0}\n"
        "}\n";
    char expected_tail[1024];
    snprintf(expected_tail, sizeof expected_tail, tail, "parse-error");
    size_t jl = strlen(json), tl = strlen(expected_tail);
    assert_true(jl > tl);
    assert_string_equal(json + jl - tl, expected_tail);
    assert_null(strchr(json, '\x1b'));
    tn_free(json);
    tenet_report_free(r);
}

static void test_json_empty_and_escaping(void **state) {
    (void)state;
    tenet_report *r = new_report("we\"ird\\name.yaml", NULL);
    tn_diag d = diag("R", 0, 0, "tab\there \xE2\x9C\x93 \x01");
    assert_int_equal(tn_report_add(r, &d), 0);
    tn_report_end_file(r, 0);
    char *json = render(r, TENET_FORMAT_JSON, 0, 0);
    assert_non_null(strstr(json, "\"file\": \"we\\\"ird\\\\name.yaml\""));
    assert_non_null(strstr(json, "\"message\": \"tab\\there \xE2\x9C\x93 \\u0001\""));
    assert_non_null(strstr(json, "\"input_errors\": [],\n"));
    tn_free(json);
    tenet_report_free(r);

    assert_int_equal(tenet_report_new(&r), 0);
    json = render(r, TENET_FORMAT_JSON, 0, 0);
    assert_non_null(strstr(json, "\"diagnostics\": [],\n  \"input_errors\": [],\n"));
    tn_free(json);
    tenet_report_free(r);
}

static void test_render_arguments(void **state) {
    (void)state;
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), 0);
    tenet_buf out = {NULL, 0};
    tenet_error err;
    tenet_render_options o = TENET_RENDER_OPTIONS_INIT;
    o.format = 42;
    assert_int_equal(tenet_report_render(r, &o, &out, &err), TENET_EINVAL);
    assert_int_equal(err.code, TENET_EINVAL);
    assert_null(out.ptr);
    o.format = TENET_FORMAT_TEXT;
    o.version = 99;
    assert_int_equal(tenet_report_render(r, &o, &out, NULL), TENET_EINVAL);
    assert_int_equal(tenet_report_render(NULL, NULL, &out, &err), TENET_EINVAL);
    assert_int_equal(tenet_report_render(r, NULL, NULL, &err), TENET_EINVAL);
    assert_int_equal(tenet_render_options_init(NULL, 1), TENET_EINVAL);
    assert_int_equal(tenet_render_options_init(&o, TENET_RENDER_OPTIONS_VERSION + 1), TENET_EINVAL);
    /* NULL options are the defaults: text. */
    assert_int_equal(tenet_report_render(r, NULL, &out, &err), TENET_OK);
    assert_non_null(strstr(out.ptr, "0 errors"));
    tenet_buf_dispose(&out);
    assert_int_equal(tenet_report_new(NULL), TENET_EINVAL);
    assert_int_equal(tenet_report_get(r, 0, NULL), TENET_EINVAL);
    tn_diag d = diag("R", 1, 1, "m");
    tenet_report_free(r);
    assert_int_equal(tenet_report_new(&r), 0);
    assert_int_equal(tn_report_add(r, &d), TENET_EINVAL); /* no file begun */
    tenet_report_free(r);
}

/* Every allocation failure surfaces as TENET_ENOMEM, never a crash or leak. */
static void test_allocation_failures(void **state) {
    (void)state;
    bool reached_ok = false;
    for (long n = 0; n < 1000 && !reached_ok; n++) {
        tenet_report *r = NULL;
        tn_alloc_fail_after(n);
        int rc = tenet_report_new(&r);
        if (rc == TENET_OK)
            rc = tn_report_begin_file(r, "t.yaml", TEMPLATE, strlen(TEMPLATE), NULL);
        for (int i = 0; i < 30 && rc == TENET_OK; i++) {
            tn_diag d = diag(i % 2 ? "A" : "B", (uint32_t)(30 - i), 1, "message");
            d.region = i % 3 ? "us-east-1" : "eu-west-1";
            rc = tn_report_add(r, &d);
        }
        if (rc == TENET_OK) {
            tenet_error err = {0};
            err.code = TENET_EPARSE;
            rc = tn_report_add_input_error(r, 0, &err);
        }
        if (r)
            tn_report_end_file(r, 0);
        for (int format = 0; format < 2 && rc == TENET_OK; format++) {
            tenet_render_options o = TENET_RENDER_OPTIONS_INIT;
            o.format = format;
            tenet_buf out = {NULL, 0};
            rc = tenet_report_render(r, &o, &out, NULL);
            if (rc != TENET_OK)
                assert_null(out.ptr);
            tenet_buf_dispose(&out);
        }
        tn_alloc_fail_after(-1);
        assert_true(rc == TENET_OK || rc == TENET_ENOMEM);
        tenet_report_free(r);
        reached_ok = rc == TENET_OK;
    }
    assert_true(reached_ok);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_report),
        cmocka_unit_test(test_merge_regions),
        cmocka_unit_test(test_distinct_diagnostics_stay_apart),
        cmocka_unit_test(test_sort_is_stable_by_line_column_rule),
        cmocka_unit_test(test_strings_are_copied),
        cmocka_unit_test(test_summary_counts),
        cmocka_unit_test(test_text_rendering),
        cmocka_unit_test(test_text_sanitises_messages),
        cmocka_unit_test(test_text_regions_line),
        cmocka_unit_test(test_distinct_subjects),
        cmocka_unit_test(test_json_rendering),
        cmocka_unit_test(test_json_empty_and_escaping),
        cmocka_unit_test(test_render_arguments),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_keeps_only_cited_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
