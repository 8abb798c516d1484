/* The request model shared by the api-query, aws-cli, cli-json and
 * cloudtrail frontends: positions in plain text, the parameter list, the
 * lookup that fills a subject from parameters, the generic check of
 * parameter names, and judging in the request's region (or in each region
 * asked for when the request names none). */
#include "frontend/request.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <string.h>

/* ---- positions in plain text ---- */

int tn_textpos_init(tn_textpos *tp, const char *text, size_t len, tn_arena *arena) {
    memset(tp, 0, sizeof *tp);
    tp->text = text ? text : "";
    tp->len = text ? len : 0;
    size_t n = 1;
    for (size_t i = 0; i < tp->len; i++)
        if (tp->text[i] == '\n')
            n++;
    tp->lines = tn_arena_alloc(arena, n * sizeof *tp->lines);
    if (!tp->lines)
        return TENET_ENOMEM;
    tp->lines[0] = 0;
    tp->nlines = 1;
    tp->last_col = 1;
    for (size_t i = 0; i < tp->len; i++)
        if (tp->text[i] == '\n')
            tp->lines[tp->nlines++] = i + 1;
    return TENET_OK;
}

static void locate(tn_textpos *tp, size_t off, uint32_t *line, uint32_t *col) {
    size_t lo = 0, hi = tp->nlines; /* largest k with lines[k] <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tp->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    size_t from = tp->lines[lo];
    uint32_t c = 1;
    if (tp->last_line == lo && tp->last_off >= from && tp->last_off <= off) {
        from = tp->last_off;
        c = tp->last_col;
    }
    c += (uint32_t)tn_utf8_count(tp->text + from, off - from);
    tp->last_line = lo;
    tp->last_off = off;
    tp->last_col = c;
    *line = (uint32_t)(lo + 1);
    *col = c;
}

tn_span tn_textpos_span(tn_textpos *tp, size_t off, size_t end) {
    tn_span s;
    memset(&s, 0, sizeof s);
    if (!tp || !tp->lines)
        return s;
    if (off > tp->len)
        off = tp->len;
    if (end > tp->len)
        end = tp->len;
    if (end < off)
        end = off;
    locate(tp, off, &s.line, &s.col);
    locate(tp, end, &s.end_line, &s.end_col);
    s.off = (uint32_t)off;
    s.end_off = (uint32_t)end;
    return s;
}

/* ---- the parameter list ---- */

int tn_request_add_param(tn_request *r, tn_arena *arena, const tn_req_param *p) {
    if (r->nparams == r->params_cap) {
        size_t cap = r->params_cap ? r->params_cap * 2 : 8;
        tn_req_param *v = tn_arena_alloc(arena, cap * sizeof *v);
        if (!v)
            return TENET_ENOMEM;
        if (r->nparams)
            memcpy(v, r->params, r->nparams * sizeof *v);
        r->params = v;
        r->params_cap = cap;
    }
    r->params[r->nparams++] = *p;
    return TENET_OK;
}

int tn_request_add_note(tn_request *r, tn_arena *arena, tenet_severity sev, const char *code,
                        const tn_span *span, const char *fmt, ...) {
    if (r->nnotes == r->notes_cap) {
        size_t cap = r->notes_cap ? r->notes_cap * 2 : 4;
        tn_req_note *v = tn_arena_alloc(arena, cap * sizeof *v);
        if (!v)
            return TENET_ENOMEM;
        if (r->nnotes)
            memcpy(v, r->notes, r->nnotes * sizeof *v);
        r->notes = v;
        r->notes_cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = tn_arena_vsprintf(arena, fmt, ap);
    va_end(ap);
    if (!msg)
        return TENET_ENOMEM;
    tn_req_note *n = &r->notes[r->nnotes++];
    memset(n, 0, sizeof *n);
    n->sev = sev;
    n->code = code;
    n->message = msg;
    if (span && span->line) {
        n->has_span = true;
        n->span = *span;
    }
    return TENET_OK;
}

static bool ieq(const char *a, size_t alen, const char *b, size_t blen) {
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

tn_req_param *tn_request_param(const tn_request *r, const char *name, size_t len) {
    for (size_t i = r->nparams; i-- > 0;)
        if (strlen(r->params[i].name) == len && memcmp(r->params[i].name, name, len) == 0)
            return &r->params[i];
    for (size_t i = r->nparams; i-- > 0;)
        if (ieq(r->params[i].name, strlen(r->params[i].name), name, len))
            return &r->params[i];
    return NULL;
}

int tn_request_own_value(tn_value *v, tn_arena *arena) {
    if (v->text && !(v->text = tn_arena_strndup(arena, v->text, v->len)))
        return TENET_ENOMEM;
    if (v->kind == TN_V_LIST) {
        for (size_t i = 0; i < v->u.list.n; i++)
            if (tn_request_own_value(&v->u.list.items[i], arena) != TENET_OK)
                return TENET_ENOMEM;
    } else if (v->kind == TN_V_MAP) {
        for (size_t i = 0; i < v->u.map.n; i++) {
            if (!(v->u.map.keys[i] = tn_arena_strdup(arena, v->u.map.keys[i])))
                return TENET_ENOMEM;
            if (tn_request_own_value(&v->u.map.vals[i], arena) != TENET_OK)
                return TENET_ENOMEM;
        }
    }
    return TENET_OK;
}

/* ---- filling a subject ---- */

typedef struct lookup_ctx {
    const tn_request *req;
    const tn_req_target *t;
    tn_arena *arena;
} lookup_ctx;

static const tn_value *step(const tn_value *v, const tn_path_seg *seg) {
    if (seg->key) {
        if (v->kind != TN_V_MAP)
            return NULL;
        for (size_t i = v->u.map.n; i-- > 0;) /* the last duplicate wins */
            if (strlen(v->u.map.keys[i]) == seg->key_len &&
                memcmp(v->u.map.keys[i], seg->key, seg->key_len) == 0)
                return &v->u.map.vals[i];
        for (size_t i = v->u.map.n; i-- > 0;) /* CloudTrail writes members in camelCase */
            if (ieq(v->u.map.keys[i], strlen(v->u.map.keys[i]), seg->key, seg->key_len))
                return &v->u.map.vals[i];
        return NULL;
    }
    /* One item where a list belongs is a list of one (the CLI takes a
     * single JSON object or shorthand structure for a list parameter). */
    if (v->kind != TN_V_LIST)
        return seg->index == 0 && v->kind != TN_V_UNKNOWN ? v : NULL;
    if (seg->index < 0 || (size_t)seg->index >= v->u.list.n)
        return NULL;
    return &v->u.list.items[seg->index];
}

static long field_of_alt(const tn_format_map *map, const tn_kind *kind, const tn_mapping_alt *alt) {
    for (size_t i = 0; map->fields && i < kind->nfields; i++) {
        const tn_field_map *fm = &map->fields[i];
        if (fm->nalts && alt >= fm->alts && alt < fm->alts + fm->nalts)
            return (long)i;
    }
    return -1;
}

/* Requests are typed by the service's model, which tenet does not have: a
 * list parameter given one value (a CLI flag with one word, a Query key
 * without .member.N) is a list of one, and an empty one an empty list. */
static int as_list(tn_value *v, tn_arena *arena) {
    if (v->kind == TN_V_LIST || v->kind == TN_V_UNKNOWN || v->kind == TN_V_NULL)
        return TENET_OK;
    if (v->kind == TN_V_STR && v->len == 0) {
        v->kind = TN_V_LIST;
        v->text = NULL;
        v->u.list.items = NULL;
        v->u.list.n = 0;
        return TENET_OK;
    }
    tn_value *item = tn_arena_alloc(arena, sizeof *item);
    if (!item)
        return TENET_ENOMEM;
    *item = *v;
    v->kind = TN_V_LIST;
    v->text = NULL;
    v->len = 0;
    v->u.list.items = item;
    v->u.list.n = 1;
    return TENET_OK;
}

static int req_lookup(void *vctx, const tn_mapping_alt *alt, tn_value *out) {
    lookup_ctx *c = vctx;
    if (alt->root || alt->nsegs == 0 || !alt->segs[0].key)
        return 0;
    const tn_req_param *p = tn_request_param(c->req, alt->segs[0].key, alt->segs[0].key_len);
    if (!p)
        return 0;
    const tn_value *v = &p->value;
    for (size_t i = 1; v && i < alt->nsegs; i++)
        v = step(v, &alt->segs[i]);
    if (!v || v->kind == TN_V_ABSENT)
        return 0;
    *out = *v;
    long fi = field_of_alt(c->t->map, c->t->kind, alt);
    if (fi >= 0 && c->t->kind->fields[fi].type == TN_T_LIST) {
        int rc = as_list(out, c->arena);
        if (rc != TENET_OK)
            return rc;
    }
    return 1;
}

static int judge_regions(tn_run *run, tn_subject *s) {
    tn_subject *one = s;
    if (s->region || run->nregions == 0)
        return tn_run_judge(run, &one, 1);
    /* One judgement per region asked for, counted as one subject. */
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

int tn_request_judge(tn_run *run, const tn_request *r) {
    const tn_req_target *t = &r->target;
    if (!run || !r || !t->kind || !t->map || !t->op)
        return TENET_EINVAL;
    tn_subject s;
    memset(&s, 0, sizeof s);
    s.name = r->name ? r->name : t->op->name;
    s.type = t->op->name;
    s.format = run->format;
    s.file = run->file;
    s.op = t->op->op;
    s.operation_name = t->op->name;
    s.region = r->region;
    s.region_reason = r->region ? NULL : r->region_reason;
    s.span = r->span;
    s.path = r->path;
    s.note = r->note;
    lookup_ctx lk = {r, t, run->arena};
    int rc = tn_subject_fill(&s, t->kind, t->map, req_lookup, &lk, run->arena,
                             run->eval ? run->eval->match_data : NULL);
    if (rc != TENET_OK)
        return rc;
    return judge_regions(run, &s);
}

/* ---- diagnostics ---- */

int tn_request_emit_notes(tn_run *run, const tn_request *r) {
    for (size_t i = 0; i < r->nnotes; i++) {
        const tn_req_note *n = &r->notes[i];
        int rc = tn_run_note(run, n->sev, n->code, n->has_span ? &n->span : NULL, r->path, r->name,
                             "%s", n->message);
        if (rc != TENET_OK)
            return rc;
    }
    return TENET_OK;
}

int tn_request_check_names(tn_run *run, tn_request *r, tenet_severity sev) {
    const tn_req_target *t = &r->target;
    if (!t->op || t->op->nparams == 0)
        return TENET_OK; /* the pack lists no parameters: nothing to check against */
    for (size_t i = 0; i < r->nparams; i++) {
        tn_req_param *p = &r->params[i];
        if (p->checked || tn_request_is_protocol_key(p->name, strlen(p->name)) ||
            tn_request_is_valid(t, p->name) || tn_request_is_mapped(t, p->name))
            continue;
        p->checked = true;
        const char *near = tn_request_suggest_for(r, p->name, t->op->params, t->op->nparams);
        int rc = tn_run_note(run, sev, "unknown-parameter", p->has_key_span ? &p->key_span : NULL,
                             p->value.path ? p->value.path : p->name, r->name,
                             "unknown parameter %s for %s%s%s%s", p->name, t->op->name,
                             near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
        if (rc != TENET_OK)
            return rc;
    }
    return TENET_OK;
}
