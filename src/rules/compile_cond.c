/* Compiling conditions (`when:`/`require:`), tests (operator maps), field
 * references (fields, pseudo-fields, linked a->b->c) and message placeholders. */
#include "rules/compile.h"
#include "eval/regex.h"
#include "eval/version.h"
#include "util/arena.h"
#include <string.h>

#define NOPR (TN_OPR_LINKED + 1)

static const char *const pseudo_names[] = {"@region", "@operation", "@format", "@name",
                                           "@kind",   "@type",      NULL};
static const tn_pseudo pseudo_values[] = {TN_PSEUDO_REGION, TN_PSEUDO_OPERATION, TN_PSEUDO_FORMAT,
                                          TN_PSEUDO_NAME,   TN_PSEUDO_KIND,      TN_PSEUDO_TYPE};

static long opr_index(const tn_node *k) {
    for (long i = 0; i < NOPR; i++)
        if (tn_node_str_eq(k, tn_opr_name((tn_opr)i))) return i;
    return -1;
}

static tn_span span_to(tn_span a, tn_span b) {
    a.end_line = b.end_line;
    a.end_col = b.end_col;
    a.end_off = b.end_off;
    return a;
}

static void *rc_calloc(tn_rc *rc, size_t count, size_t size) {
    return tn_arena_calloc(&rc->rs->arena, count ? count : 1, size);
}

/* ---- field references ---- */

static const tn_field *kind_field(const tn_kind *k, const char *s, size_t len) {
    for (size_t i = 0; i < k->nfields; i++)
        if (strlen(k->fields[i].name) == len && memcmp(k->fields[i].name, s, len) == 0)
            return &k->fields[i];
    return NULL;
}

/* Adds the kinds `f` refers to into `cands` (deduplicated). */
static void add_refs(const tenet_ruleset *rs, const tn_field *f, const tn_kind **cands, size_t *n) {
    for (size_t i = 0; i < f->nrefs; i++) {
        const tn_kind *k = tn_ruleset_kind(rs, f->refs[i]);
        bool seen = !k;
        for (size_t j = 0; j < *n && !seen; j++) seen = cands[j] == k;
        if (!seen) cands[(*n)++] = k;
    }
}

static int unknown_hop(tn_rc *rc, const tn_node *n, size_t off, const char *hop, size_t len,
                       const tn_kind *const *cands, size_t ncands, const char *from) {
    size_t total = 0;
    for (size_t i = 0; i < ncands; i++) total += cands[i]->nfields;
    const char **names = rc_calloc(rc, total, sizeof *names);
    char *kinds = tn_arena_strdup(&rc->rs->arena, "");
    if (!names || !kinds) return tn_rc_nomem(rc);
    total = 0;
    for (size_t i = 0; i < ncands; i++) {
        for (size_t j = 0; j < cands[i]->nfields; j++) names[total++] = cands[i]->fields[j].name;
        kinds = tn_arena_sprintf(&rc->rs->arena, "%s%s%s", kinds, i ? ", " : "", cands[i]->name);
        if (!kinds) return tn_rc_nomem(rc);
    }
    char *name = tn_arena_strndup(&rc->rs->arena, hop, len);
    const char *hint = name ? tn_rc_hint(rc, name, len, names, total) : NULL;
    if (!hint) return tn_rc_nomem(rc);
    if (!from)
        return tn_rc_error_off(rc, n, off, "unknown field \"%s\" in kind %s%s", name, kinds, hint);
    return tn_rc_error_off(rc, n, off, "unknown field \"%s\" in kind %s (linked from \"%s\")%s",
                           name, kinds, from, hint);
}

int tn_rc_fieldref(tn_rc *rc, const tn_kind *kind, const char *text, size_t len, const tn_node *n,
                   size_t off, tn_fieldref *out) {
    tn_arena *a = &rc->rs->arena;
    memset(out, 0, sizeof *out);
    out->first = -1;
    /* Spaces around the reference are ignored (as when messages are filled);
     * inside it they are a mistake. */
    while (len && text[0] == ' ') text++, off++, len--;
    while (len && text[len - 1] == ' ') len--;
    const char *space = memchr(text, ' ', len);
    if (space)
        return tn_rc_error_off(rc, n, off + (size_t)(space - text),
                               "unexpected space in field reference \"%.*s\"", (int)len, text);
    if (!(out->text = tn_arena_strndup(a, text, len))) return tn_rc_nomem(rc);
    size_t nhops = 1;
    for (size_t i = 0; i + 1 < len; i++)
        if (text[i] == '-' && text[i + 1] == '>') nhops++;
    out->hops = rc_calloc(rc, nhops, sizeof *out->hops);
    const tn_kind **cands = rc_calloc(rc, rc->rs->nkinds + 1, sizeof *cands);
    const tn_kind **next = rc_calloc(rc, rc->rs->nkinds + 1, sizeof *next);
    if (!out->hops || !cands || !next) return tn_rc_nomem(rc);
    size_t ncands = 1, pos = 0;
    cands[0] = kind;
    const char *prev = NULL;
    for (size_t h = 0; h < nhops; h++) {
        size_t end = pos;
        while (end < len && !(end + 1 < len && text[end] == '-' && text[end + 1] == '>')) end++;
        size_t s = pos, e = end;
        if (s == e)
            return tn_rc_error_off(rc, n, off + pos, "empty field name in reference \"%s\"",
                                   out->text);
        const char *hop = text + s;
        size_t hlen = e - s;
        if (!(out->hops[h] = tn_arena_strndup(a, hop, hlen))) return tn_rc_nomem(rc);
        if (hop[0] == '@') {
            long p = -1;
            for (long i = 0; pseudo_names[i] && p < 0; i++)
                if (strcmp(pseudo_names[i], out->hops[h]) == 0) p = i;
            if (p < 0)
                return tn_rc_error_off(rc, n, off + s,
                                       "unknown pseudo-field \"%s\" (expected one of: @region, "
                                       "@operation, @format, @name, @kind, @type)",
                                       out->hops[h]);
            if (h + 1 != nhops)
                return tn_rc_error_off(rc, n, off + s,
                                       "pseudo-field %s must be the last hop of \"%s\"",
                                       out->hops[h], out->text);
            out->pseudo = pseudo_values[p];
        } else {
            size_t nnext = 0;
            bool found = false;
            for (size_t c = 0; c < ncands; c++) {
                const tn_field *f = kind_field(cands[c], hop, hlen);
                if (!f) continue;
                if (h == 0) out->first = (long)(f - kind->fields);
                found = true;
                add_refs(rc->rs, f, next, &nnext);
            }
            if (!found) return unknown_hop(rc, n, off + s, hop, hlen, cands, ncands, prev);
            if (h + 1 < nhops && nnext == 0)
                return tn_rc_error_off(rc, n, off + s,
                                       "field \"%s\" is not a reference (declare `ref: KIND` to "
                                       "follow it with ->)",
                                       out->hops[h]);
            const tn_kind **tmp = cands;
            cands = next;
            next = tmp;
            ncands = nnext;
        }
        prev = out->hops[h];
        pos = end + 2;
    }
    out->nhops = nhops;
    return TENET_OK;
}

int tn_rc_placeholders(tn_rc *rc, const tn_kind *kind, const tn_node *n) {
    for (size_t i = 0; i < n->len; i++) {
        if (n->str[i] != '{') continue;
        const char *close = memchr(n->str + i + 1, '}', n->len - i - 1);
        if (!close)
            return tn_rc_error_off(rc, n, i, "unclosed placeholder \"{\" (expected {field})");
        size_t inner = (size_t)(close - (n->str + i + 1));
        tn_fieldref ref;
        int rv = tn_rc_fieldref(rc, kind, n->str + i + 1, inner, n, i + 1, &ref);
        if (rv) return rv;
        i += inner + 1;
    }
    return TENET_OK;
}

/* ---- tests ---- */

static int compile_test(tn_rc *rc, const tn_node *n, tn_test **out);

static int compile_in(tn_rc *rc, tn_test *t, const tn_node *v) {
    if (v->type == TN_NODE_STRING && v->len > 0 && v->str[0] == '$') {
        if ((t->set = tn_ruleset_set(rc->rs, v->str + 1))) return TENET_OK;
        const char **names = rc_calloc(rc, rc->rs->nsets, sizeof *names);
        if (!names) return tn_rc_nomem(rc);
        for (size_t i = 0; i < rc->rs->nsets; i++) names[i] = rc->rs->sets[i].name;
        const char *hint = tn_rc_hint(rc, v->str + 1, v->len - 1, names, rc->rs->nsets);
        if (!hint) return tn_rc_nomem(rc);
        return tn_rc_error(rc, v, "unknown set \"%s\"%s", v->str, hint);
    }
    if (v->type != TN_NODE_SEQ) return tn_rc_error(rc, v, "in takes a list of values or a $set");
    for (size_t i = 0; i < v->n; i++) {
        const tn_node *item = v->ch.items[i];
        if (!tn_node_is_scalar(item) || item->type == TN_NODE_NULL)
            return tn_rc_error(rc, item, "members of in must be strings, numbers or booleans");
    }
    return tn_rc_value(rc, v, &t->arg);
}

static int compile_op(tn_rc *rc, tn_test *t, const tn_node *k, const tn_node *v) {
    long op = opr_index(k);
    if (op < 0)
        return tn_rc_error(
            rc, k,
            "unknown operator \"%s\" (expected one of: equals, in, matches, version, "
            "present, is, gt, ge, lt, le, contains, changed, linked, all, any, not)",
            k->str);
    t->type = TN_TEST_OP;
    t->op = (tn_opr)op;
    const char *name = tn_opr_name(t->op);
    switch (t->op) {
    case TN_OPR_EQUALS:
    case TN_OPR_CONTAINS:
        if (!tn_node_is_scalar(v) || v->type == TN_NODE_NULL)
            return tn_rc_error(rc, v, "%s takes a string, number or boolean", name);
        return tn_rc_value(rc, v, &t->arg);
    case TN_OPR_IN: return compile_in(rc, t, v);
    case TN_OPR_MATCHES: {
        int rv = tn_rc_regex(rc, v, &t->regex);
        return rv ? rv : tn_rc_value(rc, v, &t->arg);
    }
    case TN_OPR_VERSION: {
        if (v->type != TN_NODE_STRING && v->type != TN_NODE_INT && v->type != TN_NODE_FLOAT)
            return tn_rc_error(rc, v, "version takes a range such as \">= 4.0.10\"");
        char msg[256] = "";
        size_t eoff = 0;
        t->range = tn_vrange_compile(v->str, v->len, &rc->rs->arena, msg, sizeof msg, &eoff);
        if (!t->range) {
            if (strcmp(msg, "out of memory") == 0) return tn_rc_nomem(rc);
            if (eoff > v->len) eoff = v->len;
            return tn_rc_error_off(rc, v, eoff, "bad version range \"%s\": %s", v->str,
                                   msg[0] ? msg : "cannot parse");
        }
        return tn_rc_value(rc, v, &t->arg);
    }
    case TN_OPR_PRESENT:
    case TN_OPR_IS:
    case TN_OPR_CHANGED:
    case TN_OPR_LINKED:
        if (v->type != TN_NODE_BOOL) return tn_rc_error(rc, v, "%s takes true or false", name);
        return tn_rc_value(rc, v, &t->arg);
    case TN_OPR_GT:
    case TN_OPR_GE:
    case TN_OPR_LT:
    case TN_OPR_LE:
        if (v->type != TN_NODE_INT && v->type != TN_NODE_FLOAT)
            return tn_rc_error(rc, v, "%s takes a number", name);
        return tn_rc_value(rc, v, &t->arg);
    }
    return tn_rc_error(rc, k, "unsupported operator");
}

static int compile_test_list(tn_rc *rc, tn_test *t, const tn_node *k, const tn_node *v) {
    int rv = tn_rc_expect_seq(rc, v, tn_node_str_eq(k, "all") ? "all" : "any");
    if (rv) return rv;
    if (v->n == 0) return tn_rc_error(rc, v, "%s needs at least one test", k->str);
    t->type = tn_node_str_eq(k, "all") ? TN_TEST_ALL : TN_TEST_ANY;
    t->n = v->n;
    if (!(t->kids = rc_calloc(rc, v->n, sizeof *t->kids))) return tn_rc_nomem(rc);
    for (size_t i = 0; i < v->n; i++)
        if ((rv = compile_test(rc, v->ch.items[i], &t->kids[i]))) return rv;
    return TENET_OK;
}

static int compile_test_entry(tn_rc *rc, const tn_node *k, const tn_node *v, tn_test **out) {
    tn_test *t = rc_calloc(rc, 1, sizeof *t);
    if (!t) return tn_rc_nomem(rc);
    t->span = span_to(k->span, v->span);
    *out = t;
    if (tn_node_str_eq(k, "all") || tn_node_str_eq(k, "any")) return compile_test_list(rc, t, k, v);
    if (tn_node_str_eq(k, "not")) {
        t->type = TN_TEST_NOT;
        t->n = 1;
        if (!(t->kids = rc_calloc(rc, 1, sizeof *t->kids))) return tn_rc_nomem(rc);
        return compile_test(rc, v, &t->kids[0]);
    }
    return compile_op(rc, t, k, v);
}

static int compile_test(tn_rc *rc, const tn_node *n, tn_test **out) {
    if (tn_node_is_scalar(n) && n->type != TN_NODE_NULL) {
        tn_test *t = rc_calloc(rc, 1, sizeof *t);
        if (!t) return tn_rc_nomem(rc);
        t->type = TN_TEST_OP;
        t->op = TN_OPR_EQUALS;
        t->span = n->span;
        *out = t;
        return tn_rc_value(rc, n, &t->arg);
    }
    if (n->type != TN_NODE_MAP)
        return tn_rc_error(rc, n,
                           "a test must be a mapping of operators (e.g. {equals: x}) or a value");
    int rv = tn_rc_expect_map(rc, n, "a test");
    if (rv) return rv;
    if (n->n == 0) return tn_rc_error(rc, n, "empty test (expected an operator such as equals)");
    if (n->n == 1) return compile_test_entry(rc, n->ch.pairs[0].key, n->ch.pairs[0].value, out);
    tn_test *t = rc_calloc(rc, 1, sizeof *t);
    if (!t || !(t->kids = rc_calloc(rc, n->n, sizeof *t->kids))) return tn_rc_nomem(rc);
    t->type = TN_TEST_ALL;
    t->n = n->n;
    t->span = n->span;
    *out = t;
    for (size_t i = 0; i < n->n; i++)
        if ((rv = compile_test_entry(rc, n->ch.pairs[i].key, n->ch.pairs[i].value, &t->kids[i])))
            return rv;
    return TENET_OK;
}

/* ---- conditions ---- */

static int compile_cond(tn_rc *rc, const tn_kind *kind, const tn_node *n, tn_cond **out);

static int compile_cond_entry(tn_rc *rc, const tn_kind *kind, const tn_node *k, const tn_node *v,
                              tn_cond **out) {
    tn_cond *c = rc_calloc(rc, 1, sizeof *c);
    if (!c) return tn_rc_nomem(rc);
    c->span = span_to(k->span, v->span);
    *out = c;
    int rv;
    if (tn_node_str_eq(k, "all") || tn_node_str_eq(k, "any")) {
        if ((rv = tn_rc_expect_seq(rc, v, k->str))) return rv;
        if (v->n == 0) return tn_rc_error(rc, v, "%s needs at least one condition", k->str);
        c->type = tn_node_str_eq(k, "all") ? TN_COND_ALL : TN_COND_ANY;
        c->n = v->n;
        if (!(c->kids = rc_calloc(rc, v->n, sizeof *c->kids))) return tn_rc_nomem(rc);
        for (size_t i = 0; i < v->n; i++)
            if ((rv = compile_cond(rc, kind, v->ch.items[i], &c->kids[i]))) return rv;
        return TENET_OK;
    }
    if (tn_node_str_eq(k, "not")) {
        c->type = TN_COND_NOT;
        c->n = 1;
        if (!(c->kids = rc_calloc(rc, 1, sizeof *c->kids))) return tn_rc_nomem(rc);
        return compile_cond(rc, kind, v, &c->kids[0]);
    }
    c->type = TN_COND_FIELD;
    if (opr_index(k) >= 0 && tn_kind_field(kind, k->str) < 0)
        return tn_rc_error(rc, k,
                           "\"%s\" is an operator, not a field: a condition maps fields to tests, "
                           "e.g. {engine: {equals: x}}",
                           k->str);
    if ((rv = tn_rc_fieldref(rc, kind, k->str, k->len, k, 0, &c->ref))) return rv;
    return compile_test(rc, v, &c->test);
}

static int compile_cond(tn_rc *rc, const tn_kind *kind, const tn_node *n, tn_cond **out) {
    if (n->type != TN_NODE_MAP)
        return tn_rc_error(rc, n, "a condition must be a mapping of fields to tests (got %s)",
                           n->type == TN_NODE_SEQ ? "a list" : "a scalar");
    int rv = tn_rc_expect_map(rc, n, "a condition");
    if (rv) return rv;
    if (n->n == 0) return tn_rc_error(rc, n, "empty condition (expected field: test)");
    if (n->n == 1)
        return compile_cond_entry(rc, kind, n->ch.pairs[0].key, n->ch.pairs[0].value, out);
    tn_cond *c = rc_calloc(rc, 1, sizeof *c);
    if (!c || !(c->kids = rc_calloc(rc, n->n, sizeof *c->kids))) return tn_rc_nomem(rc);
    c->type = TN_COND_ALL;
    c->n = n->n;
    c->span = n->span;
    *out = c;
    for (size_t i = 0; i < n->n; i++)
        if ((rv = compile_cond_entry(rc, kind, n->ch.pairs[i].key, n->ch.pairs[i].value,
                                     &c->kids[i])))
            return rv;
    return TENET_OK;
}

int tn_rc_cond(tn_rc *rc, const tn_kind *kind, const tn_node *n, const tn_cond **out) {
    tn_cond *c = NULL;
    int rv = compile_cond(rc, kind, n, &c);
    *out = c;
    return rv;
}
