/* The request model shared by the api-query, aws-cli, cli-json and
 * cloudtrail frontends: positions in plain text, the parameter list, the
 * lookup that fills a subject from parameters, the generic check of
 * parameter names, and judging in the request's region (or in each region
 * asked for when the request names none). */
#include "frontend/request.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

/* ---- positions in plain text ---- */

/* Length of the ASCII prefix of s[0..len), a word at a time. */
static size_t ascii_prefix(const char *s, size_t len) {
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ULL)
            break;
    }
    while (i < len && (unsigned char)s[i] < 0x80)
        i++;
    return i;
}

int tn_textpos_init(tn_textpos *tp, const char *text, size_t len, tn_arena *arena) {
    memset(tp, 0, sizeof *tp);
    tp->text = text ? text : "";
    tp->len = text ? len : 0;
    const char *t = tp->text, *end = t + tp->len, *nl;
    size_t n = 1;
    for (const char *p = t; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL; p = nl + 1)
        n++;
    tp->lines = tn_arena_alloc(arena, n * sizeof *tp->lines);
    if (!tp->lines)
        return TENET_ENOMEM;
    tp->lines[0] = 0;
    tp->nlines = 1;
    tp->last_col = 1;
    tp->ascii = ascii_prefix(t, tp->len) == tp->len;
    for (const char *p = t; (nl = memchr(p, '\n', (size_t)(end - p))) != NULL; p = nl + 1)
        tp->lines[tp->nlines++] = (size_t)(nl + 1 - t);
    return TENET_OK;
}

static void locate(tn_textpos *tp, size_t off, uint32_t *line, uint32_t *col) {
    size_t lo;
    size_t ll = tp->last_line; /* positions come mostly in order: try its line first */
    if (tp->lines[ll] <= off && (ll + 1 == tp->nlines || tp->lines[ll + 1] > off)) {
        lo = ll;
    } else {
        size_t a = 0, hi = tp->nlines; /* largest k with lines[k] <= off */
        while (hi - a > 1) {
            size_t mid = a + (hi - a) / 2;
            if (tp->lines[mid] <= off)
                a = mid;
            else
                hi = mid;
        }
        lo = a;
    }
    size_t from = tp->lines[lo];
    uint32_t c = 1;
    if (tp->ascii) {
        c += (uint32_t)(off - from);
    } else {
        if (tp->last_line == lo && tp->last_off >= from && tp->last_off <= off) {
            from = tp->last_off;
            c = tp->last_col;
        }
        size_t a = ascii_prefix(tp->text + from, off - from);
        c += (uint32_t)(a + tn_utf8_count(tp->text + from + a, off - from - a));
    }
    tp->last_line = lo;
    tp->last_off = off;
    tp->last_col = c;
    *line = (uint32_t)(lo + 1);
    *col = c;
}

tn_span tn_textpos_span_slow(tn_textpos *tp, size_t off, size_t end) {
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
    r->params[r->nparams] = *p;
    r->params[r->nparams++].name_len = strlen(p->name);
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
        if (r->params[i].name_len == len && memcmp(r->params[i].name, name, len) == 0)
            return &r->params[i];
    for (size_t i = r->nparams; i-- > 0;)
        if (ieq(r->params[i].name, r->params[i].name_len, name, len))
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

/* Parameters by name_sig(), for lookups: each subject field's mapping
 * asks for a name, and most requests carry many parameters. */
#define SIG_BUCKETS 64

typedef struct lookup_ctx {
    const tn_request *req;
    const tn_req_target *t;
    tn_arena *arena;
    const size_t *sigs; /* name_sig() of each parameter name */
    size_t head[SIG_BUCKETS]; /* by bucket: the last parameter in it, or SIZE_MAX */
    const size_t *prev;       /* [nparams]: the one before in the same bucket, or SIZE_MAX */
    size_t field;       /* field of the last alternative found: fills go in field order */
} lookup_ctx;

/* Length and lower-cased first byte: equal for names equal even ignoring case. */
static size_t name_sig(const char *name, size_t len) {
    char c = len ? name[0] : '\0';
    if (c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
    return len << 8 | (unsigned char)c;
}

static size_t sig_bucket(size_t sig) { return (sig ^ (sig >> 8) * 7) & (SIG_BUCKETS - 1); }

/* tn_request_param in one pass over the parameters whose signature shares
 * the name's bucket, the last first: most lookups are for parameters the
 * request does not have, and the signature rules out nearly every name. */
static const tn_req_param *find_param(const lookup_ctx *c, const char *name, size_t len) {
    const tn_request *r = c->req;
    size_t sig = name_sig(name, len);
    const tn_req_param *folded = NULL; /* the last one equal ignoring case */
    for (size_t i = c->head[sig_bucket(sig)]; i != SIZE_MAX; i = c->prev[i]) {
        if (c->sigs[i] != sig)
            continue;
        if (memcmp(r->params[i].name, name, len) == 0)
            return &r->params[i]; /* an exact match wins */
        if (!folded && ieq(r->params[i].name, len, name, len))
            folded = &r->params[i];
    }
    return folded;
}

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

static long field_of_alt(lookup_ctx *c, const tn_mapping_alt *alt) {
    const tn_format_map *map = c->t->map;
    size_t n = c->t->kind->nfields;
    /* The compiler says where the alternative is; a map made otherwise is
     * searched. */
    if (map->fields && alt->field < n && alt >= map->fields[alt->field].alts &&
        alt < map->fields[alt->field].alts + map->fields[alt->field].nalts)
        return (long)alt->field;
    for (size_t k = 0; map->fields && k < n; k++) {
        size_t i = c->field + k < n ? c->field + k : c->field + k - n;
        const tn_field_map *fm = &map->fields[i];
        if (fm->nalts && alt >= fm->alts && alt < fm->alts + fm->nalts) {
            c->field = i;
            return (long)i;
        }
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
    const tn_req_param *p = find_param(c, alt->segs[0].key, alt->segs[0].key_len);
    if (!p)
        return 0;
    const tn_value *v = &p->value;
    for (size_t i = 1; v && i < alt->nsegs; i++)
        v = step(v, &alt->segs[i]);
    if (!v || v->kind == TN_V_ABSENT)
        return 0;
    *out = *v;
    long fi = field_of_alt(c, alt);
    if (fi >= 0 && c->t->kind->fields[fi].type == TN_T_LIST) {
        int rc = as_list(out, c->arena);
        if (rc != TENET_OK)
            return rc;
    }
    return 1;
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
    size_t np = r->nparams ? r->nparams : 1;
    size_t *sigs = tn_arena_alloc(run->arena, np * sizeof *sigs);
    size_t *prev = tn_arena_alloc(run->arena, np * sizeof *prev);
    if (!sigs || !prev)
        return TENET_ENOMEM;
    lookup_ctx lk;
    lk.req = r;
    lk.t = t;
    lk.arena = run->arena;
    lk.sigs = sigs;
    lk.prev = prev;
    lk.field = 0;
    for (size_t b = 0; b < SIG_BUCKETS; b++)
        lk.head[b] = SIZE_MAX;
    for (size_t i = 0; i < r->nparams; i++) {
        sigs[i] = name_sig(r->params[i].name, r->params[i].name_len);
        size_t b = sig_bucket(sigs[i]);
        prev[i] = lk.head[b];
        lk.head[b] = i;
    }
    int rc = tn_subject_fill(&s, t->kind, t->map, req_lookup, &lk, run->arena,
                             run->eval ? run->eval->match_data : NULL);
    if (rc != TENET_OK)
        return rc;
    return tn_run_judge_regions(run, &s);
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
        if (p->checked || tn_request_is_valid_len(t, p->name, p->name_len) ||
            tn_request_is_protocol_key(p->name, p->name_len) ||
            tn_request_is_mapped(t, p->name))
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
