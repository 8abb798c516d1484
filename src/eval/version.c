/* Version values and ranges. Every version text denotes a half-open interval
 * of 4-part version tuples: "3.2.6" is [3.2.6, 3.2.7) (one release: nobody
 * ships 3.2.6.1), "6.x" and "6" are [6, 7), "7.1" is [7.1, 7.2) (every
 * patch). A range compiles into a sorted union of disjoint intervals, so a
 * value matches TRUE when its interval lies inside one of them, FALSE when it
 * touches none, and UNKNOWN otherwise. */
#include "eval/version.h"
#include "util/alloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TN_VERSION_PART_MAX 999999999L

typedef struct tn_vt {
    long p[TN_VERSION_PARTS];
} tn_vt;

/* [lo, hi), hi = infinity when inf is set. */
typedef struct tn_ivl {
    tn_vt lo, hi;
    bool inf;
} tn_ivl;

struct tn_vrange {
    tn_ivl *iv;
    size_t n;
};

/* A scratch interval set while compiling. */
typedef struct tn_iset {
    tn_ivl *v;
    size_t n, cap;
    bool oom;
} tn_iset;

static int vt_cmp(const tn_vt *a, const tn_vt *b) {
    for (int i = 0; i < TN_VERSION_PARTS; i++) {
        if (a->p[i] != b->p[i]) return a->p[i] < b->p[i] ? -1 : 1;
    }
    return 0;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool tn_version_parse(const char *s, size_t len, tn_version *out) {
    tn_version v;
    memset(&v, 0, sizeof v);
    if (!s) return false;
    size_t i = 0;
    while (i < len && is_space(s[i])) i++;
    while (len > i && is_space(s[len - 1])) len--;
    if (i == len) return false;
    for (;;) {
        if (s[i] == 'x' || s[i] == 'X' || s[i] == '*') {
            /* a wildcard ends the version and needs a numeric prefix */
            if (v.nparts == 0 || i + 1 != len) return false;
            v.wildcard = true;
            break;
        }
        if (s[i] < '0' || s[i] > '9') return false;
        if (v.nparts == TN_VERSION_PARTS) return false;
        long n = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            n = n * 10 + (s[i] - '0');
            if (n > TN_VERSION_PART_MAX) return false;
            i++;
        }
        v.part[v.nparts++] = n;
        if (i == len) break;
        if (s[i] != '.' || i + 1 == len) return false;
        i++;
    }
    if (out) *out = v;
    return true;
}

int tn_version_cmp(const tn_version *a, const tn_version *b) {
    for (int i = 0; i < TN_VERSION_PARTS; i++) {
        long x = i < a->nparts ? a->part[i] : 0;
        long y = i < b->nparts ? b->part[i] : 0;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

/* The interval a version text denotes. */
static tn_ivl version_ivl(const tn_version *v) {
    tn_ivl r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < v->nparts; i++) r.lo.p[i] = v->part[i];
    r.hi = r.lo;
    r.hi.p[v->nparts - 1]++;
    return r;
}

static void iset_push(tn_iset *s, tn_ivl iv) {
    if (s->oom) return;
    if (!iv.inf && vt_cmp(&iv.lo, &iv.hi) >= 0) return; /* empty */
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        tn_ivl *p = tn_realloc(s->v, cap * sizeof *p);
        if (!p) {
            s->oom = true;
            return;
        }
        s->v = p;
        s->cap = cap;
    }
    s->v[s->n++] = iv;
}

static int ivl_lo_cmp(const void *a, const void *b) {
    return vt_cmp(&((const tn_ivl *)a)->lo, &((const tn_ivl *)b)->lo);
}

/* Sorts and merges overlapping or touching intervals. */
static void iset_normalize(tn_iset *s) {
    if (s->n < 2) return;
    qsort(s->v, s->n, sizeof *s->v, ivl_lo_cmp);
    size_t w = 0;
    for (size_t r = 1; r < s->n; r++) {
        tn_ivl *cur = &s->v[w];
        const tn_ivl *nx = &s->v[r];
        if (cur->inf || vt_cmp(&nx->lo, &cur->hi) <= 0) {
            if (!cur->inf && (nx->inf || vt_cmp(&nx->hi, &cur->hi) > 0)) {
                cur->hi = nx->hi;
                cur->inf = nx->inf;
            }
        } else {
            s->v[++w] = *nx;
        }
    }
    s->n = w + 1;
}

/* *a = *a ∩ b */
static void iset_intersect(tn_iset *a, const tn_iset *b) {
    tn_iset r = {0};
    for (size_t i = 0; i < a->n; i++) {
        for (size_t j = 0; j < b->n; j++) {
            tn_ivl x = a->v[i];
            const tn_ivl *y = &b->v[j];
            if (vt_cmp(&y->lo, &x.lo) > 0) x.lo = y->lo;
            if (x.inf || (!y->inf && vt_cmp(&y->hi, &x.hi) < 0)) {
                if (!y->inf) {
                    x.hi = y->hi;
                    x.inf = false;
                }
            }
            iset_push(&r, x);
        }
    }
    r.oom = r.oom || a->oom || b->oom;
    tn_free(a->v);
    *a = r;
    iset_normalize(a);
}

typedef enum cmp_op { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE } cmp_op;

/* The versions satisfying `op X`, where X denotes [x.lo, x.hi). */
static void comparator_set(cmp_op op, tn_ivl x, tn_iset *out) {
    tn_ivl below, above;
    memset(&below, 0, sizeof below); /* [0, x.lo) */
    below.hi = x.lo;
    memset(&above, 0, sizeof above); /* [x.hi, inf) */
    above.lo = x.hi;
    above.inf = true;
    tn_ivl v;
    switch (op) {
    case OP_EQ:
        iset_push(out, x);
        break;
    case OP_NE:
        iset_push(out, below);
        iset_push(out, above);
        break;
    case OP_GT: /* above everything X denotes */
        iset_push(out, above);
        break;
    case OP_GE:
        v = x;
        v.inf = true;
        iset_push(out, v);
        break;
    case OP_LT:
        iset_push(out, below);
        break;
    case OP_LE:
        memset(&v, 0, sizeof v);
        v.hi = x.hi;
        iset_push(out, v);
        break;
    }
}

static bool is_op_char(char c) {
    return c == '<' || c == '>' || c == '=' || c == '!' || c == '~' || c == '^';
}

static void set_err(char *errbuf, size_t errlen, size_t *erroffset, size_t off, const char *fmt,
                    const char *a, int alen) {
    if (erroffset) *erroffset = off;
    if (errbuf && errlen) snprintf(errbuf, errlen, fmt, alen, a);
}

tn_vrange *tn_vrange_compile(const char *expr, size_t len, tn_arena *arena, char *errbuf,
                             size_t errlen, size_t *erroffset) {
    tn_iset result = {0};
    size_t pos = 0;
    bool failed = false;
    if (errbuf && errlen) errbuf[0] = '\0';
    if (erroffset) *erroffset = 0;
    if (!expr) len = 0;

    while (!failed) {
        /* one alternative: comparators that must all hold */
        tn_iset alt = {0};
        tn_ivl all;
        memset(&all, 0, sizeof all);
        all.inf = true;
        iset_push(&alt, all);
        size_t ncomp = 0;
        bool after_comma = false;
        size_t alt_start = pos;
        for (;;) {
            while (pos < len && is_space(expr[pos])) pos++;
            if (pos < len && expr[pos] == ',') {
                if (ncomp == 0 || after_comma) {
                    set_err(errbuf, errlen, erroffset, pos, "expected a comparator before ','%.*s",
                            "", 0);
                    failed = true;
                    break;
                }
                after_comma = true;
                pos++;
                continue;
            }
            if (pos >= len || expr[pos] == '|') {
                if (after_comma) {
                    set_err(errbuf, errlen, erroffset, pos, "expected a comparator after ','%.*s",
                            "", 0);
                    failed = true;
                }
                break;
            }
            after_comma = false;
            size_t cstart = pos;
            size_t ostart = pos;
            while (pos < len && is_op_char(expr[pos])) pos++;
            size_t olen = pos - ostart;
            cmp_op op = OP_EQ;
            const char *o = expr + ostart;
            if (olen == 0) op = OP_EQ;
            else if (olen == 1 && o[0] == '=') op = OP_EQ;
            else if (olen == 2 && o[0] == '=' && o[1] == '=') op = OP_EQ;
            else if (olen == 2 && o[0] == '!' && o[1] == '=') op = OP_NE;
            else if (olen == 1 && o[0] == '>') op = OP_GT;
            else if (olen == 2 && o[0] == '>' && o[1] == '=') op = OP_GE;
            else if (olen == 1 && o[0] == '<') op = OP_LT;
            else if (olen == 2 && o[0] == '<' && o[1] == '=') op = OP_LE;
            else {
                set_err(errbuf, errlen, erroffset, ostart,
                        "unknown comparison operator '%.*s' (use >=, >, <=, <, =, !=)", o,
                        (int)olen);
                failed = true;
                break;
            }
            while (pos < len && is_space(expr[pos])) pos++;
            size_t vstart = pos;
            while (pos < len && !is_space(expr[pos]) && expr[pos] != ',' && expr[pos] != '|' &&
                   !is_op_char(expr[pos]))
                pos++;
            if (pos == vstart) {
                if (olen)
                    set_err(errbuf, errlen, erroffset, cstart, "'%.*s' needs a version after it",
                            o, (int)olen);
                else
                    set_err(errbuf, errlen, erroffset, cstart, "expected a version%.*s", "", 0);
                failed = true;
                break;
            }
            tn_version v;
            if (!tn_version_parse(expr + vstart, pos - vstart, &v)) {
                set_err(errbuf, errlen, erroffset, vstart,
                        "'%.*s' is not a version (expected e.g. 4.0.10, 6.x or 7.1)",
                        expr + vstart, (int)(pos - vstart));
                failed = true;
                break;
            }
            tn_iset cs = {0};
            comparator_set(op, version_ivl(&v), &cs);
            iset_intersect(&alt, &cs);
            tn_free(cs.v);
            ncomp++;
        }
        if (!failed && ncomp == 0) {
            set_err(errbuf, errlen, erroffset, pos < len ? pos : alt_start,
                    len == 0 ? "empty version range%.*s" : "empty alternative in version range%.*s",
                    "", 0);
            failed = true;
        }
        if (!failed) {
            for (size_t i = 0; i < alt.n; i++) iset_push(&result, alt.v[i]);
            if (alt.oom) result.oom = true;
        }
        tn_free(alt.v);
        if (failed || pos >= len) break;
        /* expr[pos] == '|' */
        if (pos + 1 < len && expr[pos + 1] == '|') {
            pos += 2;
            continue;
        }
        set_err(errbuf, errlen, erroffset, pos, "a single '|' (alternatives are joined by '||')%.*s",
                "", 0);
        failed = true;
    }
    if (failed) {
        tn_free(result.v);
        return NULL;
    }
    iset_normalize(&result);
    tn_vrange *r = result.oom ? NULL : tn_arena_alloc(arena, sizeof *r);
    tn_ivl *iv = r ? tn_arena_calloc(arena, result.n ? result.n : 1, sizeof *iv) : NULL;
    if (!r || !iv) {
        tn_free(result.v);
        if (errbuf && errlen) snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (result.n) memcpy(iv, result.v, result.n * sizeof *iv);
    r->iv = iv;
    r->n = result.n;
    tn_free(result.v);
    return r;
}

tn_tri tn_vrange_match(const tn_vrange *r, const char *s, size_t len) {
    tn_version v;
    if (!r || !tn_version_parse(s, len, &v)) return TN_UNKNOWN;
    tn_ivl x = version_ivl(&v);
    bool overlap = false;
    for (size_t i = 0; i < r->n; i++) {
        const tn_ivl *y = &r->iv[i];
        bool lo_in = vt_cmp(&x.lo, &y->lo) >= 0;
        bool hi_in = y->inf || vt_cmp(&x.hi, &y->hi) <= 0;
        if (lo_in && hi_in) return TN_TRUE; /* intervals are merged: one must hold it all */
        bool disjoint = (!y->inf && vt_cmp(&x.lo, &y->hi) >= 0) || vt_cmp(&x.hi, &y->lo) <= 0;
        if (!disjoint) overlap = true;
    }
    return overlap ? TN_UNKNOWN : TN_FALSE;
}
