/* Helpers shared by the rule-pack compiler passes: positioned errors, type
 * checks on document nodes, name syntax, "did you mean" suggestions, regex
 * compilation and literal values. */
#include "rules/compile.h"
#include "eval/regex.h"
#include "util/arena.h"
#include "util/alloc.h"
#include "util/error.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int rc_verror(tn_rc *rc, uint32_t line, uint32_t col, const char *fmt, va_list ap) {
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return tn_error_set(rc->err, TENET_ERULES, rc->file, line, col, "%s", msg);
}

int tn_rc_error(tn_rc *rc, const tn_node *at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rv = rc_verror(rc, at ? at->span.line : 0, at ? at->span.col : 0, fmt, ap);
    va_end(ap);
    return rv;
}

static uint32_t count_points(const char *s, size_t len) {
    uint32_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

/* Column of byte `off` of a scalar's value. Exact only when the source text
 * between the quotes (or the plain text) is the value itself, byte for byte;
 * otherwise (escapes, folding, block scalars) the scalar's own column. */
static uint32_t col_at(const tn_rc *rc, const tn_node *n, size_t off) {
    if (!tn_node_is_scalar(n) || n->span.line != n->span.end_line || !rc->doc || !rc->doc->text)
        return n->span.col;
    if (n->span.end_off < n->span.off || n->span.end_off > rc->doc->len) return n->span.col;
    const char *src = rc->doc->text + n->span.off;
    size_t slen = n->span.end_off - n->span.off;
    uint32_t base = n->span.col;
    if (n->quoted) {
        if (slen < 2) return n->span.col;
        src++;
        slen -= 2;
        base++;
    }
    if (slen != n->len || memcmp(src, n->str, slen) != 0) return n->span.col;
    if (off > n->len) off = n->len;
    return base + count_points(n->str, off);
}

int tn_rc_error_off(tn_rc *rc, const tn_node *at, size_t off, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rv = rc_verror(rc, at ? at->span.line : 0, at ? col_at(rc, at, off) : 0, fmt, ap);
    va_end(ap);
    return rv;
}

int tn_rc_nomem(tn_rc *rc) {
    return tn_error_set(rc->err, TENET_ENOMEM, rc->file, 0, 0, "out of memory compiling rules");
}

const char *tn_rc_dup(tn_rc *rc, const tn_node *n) {
    return tn_arena_strndup(&rc->rs->arena, n->str ? n->str : "", n->str ? n->len : 0);
}

static const char *node_kind_name(const tn_node *n) {
    switch (n->type) {
    case TN_NODE_NULL: return "null";
    case TN_NODE_BOOL: return "a boolean";
    case TN_NODE_INT: return "an integer";
    case TN_NODE_FLOAT: return "a number";
    case TN_NODE_STRING: return "a string";
    case TN_NODE_SEQ: return "a list";
    case TN_NODE_MAP: return "a mapping";
    }
    return "a value";
}

int tn_rc_expect_map(tn_rc *rc, const tn_node *n, const char *what) {
    if (n->type != TN_NODE_MAP)
        return tn_rc_error(rc, n, "%s must be a mapping (got %s)", what, node_kind_name(n));
    for (size_t i = 0; i < n->n; i++) {
        const tn_node *k = n->ch.pairs[i].key;
        if (!tn_node_is_scalar(k) || k->type == TN_NODE_NULL)
            return tn_rc_error(rc, k, "keys of %s must be names (got %s)", what, node_kind_name(k));
    }
    return TENET_OK;
}

int tn_rc_expect_seq(tn_rc *rc, const tn_node *n, const char *what) {
    if (n->type != TN_NODE_SEQ)
        return tn_rc_error(rc, n, "%s must be a list (got %s)", what, node_kind_name(n));
    return TENET_OK;
}

int tn_rc_string(tn_rc *rc, const tn_node *n, const char *what, const char **out) {
    if (n->type != TN_NODE_STRING && n->type != TN_NODE_INT && n->type != TN_NODE_FLOAT)
        return tn_rc_error(rc, n, "%s must be a string (got %s)", what, node_kind_name(n));
    if (!(*out = tn_rc_dup(rc, n))) return tn_rc_nomem(rc);
    return TENET_OK;
}

int tn_rc_bool(tn_rc *rc, const tn_node *n, const char *what, bool *out) {
    if (n->type != TN_NODE_BOOL)
        return tn_rc_error(rc, n, "%s must be true or false (got %s)", what, node_kind_name(n));
    *out = n->as.b;
    return TENET_OK;
}

int tn_rc_check_keys(tn_rc *rc, const tn_node *map, const char *const *allowed, const char *where) {
    size_t nallowed = 0;
    while (allowed[nallowed]) nallowed++;
    for (size_t i = 0; i < map->n; i++) {
        const tn_node *k = map->ch.pairs[i].key;
        if (!tn_node_is_scalar(k) || k->type == TN_NODE_NULL)
            return tn_rc_error(rc, k, "keys of %s must be names (got %s)", where,
                               node_kind_name(k));
        bool ok = false;
        for (size_t j = 0; j < nallowed && !ok; j++) ok = tn_node_str_eq(k, allowed[j]);
        if (ok) continue;
        const char *hint = tn_rc_hint(rc, k->str, k->len, allowed, nallowed);
        if (!hint) return tn_rc_nomem(rc);
        return tn_rc_error(rc, k, "unknown key \"%s\" in %s%s", k->str, where, hint);
    }
    return TENET_OK;
}

int tn_rc_require(tn_rc *rc, const tn_node *map, const char *key, const char *where) {
    if (tn_map_get(map, key)) return TENET_OK;
    return tn_rc_error(rc, map, "%s is missing required key \"%s\"", where, key);
}

/* Levenshtein distance, capped: names longer than 64 get no suggestion. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb) {
    size_t row[65];
    if (la > 64 || lb > 64) return (size_t)-1;
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *tn_rc_suggest(const char *name, size_t len, const char *const *cands, size_t n) {
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t limit = len < 4 ? 1 : (len < 9 ? 2 : 3);
    for (size_t i = 0; i < n; i++) {
        if (!cands[i]) continue;
        size_t d = edit_distance(name, len, cands[i], strlen(cands[i]));
        if (d <= limit && d < best_d) {
            best = cands[i];
            best_d = d;
        }
    }
    return best;
}

const char *tn_rc_hint(tn_rc *rc, const char *name, size_t len, const char *const *cands,
                       size_t n) {
    const char *s = tn_rc_suggest(name ? name : "", name ? len : 0, cands, n);
    if (!s) return "";
    return tn_arena_sprintf(&rc->rs->arena, " (did you mean \"%s\"?)", s);
}

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_alpha(char c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool tn_rc_is_kind_name(const char *s, size_t len) {
    bool seg_start = true;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (seg_start) {
            if (!is_lower(c)) return false;
            seg_start = false;
        } else if (c == '.') {
            seg_start = true;
        } else if (!is_lower(c) && !is_digit(c) && c != '_') {
            return false;
        }
    }
    return len > 0 && !seg_start;
}

bool tn_rc_is_ident(const char *s, size_t len) {
    if (len == 0 || !(is_alpha(s[0]) || s[0] == '_')) return false;
    for (size_t i = 1; i < len; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '_') return false;
    return true;
}

bool tn_rc_is_rule_id(const char *s, size_t len) {
    if (len == 0 || !is_alpha(s[0])) return false;
    for (size_t i = 1; i < len; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
            return false;
    return true;
}

static int push_regex(tn_rc *rc, tn_regex *re) {
    tenet_ruleset *rs = rc->rs;
    if (rs->nregexes == rc->regex_cap) {
        size_t cap = rc->regex_cap ? rc->regex_cap * 2 : 8;
        tn_regex **v = tn_realloc(rs->regexes, cap * sizeof *v);
        if (!v) {
            tn_regex_free(re);
            return tn_rc_nomem(rc);
        }
        rs->regexes = v;
        rc->regex_cap = cap;
    }
    rs->regexes[rs->nregexes++] = re;
    return TENET_OK;
}

int tn_rc_regex(tn_rc *rc, const tn_node *n, struct tn_regex **out) {
    if (n->type != TN_NODE_STRING && n->type != TN_NODE_INT && n->type != TN_NODE_FLOAT)
        return tn_rc_error(rc, n, "a regex must be a string (got %s)", node_kind_name(n));
    char msg[256] = "";
    size_t eoff = 0;
    tn_regex *re = tn_regex_compile(n->str, n->len, msg, sizeof msg, &eoff);
    if (!re) {
        if (strcmp(msg, "out of memory") == 0) return tn_rc_nomem(rc);
        if (eoff > n->len) eoff = n->len;
        return tn_rc_error_off(rc, n, eoff, "bad regex \"%s\": %s at offset %zu", n->str,
                               msg[0] ? msg : "cannot compile", eoff);
    }
    *out = re;
    return push_regex(rc, re);
}

int tn_rc_value(tn_rc *rc, const tn_node *n, tn_value *out) {
    tn_arena *a = &rc->rs->arena;
    memset(out, 0, sizeof *out);
    switch (n->type) {
    case TN_NODE_NULL:
        out->kind = TN_V_NULL;
        out->text = "null";
        out->len = 4;
        return TENET_OK;
    case TN_NODE_BOOL:
        out->kind = TN_V_BOOL;
        out->u.b = n->as.b;
        out->text = n->as.b ? "true" : "false";
        out->len = strlen(out->text);
        return TENET_OK;
    case TN_NODE_INT:
    case TN_NODE_FLOAT:
    case TN_NODE_STRING:
        out->kind = n->type == TN_NODE_INT     ? TN_V_INT
                    : n->type == TN_NODE_FLOAT ? TN_V_NUM
                                               : TN_V_STR;
        if (n->type == TN_NODE_INT) out->u.i = n->as.i;
        if (n->type == TN_NODE_FLOAT) out->u.d = n->as.f;
        if (!(out->text = tn_rc_dup(rc, n))) return tn_rc_nomem(rc);
        out->len = n->len;
        return TENET_OK;
    case TN_NODE_SEQ:
        out->kind = TN_V_LIST;
        if (!(out->u.list.items = tn_arena_calloc(a, n->n ? n->n : 1, sizeof(tn_value))))
            return tn_rc_nomem(rc);
        out->u.list.n = n->n;
        for (size_t i = 0; i < n->n; i++) {
            int rv = tn_rc_value(rc, n->ch.items[i], &out->u.list.items[i]);
            if (rv) return rv;
        }
        return TENET_OK;
    case TN_NODE_MAP:
        out->kind = TN_V_MAP;
        out->u.map.keys = tn_arena_calloc(a, n->n ? n->n : 1, sizeof(char *));
        out->u.map.vals = tn_arena_calloc(a, n->n ? n->n : 1, sizeof(tn_value));
        if (!out->u.map.keys || !out->u.map.vals) return tn_rc_nomem(rc);
        out->u.map.n = n->n;
        for (size_t i = 0; i < n->n; i++) {
            const tn_node *k = n->ch.pairs[i].key;
            if (!tn_node_is_scalar(k)) return tn_rc_error(rc, k, "mapping keys must be scalars");
            if (!(out->u.map.keys[i] = tn_rc_dup(rc, k))) return tn_rc_nomem(rc);
            int rv = tn_rc_value(rc, n->ch.pairs[i].value, &out->u.map.vals[i]);
            if (rv) return rv;
        }
        return TENET_OK;
    }
    return tn_rc_error(rc, n, "unsupported value");
}

tn_operation tn_rc_operation(const char *s, size_t len) {
    static const struct {
        const char *name;
        tn_operation op;
    } ops[] = {{"create", TN_OP_CREATE},
               {"update", TN_OP_UPDATE},
               {"replace", TN_OP_REPLACE},
               {"delete", TN_OP_DELETE},
               {"read", TN_OP_READ}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strlen(ops[i].name) == len && memcmp(ops[i].name, s, len) == 0) return ops[i].op;
    return TN_OP_NONE;
}
