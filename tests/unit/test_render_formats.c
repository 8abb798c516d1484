/* The SARIF, JUnit and GitHub renderers: escaping, relative URIs,
 * suppressions, diagnostics without a position, empty reports, judged pairs,
 * the version 1 render options, and allocation failures. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/report.h"
#include "report/uri.h"
#include "tenet.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/xml.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char TEXT[] = "Resources:\n"
                           "  Cache:\n"
                           "    Type: AWS::ElastiCache::ReplicationGroup\n"
                           "    Properties:\n"
                           "      EngineVersion: 3.2.10\n";

static tn_diag diag(const char *rule, uint32_t line, uint32_t col, const char *message) {
    tn_diag d;
    memset(&d, 0, sizeof d);
    d.rule = rule;
    d.severity = TENET_SEVERITY_ERROR;
    d.verdict = "fail";
    d.message = message;
    d.subject = "Cache";
    d.path = "Resources.Cache.Properties.EngineVersion";
    if (line) {
        d.has_span = true;
        tn_span s = {line, col, line, col + 6, 0, 0};
        d.span = s;
    }
    return d;
}

static tenet_report *new_report(const char *name, const char *text) {
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    size_t fi;
    assert_int_equal(tn_report_begin_file(r, name, text, text ? strlen(text) : 0, &fi), TENET_OK);
    return r;
}

static char *render_with(const tenet_report *r, const tenet_render_options *o) {
    tenet_buf out = {NULL, 0};
    tenet_error err;
    assert_int_equal(tenet_report_render(r, o, &out, &err), TENET_OK);
    assert_non_null(out.ptr);
    assert_int_equal(strlen(out.ptr), out.size);
    return out.ptr;
}

static char *render(const tenet_report *r, int format, const char *base_dir,
                    const tenet_ruleset *rs) {
    tenet_render_options o;
    assert_int_equal(tenet_render_options_init(&o, TENET_RENDER_OPTIONS_VERSION), TENET_OK);
    o.format = format;
    o.base_dir = base_dir;
    o.ruleset = rs;
    return render_with(r, &o);
}

static void dispose(char *s) {
    tenet_buf b = {s, s ? strlen(s) : 0};
    tenet_buf_dispose(&b);
}

static void assert_contains(const char *hay, const char *needle) {
    if (!strstr(hay, needle)) {
        fprintf(stderr, "expected to find:\n%s\nin:\n%s\n", needle, hay);
        fail();
    }
}

static void assert_lacks(const char *hay, const char *needle) {
    if (strstr(hay, needle)) {
        fprintf(stderr, "did not expect:\n%s\nin:\n%s\n", needle, hay);
        fail();
    }
}

static size_t count(const char *hay, const char *needle) {
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void test_empty_report(void **state) {
    (void)state;
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    char *sarif = render(r, TENET_FORMAT_SARIF, NULL, NULL);
    assert_contains(sarif, "\"version\": \"2.1.0\"");
    assert_contains(sarif, "\"rules\": []");
    assert_contains(sarif, "\"results\": []");
    assert_contains(sarif, "\"executionSuccessful\": true");
    assert_contains(sarif, "\"columnKind\": \"unicodeCodePoints\"");
    assert_lacks(sarif, "originalUriBaseIds");
    char *junit = render(r, TENET_FORMAT_JUNIT, NULL, NULL);
    assert_string_equal(junit, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<testsuites name=\"tenet\" tests=\"0\" failures=\"0\" "
                               "errors=\"0\" skipped=\"0\"/>\n");
    char *github = render(r, TENET_FORMAT_GITHUB, NULL, NULL);
    assert_string_equal(github, "");
    dispose(sarif);
    dispose(junit);
    dispose(github);
    tenet_report_free(r);
}

static void test_escaping(void **state) {
    (void)state;
    tenet_report *r = new_report("dir,a:b/t%.yaml", TEXT);
    tn_diag d = diag("R-1", 5, 22, "say \"<hi>\" & 100%\nnext\x01 line \xff end");
    d.fix = "it's <fixed>";
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    tn_report_end_file(r, 0);

    char *github = render(r, TENET_FORMAT_GITHUB, NULL, NULL);
    assert_string_equal(github,
                        "::error file=dir%2Ca%3Ab/t%25.yaml,line=5,col=22,endColumn=27,title=R-1::"
                        "say \"<hi>\" & 100%25%0Anext\xEF\xBF\xBD line \xEF\xBF\xBD end"
                        "%0Afix: it's <fixed>\n");

    char *junit = render(r, TENET_FORMAT_JUNIT, NULL, NULL);
    assert_contains(junit, "classname=\"dir,a:b/t%.yaml\"");
    assert_contains(junit, "message=\"say &quot;&lt;hi&gt;&quot; &amp; 100%&#10;next\xEF\xBF\xBD "
                           "line \xEF\xBF\xBD end\"");
    assert_contains(junit, "fix: it's &lt;fixed&gt;");
    assert_lacks(junit, "\x01");

    char *sarif = render(r, TENET_FORMAT_SARIF, NULL, NULL);
    assert_contains(sarif, "\"text\": \"say \\\"<hi>\\\" & 100%\\nnext\\u0001 line \\ufffd end\"");
    assert_contains(sarif, "\"uri\": \"dir,a%3Ab/t%25.yaml\"");
    dispose(github);
    dispose(junit);
    dispose(sarif);
    tenet_report_free(r);
}

static void test_xml_escaper(void **state) {
    (void)state;
    tn_buf b = {0};
    tn_buf_put_xml(&b, "a\tb\nc\r'\"<>&\x7f\x02\xef\xbf\xbe", false);
    tn_buf_putc(&b, '\0');
    assert_string_equal(b.ptr, "a\tb\nc\r'\"&lt;&gt;&amp;&#127;\xEF\xBF\xBD\xEF\xBF\xBD");
    b.size = 0;
    tn_buf_put_xml(&b, "a\tb\nc'\"", true);
    tn_buf_putc(&b, '\0');
    assert_string_equal(b.ptr, "a&#9;b&#10;c&apos;&quot;");
    tn_buf_free(&b);
}

/* The URI of `file` against `base`, and whether it is relative. */
static void check_uri(const char *file, const char *base, const char *want, bool want_rel) {
    tn_buf b = {0};
    bool rel = !want_rel;
    tn_uri_for_file(&b, file, base, &rel);
    tn_buf_putc(&b, '\0');
    assert_false(b.failed);
    if (want)
        assert_string_equal(b.ptr, want);
    assert_int_equal(rel, want_rel);
    tn_buf_free(&b);
}

static void test_relative_uris(void **state) {
    (void)state;
    check_uri("a/b.yaml", NULL, "a/b.yaml", true);
    check_uri("./a//./b.yaml", NULL, "a/b.yaml", true);
    check_uri("a/../b.yaml", ".", "b.yaml", true);
    check_uri("sub/x.yaml", "sub", "x.yaml", true);
    check_uri("sub/x.yaml", "./sub/", "x.yaml", true);
    check_uri("sub2/x.yaml", "sub", NULL, false); /* a prefix, not a parent */
    check_uri("/abs/dir/f y.yaml", "/abs", "dir/f%20y.yaml", true);
    check_uri("/abs/x.yaml", "/", "abs/x.yaml", true);
    check_uri("/other/f.yaml", "/abs", "file:///other/f.yaml", false);
    check_uri("/abs/../other/f.yaml", "/abs/", "file:///other/f.yaml", false);
    check_uri("a:b#c?.yaml", NULL, "a%3Ab%23c%3F.yaml", true);
    check_uri("caf\xc3\xa9.yaml", NULL, "caf%C3%A9.yaml", true);
    check_uri("<stdin>", NULL, "%3Cstdin%3E", true);
    check_uri("<stdin>", "/abs", "%3Cstdin%3E", true);

    /* Climbing out of the working directory needs an absolute URI. */
    tn_buf b = {0};
    bool rel = true;
    tn_uri_for_file(&b, "../x.yaml", NULL, &rel);
    tn_buf_putc(&b, '\0');
    assert_false(rel);
    assert_true(strncmp(b.ptr, "file:///", 8) == 0);
    assert_true(strlen(b.ptr) > 8 && strcmp(b.ptr + strlen(b.ptr) - 7, "/x.yaml") == 0);
    assert_null(strstr(b.ptr, ".."));
    tn_buf_free(&b);

    /* A base above the working directory: "tree/x.yaml" is "<cwd's name>/tree/x.yaml". */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    const char *leaf = strrchr(cwd, '/');
    if (leaf && leaf[1] && !strpbrk(leaf + 1, " %:#?<>")) {
        char want[4200];
        snprintf(want, sizeof want, "%s/tree/x.yaml", leaf + 1);
        check_uri("tree/x.yaml", "..", want, true);
        check_uri("./tree/../tree/x.yaml", "../", want, true);
    }

    /* Relative files against an absolute base go through the working directory. */
    char *cwd_uri = NULL;
    assert_true(tn_uri_for_dir(&b, "."));
    tn_buf_putc(&b, '\0');
    assert_true(strncmp(b.ptr, "file:///", 8) == 0);
    assert_int_equal(b.ptr[strlen(b.ptr) - 1], '/');
    cwd_uri = b.ptr;
    b.ptr = NULL;
    tn_buf_free(&b);
    tn_free(cwd_uri);

    assert_true(tn_uri_for_dir(&b, "/abs/dir/../dir2"));
    tn_buf_putc(&b, '\0');
    assert_string_equal(b.ptr, "file:///abs/dir2/");
    b.size = 0;
    assert_true(tn_uri_for_dir(&b, "/"));
    tn_buf_putc(&b, '\0');
    assert_string_equal(b.ptr, "file:///");
    tn_buf_free(&b);
}

static void test_base_dir_in_sarif(void **state) {
    (void)state;
    tenet_report *r = new_report("/repo/stacks/cache.yaml", TEXT);
    tn_diag d = diag("R-1", 5, 22, "m");
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    tn_report_end_file(r, 0);
    char *sarif = render(r, TENET_FORMAT_SARIF, "/repo", NULL);
    assert_contains(sarif, "\"uri\": \"stacks/cache.yaml\",\n"
                           "                  \"uriBaseId\": \"%SRCROOT%\"");
    assert_contains(sarif, "\"originalUriBaseIds\": {\n"
                           "        \"%SRCROOT%\": {\n"
                           "          \"uri\": \"file:///repo/\"");
    dispose(sarif);
    sarif = render(r, TENET_FORMAT_SARIF, "/elsewhere", NULL);
    assert_contains(sarif, "\"uri\": \"file:///repo/stacks/cache.yaml\"\n");
    dispose(sarif);
    tenet_report_free(r);
}

static void test_suppressions(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", TEXT);
    tn_diag a = diag("R-1", 5, 22, "by config");
    a.suppressed = 1;
    a.suppression = "config: legacy, see OPS-42";
    tn_diag b = diag("R-2", 5, 22, "inline");
    b.suppressed = 1;
    b.suppression = "inline: accepted risk";
    tn_diag c = diag("R-3", 5, 22, "metadata without reason");
    c.suppressed = 1;
    c.suppression = "metadata";
    tn_diag e = diag("R-4", 5, 22, "live");
    assert_int_equal(tn_report_add(r, &a), TENET_OK);
    assert_int_equal(tn_report_add(r, &b), TENET_OK);
    assert_int_equal(tn_report_add(r, &c), TENET_OK);
    assert_int_equal(tn_report_add(r, &e), TENET_OK);
    tn_report_end_file(r, 0);

    char *sarif = render(r, TENET_FORMAT_SARIF, NULL, NULL);
    assert_contains(sarif, "\"kind\": \"external\",\n"
                           "              \"status\": \"accepted\",\n"
                           "              \"justification\": \"legacy, see OPS-42\"");
    assert_contains(sarif, "\"kind\": \"inSource\",\n"
                           "              \"status\": \"accepted\",\n"
                           "              \"justification\": \"accepted risk\"");
    assert_contains(sarif, "\"kind\": \"inSource\",\n"
                           "              \"status\": \"accepted\",\n"
                           "              \"properties\": {\n"
                           "                \"mechanism\": \"metadata\"");
    assert_int_equal(count(sarif, "\"suppressions\": []"), 1); /* checked, not suppressed */
    assert_int_equal(count(sarif, "\"ruleId\""), 4);

    char *github = render(r, TENET_FORMAT_GITHUB, NULL, NULL);
    assert_int_equal(count(github, "::error"), 1);
    assert_contains(github, "title=R-4::live");

    char *junit = render(r, TENET_FORMAT_JUNIT, NULL, NULL);
    assert_contains(junit, "tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"3\"");
    assert_contains(junit, "<skipped message=\"suppressed: config: legacy, see OPS-42\"/>");
    assert_contains(junit, "<skipped message=\"suppressed: metadata\"/>");
    dispose(sarif);
    dispose(github);
    dispose(junit);
    tenet_report_free(r);
}

static void test_no_position(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", TEXT);
    tn_diag d = diag("transform-not-expanded", 0, 0, "the template uses a transform");
    d.verdict = "note";
    d.severity = TENET_SEVERITY_WARNING;
    d.subject = NULL;
    d.path = "Transform";
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    tn_report_end_file(r, 0);

    char *sarif = render(r, TENET_FORMAT_SARIF, NULL, NULL);
    assert_lacks(sarif, "\"region\": {");
    assert_contains(sarif, "\"uri\": \"t.yaml\"");
    assert_contains(sarif, "\"fullyQualifiedName\": \"Transform\"");
    assert_contains(sarif, "\"name\": \"TransformNotExpanded\"");
    assert_contains(sarif, "\"text\": \"Transform not expanded\"");
    assert_contains(sarif, "\"engine\"");

    char *github = render(r, TENET_FORMAT_GITHUB, NULL, NULL);
    assert_string_equal(github, "::warning file=t.yaml,title=transform-not-expanded::"
                                "the template uses a transform%0Aat: Transform\n");

    char *junit = render(r, TENET_FORMAT_JUNIT, NULL, NULL);
    assert_contains(junit, "name=\"transform-not-expanded\"");
    assert_contains(junit, "type=\"warning\">t.yaml: warning: the template uses a transform "
                           "[transform-not-expanded]\n  at: Transform\n</failure>");
    dispose(sarif);
    dispose(github);
    dispose(junit);
    tenet_report_free(r);
}

static void test_junit_judged(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", TEXT);
    const char *rules[] = {"R-1", "R-2", "R-3", "R-1"};
    assert_int_equal(tn_report_add_judged(r, "Cache", rules, 4), TENET_OK);
    assert_int_equal(tn_report_add_judged(r, "Cache", rules, 2), TENET_OK); /* another region */
    tn_diag d = diag("R-2", 5, 22, "broken");
    d.severity = TENET_SEVERITY_WARNING;
    tn_diag u = diag("R-3", 5, 22, "could not verify: R three");
    u.verdict = "unknown";
    u.severity = TENET_SEVERITY_INFO;
    u.reason = "parameter P has no default";
    tn_diag n = diag("multiple-documents", 1, 1, "only the first document is read");
    n.verdict = "note";
    n.severity = TENET_SEVERITY_INFO;
    n.subject = NULL;
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    assert_int_equal(tn_report_add(r, &u), TENET_OK);
    assert_int_equal(tn_report_add(r, &n), TENET_OK);
    tn_report_end_file(r, 0);

    char *junit = render(r, TENET_FORMAT_JUNIT, NULL, NULL);
    assert_contains(junit, "<testsuite name=\"t.yaml\" tests=\"3\" failures=\"1\" errors=\"0\" "
                           "skipped=\"1\">");
    assert_contains(junit, "<testcase classname=\"t.yaml\" name=\"Cache R-1\"/>");
    assert_contains(junit, "<failure message=\"broken\" type=\"warning\">t.yaml:5:22: warning: "
                           "broken [R-2]\n");
    assert_contains(junit, "<skipped message=\"could not verify: R three (parameter P has no "
                           "default)\"/>");
    /* An info note of no judged pair goes to the suite's output. */
    assert_contains(junit, "    <system-out>t.yaml:1:1: info: only the first document is read "
                           "[multiple-documents]\n</system-out>\n  </testsuite>");

    /* Judged pairs survive a merge, with their file shifted. */
    tenet_report *dst = new_report("first.yaml", NULL);
    tn_report_end_file(dst, 0);
    assert_int_equal(tenet_report_merge(dst, r), TENET_OK);
    char *merged = render(dst, TENET_FORMAT_JUNIT, NULL, NULL);
    assert_contains(merged, "<testsuite name=\"first.yaml\" tests=\"0\" failures=\"0\" "
                            "errors=\"0\" skipped=\"0\"/>");
    assert_contains(merged, "<testcase classname=\"t.yaml\" name=\"Cache R-1\"/>");
    dispose(junit);
    dispose(merged);
    tenet_report_free(r);
    tenet_report_free(dst);
}

static void test_input_errors(void **state) {
    (void)state;
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    tenet_error e;
    memset(&e, 0, sizeof e);
    e.code = TENET_EPARSE;
    e.line = 3;
    e.column = 7;
    snprintf(e.message, sizeof e.message, "bad <yaml>");
    assert_int_equal(tenet_report_add_input_error(r, "broken.yaml", &e), TENET_OK);

    char *sarif = render(r, TENET_FORMAT_SARIF, NULL, NULL);
    assert_contains(sarif, "\"executionSuccessful\": false");
    assert_contains(sarif, "\"toolExecutionNotifications\": [");
    assert_contains(sarif, "\"startLine\": 3,\n");
    assert_contains(sarif, "\"id\": \"parse-error\"");
    assert_contains(sarif, "\"results\": []");
    char *github = render(r, TENET_FORMAT_GITHUB, NULL, NULL);
    assert_string_equal(github, "::error file=broken.yaml,line=3,col=7,title=input-error::bad <yaml>\n");
    char *junit = render(r, TENET_FORMAT_JUNIT, NULL, NULL);
    assert_contains(junit, "tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\"");
    assert_contains(junit, "<error message=\"bad &lt;yaml&gt;\" type=\"parse-error\">"
                           "broken.yaml:3:7: error: bad &lt;yaml&gt; [input-error]\n</error>");
    dispose(sarif);
    dispose(github);
    dispose(junit);
    tenet_report_free(r);
}

static void test_sarif_rules_from_ruleset(void **state) {
    (void)state;
    tenet_ruleset *rs = NULL;
    tenet_error err;
    assert_int_equal(tenet_ruleset_builtin(&rs, &err), TENET_OK);
    size_t n = tenet_ruleset_rule_count(rs);
    assert_true(n > 0);
    tenet_rule_info first;
    assert_int_equal(tenet_ruleset_rule_info(rs, 0, &first), TENET_OK);

    tenet_report *r = new_report("t.yaml", TEXT);
    tn_diag d = diag("duplicate-key", 2, 3, "duplicate key Cache");
    d.verdict = "note";
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    tn_diag f = diag(first.id, 5, 22, "fired");
    assert_int_equal(tn_report_add(r, &f), TENET_OK);
    tn_report_end_file(r, 0);

    char *sarif = render(r, TENET_FORMAT_SARIF, NULL, rs);
    /* Every rule of the ruleset, then the engine note. */
    assert_int_equal(count(sarif, "\"defaultConfiguration\""), n + 1);
    char want[128];
    snprintf(want, sizeof want, "\"ruleIndex\": %zu,", n);
    assert_contains(sarif, want); /* duplicate-key comes after the ruleset's rules */
    assert_contains(sarif, "\"ruleIndex\": 0,");
    assert_contains(sarif, "\"helpUri\": \"https://");
    assert_contains(sarif, "\"suppressible\": ");
    dispose(sarif);

    /* Without the ruleset only the rules that occur are listed. */
    sarif = render(r, TENET_FORMAT_SARIF, NULL, NULL);
    assert_int_equal(count(sarif, "\"defaultConfiguration\""), 2);
    assert_lacks(sarif, "helpUri");
    dispose(sarif);
    tenet_report_free(r);
    tenet_ruleset_free(rs);
}

/* A version 1 caller's struct ends before base_dir and ruleset. */
static void test_version1_options(void **state) {
    (void)state;
    struct {
        tenet_render_options o;
        char guard[64];
    } v1;
    memset(&v1, 0x5a, sizeof v1);
    assert_int_equal(tenet_render_options_init(&v1.o, 1), TENET_OK);
    assert_int_equal(v1.o.version, 1);
    assert_true(v1.guard[0] == 0x5a);
    /* What lies past a version 1 struct must not be read as pointers. */
    memset(&v1.o.base_dir, 0x5a, sizeof v1.o.base_dir);
    memset(&v1.o.ruleset, 0x5a, sizeof v1.o.ruleset);
    v1.o.format = TENET_FORMAT_SARIF;
    tenet_report *r = new_report("t.yaml", TEXT);
    tn_diag d = diag("R-1", 5, 22, "m");
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    tn_report_end_file(r, 0);
    char *sarif = render_with(r, &v1.o);
    assert_contains(sarif, "\"uri\": \"t.yaml\"");
    assert_lacks(sarif, "originalUriBaseIds");
    dispose(sarif);

    tenet_render_options bad;
    assert_int_equal(tenet_render_options_init(&bad, TENET_RENDER_OPTIONS_VERSION), TENET_OK);
    bad.format = 99;
    tenet_buf out = {NULL, 0};
    tenet_error err;
    assert_int_equal(tenet_report_render(r, &bad, &out, &err), TENET_EINVAL);
    assert_int_equal(tenet_render_options_init(&bad, 3), TENET_EINVAL);
    tenet_report_free(r);
}

/* Every allocation failure surfaces as TENET_ENOMEM, never a crash or leak. */
static void test_out_of_memory(void **state) {
    (void)state;
    tenet_report *r = new_report("t.yaml", TEXT);
    const char *rules[] = {"R-1", "R-2"};
    assert_int_equal(tn_report_add_judged(r, "Cache", rules, 2), TENET_OK);
    tn_diag d = diag("R-1", 5, 22, "m");
    d.suppressed = 1;
    d.suppression = "config: why";
    d.regions = "us-east-1,eu-west-1";
    d.region = "us-east-1";
    assert_int_equal(tn_report_add(r, &d), TENET_OK);
    tn_report_end_file(r, 0);
    tenet_error e;
    memset(&e, 0, sizeof e);
    e.code = TENET_EIO;
    snprintf(e.message, sizeof e.message, "cannot read");
    assert_int_equal(tenet_report_add_input_error(r, "gone.yaml", &e), TENET_OK);

    static const int formats[] = {TENET_FORMAT_SARIF, TENET_FORMAT_JUNIT, TENET_FORMAT_GITHUB};
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        tenet_render_options o;
        tenet_render_options_init(&o, TENET_RENDER_OPTIONS_VERSION);
        o.format = formats[k];
        o.base_dir = "/base";
        bool succeeded = false;
        for (long n = 0; n < 10000 && !succeeded; n++) {
            tenet_buf out = {NULL, 0};
            tenet_error err;
            tn_alloc_fail_after(n);
            int rc = tenet_report_render(r, &o, &out, &err);
            tn_alloc_fail_after(-1);
            if (rc == TENET_OK) {
                succeeded = true;
                assert_non_null(out.ptr);
            } else {
                assert_int_equal(rc, TENET_ENOMEM);
                assert_null(out.ptr);
            }
            tenet_buf_dispose(&out);
        }
        assert_true(succeeded);
    }
    tenet_report_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_report),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_xml_escaper),
        cmocka_unit_test(test_relative_uris),
        cmocka_unit_test(test_base_dir_in_sarif),
        cmocka_unit_test(test_suppressions),
        cmocka_unit_test(test_no_position),
        cmocka_unit_test(test_junit_judged),
        cmocka_unit_test(test_input_errors),
        cmocka_unit_test(test_sarif_rules_from_ruleset),
        cmocka_unit_test(test_version1_options),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
