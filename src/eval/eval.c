/* Rule evaluation: field resolution (links, pseudo-fields), conditions in
 * Kleene logic, the verdict table of rules/README.md, and messages.
 * Evaluation only reads the ruleset and the subject; everything it creates
 * goes into ctx->arena. */
#include "eval/eval.h"
#include "eval/ops.h"
#include "eval/regex.h"
#include "util/alloc.h"
#include "util/vec.h"
#include <stdint.h>
#include <string.h>

static const tn_value k_absent; /* zero: TN_V_ABSENT */
/* Returned when a pseudo-field value cannot be allocated; evaluation
 * notices the pointer and fails with TENET_ENOMEM. */
static const tn_value k_oom = {.kind = TN_V_UNKNOWN, .reason = "out of memory"};

#define TN_DEFAULT_OPS (TN_OP_CREATE | TN_OP_UPDATE | TN_OP_REPLACE)

static void reads_free(struct tn_eval_reads *r);

int tn_eval_ctx_init_limits(tn_eval_ctx *ctx, const tenet_ruleset *rs, tn_arena *arena,
                            size_t regex_match_limit, size_t regex_depth_limit) {
    if (!ctx) return TENET_EINVAL;
    memset(ctx, 0, sizeof *ctx);
    ctx->rs = rs;
    ctx->arena = arena;
    ctx->regex_match_limit = regex_match_limit;
    ctx->regex_depth_limit = regex_depth_limit;
    ctx->match_data = tn_regex_match_data_new_limits(regex_match_limit, regex_depth_limit);
    return ctx->match_data ? TENET_OK : TENET_ENOMEM;
}

int tn_eval_ctx_init(tn_eval_ctx *ctx, const tenet_ruleset *rs, tn_arena *arena) {
    return tn_eval_ctx_init_limits(ctx, rs, arena, 0, 0);
}

void tn_eval_ctx_dispose(tn_eval_ctx *ctx) {
    if (!ctx) return;
    tn_regex_match_data_free(ctx->match_data);
    ctx->match_data = NULL;
    reads_free(ctx->reads);
    ctx->reads = NULL;
}

/* ---- field resolution ------------------------------------------------- */

static long field_index(const tn_kind *kind, const char *name) {
    if (!kind || !name) return -1;
    for (size_t i = 0; i < kind->nfields; i++)
        if (kind->fields[i].name && strcmp(kind->fields[i].name, name) == 0) return (long)i;
    return -1;
}

/* State of one evaluation of one subject. */
typedef struct tn_estate {
    tn_eval_ctx *ctx;
    const tn_subject *s;
    bool oom;
    /* The subject's pseudo-fields, made once per evaluation instead of being
     * allocated at every use (they stay put while the evaluation runs). */
    tn_value pseudo[TN_PSEUDO_TYPE + 1];
    bool have_pseudo[TN_PSEUDO_TYPE + 1];
} tn_estate;

/* Fills *v with pseudo-field p of s (kind ABSENT when s has none). */
static void pseudo_fill(tn_value *v, const tn_subject *s, tn_pseudo p) {
    const char *text = NULL;
    memset(v, 0, sizeof *v);
    switch (p) {
    case TN_PSEUDO_REGION:
        if (!s->region) {
            v->kind = TN_V_UNKNOWN;
            v->reason = s->region_reason ? s->region_reason : "the region is not known";
            return;
        }
        text = s->region;
        break;
    case TN_PSEUDO_OPERATION: text = tn_operation_name(s->op); break;
    case TN_PSEUDO_FORMAT: text = s->format; break;
    case TN_PSEUDO_NAME: text = s->name; break;
    case TN_PSEUDO_KIND: text = s->kind ? s->kind->name : NULL; break;
    case TN_PSEUDO_TYPE: text = s->type; break;
    case TN_PSEUDO_NONE: break;
    }
    if (text) {
        v->kind = TN_V_STR;
        v->text = text;
        v->len = strlen(text);
    }
}

static const tn_value *pseudo_value(tn_eval_ctx *ctx, const tn_subject *s, tn_pseudo p) {
    tn_value tmp;
    pseudo_fill(&tmp, s, p);
    if (tmp.kind == TN_V_ABSENT) return &k_absent;
    tn_value *v = tn_arena_alloc(ctx->arena, sizeof *v);
    if (!v) return &k_oom;
    *v = tmp;
    return v;
}

/* A pseudo-field of the subject under evaluation comes from es's slots. */
static const tn_value *pseudo_of(tn_estate *es, tn_eval_ctx *ctx, const tn_subject *s,
                                 tn_pseudo p) {
    if (!es || s != es->s || p == TN_PSEUDO_NONE || p > TN_PSEUDO_TYPE)
        return pseudo_value(ctx, s, p);
    if (!es->have_pseudo[p]) {
        pseudo_fill(&es->pseudo[p], s, p);
        es->have_pseudo[p] = true;
    }
    return &es->pseudo[p];
}

static const tn_value *resolve(tn_estate *es, tn_eval_ctx *ctx, const tn_subject *s,
                               const tn_fieldref *ref, const tn_value **before_out);

const tn_value *tn_eval_resolve(tn_eval_ctx *ctx, const tn_subject *s, const tn_fieldref *ref,
                                const tn_value **before_out) {
    return resolve(NULL, ctx, s, ref, before_out);
}

static const tn_value *resolve(tn_estate *es, tn_eval_ctx *ctx, const tn_subject *s,
                               const tn_fieldref *ref, const tn_value **before_out) {
    if (before_out) *before_out = NULL;
    if (!ctx || !s || !ref) return &k_absent;
    if (ref->nhops == 1 && ref->pseudo == TN_PSEUDO_NONE && ref->first >= 0 && s->kind &&
        s->fields) {
        /* The common case: a field of the subject itself. */
        if ((size_t)ref->first >= s->kind->nfields) return &k_absent;
        if (before_out && s->before) *before_out = &s->before[ref->first];
        return &s->fields[ref->first];
    }
    size_t nfield = ref->nhops;
    /* hops may or may not list the trailing pseudo-field */
    if (ref->pseudo != TN_PSEUDO_NONE && nfield && ref->hops[nfield - 1] &&
        ref->hops[nfield - 1][0] == '@')
        nfield--;
    const tn_subject *cur = s;
    for (size_t i = 0; i < nfield; i++) {
        if (!cur->kind || !cur->fields) return &k_absent;
        long idx = i == 0 && ref->first >= 0 ? ref->first : field_index(cur->kind, ref->hops[i]);
        if (idx < 0 || (size_t)idx >= cur->kind->nfields) return &k_absent;
        const tn_value *v = &cur->fields[idx];
        if (i + 1 == nfield && ref->pseudo == TN_PSEUDO_NONE) {
            if (before_out && cur->before) *before_out = &cur->before[idx];
            return v;
        }
        /* Without a link the linked value is absent (README): frontends set a
         * link for every reference into the input, even an unknown one, so a
         * value without one names something outside it. */
        if (!v->link) return &k_absent;
        cur = v->link;
    }
    if (ref->pseudo == TN_PSEUDO_NONE) return &k_absent;
    return pseudo_of(es, ctx, cur, ref->pseudo);
}

/* ---- conditions ------------------------------------------------------- */

/* The leaf that decided a (sub)condition's result. */
typedef struct tn_leaf {
    const tn_value *v;
    const tn_fieldref *ref;
    int unknown_op; /* tn_opr of the first unknown operator, or -1 */
} tn_leaf;


/* A FIELD condition: its test on the field's value. */
static inline tn_tri field_test(tn_estate *es, const tn_cond *c, tn_leaf *why) {
    const tn_value *before = NULL, *v;
    const tn_fieldref *ref = &c->ref;
    const tn_subject *s = es->s;
    if (s && es->ctx && ref->nhops == 1 && ref->pseudo == TN_PSEUDO_NONE && ref->first >= 0 &&
        s->kind && s->fields && (size_t)ref->first < s->kind->nfields) {
        v = &s->fields[ref->first]; /* resolve()'s common case, without the call */
        if (s->before) before = &s->before[ref->first];
    } else {
        v = resolve(es, es->ctx, s, ref, &before);
    }
    if (v == &k_oom) es->oom = true;
    why->v = v;
    why->ref = &c->ref;
    why->unknown_op = -1;
    return tn_ops_test(es->ctx, c->test, v, before, &why->unknown_op);
}

static tn_tri cond_rec(tn_estate *es, const tn_cond *c, tn_leaf *why) {
    why->v = NULL;
    why->ref = NULL;
    why->unknown_op = -1;
    if (!c) return TN_TRUE;
    switch (c->type) {
    case TN_COND_FIELD: return field_test(es, c, why);
    case TN_COND_NOT:
        /* the leaf that made the operand true is the one that made NOT false */
        return tn_tri_not(c->n ? cond_rec(es, c->kids[0], why) : TN_TRUE);
    case TN_COND_ALL:
    case TN_COND_ANY: {
        tn_tri r;
        tn_leaf kid, first = {0, 0, -1}, first_false = first, first_true = first,
                     first_unknown = first;
        bool all = c->type == TN_COND_ALL;
        bool seen_false = false, seen_true = false, seen_unknown = false;
        r = all ? TN_TRUE : TN_FALSE;
        for (size_t i = 0; i < c->n; i++) {
            const tn_cond *kc = c->kids[i];
            /* most kids are fields: tested here, without a call */
            tn_tri k = kc && kc->type == TN_COND_FIELD ? field_test(es, kc, &kid)
                                                       : cond_rec(es, kc, &kid);
            if (i == 0) first = kid;
            if (k == TN_FALSE && !seen_false) first_false = kid, seen_false = true;
            if (k == TN_TRUE && !seen_true) first_true = kid, seen_true = true;
            if (k == TN_UNKNOWN && !seen_unknown) first_unknown = kid, seen_unknown = true;
            r = all ? tn_tri_and(r, k) : tn_tri_or(r, k);
            if (r == (all ? TN_FALSE : TN_TRUE)) break; /* decided */
        }
        if (r == TN_FALSE) *why = all ? first_false : first;
        else if (r == TN_TRUE) *why = all ? first : first_true;
        else *why = first_unknown;
        return r;
    }
    }
    return TN_UNKNOWN;
}

tn_tri tn_eval_cond(tn_eval_ctx *ctx, const tn_subject *s, const tn_cond *c,
                    const tn_value **first_false, const tn_value **first_unknown) {
    tn_estate es = {.ctx = ctx, .s = s};
    tn_leaf why;
    if (first_false) *first_false = NULL;
    if (first_unknown) *first_unknown = NULL;
    tn_tri r = cond_rec(&es, c, &why);
    if (r == TN_FALSE && first_false) *first_false = why.v;
    if (r == TN_UNKNOWN && first_unknown) *first_unknown = why.v;
    return r;
}

/* ---- findings --------------------------------------------------------- */

static const char *ref_name(const tn_fieldref *ref) {
    if (!ref) return "a field";
    if (ref->text) return ref->text;
    return ref->nhops && ref->hops[0] ? ref->hops[0] : "a field";
}

static const char *unknown_reason(tn_eval_ctx *ctx, const tn_leaf *l) {
    const char *name = ref_name(l->ref);
    const tn_value *v = l->v;
    const char *r = NULL;
    if (v && v->kind == TN_V_UNKNOWN) {
        if (v->reason) return v->reason;
    } else if (v && l->unknown_op == (int)TN_OPR_VERSION) {
        r = tn_arena_sprintf(ctx->arena, "%s '%s' is not a version", name,
                             tn_value_display(v, ctx->arena));
    } else if (v && l->unknown_op == (int)TN_OPR_MATCHES) {
        r = tn_arena_sprintf(ctx->arena,
                             "matching %s against the pattern hit the regular expression "
                             "match limit",
                             name);
    }
    if (!r) r = tn_arena_sprintf(ctx->arena, "the value of %s is not known", name);
    return r;
}

/* A placeholder names a field reference: "engine", "a->b", "@region".
 * 1 when it does, 0 when it is not a field reference, -1 out of memory. */
static int parse_placeholder(tn_arena *arena, const tn_kind *kind, const char *p, size_t len,
                             tn_fieldref *ref) {
    static const struct {
        const char *name;
        tn_pseudo p;
    } pseudos[] = {{"@region", TN_PSEUDO_REGION}, {"@operation", TN_PSEUDO_OPERATION},
                   {"@format", TN_PSEUDO_FORMAT}, {"@name", TN_PSEUDO_NAME},
                   {"@kind", TN_PSEUDO_KIND},     {"@type", TN_PSEUDO_TYPE}};
    memset(ref, 0, sizeof *ref);
    while (len && *p == ' ') p++, len--;
    while (len && p[len - 1] == ' ') len--;
    if (!len) return 0;
    size_t nhops = 1;
    for (size_t i = 0; i + 1 < len; i++)
        if (p[i] == '-' && p[i + 1] == '>') nhops++;
    const char **hops = tn_arena_calloc(arena, nhops, sizeof *hops);
    if (!hops) return -1;
    size_t h = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || (i + 1 < len && p[i] == '-' && p[i + 1] == '>')) {
            if (i == start) return 0;
            hops[h] = tn_arena_strndup(arena, p + start, i - start);
            if (!hops[h]) return -1;
            h++;
            start = i + 2;
            i++;
        }
    }
    ref->text = tn_arena_strndup(arena, p, len);
    if (!ref->text) return -1;
    ref->hops = hops;
    ref->nhops = nhops;
    const char *last = hops[nhops - 1];
    if (last[0] == '@') {
        for (size_t i = 0; i < sizeof pseudos / sizeof pseudos[0]; i++)
            if (strcmp(last, pseudos[i].name) == 0) ref->pseudo = pseudos[i].p;
        if (ref->pseudo == TN_PSEUDO_NONE) return 0;
    }
    for (size_t i = 0; i + 1 < nhops; i++)
        if (hops[i][0] == '@') return 0;
    ref->first = hops[0][0] == '@' ? -1 : field_index(kind, hops[0]);
    return hops[0][0] == '@' || ref->first >= 0;
}

int tn_eval_template(tn_arena *arena, const tn_kind *kind, const char *m, tn_msg_part **out,
                     size_t *nout) {
    *out = NULL;
    *nout = 0;
    /* Every part but a last literal ends at or after a brace. */
    size_t cap = 1;
    for (const char *p = m; *p; p++) cap += *p == '{' || *p == '}';
    tn_msg_part *parts = tn_arena_alloc(arena, cap * sizeof *parts);
    if (!parts) return TENET_ENOMEM;
    size_t n = 0;
    for (const char *p = m; *p;) {
        tn_msg_part *part = &parts[n++];
        part->text = p;
        part->ref = NULL;
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            part->len = 1; /* a literal brace */
            p += 2;
            continue;
        }
        const char *close = p[0] == '{' ? strchr(p + 1, '}') : NULL;
        if (!close) {
            /* literal text up to the next brace, in one piece */
            part->len = 1 + strcspn(p + 1, "{}");
            p += part->len;
            continue;
        }
        part->len = (size_t)(close - p + 1);
        tn_fieldref *ref = tn_arena_alloc(arena, sizeof *ref);
        if (!ref) return TENET_ENOMEM;
        int rc = parse_placeholder(arena, kind, p + 1, (size_t)(close - p - 1), ref);
        if (rc < 0) return TENET_ENOMEM;
        if (rc > 0) part->ref = ref; /* otherwise kept as written */
        p = close + 1;
    }
    *out = parts;
    *nout = n;
    return TENET_OK;
}

/* Fills {placeholders}; "{{" and "}}" are literal braces. */
static const char *render_message(tn_estate *es, const tn_rule *rule) {
    const char *m = rule->message ? rule->message : (rule->title ? rule->title : rule->id);
    if (!m) return "";
    tn_arena *arena = es->ctx->arena;
    const tn_msg_part *parts = rule->message ? rule->msg_parts : NULL;
    size_t n = rule->nmsg_parts;
    if (!parts) {
        if (!strchr(m, '{') && !strchr(m, '}')) return m;
        tn_msg_part *made;
        if (tn_eval_template(arena, rule->kind, m, &made, &n) != TENET_OK) {
            es->oom = true;
            return NULL;
        }
        parts = made;
    }
    /* Each part's text, then one copy of them all: no buffer to grow. */
    tn_msg_part *shown = tn_arena_alloc(arena, (n ? n : 1) * sizeof *shown);
    if (!shown) {
        es->oom = true;
        return NULL;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        shown[i] = parts[i];
        if (parts[i].ref) {
            const tn_value *v = resolve(es, es->ctx, es->s, parts[i].ref, NULL);
            if (v == &k_oom) es->oom = true;
            shown[i].text = tn_value_display(v, arena);
            shown[i].len = strlen(shown[i].text);
        }
        total += shown[i].len;
    }
    char *out = tn_arena_alloc(arena, total + 1);
    if (!out) {
        es->oom = true;
        return NULL;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(out + at, shown[i].text, shown[i].len);
        at += shown[i].len;
    }
    out[at] = '\0';
    return out;
}

/* Only a value written somewhere can be pointed at; otherwise the caller
 * uses the subject's own span. */
static const tn_value *position_of(const tn_value *v) {
    if (!v || v == &k_oom || v->kind == TN_V_ABSENT || !v->has_span) return NULL;
    return v;
}

bool tn_eval_kind_rules(const tenet_ruleset *rs, const tn_kind *kind, const size_t **idx,
                        size_t *n) {
    if (!rs || !rs->by_kind || !kind || rs->nkinds == 0 ||
        (uintptr_t)kind < (uintptr_t)rs->kinds ||
        (uintptr_t)kind >= (uintptr_t)(rs->kinds + rs->nkinds))
        return false;
    *idx = kind->rules;
    *n = kind->nrules;
    return true;
}

static bool ops_apply(const tn_rule *r, const tn_subject *s) {
    unsigned ops = r->ops ? r->ops : TN_DEFAULT_OPS;
    return (ops & (unsigned)s->op) != 0;
}

bool tn_eval_rule_applies(const tn_rule *r, const tn_subject *s) {
    if (r->kind != s->kind) {
        if (!r->kind || !s->kind || !r->kind->name || !s->kind->name ||
            strcmp(r->kind->name, s->kind->name) != 0)
            return false;
    }
    return ops_apply(r, s);
}

static int eval_rule(tn_estate *es, const tn_rule *rule, tn_finding_fn cb, void *payload) {
    tn_eval_ctx *ctx = es->ctx;
    tn_leaf wl, rl;
    memset(&wl, 0, sizeof wl);
    memset(&rl, 0, sizeof rl);
    tn_tri w = rule->when ? cond_rec(es, rule->when, &wl) : TN_TRUE;
    if (es->oom) return TENET_ENOMEM;
    if (w == TN_FALSE) return TENET_OK;
    /* without `require`, `when` describes the violation */
    tn_tri r = rule->require ? cond_rec(es, rule->require, &rl) : TN_FALSE;
    if (es->oom) return TENET_ENOMEM;
    if (r == TN_TRUE) return TENET_OK;

    tn_finding f;
    memset(&f, 0, sizeof f);
    f.rule = rule;
    const tn_value *at;
    if (w == TN_TRUE && r == TN_FALSE) {
        f.verdict = TN_VERDICT_FAIL;
        f.severity = rule->severity;
        if (rule->at) at = resolve(es, ctx, es->s, rule->at, NULL);
        else at = rule->require ? rl.v : wl.v;
        f.message = render_message(es, rule);
    } else {
        const tn_leaf *u = r == TN_UNKNOWN ? &rl : &wl;
        if (rule->on_unknown == TN_UNKNOWN_PASS) return TENET_OK;
        at = u->v;
        f.reason = unknown_reason(ctx, u);
        if (!f.reason) return TENET_ENOMEM;
        if (rule->on_unknown == TN_UNKNOWN_FAIL) {
            f.verdict = TN_VERDICT_FAIL;
            f.severity = rule->severity;
            f.message = render_message(es, rule);
        } else {
            f.verdict = TN_VERDICT_UNKNOWN;
            f.severity = TENET_SEVERITY_INFO;
            f.message = tn_arena_sprintf(ctx->arena, "could not verify: %s",
                                         rule->title ? rule->title : rule->id ? rule->id : "rule");
            if (!f.message) es->oom = true;
        }
    }
    if (es->oom || at == &k_oom) return TENET_ENOMEM;
    f.at = position_of(at);
    f.at_path = f.at ? f.at->path : NULL;
    return cb ? cb(payload, es->s, &f) : TENET_OK;
}

int tn_eval_subject_only(tn_eval_ctx *ctx, const tn_subject *s, const unsigned char *only,
                         tn_finding_fn cb, void *payload) {
    if (!ctx || !s || !ctx->arena) return TENET_EINVAL;
    if (!ctx->rs) return TENET_OK;
    /* The pseudo-field slots are written before they are read: only the
     * flags need clearing, not the whole state. */
    tn_estate es;
    es.ctx = ctx;
    es.s = s;
    es.oom = false;
    memset(es.have_pseudo, 0, sizeof es.have_pseudo);
    const size_t *idx;
    size_t n;
    if (tn_eval_kind_rules(ctx->rs, s->kind, &idx, &n)) {
        /* Names of kinds are unique: no rule of another kind applies. */
        for (size_t k = 0; k < n; k++) {
            const tn_rule *rule = &ctx->rs->rules[idx[k]];
            if ((only && !only[idx[k]]) || !ops_apply(rule, s)) continue;
            int rc = eval_rule(&es, rule, cb, payload);
            if (rc) return rc;
        }
        return TENET_OK;
    }
    for (size_t i = 0; i < ctx->rs->nrules; i++) {
        const tn_rule *rule = &ctx->rs->rules[i];
        if ((only && !only[i]) || !tn_eval_rule_applies(rule, s)) continue;
        int rc = eval_rule(&es, rule, cb, payload);
        if (rc) return rc;
    }
    return TENET_OK;
}

int tn_eval_subject(tn_eval_ctx *ctx, const tn_subject *s, tn_finding_fn cb, void *payload) {
    return tn_eval_subject_only(ctx, s, NULL, cb, payload);
}

/* ---- what a rule reads ------------------------------------------------ */

/* Per rule, the fields it reads as a list (reads[off[i] .. off[i + 1]));
 * off[i] == SIZE_MAX: it cannot tell. */
struct tn_eval_reads {
    size_t *off;   /* [nrules + 1] */
    uint8_t *list;
};

#define MAX_READ_FIELD 255

static void mark(bool *read, long idx, bool *any) {
    if (idx > MAX_READ_FIELD) *any = true;
    else if (idx >= 0) read[idx] = true;
}

static void ref_reads(const tn_kind *kind, const tn_fieldref *ref, bool *read, bool *any) {
    if (!ref) return;
    /* as resolve() reads it: a lone pseudo-field is the subject's own */
    size_t nfield = ref->nhops;
    if (ref->pseudo != TN_PSEUDO_NONE && nfield && ref->hops[nfield - 1] &&
        ref->hops[nfield - 1][0] == '@')
        nfield--;
    if (nfield == 0) return;
    /* a negative index is absent whatever the subject holds */
    mark(read, ref->first >= 0 ? ref->first : field_index(kind, ref->hops[0]), any);
}

static void cond_reads(const tn_kind *kind, const tn_cond *c, bool *read, bool *any) {
    if (!c) return;
    if (c->type == TN_COND_FIELD) ref_reads(kind, &c->ref, read, any);
    for (size_t i = 0; i < c->n && c->type != TN_COND_FIELD; i++)
        cond_reads(kind, c->kids[i], read, any);
}

/* The fields message placeholders name: the first hop of each {...},
 * scanned as render_message scans (whatever it would not take as a field
 * only adds a field here). */
static void message_reads(const tn_kind *kind, const char *m, bool *read, bool *any) {
    for (const char *p = m; p && *p;) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            p += 2;
            continue;
        }
        const char *close = p[0] == '{' ? strchr(p + 1, '}') : NULL;
        if (!close) {
            p++;
            continue;
        }
        const char *h = p + 1;
        while (h < close && *h == ' ') h++;
        size_t len = 0;
        while (h + len < close && !(h[len] == '-' && h[len + 1] == '>')) len++;
        while (len && h[len - 1] == ' ') len--;
        for (size_t i = 0; kind && len && *h != '@' && i < kind->nfields; i++) {
            const char *name = kind->fields[i].name;
            if (name && strncmp(name, h, len) == 0 && name[len] == '\0') mark(read, (long)i, any);
        }
        p = close + 1;
    }
}

/* Made once per check for every rule: the rules never change. */
static struct tn_eval_reads *reads_new(const tenet_ruleset *rs) {
    size_t nr = rs->nrules;
    struct tn_eval_reads *r = tn_calloc(1, sizeof *r);
    bool *read = tn_calloc(MAX_READ_FIELD + 1, sizeof *read);
    TN_VEC(uint8_t) list = {0};
    if (r) r->off = tn_calloc(nr + 1, sizeof *r->off);
    bool ok = r && read && r->off;
    for (size_t k = 0; ok && k < nr; k++) {
        const tn_rule *rule = &rs->rules[k];
        bool any = rule->kind && rule->kind->nfields > MAX_READ_FIELD + 1;
        memset(read, 0, (MAX_READ_FIELD + 1) * sizeof *read);
        cond_reads(rule->kind, rule->when, read, &any);
        cond_reads(rule->kind, rule->require, read, &any);
        ref_reads(rule->kind, rule->at, read, &any);
        const char *m = rule->message ? rule->message : rule->title ? rule->title : rule->id;
        message_reads(rule->kind, m, read, &any);
        r->off[k] = any ? SIZE_MAX : list.n;
        for (size_t f = 0; ok && !any && f <= MAX_READ_FIELD; f++)
            if (read[f]) ok = TN_VEC_PUSH(list, (uint8_t)f) == 0;
    }
    tn_free(read);
    if (!ok) {
        TN_VEC_FREE(list);
        reads_free(r);
        return NULL;
    }
    r->off[nr] = list.n;
    r->list = list.v; /* NULL when no rule reads a field: never indexed then */
    return r;
}

static void reads_free(struct tn_eval_reads *r) {
    if (!r) return;
    tn_free(r->off);
    tn_free(r->list);
    tn_free(r);
}

int tn_eval_rule_reads(tn_eval_ctx *ctx, size_t i, const uint8_t **fields, size_t *n) {
    *fields = NULL;
    *n = 0;
    if (!ctx || !ctx->rs || i >= ctx->rs->nrules) return TENET_OK;
    if (!ctx->reads || ctx->reads_rs != ctx->rs) {
        reads_free(ctx->reads);
        ctx->reads_rs = ctx->rs;
        if (!(ctx->reads = reads_new(ctx->rs))) return TENET_ENOMEM;
    }
    const size_t *off = ctx->reads->off;
    if (off[i] == SIZE_MAX) return TENET_OK;
    size_t end = i + 1;
    while (off[end] == SIZE_MAX) end++; /* off[nrules] never is */
    static const uint8_t none[1];
    *fields = ctx->reads->list ? ctx->reads->list + off[i] : none;
    *n = off[end] - off[i];
    return TENET_OK;
}
