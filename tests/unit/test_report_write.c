/* Streaming rendering (tenet_report_write and the buffer sink under it) and
 * the report's string storage: every format streams exactly the bytes
 * tenet_report_render builds, a refusing writer stops it with TENET_EIO,
 * and strings stored once still read back as given. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/intern.h"
#include "report/report.h"
#include "tenet.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int FORMATS[] = {TENET_FORMAT_TEXT, TENET_FORMAT_JSON, TENET_FORMAT_SARIF,
                              TENET_FORMAT_JUNIT, TENET_FORMAT_GITHUB};
#define NFORMATS (sizeof FORMATS / sizeof FORMATS[0])

/* ---- a writer that keeps what it is given ---- */

typedef struct sink {
    char *data;
    size_t size, cap;
    size_t calls;
    size_t largest;
    size_t fail_at; /* refuse call number fail_at (1-based); 0 = never */
    size_t calls_after_failure;
    bool failed;
} sink;

static int sink_write(void *ctx, const char *data, size_t len) {
    sink *s = ctx;
    if (s->failed)
        s->calls_after_failure++;
    s->calls++;
    assert_true(len > 0);
    if (s->fail_at && s->calls == s->fail_at) {
        s->failed = true;
        return -1;
    }
    if (len > s->largest)
        s->largest = len;
    if (s->size + len + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->size + len + 1)
            cap *= 2;
        s->data = realloc(s->data, cap);
        assert_non_null(s->data);
        s->cap = cap;
    }
    memcpy(s->data + s->size, data, len);
    s->size += len;
    s->data[s->size] = '\0';
    return 0;
}

/* ---- a report big enough for many chunks ---- */

static const char TEXT[] = "Resources:\n"
                           "  Cache:\n"
                           "    Type: AWS::ElastiCache::ReplicationGroup\n"
                           "    Properties:\n"
                           "      EngineVersion: 3.2.10\n"
                           "      AtRestEncryptionEnabled: false\n";

/* `file` files of `per_file` diagnostics each, with merged regions, fixes,
 * scenarios, a suppressed one, unknowns, judged pairs and an input error.
 * Every string comes from a fresh buffer, so equal strings never share an
 * address on the way in. */
static tenet_report *big_report(size_t files, size_t per_file) {
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    static const char *const regions[] = {"us-east-1", "eu-west-1", "ap-south-1"};
    for (size_t f = 0; f < files; f++) {
        char name[64];
        snprintf(name, sizeof name, "dir/template-%zu.yaml", f);
        size_t fi;
        assert_int_equal(tn_report_begin_file(r, name, TEXT, strlen(TEXT), &fi), TENET_OK);
        const char *checked[] = {"us-east-1", "eu-west-1", "ap-south-1"};
        assert_int_equal(tn_report_set_regions(r, fi, checked, 3), TENET_OK);
        for (size_t i = 0; i < per_file; i++) {
            char rule[32], message[128], fix[128], path[128], subject[64], scenario[64];
            snprintf(rule, sizeof rule, "EC-AR-%03zu", i % 7);
            snprintf(message, sizeof message, "engine version 3.2.%zu cannot encrypt <at> \"rest\"",
                     i % 5);
            snprintf(fix, sizeof fix, "set EngineVersion to 4.0.10 or later & retry");
            snprintf(path, sizeof path, "Resources.Cache%zu.Properties.EngineVersion", i);
            snprintf(subject, sizeof subject, "Cache%zu", i % 50);
            snprintf(scenario, sizeof scenario, "when UseKey is %s", i % 2 ? "true" : "false");
            for (size_t k = 0; k < (i % 3) + 1; k++) { /* repeats merge their regions */
                tn_diag d;
                memset(&d, 0, sizeof d);
                d.rule = rule;
                d.severity = (tenet_severity)(i % 3);
                d.verdict = i % 11 == 0 ? "unknown" : "fail";
                d.message = message;
                d.fix = fix;
                d.reason = i % 11 == 0 ? "the value comes from a parameter" : NULL;
                d.has_span = i % 13 != 0;
                d.span = (tn_span){(uint32_t)(i % 6 + 1), 7, (uint32_t)(i % 6 + 1), 20, 0, 0};
                d.path = path;
                d.subject = subject;
                d.kind = "replication-group";
                d.operation = "create";
                d.region = regions[k];
                d.regions = regions[k];
                d.scenario = i % 4 ? scenario : NULL;
                d.source = "At-Rest Encryption Conditions, bullet 3";
                d.suppressed = i % 17 == 0;
                d.suppression = i % 17 == 0 ? "config: legacy cluster" : NULL;
                assert_int_equal(tn_report_add(r, &d), TENET_OK);
            }
            const char *judged[] = {rule, "EC-OTHER-001", NULL, "EC-OTHER-002"};
            assert_int_equal(tn_report_add_judged(r, subject, judged, 4), TENET_OK);
        }
        if (f == 1) {
            tenet_error err = {0};
            err.code = TENET_EPARSE;
            err.line = 3;
            err.column = 5;
            snprintf(err.message, sizeof err.message, "unexpected mapping");
            assert_int_equal(tn_report_add_input_error(r, fi, &err), TENET_OK);
        }
        tn_report_end_file(r, fi);
    }
    return r;
}

static tenet_render_options options(int format) {
    tenet_render_options o;
    assert_int_equal(tenet_render_options_init(&o, TENET_RENDER_OPTIONS_VERSION), TENET_OK);
    o.format = format;
    o.base_dir = "/";
    return o;
}

static void assert_streams_as_rendered(const tenet_report *r, const tenet_render_options *o,
                                       bool many_pieces) {
    tenet_buf whole = {NULL, 0};
    tenet_error err;
    assert_int_equal(tenet_report_render(r, o, &whole, &err), TENET_OK);
    sink s = {0};
    assert_int_equal(tenet_report_write(r, o, sink_write, &s, &err), TENET_OK);
    assert_int_equal(err.code, TENET_OK);
    assert_int_equal(s.size, whole.size);
    assert_memory_equal(s.data, whole.ptr, whole.size);
    /* JUnit's totals come first: it builds its suites aside and hands them
     * over whole. */
    if (many_pieces && o->format != TENET_FORMAT_JUNIT) {
        assert_true(whole.size > 3 * TN_BUF_CHUNK);
        assert_true(s.calls > 3);
        assert_true(s.largest <= TN_BUF_CHUNK);
    }
    free(s.data);
    tenet_buf_dispose(&whole);
}

static void test_every_format_streams_the_rendered_bytes(void **state) {
    (void)state;
    tenet_report *r = big_report(3, 400);
    for (size_t i = 0; i < NFORMATS; i++) {
        tenet_render_options o = options(FORMATS[i]);
        assert_streams_as_rendered(r, &o, true);
    }
    /* Text options change the bytes, not the equality. */
    tenet_render_options o = options(TENET_FORMAT_TEXT);
    o.color = 1;
    assert_streams_as_rendered(r, &o, true);
    o.min_severity = TENET_SEVERITY_ERROR;
    assert_streams_as_rendered(r, &o, false);
    /* Version 1 options, and no options at all. */
    tenet_render_options v1;
    assert_int_equal(tenet_render_options_init(&v1, 1), TENET_OK);
    v1.format = TENET_FORMAT_JSON;
    assert_streams_as_rendered(r, &v1, true);
    assert_streams_as_rendered(r, NULL, false);
    tenet_report_free(r);
}

static void test_small_and_empty_reports_stream(void **state) {
    (void)state;
    tenet_report *empty = NULL;
    assert_int_equal(tenet_report_new(&empty), TENET_OK);
    tenet_report *one = big_report(1, 1);
    for (size_t i = 0; i < NFORMATS; i++) {
        tenet_render_options o = options(FORMATS[i]);
        assert_streams_as_rendered(empty, &o, false);
        assert_streams_as_rendered(one, &o, false);
        /* A small report is one piece; an empty output, no call at all. */
        tenet_buf whole = {NULL, 0};
        assert_int_equal(tenet_report_render(one, &o, &whole, NULL), TENET_OK);
        sink s = {0};
        assert_int_equal(tenet_report_write(one, &o, sink_write, &s, NULL), TENET_OK);
        assert_int_equal(s.calls, whole.size ? 1 : 0);
        free(s.data);
        tenet_buf_dispose(&whole);
    }
    tenet_report_free(empty);
    tenet_report_free(one);
}

static void test_refusing_writer_stops_with_eio(void **state) {
    (void)state;
    tenet_report *r = big_report(2, 300);
    for (size_t i = 0; i < NFORMATS; i++) {
        for (size_t fail_at = 1; fail_at <= 2; fail_at++) {
            tenet_render_options o = options(FORMATS[i]);
            sink s = {0};
            s.fail_at = fail_at;
            tenet_error err;
            assert_int_equal(tenet_report_write(r, &o, sink_write, &s, &err), TENET_EIO);
            assert_int_equal(err.code, TENET_EIO);
            assert_non_null(strstr(err.message, "could not write the report"));
            assert_true(s.failed);
            assert_int_equal(s.calls_after_failure, 0); /* never called again */
            assert_int_equal(s.calls, fail_at);
            free(s.data);
            /* The error pointer is optional. */
            sink t = {0};
            t.fail_at = fail_at;
            assert_int_equal(tenet_report_write(r, &o, sink_write, &t, NULL), TENET_EIO);
            free(t.data);
        }
    }
    tenet_report_free(r);
}

static void test_write_arguments(void **state) {
    (void)state;
    tenet_report *r = big_report(1, 2);
    sink s = {0};
    tenet_error err;
    assert_int_equal(tenet_report_write(NULL, NULL, sink_write, &s, &err), TENET_EINVAL);
    assert_non_null(strstr(err.message, "report is NULL"));
    assert_int_equal(tenet_report_write(r, NULL, NULL, &s, &err), TENET_EINVAL);
    assert_non_null(strstr(err.message, "write is NULL"));
    tenet_render_options bad = options(TENET_FORMAT_JSON);
    bad.version = 99;
    assert_int_equal(tenet_report_write(r, &bad, sink_write, &s, &err), TENET_EINVAL);
    bad = options(42);
    assert_int_equal(tenet_report_write(r, &bad, sink_write, &s, &err), TENET_EINVAL);
    assert_int_equal(s.calls, 0); /* nothing written for bad arguments */
    /* ctx is passed as given, NULL included. */
    assert_int_equal(tenet_report_write(r, NULL, sink_write, &s, NULL), TENET_OK);
    assert_true(s.calls > 0);
    free(s.data);
    tenet_report_free(r);
}

/* Out of memory anywhere: TENET_ENOMEM (or success), no crash, no leak. */
static void test_write_allocation_failures(void **state) {
    (void)state;
    tenet_report *r = big_report(2, 60);
    for (size_t i = 0; i < NFORMATS; i++) {
        tenet_render_options o = options(FORMATS[i]);
        bool reached_ok = false;
        for (long n = 0; n < 100000 && !reached_ok; n++) {
            sink s = {0};
            long live = tn_alloc_live();
            tn_alloc_fail_after(n);
            int rc = tenet_report_write(r, &o, sink_write, &s, NULL);
            tn_alloc_fail_after(-1);
            assert_true(rc == TENET_OK || rc == TENET_ENOMEM);
            assert_int_equal(tn_alloc_live(), live);
            reached_ok = rc == TENET_OK;
            free(s.data);
        }
        assert_true(reached_ok);
    }
    tenet_report_free(r);
}

/* ---- the buffer sink ---- */

static void test_buf_sink(void **state) {
    (void)state;
    sink s = {0};
    tn_buf b = {0};
    tn_buf_set_sink(&b, sink_write, &s);
    char line[100];
    memset(line, 'a', sizeof line);
    size_t expect = 0;
    for (int i = 0; i < 2000; i++) { /* ~200 KB in small appends */
        tn_buf_put(&b, line, sizeof line);
        tn_buf_putc(&b, '\n');
        tn_buf_printf(&b, "%d|%s", i, "x");
        expect += sizeof line + 1 + (size_t)snprintf(NULL, 0, "%d|x", i);
    }
    assert_true(b.cap <= TN_BUF_CHUNK); /* held no more than a chunk */
    char *big = malloc(3 * TN_BUF_CHUNK);
    assert_non_null(big);
    memset(big, 'b', 3 * TN_BUF_CHUNK);
    tn_buf_put(&b, big, 3 * TN_BUF_CHUNK); /* straight through */
    expect += 3 * TN_BUF_CHUNK;
    assert_true(b.cap <= TN_BUF_CHUNK);
    tn_buf_puts(&b, "end");
    expect += 3;
    assert_true(tn_buf_flush(&b));
    assert_false(tn_buf_failed(&b));
    assert_int_equal(b.size, 0);
    assert_int_equal(s.size, expect);
    assert_memory_equal(s.data + s.size - 3, "end", 3);
    assert_memory_equal(s.data + s.size - 3 - 3 * TN_BUF_CHUNK, big, 3 * TN_BUF_CHUNK);
    assert_true(tn_buf_flush(&b)); /* nothing held: no call */
    size_t calls = s.calls;
    assert_true(tn_buf_flush(&b));
    assert_int_equal(s.calls, calls);
    tn_buf_free(&b);
    assert_null(b.sink); /* the zero value again */
    free(big);
    free(s.data);

    /* A refusal fails the buffer: later appends and flushes do nothing. */
    sink t = {0};
    t.fail_at = 1;
    tn_buf c = {0};
    tn_buf_set_sink(&c, sink_write, &t);
    for (int i = 0; i < 1000 && !tn_buf_failed(&c); i++)
        tn_buf_put(&c, line, sizeof line);
    assert_true(tn_buf_failed(&c));
    assert_true(c.sink_failed);
    tn_buf_put(&c, line, sizeof line);
    tn_buf_printf(&c, "%s", "more");
    assert_false(tn_buf_flush(&c));
    assert_int_equal(t.calls, 1);
    assert_int_equal(t.size, 0);
    tn_buf_free(&c);
    free(t.data);

    /* Without a sink, a buffer keeps everything as before. */
    tn_buf d = {0};
    tn_buf_puts(&d, "ab");
    tn_buf_putc(&d, 'c');
    assert_true(tn_buf_flush(&d));
    assert_string_equal(d.ptr, "abc");
    tn_buf_free(&d);
}

/* ---- strings stored once ---- */

static void test_intern_table(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    tn_intern t = {0};
    char word[32];
    const char *first[200];
    for (int i = 0; i < 200; i++) {
        snprintf(word, sizeof word, "word-%d", i);
        first[i] = tn_intern_str(&t, &a, word);
        assert_non_null(first[i]);
        assert_string_equal(first[i], word);
        assert_ptr_not_equal(first[i], word); /* a copy */
    }
    /* Recorded strings are found again: equal strings share a copy. The
     * first few were stored before the table existed: equal, not shared. */
    size_t shared = 0;
    for (int i = 0; i < 200; i++) {
        snprintf(word, sizeof word, "word-%d", i);
        const char *again = tn_intern_str(&t, &a, word);
        assert_string_equal(again, word);
        shared += again == first[i];
    }
    assert_true(shared >= 150);
    assert_null(tn_intern_str(&t, &a, NULL));
    const char *e1 = tn_intern_put(&t, &a, "", 0), *e2 = tn_intern_put(&t, &a, "xyz", 0);
    assert_string_equal(e1, "");
    assert_ptr_equal(e1, e2); /* length counts, not the NUL */
    /* Embedded NULs are bytes like any other. */
    const char *l1 = tn_intern_put(&t, &a, "a\0b", 3), *l2 = tn_intern_put(&t, &a, "a\0c", 3);
    assert_ptr_not_equal(l1, l2);
    assert_ptr_equal(tn_intern_put(&t, &a, "a\0b", 3), l1);
    tn_intern_free(&t);
    assert_int_equal(t.count, 0);
    tn_arena_release(&a);
}

static char *dup_str(const char *s) {
    char *c = malloc(strlen(s) + 1);
    assert_non_null(c);
    return strcpy(c, s);
}

/* Equal strings from different buffers: the same results as ever, repeats
 * merged by content whatever their addresses, and nothing borrowed. */
static void test_equal_strings_from_different_buffers(void **state) {
    (void)state;
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    char *text = dup_str(TEXT);
    assert_int_equal(tn_report_begin_file(r, "t.yaml", text, strlen(text), NULL), TENET_OK);
    static const char *const regions[] = {"us-east-1", "eu-west-1"};
    /* 40 subjects, each twice (two regions): past the index threshold. */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 40; i++) {
            char subject[32];
            snprintf(subject, sizeof subject, "Cache%d", i);
            char *rule = dup_str("EC-AR-001"), *msg = dup_str("cannot encrypt"),
                 *fix = dup_str("upgrade"), *subj = dup_str(subject),
                 *path = dup_str("Resources.Cache.Properties.EngineVersion"),
                 *region = dup_str(regions[pass]);
            tn_diag d;
            memset(&d, 0, sizeof d);
            d.rule = rule;
            d.verdict = pass ? "fail" : dup_str("fail");
            d.message = msg;
            d.fix = fix;
            d.subject = subj;
            d.path = path;
            d.region = region;
            d.regions = region;
            d.has_span = true;
            d.span = (tn_span){5, 7, 5, 13, 0, 0};
            assert_int_equal(tn_report_add(r, &d), TENET_OK);
            /* Scribble over the caller's buffers: the report kept copies. */
            memset(rule, 'x', strlen(rule));
            memset(msg, 'x', strlen(msg));
            memset(subj, 'x', strlen(subj));
            memset(region, 'x', strlen(region));
            if (!pass)
                free((char *)d.verdict);
            free(rule);
            free(msg);
            free(fix);
            free(subj);
            free(path);
            free(region);
        }
    }
    tn_report_end_file(r, 0);
    memset(text, 'x', strlen(text));
    free(text);
    assert_int_equal(tenet_report_count(r), 40);
    const char *fix = NULL;
    size_t shared = 0;
    for (size_t i = 0; i < 40; i++) {
        tenet_diagnostic out;
        assert_int_equal(tenet_report_get(r, i, &out), TENET_OK);
        assert_string_equal(out.rule, "EC-AR-001");
        assert_string_equal(out.verdict, "fail");
        assert_string_equal(out.message, "cannot encrypt");
        assert_string_equal(out.fix, "upgrade");
        assert_string_equal(out.regions, "us-east-1,eu-west-1");
        assert_string_equal(out.region, "us-east-1");
        char subject[32];
        snprintf(subject, sizeof subject, "Cache%zu", i);
        assert_string_equal(out.subject, subject);
        shared += fix == out.fix;
        fix = out.fix;
    }
    assert_true(shared > 30); /* stored once, past the first few */
    tenet_render_options o = options(TENET_FORMAT_TEXT);
    tenet_buf b = {NULL, 0};
    assert_int_equal(tenet_report_render(r, &o, &b, NULL), TENET_OK);
    assert_non_null(strstr(b.ptr, "EngineVersion: 3.2.10")); /* the cited line was kept */
    tenet_buf_dispose(&b);
    tenet_report_free(r);
}

/* Merging by identity holds on both sides of the index threshold, and an
 * index left stale by a change to the diagnostics never merges wrongly. */
/* Diagnostics "m0".."m11" of rule R in `region` (the report copies them). */
static void add_numbered(tenet_report *r, const char *region) {
    for (int i = 0; i < 12; i++) {
        char msg[32];
        snprintf(msg, sizeof msg, "m%d", i);
        tn_diag d;
        memset(&d, 0, sizeof d);
        d.rule = "R";
        d.message = msg;
        d.region = region;
        assert_int_equal(tn_report_add(r, &d), TENET_OK);
    }
}

static void test_merge_by_identity(void **state) {
    (void)state;
    for (int n = 1; n <= 20; n++) {
        tenet_report *r = NULL;
        assert_int_equal(tenet_report_new(&r), TENET_OK);
        assert_int_equal(tn_report_begin_file(r, "t.yaml", TEXT, strlen(TEXT), NULL), TENET_OK);
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < n; i++) {
                char msg[32];
                snprintf(msg, sizeof msg, "m%d", i);
                tn_diag d;
                memset(&d, 0, sizeof d);
                d.rule = "R";
                d.verdict = "fail";
                d.message = msg;
                d.region = k ? "b" : "a";
                /* NULL and "" are the same subject. */
                d.subject = k ? "" : NULL;
                assert_int_equal(tn_report_add(r, &d), TENET_OK);
            }
        }
        assert_int_equal(tenet_report_count(r), (size_t)n);
        for (int i = 0; i < n; i++)
            assert_string_equal(r->diags.v[i].regions, "a,b");
        tenet_report_free(r);
    }

    /* What suppression does: drop diagnostics, the index not told. */
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    assert_int_equal(tn_report_begin_file(r, "t.yaml", TEXT, strlen(TEXT), NULL), TENET_OK);
    add_numbered(r, "a");
    assert_non_null(r->merge); /* indexed */
    memmove(r->diags.v, r->diags.v + 6, 6 * sizeof *r->diags.v); /* m6..m11 move to 0..5 */
    r->diags.n = 6;
    add_numbered(r, "b");
    /* Each m6..m11 either merged into itself or was added again; none went
     * into another diagnostic. */
    for (size_t i = 0; i < r->diags.n; i++) {
        const tn_diag *d = &r->diags.v[i];
        int m = atoi(d->message + 1);
        if (i < 6) {
            assert_int_equal(m, (int)i + 6);
            assert_true(strcmp(d->regions, "a") == 0 || strcmp(d->regions, "a,b") == 0);
        } else {
            assert_string_equal(d->regions, "b");
        }
    }
    tn_report_end_file(r, 0);
    tenet_report_free(r);
}

/* Region lists grown one region at a time come out the same. */
static void test_region_lists(void **state) {
    (void)state;
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    assert_int_equal(tn_report_begin_file(r, "t.yaml", TEXT, strlen(TEXT), NULL), TENET_OK);
    char want[1024] = "";
    for (int i = 0; i < 30; i++) {
        char region[16];
        snprintf(region, sizeof region, "rg-%d", i);
        if (i)
            strcat(want, ",");
        strcat(want, region);
        for (int k = 0; k < 20; k++) {
            char msg[16];
            snprintf(msg, sizeof msg, "m%d", k);
            tn_diag d;
            memset(&d, 0, sizeof d);
            d.rule = "R";
            d.message = msg;
            d.region = region;
            d.regions = region;
            assert_int_equal(tn_report_add(r, &d), TENET_OK);
        }
    }
    tn_report_end_file(r, 0);
    assert_int_equal(tenet_report_count(r), 20);
    for (size_t i = 0; i < 20; i++) {
        tenet_diagnostic out;
        assert_int_equal(tenet_report_get(r, i, &out), TENET_OK);
        assert_string_equal(out.regions, want);
        assert_string_equal(out.region, "rg-0");
    }
    tenet_report_free(r);
}

/* Judged rule lists are stored once per distinct list; pairs read back as
 * given, duplicates and NULLs skipped. */
static void test_judged_lists(void **state) {
    (void)state;
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    assert_int_equal(tn_report_begin_file(r, "t.yaml", TEXT, strlen(TEXT), NULL), TENET_OK);
    for (int i = 0; i < 60; i++) {
        char subject[16], a[8], b[8];
        snprintf(subject, sizeof subject, "S%d", i);
        snprintf(a, sizeof a, "R-1");
        snprintf(b, sizeof b, "R-2");
        const char *rules[] = {a, NULL, b, a};
        assert_int_equal(tn_report_add_judged(r, subject, rules, 4), TENET_OK);
        const char *more[] = {b, "R-3"}; /* judged again, one new rule */
        assert_int_equal(tn_report_add_judged(r, subject, more, 2), TENET_OK);
    }
    tn_report_end_file(r, 0);
    assert_int_equal(r->judged.n, 180);
    size_t shared = 0;
    for (size_t i = 0; i < 60; i++) {
        const tn_judged *j = &r->judged.v[3 * i];
        char subject[16];
        snprintf(subject, sizeof subject, "S%zu", i);
        assert_string_equal(j[0].subject, subject);
        assert_string_equal(j[0].rule, "R-1");
        assert_string_equal(j[1].rule, "R-2");
        assert_string_equal(j[2].rule, "R-3");
        shared += i && j[0].rule == r->judged.v[3 * (i - 1)].rule;
    }
    assert_true(shared > 40);
    tenet_report_free(r);
}

/* Merged reports keep every string; the emptied one works on its own. */
static void test_merge_keeps_strings(void **state) {
    (void)state;
    tenet_report *dst = NULL;
    assert_int_equal(tenet_report_new(&dst), TENET_OK);
    tenet_report *a = big_report(1, 80), *b = big_report(2, 80);
    tenet_buf want_a = {NULL, 0}, want_b = {NULL, 0};
    tenet_render_options o = options(TENET_FORMAT_JSON);
    assert_int_equal(tenet_report_render(a, &o, &want_a, NULL), TENET_OK);
    assert_int_equal(tenet_report_merge(dst, a), TENET_OK); /* into an empty report */
    assert_int_equal(tenet_report_merge(dst, b), TENET_OK); /* appended */
    assert_int_equal(tenet_report_count(a), 0);
    /* a is empty and usable: refilled, it renders as before. */
    tenet_report_free(b);
    b = big_report(1, 80);
    assert_int_equal(tenet_report_merge(a, b), TENET_OK);
    tenet_report_free(b);
    assert_int_equal(tenet_report_render(a, &o, &want_b, NULL), TENET_OK);
    assert_string_equal(want_a.ptr, want_b.ptr);
    tenet_buf_dispose(&want_b);
    assert_int_equal(tenet_report_count(dst), 240);
    tenet_buf merged = {NULL, 0};
    assert_int_equal(tenet_report_render(dst, &o, &merged, NULL), TENET_OK);
    sink s = {0};
    assert_int_equal(tenet_report_write(dst, &o, sink_write, &s, NULL), TENET_OK);
    assert_string_equal(s.data, merged.ptr);
    free(s.data);
    tenet_buf_dispose(&merged);
    tenet_buf_dispose(&want_a);
    tenet_report_free(a);
    tenet_report_free(dst);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_format_streams_the_rendered_bytes),
        cmocka_unit_test(test_small_and_empty_reports_stream),
        cmocka_unit_test(test_refusing_writer_stops_with_eio),
        cmocka_unit_test(test_write_arguments),
        cmocka_unit_test(test_write_allocation_failures),
        cmocka_unit_test(test_buf_sink),
        cmocka_unit_test(test_intern_table),
        cmocka_unit_test(test_equal_strings_from_different_buffers),
        cmocka_unit_test(test_merge_by_identity),
        cmocka_unit_test(test_region_lists),
        cmocka_unit_test(test_judged_lists),
        cmocka_unit_test(test_merge_keeps_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
