/* Compiling `kinds:`: typed fields (defaults coerced at load, derived fields,
 * references) and the per-format mappings (paths, alternatives, API
 * operations and their parameters). */
#include "rules/compile.h"
#include "eval/regex.h"
#include "util/arena.h"
#include "util/strmap.h"
#include <string.h>

static const char *const kind_keys[] = {"title",     "description", "fields", "cloudformation",
                                        "terraform", "api",         NULL};
static const char *const field_keys[] = {"type", "default", "ref", "derive", "description", NULL};
static const char *const derive_keys[] = {"from", "extract", NULL};
static const char *const typed_map_keys[] = {"type", "fields", NULL};
static const char *const api_keys[] = {"service", "operations", "fields", "parameters", NULL};
static const char *const alt_keys[] = {"path", "type", NULL};
static const char *const formats[] = {"cloudformation", "terraform", "api"};

static const char *const type_names[] = {"any",     "string", "bool", "int", "number",
                                         "version", "list",   "map",  NULL};
static const tn_ftype type_values[] = {TN_T_ANY,    TN_T_STRING,  TN_T_BOOL, TN_T_INT,
                                       TN_T_NUMBER, TN_T_VERSION, TN_T_LIST, TN_T_MAP};

static const char *const want_names[] = {"string", "bool", "int", "number", "list", "map", NULL};
static const int want_values[] = {TN_V_STR, TN_V_BOOL, TN_V_INT, TN_V_NUM, TN_V_LIST, TN_V_MAP};

/* Index of the scalar's text in a NULL-terminated name list, or -1. */
static long name_index(const tn_node *n, const char *const *names) {
    if (!tn_node_is_scalar(n)) return -1;
    for (long i = 0; names[i]; i++)
        if (tn_node_str_eq(n, names[i])) return i;
    return -1;
}

static size_t count_names(const char *const *names) {
    size_t n = 0;
    while (names[n]) n++;
    return n;
}

/* A list of the kind's field names, for suggestions. */
static const char **field_names(tn_rc *rc, const tn_kind *kind) {
    const char **v = tn_arena_calloc(&rc->rs->arena, kind->nfields + 1, sizeof *v);
    if (v)
        for (size_t i = 0; i < kind->nfields; i++) v[i] = kind->fields[i].name;
    return v;
}

static int unknown_field(tn_rc *rc, const tn_kind *kind, const tn_node *n) {
    const char **names = field_names(rc, kind);
    if (!names) return tn_rc_nomem(rc);
    const char *hint = tn_rc_hint(rc, n->str, n->len, names, kind->nfields);
    if (!hint) return tn_rc_nomem(rc);
    return tn_rc_error(rc, n, "unknown field \"%s\" in kind %s%s", n->str, kind->name, hint);
}

static int parse_type(tn_rc *rc, const tn_node *n, tn_ftype *out) {
    long i = name_index(n, type_names);
    if (i >= 0 && n->type == TN_NODE_STRING) {
        *out = type_values[i];
        return TENET_OK;
    }
    const char *hint = tn_node_is_scalar(n)
                           ? tn_rc_hint(rc, n->str, n->len, type_names, count_names(type_names))
                           : "";
    if (!hint) return tn_rc_nomem(rc);
    return tn_rc_error(rc, n,
                       "unknown field type \"%s\"%s (expected one of: string, bool, int, number, "
                       "version, list, map, any)",
                       tn_node_is_scalar(n) ? n->str : "?", hint);
}

/* ASCII case-insensitive comparison of len bytes. */
static bool ieq(const char *a, const char *b, size_t len) {
    for (size_t i = 0; i < len; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

/* Coerces a default to the field's type, as input values are coerced. */
static int compile_default(tn_rc *rc, tn_field *f, const tn_node *n) {
    int rv = tn_rc_value(rc, n, &f->def);
    if (rv) return rv;
    tn_value *v = &f->def;
    bool ok = true;
    switch (f->type) {
    case TN_T_ANY: break;
    case TN_T_STRING:
    case TN_T_VERSION:
        ok = tn_node_is_scalar(n) && n->type != TN_NODE_NULL;
        v->kind = TN_V_STR;
        break;
    case TN_T_BOOL:
        if (n->type == TN_NODE_STRING) {
            if (n->len == 4 && ieq(n->str, "true", 4)) {
                v->kind = TN_V_BOOL;
                v->u.b = true;
            } else if (n->len == 5 && ieq(n->str, "false", 5)) {
                v->kind = TN_V_BOOL;
                v->u.b = false;
            } else {
                ok = false;
            }
            if (ok) v->text = v->u.b ? "true" : "false";
        } else {
            ok = n->type == TN_NODE_BOOL;
        }
        break;
    case TN_T_INT: ok = n->type == TN_NODE_INT; break;
    case TN_T_NUMBER:
        ok = n->type == TN_NODE_INT || n->type == TN_NODE_FLOAT;
        if (ok && n->type == TN_NODE_INT) {
            v->kind = TN_V_NUM;
            v->u.d = (double)n->as.i;
        }
        break;
    case TN_T_LIST: ok = n->type == TN_NODE_SEQ; break;
    case TN_T_MAP: ok = n->type == TN_NODE_MAP; break;
    }
    if (!ok)
        return tn_rc_error(rc, n, "default of field \"%s\" must be %s %s (the field's type)",
                           f->name, f->type == TN_T_INT ? "an" : "a", tn_ftype_name(f->type));
    v->provenance = "default";
    return TENET_OK;
}

static int compile_refs(tn_rc *rc, tn_field *f, const tn_node *n) {
    size_t count = n->type == TN_NODE_SEQ ? n->n : 1;
    if (n->type == TN_NODE_SEQ && n->n == 0)
        return tn_rc_error(rc, n, "ref of field \"%s\" needs at least one kind", f->name);
    if (!(f->refs = tn_arena_calloc(&rc->rs->arena, count, sizeof *f->refs)))
        return tn_rc_nomem(rc);
    for (size_t i = 0; i < count; i++) {
        const tn_node *k = n->type == TN_NODE_SEQ ? n->ch.items[i] : n;
        if (k->type != TN_NODE_STRING || !tn_rc_is_kind_name(k->str, k->len))
            return tn_rc_error(rc, k, "ref of field \"%s\" must be a kind name or a list of them",
                               f->name);
        if (!(f->refs[i] = tn_rc_dup(rc, k))) return tn_rc_nomem(rc);
    }
    f->nrefs = count;
    return TENET_OK;
}

static int compile_derive(tn_rc *rc, tn_kind *kind, tn_field *f, const tn_node *n) {
    int rv = tn_rc_expect_map(rc, n, "derive");
    if (!rv) rv = tn_rc_check_keys(rc, n, derive_keys, "derive");
    if (!rv) rv = tn_rc_require(rc, n, "from", "derive");
    if (!rv) rv = tn_rc_require(rc, n, "extract", "derive");
    if (rv) return rv;
    const tn_node *from = tn_map_get(n, "from");
    const tn_node *extract = tn_map_get(n, "extract");
    if (from->type != TN_NODE_STRING) return tn_rc_error(rc, from, "from must be a field name");
    long idx = tn_kind_field(kind, from->str);
    if (idx < 0) return unknown_field(rc, kind, from);
    if (&kind->fields[idx] == f)
        return tn_rc_error(rc, from, "field \"%s\" cannot be derived from itself", f->name);
    f->derive_from = idx;
    f->derive_note = tn_arena_sprintf(&rc->rs->arena, "derived from %s", kind->fields[idx].name);
    if (!f->derive_note) return tn_rc_nomem(rc);
    if ((rv = tn_rc_regex(rc, extract, &f->derive))) return rv;
    if (tn_regex_captures(f->derive) < 1)
        return tn_rc_error(
            rc, extract,
            "derive regex of field \"%s\" needs a capture group (the field is group 1)", f->name);
    return TENET_OK;
}

static int compile_field(tn_rc *rc, tn_kind *kind, tn_field *f, const tn_node *n) {
    const char *where = tn_arena_sprintf(&rc->rs->arena, "field \"%s\"", f->name);
    if (!where) return tn_rc_nomem(rc);
    int rv = tn_rc_expect_map(rc, n, where);
    if (!rv) rv = tn_rc_check_keys(rc, n, field_keys, where);
    if (!rv) rv = tn_rc_require(rc, n, "type", where);
    if (!rv) rv = parse_type(rc, tn_map_get(n, "type"), &f->type);
    if (rv) return rv;
    const tn_node *v;
    if ((v = tn_map_get(n, "description")) &&
        (rv = tn_rc_string(rc, v, "description", &f->description)))
        return rv;
    if ((v = tn_map_get(n, "default")) && (rv = compile_default(rc, f, v))) return rv;
    if ((v = tn_map_get(n, "ref")) && (rv = compile_refs(rc, f, v))) return rv;
    if ((v = tn_map_get(n, "derive")) && (rv = compile_derive(rc, kind, f, v))) return rv;
    return TENET_OK;
}

static int compile_fields(tn_rc *rc, tn_kind *kind, const tn_node *n) {
    const char *where = tn_arena_sprintf(&rc->rs->arena, "fields of kind %s", kind->name);
    if (!where) return tn_rc_nomem(rc);
    int rv = tn_rc_expect_map(rc, n, where);
    if (rv) return rv;
    if (!(kind->fields = tn_arena_calloc(&rc->rs->arena, n->n ? n->n : 1, sizeof(tn_field))))
        return tn_rc_nomem(rc);
    /* Names first, so that `derive: {from: ...}` may name a later field. */
    for (size_t i = 0; i < n->n; i++) {
        const tn_node *k = n->ch.pairs[i].key;
        if (!tn_rc_is_ident(k->str, k->len))
            return tn_rc_error(rc, k, "bad field name \"%s\" (expected letters, digits and _)",
                               k->str);
        if (tn_node_str_eq(k, "all") || tn_node_str_eq(k, "any") || tn_node_str_eq(k, "not"))
            return tn_rc_error(rc, k, "\"%s\" is reserved for conditions and cannot name a field",
                               k->str);
        if (tn_kind_field(kind, k->str) >= 0)
            return tn_rc_error(rc, k, "field \"%s\" is declared twice", k->str);
        tn_field *f = &kind->fields[kind->nfields++];
        if (!(f->name = tn_rc_dup(rc, k))) return tn_rc_nomem(rc);
        f->derive_from = -1;
    }
    for (size_t i = 0; i < n->n; i++)
        if ((rv = compile_field(rc, kind, &kind->fields[i], n->ch.pairs[i].value))) return rv;
    return TENET_OK;
}

/* Path syntax: keys separated by '.', [N] indices, ['a.b'] or ["a.b"] keys
 * containing dots; a leading '/' anchors the path at the resource itself. */
static int parse_path(tn_rc *rc, const tn_node *n, tn_mapping_alt *alt) {
    const char *s = n->str;
    size_t len = n->len, i = 0, nsegs = 0;
    if (!(alt->text = tn_rc_dup(rc, n))) return tn_rc_nomem(rc);
    if (len > 0 && s[0] == '/') {
        alt->root = true;
        i = 1;
    }
    if (i == len) return tn_rc_error(rc, n, "empty path");
    if (!(alt->segs = tn_arena_calloc(&rc->rs->arena, len, sizeof(tn_path_seg))))
        return tn_rc_nomem(rc);
    for (;;) {
        tn_path_seg *seg = &alt->segs[nsegs++];
        if (s[i] == '[') {
            size_t start = i++;
            if (i < len && (s[i] == '\'' || s[i] == '"')) {
                char q = s[i++];
                size_t k0 = i;
                while (i < len && s[i] != q) i++;
                if (i == len || i + 1 >= len || s[i + 1] != ']' || i == k0)
                    return tn_rc_error_off(rc, n, start,
                                           "bad quoted key in path \"%s\" (expected ['key'])", s);
                if (!(seg->key = tn_arena_strndup(&rc->rs->arena, s + k0, i - k0)))
                    return tn_rc_nomem(rc);
                seg->key_len = i - k0;
                i += 2;
            } else {
                long idx = 0;
                size_t d0 = i;
                while (i < len && s[i] >= '0' && s[i] <= '9' && idx < 100000000)
                    idx = idx * 10 + (s[i++] - '0');
                if (i == d0 || i >= len || s[i] != ']')
                    return tn_rc_error_off(rc, n, start, "bad index in path \"%s\" (expected [N])",
                                           s);
                seg->index = idx;
                i++;
            }
        } else {
            size_t k0 = i;
            while (i < len && s[i] != '.' && s[i] != '[' && s[i] != ']') i++;
            if (i == k0) return tn_rc_error_off(rc, n, i, "empty key in path \"%s\"", s);
            if (i < len && s[i] == ']')
                return tn_rc_error_off(rc, n, i, "unexpected ']' in path \"%s\"", s);
            if (!(seg->key = tn_arena_strndup(&rc->rs->arena, s + k0, i - k0)))
                return tn_rc_nomem(rc);
            seg->key_len = i - k0;
        }
        if (i == len) break;
        if (s[i] == '.') {
            if (++i == len) return tn_rc_error_off(rc, n, i - 1, "path \"%s\" ends with '.'", s);
        } else if (s[i] != '[') {
            return tn_rc_error_off(rc, n, i, "unexpected '%c' in path \"%s\"", s[i], s);
        }
    }
    alt->nsegs = nsegs;
    return TENET_OK;
}

static int compile_alt(tn_rc *rc, const tn_node *n, tn_mapping_alt *alt) {
    alt->want = -1;
    const tn_node *path = n;
    if (n->type == TN_NODE_MAP) {
        int rv = tn_rc_check_keys(rc, n, alt_keys, "a mapping alternative");
        if (!rv) rv = tn_rc_require(rc, n, "path", "a mapping alternative");
        if (rv) return rv;
        path = tn_map_get(n, "path");
        const tn_node *t = tn_map_get(n, "type");
        if (t) {
            long w = name_index(t, want_names);
            if (w < 0)
                return tn_rc_error(rc, t,
                                   "unknown value type \"%s\" (expected one of: string, bool, int, "
                                   "number, list, map)",
                                   tn_node_is_scalar(t) ? t->str : "?");
            alt->want = want_values[w];
        }
    }
    if (path->type != TN_NODE_STRING)
        return tn_rc_error(rc, path,
                           "a field mapping must be a path, a list of paths or {path, type}");
    return parse_path(rc, path, alt);
}

static int compile_field_maps(tn_rc *rc, tn_kind *kind, tn_format_map *m, const tn_node *n) {
    int rv = tn_rc_expect_map(rc, n, "fields of a format mapping");
    if (rv) return rv;
    for (size_t i = 0; i < n->n; i++) {
        const tn_node *k = n->ch.pairs[i].key, *v = n->ch.pairs[i].value;
        long idx = tn_kind_field(kind, k->str);
        if (idx < 0) return unknown_field(rc, kind, k);
        tn_field_map *fm = &m->fields[idx];
        if (fm->nalts) return tn_rc_error(rc, k, "field \"%s\" is mapped twice", k->str);
        size_t count = v->type == TN_NODE_SEQ ? v->n : 1;
        if (count == 0)
            return tn_rc_error(rc, v, "mapping of field \"%s\" needs at least one path", k->str);
        if (!(fm->alts = tn_arena_calloc(&rc->rs->arena, count, sizeof(tn_mapping_alt))))
            return tn_rc_nomem(rc);
        for (size_t j = 0; j < count; j++) {
            const tn_node *item = v->type == TN_NODE_SEQ ? v->ch.items[j] : v;
            if ((rv = compile_alt(rc, item, &fm->alts[j]))) return rv;
            fm->alts[j].field = (size_t)idx;
        }
        fm->nalts = count;
    }
    return TENET_OK;
}

/* The kind (before this one) whose `format` mapping already claims `name`. */
static const tn_kind *claimed(const tn_rc *rc, const char *format, const char *name, bool op) {
    const tenet_ruleset *rs = rc->rs;
    for (size_t i = 0; i < rs->nkinds; i++) {
        const tn_format_map *m = tn_kind_format(&rs->kinds[i], format);
        if (!m) continue;
        if (op) {
            for (size_t j = 0; j < m->nops; j++)
                if (strcmp(m->ops[j].name, name) == 0) return &rs->kinds[i];
        } else {
            for (size_t j = 0; j < m->ntypes; j++)
                if (strcmp(m->types[j], name) == 0) return &rs->kinds[i];
        }
    }
    return NULL;
}

static int compile_types(tn_rc *rc, tn_format_map *m, const tn_node *n) {
    size_t count = n->type == TN_NODE_SEQ ? n->n : 1;
    if (count == 0) return tn_rc_error(rc, n, "type needs at least one %s type", m->format);
    if (!(m->types = tn_arena_calloc(&rc->rs->arena, count, sizeof *m->types)))
        return tn_rc_nomem(rc);
    for (size_t i = 0; i < count; i++) {
        const tn_node *t = n->type == TN_NODE_SEQ ? n->ch.items[i] : n;
        if (t->type != TN_NODE_STRING || t->len == 0)
            return tn_rc_error(rc, t, "type must be a %s type name or a list of them", m->format);
        const tn_kind *other = claimed(rc, m->format, t->str, false);
        if (other)
            return tn_rc_error(rc, t, "%s type \"%s\" is already mapped by kind %s", m->format,
                               t->str, other->name);
        if (!(m->types[i] = tn_rc_dup(rc, t))) return tn_rc_nomem(rc);
    }
    m->ntypes = count;
    return TENET_OK;
}

/* The table tn_request_is_valid looks names up in: every request checks
 * each of its parameter names against the operation's list. */
static int index_params(tn_rc *rc, tn_api_op *op) {
    size_t cap = 8;
    while (cap < 2 * op->nparams) cap *= 2;
    tn_name_slot *slots = tn_arena_calloc(&rc->rs->arena, cap, sizeof *slots);
    if (!slots) return tn_rc_nomem(rc);
    for (size_t j = 0; j < op->nparams; j++) {
        uint32_t h = (uint32_t)tn_hash(op->params[j], strlen(op->params[j]));
        size_t i = h & (cap - 1);
        while (slots[i].index) i = (i + 1) & (cap - 1);
        slots[i].hash = h;
        slots[i].index = (uint32_t)j + 1;
    }
    op->param_slots = slots;
    op->param_cap = cap;
    return TENET_OK;
}

static int compile_params(tn_rc *rc, tn_format_map *m, const tn_node *n) {
    int rv = tn_rc_expect_map(rc, n, "parameters");
    if (rv) return rv;
    for (size_t i = 0; i < n->n; i++) {
        const tn_node *k = n->ch.pairs[i].key, *v = n->ch.pairs[i].value;
        tn_api_op *op = NULL;
        const char **names = tn_arena_calloc(&rc->rs->arena, m->nops + 1, sizeof *names);
        if (!names) return tn_rc_nomem(rc);
        for (size_t j = 0; j < m->nops; j++) {
            names[j] = m->ops[j].name;
            if (tn_node_str_eq(k, m->ops[j].name)) op = &m->ops[j];
        }
        if (!op) {
            const char *hint = tn_rc_hint(rc, k->str, k->len, names, m->nops);
            if (!hint) return tn_rc_nomem(rc);
            return tn_rc_error(rc, k,
                               "parameters name operation \"%s\", which is not in operations%s",
                               k->str, hint);
        }
        if ((rv = tn_rc_expect_seq(rc, v, "parameters of an operation"))) return rv;
        if (!(op->params = tn_arena_calloc(&rc->rs->arena, v->n ? v->n : 1, sizeof *op->params)))
            return tn_rc_nomem(rc);
        for (size_t j = 0; j < v->n; j++) {
            const tn_node *p = v->ch.items[j];
            if (p->type != TN_NODE_STRING || p->len == 0)
                return tn_rc_error(rc, p, "a parameter must be a name");
            if (!(op->params[j] = tn_rc_dup(rc, p))) return tn_rc_nomem(rc);
        }
        op->nparams = v->n;
        if ((rv = index_params(rc, op))) return rv;
    }
    return TENET_OK;
}

static int compile_ops(tn_rc *rc, tn_format_map *m, const tn_node *n) {
    int rv = tn_rc_expect_map(rc, n, "operations");
    if (rv) return rv;
    if (n->n == 0) return tn_rc_error(rc, n, "operations needs at least one operation");
    if (!(m->ops = tn_arena_calloc(&rc->rs->arena, n->n, sizeof(tn_api_op))))
        return tn_rc_nomem(rc);
    for (size_t i = 0; i < n->n; i++) {
        const tn_node *k = n->ch.pairs[i].key, *v = n->ch.pairs[i].value;
        if (k->type != TN_NODE_STRING || k->len == 0)
            return tn_rc_error(rc, k, "bad operation name");
        const tn_kind *other = claimed(rc, "api", k->str, true);
        if (other)
            return tn_rc_error(rc, k, "api operation \"%s\" is already mapped by kind %s", k->str,
                               other->name);
        tn_operation op = v->type == TN_NODE_STRING ? tn_rc_operation(v->str, v->len) : TN_OP_NONE;
        if (op == TN_OP_NONE)
            return tn_rc_error(rc, v,
                               "operation \"%s\" must map to one of create, update, replace, "
                               "delete, read",
                               k->str);
        if (!(m->ops[i].name = tn_rc_dup(rc, k))) return tn_rc_nomem(rc);
        for (const char *c = m->ops[i].name; *c; c++) m->ops[i].norm_len += *c != '-' && *c != '_';
        m->ops[i].op = op;
    }
    m->nops = n->n;
    return TENET_OK;
}

static int compile_format(tn_rc *rc, tn_kind *kind, const char *format, const tn_node *n,
                          tn_format_map *m) {
    bool api = strcmp(format, "api") == 0;
    const char *where =
        tn_arena_sprintf(&rc->rs->arena, "%s mapping of kind %s", format, kind->name);
    if (!where) return tn_rc_nomem(rc);
    int rv = tn_rc_expect_map(rc, n, where);
    if (!rv) rv = tn_rc_check_keys(rc, n, api ? api_keys : typed_map_keys, where);
    if (!rv) rv = tn_rc_require(rc, n, api ? "operations" : "type", where);
    if (rv) return rv;
    m->format = format;
    if (!(m->fields = tn_arena_calloc(&rc->rs->arena, kind->nfields ? kind->nfields : 1,
                                      sizeof(tn_field_map))))
        return tn_rc_nomem(rc);
    const tn_node *v;
    if (api) {
        if ((v = tn_map_get(n, "service")) && (rv = tn_rc_string(rc, v, "service", &m->service)))
            return rv;
        if ((rv = compile_ops(rc, m, tn_map_get(n, "operations")))) return rv;
        if ((v = tn_map_get(n, "parameters")) && (rv = compile_params(rc, m, v))) return rv;
    } else if ((rv = compile_types(rc, m, tn_map_get(n, "type")))) {
        return rv;
    }
    if ((v = tn_map_get(n, "fields")) && (rv = compile_field_maps(rc, kind, m, v))) return rv;
    return TENET_OK;
}

static int compile_kind(tn_rc *rc, const tn_node *key, const tn_node *n) {
    tenet_ruleset *rs = rc->rs;
    if (!tn_rc_is_kind_name(key->str, key->len))
        return tn_rc_error(rc, key,
                           "bad kind name \"%s\" (expected lower-case words joined by dots, e.g. "
                           "service.resource)",
                           key->str);
    if (tn_ruleset_kind(rs, key->str))
        return tn_rc_error(rc, key, "kind %s is defined twice", key->str);
    if (rs->nkinds >= rc->kinds_cap) return tn_rc_nomem(rc);
    tn_kind *kind = &rs->kinds[rs->nkinds];
    memset(kind, 0, sizeof *kind);
    if (!(kind->name = tn_rc_dup(rc, key))) return tn_rc_nomem(rc);
    const char *where = tn_arena_sprintf(&rs->arena, "kind %s", kind->name);
    if (!where) return tn_rc_nomem(rc);
    int rv = tn_rc_expect_map(rc, n, where);
    if (!rv) rv = tn_rc_check_keys(rc, n, kind_keys, where);
    if (!rv) rv = tn_rc_require(rc, n, "fields", where);
    if (rv) return rv;
    const tn_node *v;
    if ((v = tn_map_get(n, "title")) && (rv = tn_rc_string(rc, v, "title", &kind->title)))
        return rv;
    if ((v = tn_map_get(n, "description"))) {
        const char *ignored;
        if ((rv = tn_rc_string(rc, v, "description", &ignored))) return rv;
    }
    if ((rv = compile_fields(rc, kind, tn_map_get(n, "fields")))) return rv;
    if (!(kind->maps = tn_arena_calloc(&rs->arena, 3, sizeof(tn_format_map))))
        return tn_rc_nomem(rc);
    for (size_t i = 0; i < 3; i++) {
        if (!(v = tn_map_get(n, formats[i]))) continue;
        if ((rv = compile_format(rc, kind, formats[i], v, &kind->maps[kind->nmaps]))) return rv;
        kind->nmaps++;
    }
    rs->nkinds++;
    return TENET_OK;
}

int tn_rc_kinds(tn_rc *rc, const tn_node *kinds) {
    int rv = tn_rc_expect_map(rc, kinds, "kinds");
    for (size_t i = 0; !rv && i < kinds->n; i++)
        rv = compile_kind(rc, kinds->ch.pairs[i].key, kinds->ch.pairs[i].value);
    return rv;
}

/* Runs after every pack's kinds are compiled, so a ref may name a kind of a
 * later pack. The structure was validated by tn_rc_kinds. */
int tn_rc_check_refs(tn_rc *rc, const tn_node *kinds) {
    const tenet_ruleset *rs = rc->rs;
    const char **names = tn_arena_calloc(&rc->rs->arena, rs->nkinds + 1, sizeof *names);
    if (!names) return tn_rc_nomem(rc);
    for (size_t i = 0; i < rs->nkinds; i++) names[i] = rs->kinds[i].name;
    for (size_t i = 0; i < kinds->n; i++) {
        const tn_node *fields = tn_map_get(kinds->ch.pairs[i].value, "fields");
        for (size_t j = 0; fields && j < fields->n; j++) {
            const tn_node *ref = tn_map_get(fields->ch.pairs[j].value, "ref");
            size_t count = !ref ? 0 : ref->type == TN_NODE_SEQ ? ref->n : 1;
            for (size_t k = 0; k < count; k++) {
                const tn_node *r = ref->type == TN_NODE_SEQ ? ref->ch.items[k] : ref;
                if (tn_ruleset_kind(rs, r->str)) continue;
                const char *hint = tn_rc_hint(rc, r->str, r->len, names, rs->nkinds);
                if (!hint) return tn_rc_nomem(rc);
                return tn_rc_error(rc, r, "unknown kind \"%s\" in ref of field \"%s\"%s", r->str,
                                   fields->ch.pairs[j].key->str, hint);
            }
        }
    }
    return TENET_OK;
}
