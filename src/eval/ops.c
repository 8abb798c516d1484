/* Operator semantics: one test on one value, three-valued. The table in
 * rules/README.md ("Truth per value state") is the contract: unknown values
 * make every operator unknown except present/linked/changed, absent values
 * make them false, and a value of the wrong type is simply false. */
#include "eval/ops.h"
#include "eval/regex.h"
#include "eval/version.h"
#include <stdio.h>
#include <string.h>

static const tn_value k_absent; /* zero: TN_V_ABSENT */

static bool is_scalar(const tn_value *v) {
    return v->kind == TN_V_STR || v->kind == TN_V_INT || v->kind == TN_V_NUM ||
           v->kind == TN_V_BOOL;
}

/* The text of a scalar; formats into `buf` when a value was built without one. */
static const char *scalar_text(const tn_value *v, char *buf, size_t cap, size_t *len) {
    if (v->text) {
        *len = v->len;
        return v->text;
    }
    int n = 0;
    switch (v->kind) {
    case TN_V_BOOL: n = snprintf(buf, cap, "%s", v->u.b ? "true" : "false"); break;
    case TN_V_INT: n = snprintf(buf, cap, "%lld", (long long)v->u.i); break;
    case TN_V_NUM: n = snprintf(buf, cap, "%.17g", v->u.d); break;
    default: buf[0] = '\0'; break;
    }
    *len = n > 0 && (size_t)n < cap ? (size_t)n : strlen(buf);
    return buf;
}

static bool numeric(const tn_value *v, bool *is_int, int64_t *i, double *d) {
    switch (v->kind) {
    case TN_V_INT:
        *is_int = true;
        *i = v->u.i;
        *d = (double)v->u.i;
        return true;
    case TN_V_NUM:
        *is_int = false;
        *d = v->u.d;
        return true;
    case TN_V_STR: return tn_parse_number_text(v->text, v->len, is_int, i, d);
    default: return false;
    }
}

/* -1, 0, 1, or 2 when either side is not a number. */
static int num_cmp(const tn_value *a, const tn_value *b) {
    bool ai, bi;
    int64_t x = 0, y = 0;
    double dx, dy;
    if (!numeric(a, &ai, &x, &dx) || !numeric(b, &bi, &y, &dy)) return 2;
    if (ai && bi) return x < y ? -1 : x > y;
    return dx < dy ? -1 : dx > dy;
}

static bool scalar_eq(const tn_value *a, const tn_value *b) {
    bool an = a->kind == TN_V_INT || a->kind == TN_V_NUM;
    bool bn = b->kind == TN_V_INT || b->kind == TN_V_NUM;
    if (an && bn) return num_cmp(a, b) == 0;
    if (a->kind == TN_V_BOOL && b->kind == TN_V_BOOL) return a->u.b == b->u.b;
    if (a->kind == TN_V_NULL || b->kind == TN_V_NULL) return a->kind == b->kind;
    /* a string against anything else: compare the texts as written
     * (a string field holding "6.0" equals a rule's 6.0) */
    if (a->kind == TN_V_STR || b->kind == TN_V_STR) {
        char ba[40], bb[40];
        size_t la, lb;
        const char *ta = scalar_text(a, ba, sizeof ba, &la);
        const char *tb = scalar_text(b, bb, sizeof bb, &lb);
        return la == lb && memcmp(ta, tb, la) == 0;
    }
    return false;
}

tn_tri tn_values_equal(const tn_value *a, const tn_value *b) {
    if (!a) a = &k_absent;
    if (!b) b = &k_absent;
    if (a->kind == TN_V_UNKNOWN || b->kind == TN_V_UNKNOWN) return TN_UNKNOWN;
    if (a->kind == TN_V_ABSENT || b->kind == TN_V_ABSENT)
        return tn_tri_from_bool(a->kind == b->kind);
    if (a->kind == TN_V_LIST || b->kind == TN_V_LIST) {
        if (a->kind != b->kind || a->u.list.n != b->u.list.n) return TN_FALSE;
        tn_tri r = TN_TRUE;
        for (size_t i = 0; i < a->u.list.n && r != TN_FALSE; i++)
            r = tn_tri_and(r, tn_values_equal(&a->u.list.items[i], &b->u.list.items[i]));
        return r;
    }
    if (a->kind == TN_V_MAP || b->kind == TN_V_MAP) {
        if (a->kind != b->kind || a->u.map.n != b->u.map.n) return TN_FALSE;
        tn_tri r = TN_TRUE;
        for (size_t i = 0; i < a->u.map.n && r != TN_FALSE; i++) {
            const char *k = a->u.map.keys[i] ? a->u.map.keys[i] : "";
            size_t j = 0;
            while (j < b->u.map.n && strcmp(k, b->u.map.keys[j] ? b->u.map.keys[j] : "") != 0) j++;
            if (j == b->u.map.n) return TN_FALSE;
            r = tn_tri_and(r, tn_values_equal(&a->u.map.vals[i], &b->u.map.vals[j]));
        }
        return r;
    }
    return tn_tri_from_bool(scalar_eq(a, b));
}

static bool contains_text(const char *hay, size_t hlen, const char *needle, size_t nlen) {
    if (nlen == 0) return true;
    for (size_t i = 0; i + nlen <= hlen; i++)
        if (memcmp(hay + i, needle, nlen) == 0) return true;
    return false;
}

/* present: unknown is present unless it may be absent. */
static tn_tri op_present(const tn_value *v) {
    if (v->kind == TN_V_ABSENT) return TN_FALSE;
    if (v->kind == TN_V_UNKNOWN) return v->maybe_absent ? TN_UNKNOWN : TN_TRUE;
    return TN_TRUE;
}

/* Frontends attach a link wherever the input shows one (a reference to a
 * resource, a configuration reference), even when the value itself is
 * unknown; an unknown without a link (a parameter, an import) is known not
 * to refer to anything in the input. */
static tn_tri op_linked(const tn_value *v) {
    return v->link ? TN_TRUE : TN_FALSE;
}

static tn_tri op_changed(const tn_value *v, const tn_value *before) {
    if (v->kind == TN_V_UNKNOWN) return TN_UNKNOWN;
    if (!before) return TN_FALSE; /* nothing to compare with (a create) */
    if (v->kind == TN_V_ABSENT) {
        if (before->kind == TN_V_ABSENT) return TN_FALSE;
        if (before->kind == TN_V_UNKNOWN) return before->maybe_absent ? TN_UNKNOWN : TN_TRUE;
        return TN_TRUE;
    }
    if (before->kind == TN_V_ABSENT) return TN_TRUE;
    return tn_tri_not(tn_values_equal(v, before));
}

static tn_tri op_in(const tn_test *t, const tn_value *v) {
    if (!is_scalar(v)) return TN_FALSE;
    if (t->set) {
        char buf[40];
        size_t len;
        const char *txt = scalar_text(v, buf, sizeof buf, &len);
        return tn_tri_from_bool(tn_set_contains(t->set, txt, len));
    }
    if (t->arg.kind != TN_V_LIST) return tn_values_equal(v, &t->arg);
    tn_tri r = TN_FALSE;
    for (size_t i = 0; i < t->arg.u.list.n && r != TN_TRUE; i++)
        r = tn_tri_or(r, tn_values_equal(v, &t->arg.u.list.items[i]));
    return r;
}

static tn_tri op_contains(const tn_test *t, const tn_value *v) {
    if (v->kind == TN_V_LIST) {
        tn_tri r = TN_FALSE;
        for (size_t i = 0; i < v->u.list.n && r != TN_TRUE; i++)
            r = tn_tri_or(r, tn_values_equal(&v->u.list.items[i], &t->arg));
        return r;
    }
    if (v->kind == TN_V_STR && is_scalar(&t->arg)) {
        char buf[40];
        size_t nlen;
        const char *needle = scalar_text(&t->arg, buf, sizeof buf, &nlen);
        return tn_tri_from_bool(contains_text(v->text ? v->text : "", v->len, needle, nlen));
    }
    return TN_FALSE;
}

static tn_tri op_eval(tn_eval_ctx *ctx, const tn_test *t, const tn_value *v,
                      const tn_value *before) {
    bool want = t->arg.kind == TN_V_BOOL ? t->arg.u.b : true;
    switch (t->op) {
    case TN_OPR_PRESENT: {
        tn_tri r = op_present(v);
        return want ? r : tn_tri_not(r);
    }
    case TN_OPR_LINKED: {
        tn_tri r = op_linked(v);
        return want ? r : tn_tri_not(r);
    }
    case TN_OPR_CHANGED: {
        tn_tri r = op_changed(v, before);
        return want ? r : tn_tri_not(r);
    }
    default: break;
    }
    if (v->kind == TN_V_UNKNOWN) return TN_UNKNOWN;
    if (v->kind == TN_V_ABSENT) return TN_FALSE;
    char buf[40];
    size_t len;
    int c;
    switch (t->op) {
    case TN_OPR_EQUALS: return tn_values_equal(v, &t->arg);
    case TN_OPR_IN: return op_in(t, v);
    case TN_OPR_MATCHES: {
        if (!is_scalar(v) || !t->regex) return TN_FALSE;
        const char *txt = scalar_text(v, buf, sizeof buf, &len);
        int rc = tn_regex_match(t->regex, txt, len, ctx ? ctx->match_data : NULL, NULL, NULL);
        if (rc < 0) return TN_UNKNOWN; /* match limit: cannot tell */
        return tn_tri_from_bool(rc == 1);
    }
    case TN_OPR_VERSION: {
        if (!is_scalar(v) || !t->range) return TN_FALSE;
        const char *txt = scalar_text(v, buf, sizeof buf, &len);
        return tn_vrange_match(t->range, txt, len);
    }
    case TN_OPR_IS:
        if (v->kind == TN_V_BOOL) return tn_tri_from_bool(v->u.b == want);
        if (v->kind == TN_V_STR) {
            int b = tn_parse_bool_text(v->text, v->len);
            return tn_tri_from_bool(b >= 0 && (b == 1) == want);
        }
        return TN_FALSE;
    case TN_OPR_GT: c = num_cmp(v, &t->arg); return tn_tri_from_bool(c != 2 && c > 0);
    case TN_OPR_GE: c = num_cmp(v, &t->arg); return tn_tri_from_bool(c != 2 && c >= 0);
    case TN_OPR_LT: c = num_cmp(v, &t->arg); return tn_tri_from_bool(c != 2 && c < 0);
    case TN_OPR_LE: c = num_cmp(v, &t->arg); return tn_tri_from_bool(c != 2 && c <= 0);
    case TN_OPR_CONTAINS: return op_contains(t, v);
    default: return TN_FALSE;
    }
}

tn_tri tn_ops_test(tn_eval_ctx *ctx, const tn_test *t, const tn_value *v, const tn_value *before,
                   int *unknown_op) {
    if (!t) return TN_TRUE;
    if (!v) v = &k_absent;
    tn_tri r;
    switch (t->type) {
    case TN_TEST_ALL:
        r = TN_TRUE;
        for (size_t i = 0; i < t->n && r != TN_FALSE; i++)
            r = tn_tri_and(r, tn_ops_test(ctx, t->kids[i], v, before, unknown_op));
        return r;
    case TN_TEST_ANY:
        r = TN_FALSE;
        for (size_t i = 0; i < t->n && r != TN_TRUE; i++)
            r = tn_tri_or(r, tn_ops_test(ctx, t->kids[i], v, before, unknown_op));
        return r;
    case TN_TEST_NOT:
        return tn_tri_not(t->n ? tn_ops_test(ctx, t->kids[0], v, before, unknown_op) : TN_TRUE);
    case TN_TEST_OP:
        r = op_eval(ctx, t, v, before);
        if (r == TN_UNKNOWN && unknown_op && *unknown_op < 0) *unknown_op = (int)t->op;
        return r;
    }
    return TN_UNKNOWN;
}

tn_tri tn_eval_test(tn_eval_ctx *ctx, const tn_subject *s, const tn_test *t, const tn_value *v,
                    const tn_value *before) {
    (void)s;
    return tn_ops_test(ctx, t, v, before, NULL);
}
