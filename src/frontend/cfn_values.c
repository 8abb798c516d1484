/* Value helpers shared by the CloudFormation resolver files: building
 * known and unknown values, re-pointing borrowed values, equality, paths. */
#include "frontend/cfn.h"

#include <stdarg.h>
#include <string.h>

static void stamp(tn_value *out, const tn_node *at, const char *path) {
    if (at != NULL) {
        out->has_span = true;
        out->span = at->span;
    }
    out->path = path;
}

void tn_cfn_unknown(tn_value *out, const tn_node *at, const char *path, const char *reason) {
    memset(out, 0, sizeof *out);
    out->kind = TN_V_UNKNOWN;
    out->reason = reason != NULL ? reason : "the value cannot be determined";
    stamp(out, at, path);
}

void tn_cfn_string(tn_value *out, const char *s, size_t len, const tn_node *at, const char *path) {
    memset(out, 0, sizeof *out);
    out->kind = TN_V_STR;
    out->text = s;
    out->len = len;
    stamp(out, at, path);
}

void tn_cfn_restamp(tn_value *v, const tn_node *at, const char *path, const char *provenance,
                    tn_arena *arena) {
    stamp(v, at, path);
    v->file = NULL;
    if (provenance != NULL)
        v->provenance = provenance;
    if (v->kind == TN_V_LIST) {
        for (size_t i = 0; i < v->u.list.n; i++) {
            const char *p = path ? tn_cfn_path_index(arena, path, i) : NULL;
            tn_cfn_restamp(&v->u.list.items[i], at, p ? p : path, provenance, arena);
        }
    } else if (v->kind == TN_V_MAP) {
        for (size_t i = 0; i < v->u.map.n; i++) {
            const char *k = v->u.map.keys[i];
            const char *p = path ? tn_cfn_path_key(arena, path, k, strlen(k)) : NULL;
            tn_cfn_restamp(&v->u.map.vals[i], at, p ? p : path, provenance, arena);
        }
    }
}

const char *tn_cfn_scalar_text(const tn_value *v, size_t *len) {
    switch (v->kind) {
    case TN_V_STR:
    case TN_V_INT:
    case TN_V_NUM:
    case TN_V_BOOL:
        if (v->text == NULL)
            return NULL;
        *len = v->len;
        return v->text;
    default:
        return NULL;
    }
}

bool tn_cfn_value_equal(const tn_value *a, const tn_value *b) {
    if (a->kind == TN_V_UNKNOWN || b->kind == TN_V_UNKNOWN)
        return false;
    size_t la, lb;
    const char *ta = tn_cfn_scalar_text(a, &la), *tb = tn_cfn_scalar_text(b, &lb);
    if (ta != NULL && tb != NULL)
        return a->kind == b->kind && la == lb && memcmp(ta, tb, la) == 0;
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case TN_V_ABSENT:
    case TN_V_NULL:
        return true;
    case TN_V_LIST:
        if (a->u.list.n != b->u.list.n)
            return false;
        for (size_t i = 0; i < a->u.list.n; i++)
            if (!tn_cfn_value_equal(&a->u.list.items[i], &b->u.list.items[i]))
                return false;
        return true;
    case TN_V_MAP:
        if (a->u.map.n != b->u.map.n)
            return false;
        for (size_t i = 0; i < a->u.map.n; i++)
            if (strcmp(a->u.map.keys[i], b->u.map.keys[i]) != 0 ||
                !tn_cfn_value_equal(&a->u.map.vals[i], &b->u.map.vals[i]))
                return false;
        return true;
    default:
        return false;
    }
}

/* Paths are built for every field of every variant: plain concatenation,
 * not printf. */
static const char *concat(tn_arena *a, const char *p, size_t pl, const char *sep, size_t sl,
                          const char *k, size_t kl, const char *tail, size_t tl) {
    char *s = tn_arena_alloc(a, pl + sl + kl + tl + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, p, pl);
    memcpy(s + pl, sep, sl);
    memcpy(s + pl + sl, k, kl);
    memcpy(s + pl + sl + kl, tail, tl);
    s[pl + sl + kl + tl] = '\0';
    return s;
}

const char *tn_cfn_path_key(tn_arena *a, const char *path, const char *key, size_t len) {
    if (path == NULL || *path == '\0')
        return tn_arena_strndup(a, key, len);
    return concat(a, path, strlen(path), ".", 1, key, len, "", 0);
}

const char *tn_cfn_path_index(tn_arena *a, const char *path, size_t i) {
    char num[24];
    size_t n = sizeof num;
    do {
        num[--n] = (char)('0' + i % 10);
        i /= 10;
    } while (i > 0);
    return concat(a, path ? path : "", path ? strlen(path) : 0, "[", 1, num + n, sizeof num - n,
                  "]", 1);
}

int tn_cfn_unknownf(tn_cfn_env *env, tn_value *out, const tn_node *at, const char *path,
                    const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *reason = tn_arena_vsprintf(env->arena, fmt, ap);
    va_end(ap);
    tn_cfn_unknown(out, at, path, reason);
    if (reason == NULL) {
        env->cfn->status = TENET_ENOMEM;
        return TENET_ENOMEM;
    }
    return TENET_OK;
}
