/* The intrinsic functions besides Ref, Fn::If, Fn::Sub and Fn::GetAtt:
 * evaluated when every part is known, otherwise UNKNOWN with the reason of
 * the first unknown part. */
#include "frontend/cfn.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define NOMEM(env) ((env)->cfn->status = TENET_ENOMEM)

/* Passes an unknown part on: the function's value is unknown for its reason. */
static int pass_unknown(tn_value *out, const tn_value *part, const tn_node *at, const char *path) {
    const tn_subject *link = part->link;
    tn_cfn_unknown(out, at, path, part->reason);
    out->link = link;
    return TENET_OK;
}

/* The argument list of a function: its items, or NULL when it is not a list. */
static const tn_node *arg_list(const tn_cfn_fn *fn, size_t min, size_t max) {
    const tn_node *a = fn->arg;
    tn_cfn_fn inner;
    if (a == NULL || a->type != TN_NODE_SEQ || a->n < min || a->n > max)
        return NULL;
    if (!fn->arg_tagged && tn_cfn_intrinsic(a, false, &inner))
        return NULL;
    return a;
}

/* Resolves a part that must be a known scalar. Returns 1 with the text, 0
 * when *out was set to UNKNOWN (or ABSENT), negative on failure. */
static int scalar_part(tn_cfn_env *env, const tn_node *part, const tn_node *at, const char *path,
                       const char *what, tn_value *out, const char **text, size_t *len) {
    tn_value v;
    int rc = tn_cfn_resolve(env, part, false, path, &v);
    if (rc != TENET_OK)
        return rc;
    if (v.kind == TN_V_UNKNOWN) {
        pass_unknown(out, &v, at, path);
        return 0;
    }
    *text = tn_cfn_scalar_text(&v, len);
    if (*text == NULL) {
        rc = tn_cfn_unknownf(env, out, at, path, "%s is not a scalar", what);
        return rc != TENET_OK ? rc : 0;
    }
    return 1;
}

/* ---- Fn::Join, Fn::Split, Fn::Select ---- */

static int fn_join(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                   tn_value *out) {
    const tn_node *a = arg_list(fn, 2, 2);
    if (a == NULL)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Join needs [delimiter, [values]]");
    const char *delim;
    size_t dlen;
    int rc =
        scalar_part(env, a->ch.items[0], n, path, "the Fn::Join delimiter", out, &delim, &dlen);
    if (rc <= 0)
        return rc;
    tn_value list;
    rc = tn_cfn_resolve(env, a->ch.items[1], false, path, &list);
    if (rc != TENET_OK)
        return rc;
    if (list.kind == TN_V_UNKNOWN)
        return pass_unknown(out, &list, n, path);
    if (list.kind != TN_V_LIST)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Join needs a list of values");
    for (size_t i = 0; i < list.u.list.n; i++)
        if (list.u.list.items[i].kind == TN_V_UNKNOWN)
            return pass_unknown(out, &list.u.list.items[i], n, path);
    tn_buf b = {0};
    for (size_t i = 0; i < list.u.list.n; i++) {
        size_t tl;
        const char *t = tn_cfn_scalar_text(&list.u.list.items[i], &tl);
        if (t == NULL) {
            tn_buf_free(&b);
            return tn_cfn_unknownf(env, out, n, path, "Fn::Join item %zu is not a scalar", i);
        }
        if (i > 0)
            tn_buf_put(&b, delim, dlen);
        tn_buf_put(&b, t, tl);
    }
    if (tn_buf_failed(&b)) {
        tn_buf_free(&b);
        return NOMEM(env);
    }
    char *text = tn_arena_strndup(env->arena, b.ptr ? b.ptr : "", b.size);
    size_t tl = b.size;
    tn_buf_free(&b);
    if (text == NULL)
        return NOMEM(env);
    tn_cfn_string(out, text, tl, n, path);
    if (strstr(text, "{{resolve:") != NULL)
        return tn_cfn_unknownf(env, out, n, path,
                               "a dynamic reference in %s is resolved at deploy time", "Fn::Join");
    return TENET_OK;
}

static int fn_split(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                    tn_value *out) {
    const tn_node *a = arg_list(fn, 2, 2);
    if (a == NULL)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Split needs [delimiter, string]");
    const char *delim, *src;
    size_t dlen, slen;
    int rc =
        scalar_part(env, a->ch.items[0], n, path, "the Fn::Split delimiter", out, &delim, &dlen);
    if (rc <= 0)
        return rc;
    rc = scalar_part(env, a->ch.items[1], n, path, "the Fn::Split source", out, &src, &slen);
    if (rc <= 0)
        return rc;
    if (dlen == 0)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Split needs a non-empty delimiter");
    size_t count = 1;
    for (size_t i = 0; i + dlen <= slen;)
        if (memcmp(src + i, delim, dlen) == 0) {
            count++;
            i += dlen;
        } else {
            i++;
        }
    memset(out, 0, sizeof *out);
    out->kind = TN_V_LIST;
    out->has_span = true;
    out->span = n->span;
    out->path = path;
    out->u.list.items = tn_arena_calloc(env->arena, count, sizeof(tn_value));
    if (out->u.list.items == NULL)
        return NOMEM(env);
    size_t start = 0;
    for (size_t i = 0; i <= slen;) {
        if (i < slen && !(i + dlen <= slen && memcmp(src + i, delim, dlen) == 0)) {
            i++;
            continue;
        }
        char *item = tn_arena_strndup(env->arena, src + start, i - start);
        const char *ip = tn_cfn_path_index(env->arena, path, out->u.list.n);
        if (item == NULL || ip == NULL)
            return NOMEM(env);
        tn_cfn_string(&out->u.list.items[out->u.list.n++], item, i - start, n, ip);
        i += i < slen ? dlen : 1;
        start = i;
    }
    return TENET_OK;
}

static int fn_select(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                     tn_value *out) {
    const tn_node *a = arg_list(fn, 2, 2);
    if (a == NULL)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Select needs [index, [values]]");
    const char *it;
    size_t il;
    int rc = scalar_part(env, a->ch.items[0], n, path, "the Fn::Select index", out, &it, &il);
    if (rc <= 0)
        return rc;
    char buf[32];
    if (il == 0 || il >= sizeof buf)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Select index %.*s is not a number", (int)il,
                               it);
    memcpy(buf, it, il);
    buf[il] = '\0';
    char *end;
    long idx = strtol(buf, &end, 10);
    if (*end != '\0' || idx < 0)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Select index %s is not a number", buf);
    tn_value list;
    rc = tn_cfn_resolve(env, a->ch.items[1], false, path, &list);
    if (rc != TENET_OK)
        return rc;
    if (list.kind == TN_V_UNKNOWN)
        return pass_unknown(out, &list, n, path);
    if (list.kind != TN_V_LIST)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Select needs a list of values");
    if ((size_t)idx >= list.u.list.n)
        return tn_cfn_unknownf(env, out, n, path,
                               "Fn::Select index %ld is out of range (%zu items)", idx,
                               list.u.list.n);
    *out = list.u.list.items[idx];
    out->path = path;
    return TENET_OK;
}

/* ---- Fn::FindInMap ---- */

static int fn_findinmap(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                        tn_value *out) {
    const tn_node *a = arg_list(fn, 3, 4);
    if (a == NULL)
        return tn_cfn_unknownf(env, out, n, path,
                               "Fn::FindInMap needs [MapName, TopLevelKey, SecondLevelKey]");
    const char *k[3];
    size_t kl[3];
    static const char *const what[3] = {"the Fn::FindInMap map name",
                                        "the Fn::FindInMap top-level key",
                                        "the Fn::FindInMap second-level key"};
    for (int i = 0; i < 3; i++) {
        int rc = scalar_part(env, a->ch.items[i], n, path, what[i], out, &k[i], &kl[i]);
        if (rc <= 0)
            return rc;
    }
    const tn_node *dflt = NULL;
    if (a->n == 4) {
        dflt = tn_map_get(a->ch.items[3], "DefaultValue");
        if (dflt == NULL)
            return tn_cfn_unknownf(env, out, n, path,
                                   "Fn::FindInMap's fourth argument needs DefaultValue");
    }
    const tn_node *m = tn_strmap_get(&env->cfn->maps, k[0], kl[0]);
    if (m == NULL)
        return tn_cfn_unknownf(env, out, n, path, "Fn::FindInMap refers to undefined mapping %.*s",
                               (int)kl[0], k[0]);
    const tn_node *top = tn_map_getn(m, k[1], kl[1]);
    const tn_node *val = top ? tn_map_getn(top, k[2], kl[2]) : NULL;
    if (val == NULL) {
        if (dflt != NULL)
            return tn_cfn_resolve(env, dflt, false, path, out);
        if (top == NULL)
            return tn_cfn_unknownf(env, out, n, path, "Mappings.%.*s has no key %.*s", (int)kl[0],
                                   k[0], (int)kl[1], k[1]);
        return tn_cfn_unknownf(env, out, n, path, "Mappings.%.*s.%.*s has no key %.*s", (int)kl[0],
                               k[0], (int)kl[1], k[1], (int)kl[2], k[2]);
    }
    const char *prov = tn_arena_sprintf(env->arena, "Mappings.%.*s.%.*s.%.*s", (int)kl[0], k[0],
                                        (int)kl[1], k[1], (int)kl[2], k[2]);
    if (prov == NULL)
        return NOMEM(env);
    int rc = tn_value_from_node(out, val, path, env->arena);
    if (rc != TENET_OK) {
        NOMEM(env);
        return rc;
    }
    tn_cfn_restamp(out, n, path, prov, env->arena);
    return TENET_OK;
}

/* ---- Fn::Base64, Fn::Length, Fn::ToJsonString ---- */

static int fn_base64(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                     tn_value *out) {
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    tn_value v;
    int rc = tn_cfn_resolve(env, fn->arg, fn->arg_tagged, path, &v);
    if (rc != TENET_OK)
        return rc;
    if (v.kind == TN_V_UNKNOWN)
        return pass_unknown(out, &v, n, path);
    size_t len;
    const char *s = tn_cfn_scalar_text(&v, &len);
    if (s == NULL)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Base64 needs a string");
    char *o = tn_arena_alloc(env->arena, (len + 2) / 3 * 4 + 1);
    if (o == NULL)
        return NOMEM(env);
    size_t j = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned x = (unsigned char)s[i] << 16;
        if (i + 1 < len)
            x |= (unsigned char)s[i + 1] << 8;
        if (i + 2 < len)
            x |= (unsigned char)s[i + 2];
        o[j++] = tbl[(x >> 18) & 63];
        o[j++] = tbl[(x >> 12) & 63];
        o[j++] = i + 1 < len ? tbl[(x >> 6) & 63] : '=';
        o[j++] = i + 2 < len ? tbl[x & 63] : '=';
    }
    o[j] = '\0';
    tn_cfn_string(out, o, j, n, path);
    return TENET_OK;
}

static int fn_length(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                     tn_value *out) {
    tn_value v;
    int rc = tn_cfn_resolve(env, fn->arg, fn->arg_tagged, path, &v);
    if (rc != TENET_OK)
        return rc;
    if (v.kind == TN_V_UNKNOWN)
        return pass_unknown(out, &v, n, path);
    if (v.kind != TN_V_LIST)
        return tn_cfn_unknownf(env, out, n, path, "Fn::Length needs a list");
    for (size_t i = 0; i < v.u.list.n; i++)
        if (v.u.list.items[i].kind == TN_V_UNKNOWN && v.u.list.items[i].maybe_absent)
            return pass_unknown(out, &v.u.list.items[i], n, path);
    char *text = tn_arena_sprintf(env->arena, "%zu", v.u.list.n);
    if (text == NULL)
        return NOMEM(env);
    memset(out, 0, sizeof *out);
    out->kind = TN_V_INT;
    out->u.i = (int64_t)v.u.list.n;
    out->text = text;
    out->len = strlen(text);
    out->has_span = true;
    out->span = n->span;
    out->path = path;
    return TENET_OK;
}

/* Serialises a known value as compact JSON; returns the first unknown part
 * (leaving the buffer partial) or NULL. */
static const tn_value *to_json(tn_buf *b, const tn_value *v) {
    const tn_value *u = NULL;
    switch (v->kind) {
    case TN_V_UNKNOWN:
        return v;
    case TN_V_ABSENT:
    case TN_V_NULL:
        tn_buf_puts(b, "null");
        return NULL;
    case TN_V_BOOL:
    case TN_V_INT:
    case TN_V_NUM:
        tn_buf_put(b, v->text ? v->text : "null", v->text ? v->len : 4);
        return NULL;
    case TN_V_STR:
        tn_buf_put_json_string(b, v->text ? v->text : "");
        return NULL;
    case TN_V_LIST:
        tn_buf_putc(b, '[');
        for (size_t i = 0; i < v->u.list.n && u == NULL; i++) {
            if (i > 0)
                tn_buf_putc(b, ',');
            u = to_json(b, &v->u.list.items[i]);
        }
        tn_buf_putc(b, ']');
        return u;
    case TN_V_MAP:
        tn_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.map.n && u == NULL; i++) {
            if (i > 0)
                tn_buf_putc(b, ',');
            tn_buf_put_json_string(b, v->u.map.keys[i]);
            tn_buf_putc(b, ':');
            u = to_json(b, &v->u.map.vals[i]);
        }
        tn_buf_putc(b, '}');
        return u;
    }
    return NULL;
}

static int fn_tojson(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                     tn_value *out) {
    tn_value v;
    int rc = tn_cfn_resolve(env, fn->arg, fn->arg_tagged, path, &v);
    if (rc != TENET_OK)
        return rc;
    tn_buf b = {0};
    const tn_value *u = to_json(&b, &v);
    if (u != NULL) {
        tn_buf_free(&b);
        return pass_unknown(out, u, n, path);
    }
    if (tn_buf_failed(&b)) {
        tn_buf_free(&b);
        return NOMEM(env);
    }
    char *text = tn_arena_strndup(env->arena, b.ptr ? b.ptr : "", b.size);
    size_t tl = b.size;
    tn_buf_free(&b);
    if (text == NULL)
        return NOMEM(env);
    tn_cfn_string(out, text, tl, n, path);
    return TENET_OK;
}

/* ---- dispatch ---- */

int tn_cfn_resolve_fn(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                      tn_value *out) {
    const char *name = fn->name;
    if (strcmp(name, "Fn::Join") == 0)
        return fn_join(env, n, fn, path, out);
    if (strcmp(name, "Fn::Split") == 0)
        return fn_split(env, n, fn, path, out);
    if (strcmp(name, "Fn::Select") == 0)
        return fn_select(env, n, fn, path, out);
    if (strcmp(name, "Fn::FindInMap") == 0)
        return fn_findinmap(env, n, fn, path, out);
    if (strcmp(name, "Fn::Base64") == 0)
        return fn_base64(env, n, fn, path, out);
    if (strcmp(name, "Fn::Length") == 0)
        return fn_length(env, n, fn, path, out);
    if (strcmp(name, "Fn::ToJsonString") == 0)
        return fn_tojson(env, n, fn, path, out);
    if (strcmp(name, "Fn::ImportValue") == 0)
        return tn_cfn_unknownf(env, out, n, path,
                               "imported from another stack's export at deploy time");
    if (strcmp(name, "Fn::GetAZs") == 0)
        return tn_cfn_unknownf(env, out, n, path,
                               "Fn::GetAZs lists the account's availability zones at deploy time");
    if (strcmp(name, "Fn::Transform") == 0)
        return tn_cfn_unknownf(env, out, n, path,
                               "Fn::Transform runs a macro at deploy time; "
                               "its result is not evaluated");
    return tn_cfn_unknownf(env, out, n, path, "%s is not evaluated", name);
}
