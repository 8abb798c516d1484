/* The JUnit XML renderer, for CI test reports:
 *
 *   <testsuites>, one <testsuite> per file, one <testcase> per subject and
 *   rule judged ("Cache EC-AR-001"): it passes, or has a <failure> (error or
 *   warning findings, "file:line:col: ..." in the body), or is <skipped>
 *   (could not verify, or suppressed). Input errors are testcases with an
 *   <error>; findings of no judged pair (engine notes) get testcases of
 *   their own, and info-severity notes go to the suite's <system-out>.
 */
#include "report/render_util.h"
#include "report/report.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strmap.h"
#include "util/vec.h"
#include "util/xml.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NONE SIZE_MAX

typedef enum { TC_PASS, TC_FAIL, TC_SKIP } tc_status;

typedef struct tcase {
    const char *subject; /* NULL for file-level notes */
    const char *rule;
    size_t head, tail;   /* the diagnostics of the pair, linked through `next` */
} tcase;

typedef TN_VEC(tcase) tcase_vec;

typedef struct junit_ctx {
    const tenet_report *r;
    tn_buf *body;
    size_t *next;        /* per diagnostic: the next of the same testcase */
    size_t *judged_at;   /* judged indexes grouped by file (counting sort) */
    size_t *judged_start;
    size_t *error_at;    /* input error indexes grouped by file */
    size_t *error_start;
    size_t tests, failures, errors, skipped;
    bool oom;
} junit_ctx;

static bool is_info_note(const tn_diag *d) {
    return d->verdict && strcmp(d->verdict, "note") == 0 && d->severity == TENET_SEVERITY_INFO;
}

static bool is_unknown(const tn_diag *d) {
    return d->verdict && strcmp(d->verdict, "unknown") == 0;
}

/* Groups `n` items by file: at[start[f] .. start[f+1]) are file f's items,
 * in their original order. */
static bool bucket(size_t nfiles, size_t n, const void *base, size_t stride, size_t off,
                   size_t **at_out, size_t **start_out) {
    size_t *start = tn_calloc(nfiles + 2, sizeof *start);
    size_t *at = tn_calloc(n ? n : 1, sizeof *at);
    if (!start || !at) {
        tn_free(start);
        tn_free(at);
        return false;
    }
    const char *p = base;
    for (size_t i = 0; i < n; i++) {
        size_t f = *(const size_t *)(const void *)(p + i * stride + off);
        start[(f < nfiles ? f : nfiles) + 1]++;
    }
    for (size_t f = 0; f <= nfiles; f++)
        start[f + 1] += start[f];
    size_t *fill = tn_calloc(nfiles + 1, sizeof *fill);
    if (!fill) {
        tn_free(start);
        tn_free(at);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        size_t f = *(const size_t *)(const void *)(p + i * stride + off);
        f = f < nfiles ? f : nfiles;
        at[start[f] + fill[f]++] = i;
    }
    tn_free(fill);
    *at_out = at;
    *start_out = start;
    return true;
}

static void attr(tn_buf *b, const char *name, const char *value) {
    tn_buf_printf(b, " %s=\"", name);
    tn_buf_put_xml(b, value, true);
    tn_buf_putc(b, '"');
}

/* "file:line:col: severity: message [rule]" plus indented notes. */
static void diag_lines(tn_buf *b, const tenet_report *r, const tn_diag *d) {
    const tn_report_file *f = &r->files.v[d->file_index];
    tn_buf_puts(b, f->name);
    if (tn_diag_positioned(d)) {
        tn_buf_printf(b, ":%u", (unsigned)d->span.line);
        if (d->span.col)
            tn_buf_printf(b, ":%u", (unsigned)d->span.col);
    }
    tn_buf_printf(b, ": %s: %s", tn_severity_name(d->severity), d->message ? d->message : "");
    if (d->rule)
        tn_buf_printf(b, " [%s]", d->rule);
    tn_buf_putc(b, '\n');
    if (!tn_diag_positioned(d) && d->path)
        tn_buf_printf(b, "  at: %s\n", d->path);
    if (d->reason && *d->reason)
        tn_buf_printf(b, "  %s: %s\n", is_unknown(d) ? "reason" : "note", d->reason);
    if (!is_unknown(d) && d->fix && *d->fix)
        tn_buf_printf(b, "  fix: %s\n", d->fix);
    if (d->scenario)
        tn_buf_printf(b, "  scenario: %s\n", d->scenario);
    if (d->regions && strchr(d->regions, ',') && f->regions && strcmp(d->regions, f->regions) != 0)
        tn_buf_printf(b, "  regions: %s\n", d->regions);
    if (d->suppressed)
        tn_buf_printf(b, "  suppressed: %s\n", d->suppression ? d->suppression : "yes");
}

/* Writes `text` (built in `tmp`) as escaped character data of <tag>. */
static void element(junit_ctx *c, const char *indent, const char *tag, tn_buf *tmp) {
    tn_buf_putc(tmp, '\0');
    if (tmp->failed) {
        c->oom = true;
        return;
    }
    tn_buf_printf(c->body, "%s<%s>", indent, tag);
    tn_buf_put_xml(c->body, tmp->ptr, false);
    tn_buf_printf(c->body, "</%s>\n", tag);
}

static void put_case(junit_ctx *c, const char *file, const tcase *t) {
    const tenet_report *r = c->r;
    tn_buf *b = c->body;
    const tn_diag *first_fail = NULL, *first_unknown = NULL, *first_suppressed = NULL;
    bool any_error = false;
    tn_buf fails = {0}, out = {0};
    for (size_t i = t->head; i != NONE; i = c->next[i]) {
        const tn_diag *d = &r->diags.v[i];
        if (d->suppressed) {
            if (!first_suppressed)
                first_suppressed = d;
        } else if (is_unknown(d)) {
            if (!first_unknown)
                first_unknown = d;
        } else if (d->severity != TENET_SEVERITY_INFO) {
            if (!first_fail)
                first_fail = d;
            any_error |= d->severity == TENET_SEVERITY_ERROR;
            diag_lines(&fails, r, d);
            continue;
        }
        diag_lines(&out, r, d);
    }
    c->tests++;
    tn_buf_puts(b, "    <testcase");
    attr(b, "classname", file);
    tn_buf_puts(b, " name=\"");
    if (t->subject) {
        tn_buf_put_xml(b, t->subject, true);
        tn_buf_putc(b, ' ');
    }
    tn_buf_put_xml(b, t->rule ? t->rule : "", true);
    tn_buf_putc(b, '"');
    bool empty = !first_fail && !first_unknown && !first_suppressed && out.size == 0;
    tn_buf_puts(b, empty ? "/>\n" : ">\n");
    if (first_fail) {
        c->failures++;
        tn_buf_puts(b, "      <failure");
        attr(b, "message", first_fail->message ? first_fail->message : "");
        attr(b, "type", any_error ? "error" : "warning");
        tn_buf_puts(b, ">");
        tn_buf_putc(&fails, '\0');
        if (fails.failed)
            c->oom = true;
        else
            tn_buf_put_xml(b, fails.ptr, false);
        tn_buf_puts(b, "</failure>\n");
    } else if (first_unknown || first_suppressed) {
        c->skipped++;
        tn_buf msg = {0};
        if (first_unknown) {
            const char *m = first_unknown->message ? first_unknown->message : "could not verify";
            static const char prefix[] = "could not verify: ";
            if (strncmp(m, prefix, sizeof prefix - 1) != 0)
                tn_buf_puts(&msg, prefix);
            tn_buf_puts(&msg, m);
            if (first_unknown->reason && *first_unknown->reason)
                tn_buf_printf(&msg, " (%s)", first_unknown->reason);
        } else {
            tn_buf_printf(&msg, "suppressed: %s",
                          first_suppressed->suppression ? first_suppressed->suppression : "yes");
        }
        tn_buf_putc(&msg, '\0');
        if (msg.failed) {
            c->oom = true;
        } else {
            tn_buf_puts(b, "      <skipped");
            attr(b, "message", msg.ptr);
            tn_buf_puts(b, "/>\n");
        }
        tn_buf_free(&msg);
    }
    if (out.size)
        element(c, "      ", "system-out", &out);
    if (!empty)
        tn_buf_puts(b, "    </testcase>\n");
    tn_buf_free(&fails);
    tn_buf_free(&out);
}

static void put_input_error(junit_ctx *c, const char *file, const tn_input_error *e) {
    tn_buf *b = c->body;
    c->tests++;
    c->errors++;
    tn_buf_puts(b, "    <testcase");
    attr(b, "classname", file);
    tn_buf_puts(b, " name=\"input-error\">\n      <error");
    attr(b, "message", e->message);
    attr(b, "type", tn_status_token(e->code));
    tn_buf_puts(b, ">");
    tn_buf text = {0};
    tn_buf_puts(&text, file);
    if (e->line) {
        tn_buf_printf(&text, ":%u", (unsigned)e->line);
        if (e->column)
            tn_buf_printf(&text, ":%u", (unsigned)e->column);
    }
    tn_buf_printf(&text, ": error: %s [input-error]\n", e->message ? e->message : "");
    tn_buf_putc(&text, '\0');
    if (text.failed)
        c->oom = true;
    else
        tn_buf_put_xml(b, text.ptr, false);
    tn_buf_free(&text);
    tn_buf_puts(b, "</error>\n    </testcase>\n");
}

/* Finds or adds the testcase of (subject, rule). Keys live in `keys`. */
static size_t case_for(junit_ctx *c, tn_arena *keys, tn_strmap *map, tcase_vec *cases,
                       const char *subject, const char *rule, bool add) {
    char *key = tn_arena_sprintf(keys, "%s\x1f%s", subject ? subject : "\x1e", rule ? rule : "");
    if (!key) {
        c->oom = true;
        return NONE;
    }
    size_t len = strlen(key);
    uintptr_t at = (uintptr_t)tn_strmap_get(map, key, len);
    if (at)
        return at - 1;
    if (!add)
        return NONE;
    tcase t = {subject, rule, NONE, NONE};
    if (TN_VEC_PUSH(*cases, t) < 0 || tn_strmap_put(map, key, len, (void *)(uintptr_t)cases->n) < 0) {
        c->oom = true;
        return NONE;
    }
    return cases->n - 1;
}

static void put_suite(junit_ctx *c, size_t fi) {
    const tenet_report *r = c->r;
    const tn_report_file *f = &r->files.v[fi];
    size_t first = f->first_diag;
    size_t last = fi + 1 < r->files.n ? r->files.v[fi + 1].first_diag : r->diags.n;
    tcase_vec cases = {0};
    tn_strmap map = {0};
    tn_arena keys;
    tn_arena_init(&keys);
    tn_buf notes = {0};

    for (size_t k = c->judged_start[fi]; k < c->judged_start[fi + 1]; k++) {
        const tn_judged *j = &r->judged.v[c->judged_at[k]];
        case_for(c, &keys, &map, &cases, j->subject, j->rule, true);
    }
    for (size_t i = first; i < last && !c->oom; i++) {
        const tn_diag *d = &r->diags.v[i];
        c->next[i] = NONE;
        size_t t = case_for(c, &keys, &map, &cases, d->subject, d->rule, !is_info_note(d));
        if (t == NONE) {
            if (!c->oom)
                diag_lines(&notes, r, d);
            continue;
        }
        if (cases.v[t].tail == NONE)
            cases.v[t].head = i;
        else
            c->next[cases.v[t].tail] = i;
        cases.v[t].tail = i;
    }

    /* The suite's counts come first in its tag: write the cases aside. */
    tn_buf *body = c->body, cases_buf = {0};
    size_t tests = c->tests, failures = c->failures, errors = c->errors, skipped = c->skipped;
    c->body = &cases_buf;
    for (size_t k = c->error_start[fi]; k < c->error_start[fi + 1]; k++)
        put_input_error(c, f->name, &r->errors.v[c->error_at[k]]);
    for (size_t t = 0; t < cases.n && !c->oom; t++)
        put_case(c, f->name, &cases.v[t]);
    if (notes.size)
        element(c, "    ", "system-out", &notes);
    c->body = body;

    tn_buf_puts(body, "  <testsuite");
    attr(body, "name", f->name);
    tn_buf_printf(body, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"",
                  c->tests - tests, c->failures - failures, c->errors - errors,
                  c->skipped - skipped);
    if (cases_buf.size) {
        tn_buf_puts(body, ">\n");
        tn_buf_put(body, cases_buf.ptr, cases_buf.size);
        tn_buf_puts(body, "  </testsuite>\n");
    } else {
        tn_buf_puts(body, "/>\n");
    }
    if (cases_buf.failed || notes.failed)
        c->oom = true;
    tn_buf_free(&cases_buf);
    tn_buf_free(&notes);
    TN_VEC_FREE(cases);
    tn_strmap_free(&map);
    tn_arena_release(&keys);
}

int tn_render_junit(const tenet_report *r, const tenet_render_options *o, tn_buf *out) {
    (void)o;
    junit_ctx c;
    memset(&c, 0, sizeof c);
    c.r = r;
    tn_buf body = {0};
    c.body = &body;
    c.next = tn_calloc(r->diags.n ? r->diags.n : 1, sizeof *c.next);
    bool ok = c.next &&
              bucket(r->files.n, r->judged.n, r->judged.v, sizeof *r->judged.v,
                     offsetof(tn_judged, file_index), &c.judged_at, &c.judged_start) &&
              bucket(r->files.n, r->errors.n, r->errors.v, sizeof *r->errors.v,
                     offsetof(tn_input_error, file_index), &c.error_at, &c.error_start);
    for (size_t fi = 0; ok && fi < r->files.n && !c.oom; fi++)
        put_suite(&c, fi);

    tn_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tenet\"");
    tn_buf_printf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"", c.tests,
                  c.failures, c.errors, c.skipped);
    if (body.size) {
        tn_buf_puts(out, ">\n");
        tn_buf_put(out, body.ptr, body.size);
        tn_buf_puts(out, "</testsuites>\n");
    } else {
        tn_buf_puts(out, "/>\n");
    }
    bool failed = !ok || c.oom || body.failed;
    tn_buf_free(&body);
    tn_free(c.next);
    tn_free(c.judged_at);
    tn_free(c.judged_start);
    tn_free(c.error_at);
    tn_free(c.error_start);
    return failed || tn_buf_failed(out) ? TENET_ENOMEM : TENET_OK;
}
