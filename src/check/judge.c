/* Judging subjects: runs the evaluator over every scenario variant of one
 * subject and folds the findings, so a violation that holds whatever the
 * parameters and conditions are is reported once without a scenario, and
 * one that depends on them names the first scenario that triggers it. */
#include "frontend/frontend.h"
#include "report/report.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/strmap.h"
#include "util/vec.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

/* A finding as collected from one variant. */
typedef struct collected {
    tn_finding f;
    const tn_subject *s; /* the variant that produced it */
    size_t variant;
    size_t count;        /* distinct variants producing it (on the first occurrence) */
    size_t last_variant;
    tn_span span;
    bool has_span;
    const char *path;
    const char *key;
} collected;

typedef struct judge_state {
    tn_run *run;
    TN_VEC(collected) items;
    tn_strmap seen; /* key → index+1 of the first occurrence in items */
    tn_buf key;     /* scratch for the key of the finding being collected */
    tn_arena *arena; /* for what lives as long as this judgement */
    size_t variant;
    size_t *result;  /* [nrules] while sharing: 1 + the item a rule's finding went to, or 0 */
    bool single;     /* one variant: each finding goes to the report as it comes */
    int rc;
} judge_state;

static bool same_file(const tn_run *run, const tn_value *v) {
    return !v->file || !run->file || strcmp(v->file, run->file) == 0;
}

/* Where a finding points: the value's span when it has one in this file,
 * else the subject's own position. */
static void locate(const tn_run *run, const tn_subject *s, const tn_finding *f, tn_span *span,
                   bool *has_span, const char **path) {
    const tn_value *at = f->at;
    if (at && at->has_span && same_file(run, at)) {
        *span = at->span;
        *has_span = true;
        *path = f->at_path ? f->at_path : (at->path ? at->path : s->path);
        return;
    }
    *span = s->span;
    *has_span = s->span.line != 0;
    *path = f->at_path ? f->at_path : (at && at->path ? at->path : s->path);
}

static int add_finding(tn_run *run, const collected *c, const char *scenario);

static int collect(void *payload, const tn_subject *s, const tn_finding *f) {
    judge_state *st = payload;
    tn_run *run = st->run;
    collected c;
    memset(&c, 0, sizeof c);
    c.f = *f;
    c.s = s;
    c.variant = st->variant;
    c.last_variant = st->variant;
    c.count = 1;
    locate(run, s, f, &c.span, &c.has_span, &c.path);
    /* One variant evaluates each rule once, so no finding repeats: there
     * is nothing to fold, and the report gets them in the same order. */
    if (st->single) {
        int rc = add_finding(run, &c, NULL);
        return rc != TENET_OK ? (st->rc = rc) : 0;
    }
    /* The identity of a finding across variants: rule, verdict, span and
     * message. Most are repeats, so the key is built in a reused buffer
     * (no printf) and copied only when it is new. */
    tn_span z = {0};
    const tn_span *sp = c.has_span ? &c.span : &z;
    uint32_t nums[5] = {(uint32_t)f->verdict, sp->line, sp->col, sp->end_line, sp->end_col};
    tn_buf *kb = &st->key;
    kb->size = 0;
    tn_buf_puts(kb, f->rule && f->rule->id ? f->rule->id : "");
    tn_buf_put(kb, (const char *)nums, sizeof nums);
    tn_buf_puts(kb, f->message ? f->message : "");
    if (tn_buf_failed(kb))
        return st->rc = TENET_ENOMEM;
    size_t klen = kb->size;
    uintptr_t found = (uintptr_t)tn_strmap_get(&st->seen, kb->ptr, klen);
    if (st->result && f->rule)
        st->result[f->rule - run->eval->rs->rules] = found ? found : st->items.n + 1;
    if (found) {
        collected *first = &st->items.v[found - 1];
        if (first->last_variant != st->variant) {
            first->last_variant = st->variant;
            first->count++;
        }
        return 0;
    }
    char *key = tn_arena_alloc(st->arena, klen);
    if (!key)
        return st->rc = TENET_ENOMEM;
    memcpy(key, kb->ptr, klen);
    c.key = key;
    if (TN_VEC_PUSH(st->items, c) < 0)
        return st->rc = TENET_ENOMEM;
    if (tn_strmap_put(&st->seen, key, klen, (void *)(uintptr_t)st->items.n) < 0)
        return st->rc = TENET_ENOMEM;
    return 0;
}

static int add_finding(tn_run *run, const collected *c, const char *scenario) {
    const tn_finding *f = &c->f;
    const tn_rule *rule = f->rule;
    const tn_subject *s = c->s;
    bool unknown = f->verdict == TN_VERDICT_UNKNOWN;
    tn_diag d;
    memset(&d, 0, sizeof d);
    d.rule = rule ? rule->id : NULL;
    d.severity = f->severity;
    d.verdict = unknown ? "unknown" : "fail";
    d.message = f->message;
    d.fix = rule ? rule->fix : NULL;
    /* A failure has no "reason"; the subject's note (why a plan replaces
     * it, ...) is the context worth showing there instead. */
    d.reason = unknown ? f->reason : s->note;
    d.has_span = c->has_span;
    d.span = c->span;
    d.path = c->path;
    d.subject = s->name;
    d.kind = s->kind ? s->kind->name : NULL;
    d.operation = s->op != TN_OP_NONE ? tn_operation_name(s->op) : NULL;
    d.region = s->region;
    d.regions = s->region;
    d.scenario = scenario;
    d.source = rule ? rule->source : NULL;
    d.subject_line = s->span.line;
    return tn_report_add(run->report, &d);
}

/* Records every rule the subject was judged by (for reports that list
 * passes too), in ruleset order: those applying to any of its variants. */
static int note_judged(tn_run *run, tn_subject *const *variants, size_t n, tn_arena *arena) {
    const tenet_ruleset *rs = run->rs;
    if (!rs || rs->nrules == 0)
        return TENET_OK;
    const char **ids = tn_arena_calloc(arena, rs->nrules, sizeof *ids);
    if (!ids)
        return TENET_ENOMEM;
    /* Variants of one kind: only that kind's rules can apply. */
    const size_t *only = NULL;
    size_t nonly = rs->nrules;
    bool one_kind = true;
    for (size_t v = 1; v < n && one_kind; v++)
        one_kind = variants[v]->kind == variants[0]->kind;
    if (!one_kind || !tn_eval_kind_rules(rs, variants[0]->kind, &only, &nonly)) {
        only = NULL;
        nonly = rs->nrules;
    }
    size_t k = 0;
    for (size_t j = 0; j < nonly; j++) {
        const tn_rule *rule = &rs->rules[only ? only[j] : j];
        for (size_t v = 0; v < n; v++) {
            /* Whether a rule applies depends on the kind and operation only. */
            if (v > 0 && variants[v]->kind == variants[0]->kind &&
                variants[v]->op == variants[0]->op)
                continue;
            if (tn_eval_rule_applies(rule, variants[v])) {
                ids[k++] = rule->id;
                break;
            }
        }
    }
    return tn_report_add_judged(run->report, variants[0]->name, ids, k);
}

/* ---- verdicts the variants share ---- */

/* Variants of one subject mostly hold the very same values (a scenario
 * changes a few fields; the frontend copies the rest and says so through
 * tn_subject.field_ids), and a rule's finding depends only on the fields it
 * reads (tn_eval_rule_reads) and on the subject's own attributes. So a rule
 * is evaluated once per combination of the values it reads: a later variant
 * with the same ones takes the earlier finding (or its absence) instead of
 * evaluating the rule again. */

#define MAX_CLASSES 8 /* distinct attribute sets told apart; more are not shared */
#define MAX_MEMO 16   /* evaluations per rule remembered; more are not shared */

typedef struct memo {
    uint32_t variant; /* the variant evaluated: its values are the combination */
    size_t result;    /* 1 + the item its finding went to, or 0 for none */
} memo;

typedef struct sharing {
    tn_subject *const *variants;
    size_t nr;         /* rules */
    uint32_t *attrs;   /* [n] the first variant with the same attributes */
    const uint8_t **reads; /* [nr] fields each rule reads (tn_eval_rule_reads); NULL: */
    size_t *nreads;        /* not shared */
    memo *memos;       /* [nr][MAX_MEMO] */
    uint32_t *nmemos;  /* [nr] */
    unsigned char *only; /* [nr] rules the current variant evaluates */
} sharing;

static bool same_attributes(const tn_subject *a, const tn_subject *b) {
    return a->kind == b->kind && a->name == b->name && a->type == b->type &&
           a->format == b->format && a->file == b->file && a->op == b->op &&
           a->operation_name == b->operation_name && a->region == b->region &&
           a->region_reason == b->region_reason && a->path == b->path && a->before == b->before &&
           a->note == b->note && memcmp(&a->span, &b->span, sizeof a->span) == 0;
}

static int sharing_init(sharing *sh, tn_run *run, tn_subject *const *variants, size_t n,
                        tn_arena *arena) {
    memset(sh, 0, sizeof *sh);
    const tn_kind *kind = variants[0]->kind;
    if (n < 2 || !run->eval || !run->eval->rs || !kind || n > UINT32_MAX)
        return TENET_OK;
    for (size_t k = 0; k < n; k++)
        if (variants[k]->kind != kind || !variants[k]->field_ids)
            return TENET_OK; /* values the frontend does not say are shared */
    const tenet_ruleset *rs = run->eval->rs;
    size_t nr = rs->nrules ? rs->nrules : 1;
    sh->variants = variants;
    sh->nr = rs->nrules;
    sh->attrs = tn_arena_alloc(arena, n * sizeof *sh->attrs);
    sh->reads = tn_arena_calloc(arena, nr, sizeof *sh->reads);
    sh->nreads = tn_arena_calloc(arena, nr, sizeof *sh->nreads);
    sh->memos = tn_arena_alloc(arena, nr * MAX_MEMO * sizeof *sh->memos); /* read below nmemos */
    sh->nmemos = tn_arena_calloc(arena, nr, sizeof *sh->nmemos);
    sh->only = tn_arena_calloc(arena, nr, sizeof *sh->only);
    if (!sh->attrs || !sh->reads || !sh->nreads || !sh->memos || !sh->nmemos || !sh->only)
        return TENET_ENOMEM;
    for (size_t ri = 0; ri < sh->nr; ri++) {
        int rc = tn_eval_rule_reads(run->eval, ri, &sh->reads[ri], &sh->nreads[ri]);
        if (rc != TENET_OK)
            return rc;
        if (rs->rules[ri].kind != kind)
            sh->reads[ri] = NULL; /* field indices of another kind */
    }
    /* Region, operation, ...: the same in every variant a frontend makes. */
    uint32_t reps[MAX_CLASSES], nreps = 0;
    for (size_t k = 0; k < n; k++) {
        sh->attrs[k] = (uint32_t)k;
        for (uint32_t i = 0; i < nreps && sh->attrs[k] == k; i++)
            if (same_attributes(variants[reps[i]], variants[k]))
                sh->attrs[k] = reps[i];
        if (sh->attrs[k] == k && nreps < MAX_CLASSES)
            reps[nreps++] = (uint32_t)k;
    }
    return TENET_OK;
}

/* Whether variants a and b hold the same attributes and values rule ri reads. */
static bool same_reads(const sharing *sh, size_t a, size_t b, size_t ri) {
    if (sh->attrs[a] != sh->attrs[b])
        return false;
    const uint32_t *x = sh->variants[a]->field_ids, *y = sh->variants[b]->field_ids;
    for (size_t i = 0; i < sh->nreads[ri]; i++)
        if (x[sh->reads[ri][i]] != y[sh->reads[ri][i]])
            return false;
    return true;
}

/* The earlier finding of a rule counts for this variant too. */
static void replay(judge_state *st, size_t result) {
    if (result == 0)
        return; /* the rule found nothing */
    collected *c = &st->items.v[result - 1];
    if (c->last_variant != st->variant) {
        c->last_variant = st->variant;
        c->count++;
    }
}

/* Evaluates variant k: the rules whose values it shares with an earlier
 * variant take that variant's finding, the others are evaluated. */
static int judge_shared(judge_state *st, sharing *sh, const tn_subject *s, size_t k) {
    bool any = false;
    for (size_t ri = 0; ri < sh->nr; ri++) {
        sh->only[ri] = 1;
        st->result[ri] = 0;
        if (sh->reads[ri] == NULL)
            continue;
        const memo *m = &sh->memos[ri * MAX_MEMO];
        for (uint32_t i = 0; i < sh->nmemos[ri] && sh->only[ri]; i++) {
            if (same_reads(sh, m[i].variant, k, ri)) {
                replay(st, m[i].result);
                sh->only[ri] = 0;
            }
        }
        any = any || sh->only[ri];
    }
    if (!any)
        return TENET_OK;
    /* tn_eval_subject_only skips the rules that do not apply to `s`. */
    int r = tn_eval_subject_only(st->run->eval, s, sh->only, collect, st);
    if (st->rc)
        return st->rc;
    if (r < 0)
        return r;
    for (size_t ri = 0; ri < sh->nr; ri++) {
        if (!sh->only[ri] || sh->reads[ri] == NULL || sh->nmemos[ri] >= MAX_MEMO)
            continue;
        memo *m = &sh->memos[ri * MAX_MEMO + sh->nmemos[ri]++];
        m->variant = (uint32_t)k;
        m->result = st->result[ri];
    }
    return TENET_OK;
}

int tn_run_judge(tn_run *run, tn_subject *const *variants, size_t n) {
    if (!run || (!variants && n))
        return TENET_EINVAL;
    if (n == 0)
        return TENET_OK; /* nothing to judge */
    /* A subject judged once per region still counts once. */
    int fresh = tn_report_note_subject(run->report, variants[0]->name, &variants[0]->span);
    if (fresh < 0)
        return fresh;
    run->subjects += (size_t)fresh;
    /* What judging allocates (messages, reasons, keys) is copied by the
     * report when kept, and most findings repeat across variants: it lives
     * only as long as this judgement, not as long as the check. */
    tn_arena scratch;
    tn_arena_init(&scratch);
    int rc = note_judged(run, variants, n, &scratch);
    if (rc != TENET_OK) {
        tn_arena_release(&scratch);
        return rc;
    }
    judge_state st;
    memset(&st, 0, sizeof st);
    st.run = run;
    st.arena = &scratch;
    st.single = n == 1;
    tn_arena *eval_arena = run->eval ? run->eval->arena : NULL;
    if (run->eval)
        run->eval->arena = &scratch;
    sharing sh;
    rc = sharing_init(&sh, run, variants, n, &scratch);
    if (rc == TENET_OK && sh.attrs) {
        st.result = tn_arena_calloc(&scratch, run->eval->rs->nrules ? run->eval->rs->nrules : 1,
                                    sizeof *st.result);
        if (!st.result)
            rc = TENET_ENOMEM;
    }
    for (size_t i = 0; i < n && rc == TENET_OK; i++) {
        st.variant = i;
        if (sh.attrs) {
            rc = judge_shared(&st, &sh, variants[i], i);
            continue;
        }
        int r = tn_eval_subject(run->eval, variants[i], collect, &st);
        if (st.rc)
            rc = st.rc;
        else if (r < 0)
            rc = r;
    }
    for (size_t i = 0; i < st.items.n && rc == TENET_OK; i++) {
        const collected *c = &st.items.v[i];
        /* A finding every variant shares does not depend on the scenario. */
        const char *scenario = c->count == n ? NULL : variants[c->variant]->scenario;
        rc = add_finding(run, c, scenario);
    }
    if (run->eval)
        run->eval->arena = eval_arena;
    TN_VEC_FREE(st.items);
    tn_strmap_free(&st.seen);
    tn_buf_free(&st.key);
    tn_arena_release(&scratch);
    return rc;
}

int tn_run_ignore(tn_run *run, const char *subject, const char *rule, const char *reason,
                  const tn_span *span) {
    if (!run || !rule)
        return TENET_EINVAL;
    tn_ignore ig = {subject, rule, reason, {0}};
    if (span)
        ig.span = *span;
    return TN_VEC_PUSH(run->ignores, ig) < 0 ? TENET_ENOMEM : TENET_OK;
}

int tn_run_note(tn_run *run, tenet_severity sev, const char *code, const tn_span *span,
                const char *path, const char *subject, const char *fmt, ...) {
    if (!run || !code || !fmt)
        return TENET_EINVAL;
    va_list ap;
    va_start(ap, fmt);
    char *msg = tn_arena_vsprintf(run->arena, fmt, ap);
    va_end(ap);
    if (!msg)
        return TENET_ENOMEM;
    tn_diag d;
    memset(&d, 0, sizeof d);
    d.rule = code;
    d.severity = sev;
    d.verdict = "note";
    d.message = msg;
    if (span && span->line) {
        d.has_span = true;
        d.span = *span;
    }
    d.path = path;
    d.subject = subject;
    return tn_report_add(run->report, &d);
}

int tn_run_judge_regions(tn_run *run, tn_subject *s) {
    tn_subject *one = s;
    if (s->region || run->nregions == 0)
        return tn_run_judge(run, &one, 1);
    size_t counted = run->subjects;
    for (size_t r = 0; r < run->nregions; r++) {
        tn_subject v = *s;
        tn_subject *vp = &v;
        v.region = run->regions[r];
        v.region_reason = NULL;
        int rc = tn_run_judge(run, &vp, 1);
        if (rc < 0)
            return rc;
    }
    if (run->subjects > counted + 1)
        run->subjects = counted + 1;
    return TENET_OK;
}
