/* A strict RFC 8259 JSON parser producing the same node tree as the YAML
 * loader. libyaml cannot be used: valid JSON is not always valid YAML (tab
 * indentation). Iterative, with nesting in an explicit stack bounded by
 * max_depth. Columns count code points; lines break at LF. */
#include "doc/load.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/utf8.h"
#include "util/vec.h"

#include <string.h>

typedef struct jframe {
    tn_node *node;
    size_t first; /* index of the first child in parser.kids */
} jframe;

typedef struct jparser {
    const unsigned char *s;
    size_t len, pos;
    uint32_t line, col;
    tn_doc *doc;
    tn_doc_limits lim;
    tenet_error *err;
    TN_VEC(jframe) frames;
    TN_VEC(tn_node *) kids;
    tn_buf sb; /* decoded string scratch */
    tn_doc_prune prune;
} jparser;

static uint32_t u32(size_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

static int fail_at(jparser *p, uint32_t line, uint32_t col, const char *msg) {
    return tn_error_set(p->err, TENET_EPARSE, p->doc->name, line, col, "%s", msg);
}

static int fail(jparser *p, const char *msg) { return fail_at(p, p->line, p->col, msg); }

static int nomem(jparser *p) {
    return tn_error_set(p->err, TENET_ENOMEM, p->doc->name, 0, 0, "out of memory");
}

/* Describes the unexpected byte at the current position. */
static int unexpected(jparser *p, const char *expected) {
    if (p->pos >= p->len)
        return tn_error_set(p->err, TENET_EPARSE, p->doc->name, p->line, p->col,
                            "unexpected end of input; expected %s", expected);
    unsigned char c = p->s[p->pos];
    if (c >= 0x80) {
        uint32_t cp;
        if (!tn_utf8_seq_len(p->s + p->pos, p->len - p->pos))
            return tn_error_set(p->err, TENET_EPARSE, p->doc->name, p->line, p->col,
                                "invalid UTF-8 byte 0x%02X", (unsigned)c);
        tn_utf8_decode(p->s + p->pos, p->len - p->pos, &cp);
        return tn_error_set(p->err, TENET_EPARSE, p->doc->name, p->line, p->col,
                            "unexpected character U+%04X; expected %s", (unsigned)cp, expected);
    }
    if (c < 0x20 || c == 0x7F)
        return tn_error_set(p->err, TENET_EPARSE, p->doc->name, p->line, p->col,
                            "unexpected control character U+%04X; expected %s", (unsigned)c,
                            expected);
    return tn_error_set(p->err, TENET_EPARSE, p->doc->name, p->line, p->col,
                        "unexpected character '%c'; expected %s", c, expected);
}

static void skip_ws(jparser *p) {
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c == '\n') {
            p->line++;
            p->col = 1;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            p->col++;
        } else {
            return;
        }
        p->pos++;
    }
}

static void mark_start(const jparser *p, tn_span *sp) {
    sp->line = p->line;
    sp->col = p->col;
    sp->off = u32(p->pos);
}

static void mark_end(const jparser *p, tn_span *sp) {
    sp->end_line = p->line;
    sp->end_col = p->col;
    sp->end_off = u32(p->pos);
}

static tn_node *new_node(jparser *p, tn_node_type type) {
    tn_node *n = tn_arena_calloc(&p->doc->arena, 1, sizeof *n);
    if (n) {
        n->type = type;
        mark_start(p, &n->span);
    }
    return n;
}

static int hex4(const unsigned char *s, uint32_t *out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static void put_cp(tn_buf *b, uint32_t cp) {
    char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    tn_buf_put(b, o, n);
}

/* A \uXXXX escape at p->pos (the backslash), with a following low surrogate
 * when the first is a high one. */
static int unicode_escape(jparser *p) {
    uint32_t cp, lo;
    if (p->len - p->pos < 6 || hex4(p->s + p->pos + 2, &cp) != 0)
        return fail(p, "invalid \\u escape: expected four hex digits");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(p, "invalid \\u escape: unpaired low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (p->len - p->pos < 12 || p->s[p->pos + 6] != '\\' || p->s[p->pos + 7] != 'u' ||
            hex4(p->s + p->pos + 8, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
            return fail(p, "invalid \\u escape: unpaired high surrogate");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p->pos += 6;
        p->col += 6;
    }
    put_cp(&p->sb, cp);
    p->pos += 6;
    p->col += 6;
    return TENET_OK;
}

/* A string at p->pos (the opening quote), decoded into a new node. */
static int parse_string(jparser *p, tn_node **out) {
    tn_node *n = new_node(p, TN_NODE_STRING);
    if (!n)
        return nomem(p);
    uint32_t line = p->line, col = p->col;
    p->sb.size = 0;
    p->pos++;
    p->col++;
    for (;;) {
        size_t run = p->pos;
        while (run < p->len && p->s[run] >= 0x20 && p->s[run] < 0x80 && p->s[run] != '"' &&
               p->s[run] != '\\')
            run++;
        if (run > p->pos) {
            tn_buf_put(&p->sb, (const char *)p->s + p->pos, run - p->pos);
            p->col += u32(run - p->pos);
            p->pos = run;
        }
        if (p->pos >= p->len)
            return fail_at(p, line, col, "unterminated string");
        unsigned char c = p->s[p->pos];
        if (c == '"')
            break;
        if (c == '\\') {
            if (p->pos + 1 >= p->len)
                return fail_at(p, line, col, "unterminated string");
            char e = (char)p->s[p->pos + 1], d;
            switch (e) {
            case '"': d = '"'; break;
            case '\\': d = '\\'; break;
            case '/': d = '/'; break;
            case 'b': d = '\b'; break;
            case 'f': d = '\f'; break;
            case 'n': d = '\n'; break;
            case 'r': d = '\r'; break;
            case 't': d = '\t'; break;
            case 'u': {
                int rc = unicode_escape(p);
                if (rc != TENET_OK)
                    return rc;
                continue;
            }
            default: return fail(p, "invalid escape sequence in string");
            }
            tn_buf_putc(&p->sb, d);
            p->pos += 2;
            p->col += 2;
        } else if (c < 0x20) {
            return tn_error_set(p->err, TENET_EPARSE, p->doc->name, p->line, p->col,
                                "control character U+%04X in string; escape it", (unsigned)c);
        } else {
            size_t k = tn_utf8_seq_len(p->s + p->pos, p->len - p->pos);
            if (!k)
                return tn_error_set(p->err, TENET_EPARSE, p->doc->name, p->line, p->col,
                                    "invalid UTF-8 byte 0x%02X in string", (unsigned)c);
            tn_buf_put(&p->sb, (const char *)p->s + p->pos, k);
            p->pos += k;
            p->col++;
        }
        if (p->sb.size > p->lim.max_scalar_bytes)
            return tn_error_set(p->err, TENET_ELIMIT, p->doc->name, line, col,
                                "string too large (limit %zu)", p->lim.max_scalar_bytes);
    }
    p->pos++;
    p->col++;
    if (tn_buf_failed(&p->sb))
        return nomem(p);
    if (p->sb.size > p->lim.max_scalar_bytes)
        return tn_error_set(p->err, TENET_ELIMIT, p->doc->name, line, col,
                            "string too large (limit %zu)", p->lim.max_scalar_bytes);
    n->quoted = true;
    n->len = p->sb.size;
    n->str = tn_arena_strndup(&p->doc->arena, p->sb.size ? p->sb.ptr : "", p->sb.size);
    if (!n->str)
        return nomem(p);
    mark_end(p, &n->span);
    *out = n;
    return TENET_OK;
}

static bool is_digit(const jparser *p, size_t i) {
    return i < p->len && p->s[i] >= '0' && p->s[i] <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static int parse_number(jparser *p, tn_node **out) {
    tn_node *n = new_node(p, TN_NODE_INT);
    if (!n)
        return nomem(p);
    size_t i = p->pos;
    bool integral = true;
    if (p->s[i] == '-')
        i++;
    if (!is_digit(p, i)) {
        p->col += u32(i - p->pos);
        p->pos = i;
        return unexpected(p, "a digit");
    }
    if (p->s[i] == '0' && is_digit(p, i + 1)) {
        p->col += u32(i - p->pos);
        p->pos = i;
        return fail(p, "leading zeros are not allowed in numbers");
    }
    while (is_digit(p, i))
        i++;
    if (i < p->len && p->s[i] == '.') {
        integral = false;
        if (!is_digit(p, ++i)) {
            p->col += u32(i - p->pos);
            p->pos = i;
            return unexpected(p, "a digit after the decimal point");
        }
        while (is_digit(p, i))
            i++;
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        integral = false;
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
            i++;
        if (!is_digit(p, i)) {
            p->col += u32(i - p->pos);
            p->pos = i;
            return unexpected(p, "a digit in the exponent");
        }
        while (is_digit(p, i))
            i++;
    }
    size_t len = i - p->pos;
    if (len > p->lim.max_scalar_bytes)
        return tn_error_set(p->err, TENET_ELIMIT, p->doc->name, p->line, p->col,
                            "number too long (limit %zu)", p->lim.max_scalar_bytes);
    n->str = tn_arena_strndup(&p->doc->arena, (const char *)p->s + p->pos, len);
    if (!n->str)
        return nomem(p);
    n->len = len;
    if (!integral || !tn_doc_parse_int(n->str, len, &n->as.i)) {
        n->type = TN_NODE_FLOAT;
        if (tn_doc_strtod(n->str, len, &n->as.f) != 0)
            return nomem(p);
    }
    p->col += u32(len);
    p->pos = i;
    mark_end(p, &n->span);
    *out = n;
    return TENET_OK;
}

static int parse_literal(jparser *p, tn_node **out) {
    static const struct {
        const char *word;
        tn_node_type type;
    } lits[] = {{"true", TN_NODE_BOOL}, {"false", TN_NODE_BOOL}, {"null", TN_NODE_NULL}};
    for (size_t k = 0; k < 3; k++) {
        size_t wl = strlen(lits[k].word);
        if (p->len - p->pos < wl || memcmp(p->s + p->pos, lits[k].word, wl) != 0)
            continue;
        tn_node *n = new_node(p, lits[k].type);
        if (!n)
            return nomem(p);
        n->str = lits[k].word; /* static text: nothing to copy */
        n->len = wl;
        n->as.b = k == 0;
        p->pos += wl;
        p->col += u32(wl);
        mark_end(p, &n->span);
        *out = n;
        return TENET_OK;
    }
    return unexpected(p, "a JSON value");
}

static int add_child(jparser *p, tn_node *n) {
    if (!(n = tn_doc_prune_done(&p->prune, p->doc, n, p->frames.n)))
        return nomem(p);
    if (p->frames.n == 0) {
        p->doc->root = n;
        return TENET_OK;
    }
    return TN_VEC_PUSH(p->kids, n) == 0 ? TENET_OK : nomem(p);
}

/* Closes the innermost container at its closing bracket. */
static int close_frame(jparser *p) {
    jframe f = p->frames.v[--p->frames.n];
    tn_node *n = f.node;
    size_t k = p->kids.n - f.first;
    tn_node **kids = k ? p->kids.v + f.first : NULL;
    p->pos++;
    p->col++;
    mark_end(p, &n->span);
    if (n->type == TN_NODE_SEQ) {
        if (k && !(n->ch.items = tn_arena_alloc(&p->doc->arena, k * sizeof *kids)))
            return nomem(p);
        if (k)
            memcpy(n->ch.items, kids, k * sizeof *kids);
        n->n = k;
    } else {
        n->n = k / 2;
        if (n->n && !(n->ch.pairs = tn_arena_alloc(&p->doc->arena, n->n * sizeof *n->ch.pairs)))
            return nomem(p);
        for (size_t i = 0; i < n->n; i++) {
            n->ch.pairs[i].key = kids[2 * i];
            n->ch.pairs[i].value = kids[2 * i + 1];
        }
        if (tn_doc_check_duplicate_keys(p->doc, n) != 0)
            return nomem(p);
    }
    p->kids.n = f.first;
    return add_child(p, n);
}

/* A member key and its colon; leaves p at the value. */
static int parse_key(jparser *p) {
    if (p->pos >= p->len || p->s[p->pos] != '"')
        return unexpected(p, "a string key");
    tn_node *key;
    int rc = parse_string(p, &key);
    if (rc != TENET_OK)
        return rc;
    if ((rc = add_child(p, key)) != TENET_OK)
        return rc;
    skip_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ':')
        return unexpected(p, "':' after the key");
    p->pos++;
    p->col++;
    skip_ws(p);
    return TENET_OK;
}

/* Asks the pruner about the object or array about to start, when it is the
 * value of a member (before anything of it is allocated). */
static void prune_ask(jparser *p) {
    size_t depth = p->frames.n;
    if (!tn_doc_prune_wanted(&p->prune, depth))
        return;
    const jframe *top = &p->frames.v[depth - 1];
    if (top->node->type != TN_NODE_MAP || (p->kids.n - top->first) % 2 == 0)
        return;
    tn_doc_level lv[TN_DOC_PRUNE_MAX_DEPTH];
    for (size_t i = 0; i < depth; i++) {
        size_t end = i + 1 < depth ? p->frames.v[i + 1].first : p->kids.n;
        lv[i].node = p->frames.v[i].node;
        lv[i].kids = (const tn_node *const *)(p->kids.v + p->frames.v[i].first);
        lv[i].n = end - p->frames.v[i].first;
    }
    tn_doc_prune_ask(&p->prune, p->doc, lv, depth);
}

static int parse(jparser *p) {
    skip_ws(p);
    if (p->pos >= p->len)
        return TENET_OK; /* empty input: no root, like an empty YAML stream */
    bool want_value = true;
    for (;;) {
        int rc = TENET_OK;
        if (want_value) {
            if (p->pos >= p->len)
                return unexpected(p, "a JSON value");
            unsigned char c = p->s[p->pos];
            tn_node *n = NULL;
            if (c == '{' || c == '[') {
                if (p->frames.n >= p->lim.max_depth)
                    return tn_error_set(p->err, TENET_ELIMIT, p->doc->name, p->line, p->col,
                                        "nesting too deep (limit %zu)", p->lim.max_depth);
                prune_ask(p);
                if (!(n = new_node(p, c == '{' ? TN_NODE_MAP : TN_NODE_SEQ)))
                    return nomem(p);
                jframe f = {n, p->kids.n};
                if (TN_VEC_PUSH(p->frames, f) != 0)
                    return nomem(p);
                p->pos++;
                p->col++;
                skip_ws(p);
                char close = c == '{' ? '}' : ']';
                if (p->pos < p->len && p->s[p->pos] == close) {
                    rc = close_frame(p);
                    want_value = false;
                } else if (c == '{') {
                    rc = parse_key(p);
                }
            } else {
                if (c == '"')
                    rc = parse_string(p, &n);
                else if (c == '-' || (c >= '0' && c <= '9'))
                    rc = parse_number(p, &n);
                else
                    rc = parse_literal(p, &n);
                if (rc == TENET_OK)
                    rc = add_child(p, n);
                want_value = false;
            }
            if (rc != TENET_OK)
                return rc;
            continue;
        }
        /* After a value: a separator, the end of a container, or the end. */
        skip_ws(p);
        if (p->frames.n == 0)
            return p->pos < p->len ? unexpected(p, "the end of the input after the JSON value")
                                   : TENET_OK;
        bool is_map = p->frames.v[p->frames.n - 1].node->type == TN_NODE_MAP;
        char close = is_map ? '}' : ']';
        if (p->pos < p->len && p->s[p->pos] == close) {
            rc = close_frame(p);
        } else if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            p->col++;
            skip_ws(p);
            if (p->pos < p->len && p->s[p->pos] == close)
                return fail(p, "trailing comma is not allowed");
            if (is_map)
                rc = parse_key(p);
            want_value = true;
        } else {
            return unexpected(p, is_map ? "',' or '}'" : "',' or ']'");
        }
        if (rc != TENET_OK)
            return rc;
    }
}

int tn_doc_load_json(tn_doc **out, const char *text, size_t len, const char *name,
                     const tn_doc_limits *limits, const tn_doc_load *how, tenet_error *err) {
    *out = NULL;
    jparser p;
    memset(&p, 0, sizeof p);
    p.prune.pruner = how ? how->pruner : NULL;
    p.lim = tn_doc_limits_resolve(limits);
    p.err = err;
    if (len > p.lim.max_input_bytes)
        return tn_error_set(err, TENET_ELIMIT, name ? name : "<input>", 0, 0,
                            "input is larger than the limit of %zu bytes", p.lim.max_input_bytes);
    int rc = tn_doc_create(&p.doc, text, len, name, how && how->borrow_text, err);
    if (rc != TENET_OK)
        return rc;
    p.doc->is_json = true;
    p.s = (const unsigned char *)p.doc->text;
    p.len = p.doc->len;
    p.line = p.col = 1;
    rc = parse(&p);
    TN_VEC_FREE(p.frames);
    TN_VEC_FREE(p.kids);
    tn_buf_free(&p.sb);
    if (rc != TENET_OK) {
        tn_doc_free(p.doc);
        return rc;
    }
    tn_doc_sort_notes(p.doc);
    *out = p.doc;
    return TENET_OK;
}
