/* Shared by the fuzz targets: the built-in ruleset compiled once, and a
 * check of one input followed by both renderings. A target may only fail by
 * crashing (or by a sanitizer report); tn_fuzz_assert() turns a broken
 * invariant into a crash libFuzzer can minimise. */
#ifndef TN_FUZZ_COMMON_H
#define TN_FUZZ_COMMON_H
#include "doc/node.h"
#include <tenet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry point, defined by each target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define tn_fuzz_assert(cond)                                                              \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);   \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* The built-in ruleset, compiled on first use and kept for the process. */
static inline const tenet_ruleset *tn_fuzz_builtin(void)
{
    static tenet_ruleset *rs;
    if (!rs) {
        tenet_error err;
        memset(&err, 0, sizeof err);
        if (tenet_ruleset_builtin(&rs, &err) != TENET_OK) {
            fprintf(stderr, "built-in ruleset: %s\n", err.message);
            abort();
        }
    }
    return rs;
}

/* Region lists chosen by the low bits of an option byte. */
static inline void tn_fuzz_regions(unsigned sel, tenet_check_options *o)
{
    static const char *const r_east[] = {"us-east-1"};
    static const char *const r_cn[] = {"cn-north-1"};
    static const char *const r_gov[] = {"us-gov-west-1", "us-east-1"};
    static const char *const r_all[] = {"all"};
    static const char *const r_odd[] = {"", "ap-northeast-3", "ap-northeast-3", "no-such-1"};
    switch (sel & 7u) {
    case 1: o->regions = r_east; o->region_count = 1; break;
    case 2: o->regions = r_cn; o->region_count = 1; break;
    case 3: o->regions = r_gov; o->region_count = 2; break;
    case 4: o->regions = r_all; o->region_count = 1; break;
    case 5: o->regions = r_odd; o->region_count = 4; break;
    default: o->regions = NULL; o->region_count = 0; break;
    }
}

/* Checks `data` with `opts` into a fresh report, renders it as text (with and
 * without colour) and JSON, and checks what must always hold: a failed check
 * is recorded as an input error, and a rendering is NUL-terminated. */
static inline void tn_fuzz_check(const tenet_ruleset *rs, const uint8_t *data, size_t size,
                                 const tenet_check_options *opts)
{
    tenet_report *report = NULL;
    if (tenet_report_new(&report) != TENET_OK)
        return;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = tenet_check(report, rs, (const char *)data, size, opts, &err);
    tenet_summary sum;
    tenet_report_summary(report, &sum);
    tn_fuzz_assert(sum.files == 1);
    if (rc != TENET_OK) {
        tn_fuzz_assert(err.code == rc);
        tn_fuzz_assert(err.message[0] != '\0');
        tn_fuzz_assert(sum.input_errors == 1);
    } else {
        tn_fuzz_assert(sum.input_errors == 0);
    }
    size_t n = tenet_report_count(report);
    for (size_t i = 0; i < n; i++) {
        tenet_diagnostic d;
        memset(&d, 0, sizeof d);
        d.version = TENET_DIAGNOSTIC_VERSION;
        tn_fuzz_assert(tenet_report_get(report, i, &d) == TENET_OK);
        tn_fuzz_assert(d.rule && d.message && d.verdict);
        tn_fuzz_assert(d.line == 0 || d.column > 0);
        tn_fuzz_assert(d.end_line == 0 || d.end_line > d.line ||
                       (d.end_line == d.line && d.end_column >= d.column));
    }
    static const int formats[][2] = {
        {TENET_FORMAT_TEXT, 0}, {TENET_FORMAT_TEXT, 1}, {TENET_FORMAT_JSON, 0}};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        tenet_render_options ro;
        tenet_render_options_init(&ro, TENET_RENDER_OPTIONS_VERSION);
        ro.format = formats[f][0];
        ro.color = formats[f][1];
        tenet_buf out = {NULL, 0};
        if (tenet_report_render(report, &ro, &out, &err) == TENET_OK) {
            tn_fuzz_assert(out.ptr != NULL && out.ptr[out.size] == '\0');
            if (ro.format == TENET_FORMAT_JSON) {
                /* The JSON rendering is always one valid JSON object. */
                tn_doc *doc = NULL;
                tenet_error jerr;
                memset(&jerr, 0, sizeof jerr);
                int jrc = tn_doc_parse_json(&doc, out.ptr, out.size, "<render>", NULL, &jerr);
                if (jrc != TENET_OK && jrc != TENET_ENOMEM) {
                    fprintf(stderr, "invalid JSON rendering (%s at %u:%u):\n%s\n", jerr.message,
                            (unsigned)jerr.line, (unsigned)jerr.column, out.ptr);
                    abort();
                }
                tn_fuzz_assert(!doc || (doc->root && doc->root->type == TN_NODE_MAP));
                tn_doc_free(doc);
            }
        }
        tenet_buf_dispose(&out);
    }
    tenet_report_free(report);
}

#endif
