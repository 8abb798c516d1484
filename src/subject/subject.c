/* The subject model: values from document nodes, coercion to canonical
 * field types, and filling a subject's fields through a format mapping. */
#include "subject/subject.h"
#include "eval/regex.h"
#include "rules/ir.h"
#include "tenet/errors.h"
#include "util/arena.h"
#include "util/buf.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    tn_operation op;
    const char *name;
} op_names[] = {
    {TN_OP_CREATE, "create"}, {TN_OP_UPDATE, "update"}, {TN_OP_REPLACE, "replace"},
    {TN_OP_DELETE, "delete"}, {TN_OP_READ, "read"},
};

const char *tn_operation_name(tn_operation op) {
    for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
        if (op_names[i].op == op) return op_names[i].name;
    return "none";
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

static bool ieq(const char *s, size_t len, const char *lit) {
    size_t n = strlen(lit);
    if (n != len) return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != lit[i]) return false;
    return true;
}

tn_operation tn_operation_parse(const char *s, size_t len) {
    if (!s) return TN_OP_NONE;
    for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
        if (ieq(s, len, op_names[i].name)) return op_names[i].op;
    return TN_OP_NONE;
}

int tn_parse_bool_text(const char *s, size_t len) {
    if (!s) return -1;
    if (ieq(s, len, "true")) return 1;
    if (ieq(s, len, "false")) return 0;
    return -1;
}

/* ---- display ---------------------------------------------------------- */

static void display_into(const tn_value *v, tn_buf *b);

static void display_scalar(const tn_value *v, tn_buf *b) {
    if (v->text) {
        /* Enough for the cut of tn_value_display(), not a copy of a huge text. */
        tn_buf_put(b, v->text, v->len > TN_DISPLAY_MAX + 4 ? TN_DISPLAY_MAX + 4 : v->len);
        return;
    }
    switch (v->kind) {
    case TN_V_BOOL: tn_buf_puts(b, v->u.b ? "true" : "false"); break;
    case TN_V_INT: tn_buf_printf(b, "%lld", (long long)v->u.i); break;
    case TN_V_NUM: tn_buf_printf(b, "%.17g", v->u.d); break;
    default: break;
    }
}

static void display_into(const tn_value *v, tn_buf *b) {
    if (b->size > TN_DISPLAY_MAX) return; /* cut anyway: stop walking */
    switch (v->kind) {
    case TN_V_ABSENT: tn_buf_puts(b, "<absent>"); break;
    case TN_V_UNKNOWN: tn_buf_puts(b, "<unknown>"); break;
    case TN_V_NULL: tn_buf_puts(b, "null"); break;
    case TN_V_LIST:
        tn_buf_putc(b, '[');
        for (size_t i = 0; i < v->u.list.n; i++) {
            if (i) tn_buf_puts(b, ", ");
            display_into(&v->u.list.items[i], b);
        }
        tn_buf_putc(b, ']');
        break;
    case TN_V_MAP:
        tn_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.map.n; i++) {
            if (i) tn_buf_puts(b, ", ");
            tn_buf_puts(b, v->u.map.keys[i] ? v->u.map.keys[i] : "");
            tn_buf_puts(b, ": ");
            display_into(&v->u.map.vals[i], b);
        }
        tn_buf_putc(b, '}');
        break;
    default: display_scalar(v, b); break;
    }
}

/* `s` cut to TN_DISPLAY_MAX bytes without splitting a UTF-8 sequence. */
static const char *display_cut(const char *s, size_t len, tn_arena *arena) {
    if (len <= TN_DISPLAY_MAX) return tn_arena_strndup(arena, s, len);
    size_t n = TN_DISPLAY_MAX;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return tn_arena_sprintf(arena, "%.*s\xE2\x80\xA6", (int)n, s);
}

const char *tn_value_display(const tn_value *v, tn_arena *arena) {
    if (!v || v->kind == TN_V_ABSENT) return "<absent>";
    if (v->kind == TN_V_UNKNOWN) return "<unknown>";
    if (v->kind == TN_V_NULL) return "null";
    if (v->kind != TN_V_LIST && v->kind != TN_V_MAP && v->text) {
        if (v->len <= TN_DISPLAY_MAX) return v->text;
        const char *cut = display_cut(v->text, v->len, arena);
        return cut ? cut : "<value>";
    }
    tn_buf b = {0};
    display_into(v, &b);
    const char *out = NULL;
    if (!tn_buf_failed(&b)) out = display_cut(b.ptr ? b.ptr : "", b.size, arena);
    tn_buf_free(&b);
    return out ? out : "<value>";
}

/* ---- from document nodes --------------------------------------------- */

/* "<path>.<key>" and "<path>[i]": plain concatenation, not printf (every
 * element of a value read from a document gets one). */
static const char *child_path(tn_arena *arena, const char *path, const char *key, size_t i) {
    char num[24];
    size_t nl = 0;
    if (!key) {
        num[sizeof num - 1] = ']';
        nl = 1;
        do num[sizeof num - ++nl] = (char)('0' + i % 10);
        while ((i /= 10) > 0);
        num[sizeof num - ++nl] = '[';
    }
    size_t pl = path ? strlen(path) : 0;
    bool dot = key && pl > 0;
    size_t kl = key ? strlen(key) : nl;
    char *s = tn_arena_alloc(arena, pl + dot + kl + 1);
    if (!s) return NULL;
    if (pl) memcpy(s, path, pl);
    if (dot) s[pl] = '.';
    memcpy(s + pl + dot, key ? key : num + sizeof num - nl, kl);
    s[pl + dot + kl] = '\0';
    return s;
}

int tn_value_from_node(tn_value *out, const tn_node *node, const char *path, tn_arena *arena) {
    memset(out, 0, sizeof *out);
    out->path = path;
    if (!node) return TENET_OK; /* absent */
    out->has_span = true;
    out->span = node->span;
    switch (node->type) {
    case TN_NODE_NULL:
        out->kind = TN_V_NULL;
        out->text = "null";
        out->len = 4;
        return TENET_OK;
    case TN_NODE_BOOL:
        out->kind = TN_V_BOOL;
        out->u.b = node->as.b;
        out->text = node->as.b ? "true" : "false";
        out->len = strlen(out->text);
        return TENET_OK;
    case TN_NODE_INT:
        out->kind = TN_V_INT;
        out->u.i = node->as.i;
        break;
    case TN_NODE_FLOAT:
        out->kind = TN_V_NUM;
        out->u.d = node->as.f;
        break;
    case TN_NODE_STRING:
        out->kind = TN_V_STR;
        break;
    case TN_NODE_SEQ: {
        out->kind = TN_V_LIST;
        tn_value *items = tn_arena_calloc(arena, node->n ? node->n : 1, sizeof *items);
        if (!items) return TENET_ENOMEM;
        for (size_t i = 0; i < node->n; i++) {
            const char *cp = child_path(arena, path, NULL, i);
            if (!cp) return TENET_ENOMEM;
            int rc = tn_value_from_node(&items[i], node->ch.items[i], cp, arena);
            if (rc) return rc;
        }
        out->u.list.items = items;
        out->u.list.n = node->n;
        return TENET_OK;
    }
    case TN_NODE_MAP: {
        out->kind = TN_V_MAP;
        size_t n = node->n ? node->n : 1;
        const char **keys = tn_arena_calloc(arena, n, sizeof *keys);
        tn_value *vals = tn_arena_calloc(arena, n, sizeof *vals);
        if (!keys || !vals) return TENET_ENOMEM;
        for (size_t i = 0; i < node->n; i++) {
            const tn_node *k = node->ch.pairs[i].key;
            keys[i] = k && k->str ? k->str : "";
            const char *cp = child_path(arena, path, keys[i], 0);
            if (!cp) return TENET_ENOMEM;
            int rc = tn_value_from_node(&vals[i], node->ch.pairs[i].value, cp, arena);
            if (rc) return rc;
        }
        out->u.map.keys = keys;
        out->u.map.vals = vals;
        out->u.map.n = node->n;
        return TENET_OK;
    }
    }
    out->text = node->str ? node->str : "";
    out->len = node->str ? node->len : 0;
    return TENET_OK;
}

/* ---- coercion --------------------------------------------------------- */

static const char *type_name(tn_ftype t) {
    switch (t) {
    case TN_T_ANY: return "any";
    case TN_T_STRING: return "string";
    case TN_T_BOOL: return "bool";
    case TN_T_INT: return "int";
    case TN_T_NUMBER: return "number";
    case TN_T_VERSION: return "version";
    case TN_T_LIST: return "list";
    case TN_T_MAP: return "map";
    }
    return "?";
}

static bool is_scalar(const tn_value *v) {
    return v->kind == TN_V_STR || v->kind == TN_V_INT || v->kind == TN_V_NUM ||
           v->kind == TN_V_BOOL;
}

/* The last step of a document path ("...Properties.BucketName"
 * → "BucketName"): the name the user wrote. */
static const char *path_tail(const char *path) {
    if (!path || !*path) return NULL;
    const char *dot = strrchr(path, '.');
    return dot && dot[1] ? dot + 1 : path;
}

static void make_unknown(tn_value *v, const tn_kind *kind, size_t fi, tn_arena *arena) {
    const tn_field *f = &kind->fields[fi];
    const char *where = path_tail(v->path);
    if (!where) where = f->name;
    const char *reason;
    if (is_scalar(v))
        reason = tn_arena_sprintf(arena, "%s: expected %s, got '%.*s'", where, type_name(f->type),
                                  (int)v->len, v->text ? v->text : "");
    else
        reason = tn_arena_sprintf(arena, "%s: expected %s, got a %s", where, type_name(f->type),
                                  v->kind == TN_V_LIST ? "list" : "map");
    v->kind = TN_V_UNKNOWN;
    v->maybe_absent = false;
    v->reason = reason ? reason : "value of the wrong type";
}

bool tn_parse_number_text(const char *s, size_t len, bool *is_int, int64_t *i, double *d) {
    char buf[64];
    if (!s || len == 0 || len >= sizeof buf) return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* strtod alone would also take hex, "inf", "nan" and leading blanks */
    for (size_t k = 0; k < len; k++) {
        char c = buf[k];
        if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E'))
            return false;
    }
    *i = 0;
    char *end;
    errno = 0;
    long long ll = strtoll(buf, &end, 10);
    if (*end == '\0' && errno == 0) {
        *is_int = true;
        *i = ll;
        *d = (double)ll;
        return true;
    }
    errno = 0;
    double x = strtod(buf, &end);
    if (*end != '\0' || errno != 0 || !isfinite(x)) return false;
    *is_int = false;
    *d = x;
    return true;
}

void tn_value_coerce(tn_value *v, const tn_kind *kind, size_t field_index, tn_arena *arena) {
    if (!v || !kind || field_index >= kind->nfields) return;
    if (v->kind == TN_V_ABSENT || v->kind == TN_V_UNKNOWN) return;
    /* An explicit null (Terraform's unset attribute) means "not given". */
    if (v->kind == TN_V_NULL) {
        v->kind = TN_V_ABSENT;
        return;
    }
    tn_ftype t = kind->fields[field_index].type;
    bool is_int;
    int64_t iv;
    double dv;
    switch (t) {
    case TN_T_ANY: return;
    case TN_T_STRING:
    case TN_T_VERSION:
        if (!is_scalar(v)) break;
        if (!v->text) { /* keep text as written; synthesize only if missing */
            const char *txt = tn_value_display(v, arena);
            v->text = txt;
            v->len = strlen(txt);
        }
        v->kind = TN_V_STR;
        return;
    case TN_T_BOOL:
        if (v->kind == TN_V_BOOL) return;
        if (v->kind == TN_V_STR) {
            if (v->len == 0) { /* nullable booleans: "" is not set */
                v->kind = TN_V_ABSENT;
                return;
            }
            int b = tn_parse_bool_text(v->text, v->len);
            if (b >= 0) {
                v->kind = TN_V_BOOL;
                v->u.b = b == 1;
                v->text = b ? "true" : "false";
                v->len = strlen(v->text);
                return;
            }
        }
        break;
    case TN_T_INT:
        if (v->kind == TN_V_INT) return;
        if (v->kind == TN_V_NUM && v->u.d == floor(v->u.d) && fabs(v->u.d) < 9e15) {
            v->u.i = (int64_t)v->u.d;
            v->kind = TN_V_INT;
            return;
        }
        if (v->kind == TN_V_STR && tn_parse_number_text(v->text, v->len, &is_int, &iv, &dv)) {
            if (is_int) {
                v->kind = TN_V_INT;
                v->u.i = iv;
                return;
            }
            if (dv == floor(dv) && fabs(dv) < 9e15) {
                v->kind = TN_V_INT;
                v->u.i = (int64_t)dv;
                return;
            }
        }
        break;
    case TN_T_NUMBER:
        if (v->kind == TN_V_NUM || v->kind == TN_V_INT) return;
        if (v->kind == TN_V_STR && tn_parse_number_text(v->text, v->len, &is_int, &iv, &dv)) {
            if (is_int) {
                v->kind = TN_V_INT;
                v->u.i = iv;
            } else {
                v->kind = TN_V_NUM;
                v->u.d = dv;
            }
            return;
        }
        break;
    case TN_T_LIST:
        if (v->kind == TN_V_LIST) return;
        break;
    case TN_T_MAP:
        if (v->kind == TN_V_MAP) return;
        break;
    }
    make_unknown(v, kind, field_index, arena);
}

/* ---- filling a subject ----------------------------------------------- */

static int fill_derived(tn_subject *s, const tn_kind *kind, size_t fi, void *md, tn_arena *arena) {
    const tn_field *f = &kind->fields[fi];
    const tn_value *src = &s->fields[f->derive_from];
    tn_value *out = &s->fields[fi];
    memset(out, 0, sizeof *out);
    if (src->kind == TN_V_UNKNOWN) {
        *out = *src; /* same reason, same position */
        out->link = NULL;
        return TENET_OK;
    }
    if (src->kind == TN_V_ABSENT || !is_scalar(src) || !src->text) return TENET_OK;
    size_t off = 0, len = 0;
    int rc = tn_regex_match(f->derive, src->text, src->len, md, &off, &len);
    if (rc == 0) return TENET_OK; /* no match: absent */
    out->has_span = src->has_span;
    out->span = src->span;
    out->file = src->file;
    out->path = src->path;
    out->provenance = f->derive_note ? f->derive_note
                                     : tn_arena_sprintf(arena, "derived from %s",
                                                        kind->fields[f->derive_from].name);
    if (rc < 0) {
        if (rc == TENET_ENOMEM) return rc;
        out->kind = TN_V_UNKNOWN;
        out->reason = tn_arena_sprintf(
            arena, "%s could not be derived from %s: %s", f->name,
            kind->fields[f->derive_from].name,
            rc == TENET_ELIMIT ? "the pattern hit the regular expression match limit"
                               : "the pattern failed to match");
        if (!out->reason) return TENET_ENOMEM;
        return TENET_OK;
    }
    out->kind = TN_V_STR;
    out->text = tn_arena_strndup(arena, src->text + off, len);
    out->len = len;
    if (!out->text || !out->provenance) return TENET_ENOMEM;
    tn_value_coerce(out, kind, fi, arena);
    return TENET_OK;
}

static void apply_default(tn_value *v, const tn_field *f) {
    if (v->kind != TN_V_ABSENT || f->def.kind == TN_V_ABSENT) return;
    *v = f->def;
    v->provenance = "default";
    v->has_span = false;
    v->file = NULL;
    v->path = NULL;
    v->link = NULL;
}

int tn_subject_fill(tn_subject *subject, const tn_kind *kind, const tn_format_map *map,
                    tn_lookup_fn lookup, void *ctx, tn_arena *arena, void *match_data) {
    return tn_subject_fill_known(subject, kind, map, lookup, ctx, arena, match_data, NULL);
}

int tn_subject_fill_known(tn_subject *subject, const tn_kind *kind, const tn_format_map *map,
                          tn_lookup_fn lookup, void *ctx, tn_arena *arena, void *match_data,
                          const tn_value *const *known) {
    if (!subject || !kind) return TENET_EINVAL;
    subject->kind = kind;
    /* Not zeroed as a block: every field is written below, once (a
     * subject is built per scenario and region). */
    tn_value *fields = tn_arena_alloc(arena, (kind->nfields ? kind->nfields : 1) * sizeof *fields);
    if (!fields) return TENET_ENOMEM;
    subject->fields = fields;

    /* Defaults go in as each field is filled, before any derivation, so a
     * field can be derived from a defaulted one. */
    size_t nderived = 0;
    for (size_t i = 0; i < kind->nfields; i++) {
        const tn_field *f = &kind->fields[i];
        if (known && known[i]) {
            fields[i] = *known[i];
            continue;
        }
        tn_value *raw = &fields[i]; /* looked up in place: kept when it fits */
        memset(raw, 0, sizeof *raw);
        if (f->derive_from >= 0) {
            nderived++;
            continue;
        }
        const tn_field_map *fm = map && map->fields ? &map->fields[i] : NULL;
        for (size_t a = 0; fm && lookup && a < fm->nalts; a++) {
            const tn_mapping_alt *alt = &fm->alts[a];
            int rc = lookup(ctx, alt, raw);
            if (rc < 0) return rc;
            if (rc == 0) continue; /* *raw untouched */
            /* a null alternative (unset Terraform attribute) lets the next one speak */
            if (raw->kind != TN_V_ABSENT && raw->kind != TN_V_NULL &&
                (alt->want < 0 || (int)raw->kind == alt->want || raw->kind == TN_V_UNKNOWN ||
                 (alt->want == TN_V_NUM && raw->kind == TN_V_INT)))
                break;
            memset(raw, 0, sizeof *raw);
        }
        if (raw->kind != TN_V_ABSENT) tn_value_coerce(raw, kind, i, arena);
        apply_default(raw, f);
    }

    /* Derived fields, in dependency order (a derived field may derive from
     * another); the compiler rejects cycles, so nfields passes suffice. */
    if (nderived) {
        bool *done = tn_arena_calloc(arena, kind->nfields, sizeof *done);
        if (!done) return TENET_ENOMEM;
        for (size_t i = 0; i < kind->nfields; i++)
            done[i] = kind->fields[i].derive_from < 0 || (known && known[i]);
        for (size_t pass = 0; pass < kind->nfields && nderived; pass++) {
            for (size_t i = 0; i < kind->nfields; i++) {
                const tn_field *f = &kind->fields[i];
                if (done[i] || (size_t)f->derive_from >= kind->nfields ||
                    !done[f->derive_from])
                    continue;
                if (f->derive) {
                    int rc = fill_derived(subject, kind, i, match_data, arena);
                    if (rc) return rc;
                }
                apply_default(&fields[i], f);
                done[i] = true;
                nderived--;
            }
        }
    }
    return TENET_OK;
}
