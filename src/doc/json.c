/* A strict RFC 8259 JSON parser producing the same node tree as the YAML
 * loader. libyaml cannot be used: valid JSON is not always valid YAML (tab
 * indentation). Iterative, with nesting in an explicit stack bounded by
 * max_depth. Columns count code points; lines break at LF. Values a pruner
 * drops are checked but not built (json_skip.c). */
#include "doc/json_load.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/utf8.h"

#include <string.h>

typedef tn_json_parser jparser;

static uint32_t u32(size_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

static int fail_at(jparser *p, uint32_t line, uint32_t col, const char *msg) {
    return tn_error_set(p->err, TENET_EPARSE, p->doc->name, line, col, "%s", msg);
}

int tn_json_fail(jparser *p, const char *msg) { return fail_at(p, p->line, p->col, msg); }

int tn_json_nomem(jparser *p) {
    return tn_error_set(p->err, TENET_ENOMEM, p->doc->name, 0, 0, "out of memory");
}

int tn_json_unexpected(jparser *p, const char *expected) {
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

static tn_node *new_node(jparser *p, tn_node_type type) {
    tn_node *n = tn_arena_calloc(&p->doc->arena, 1, sizeof *n);
    if (n) {
        n->type = type;
        tn_json_mark_start(p, &n->span);
    }
    return n;
}

/* ---- strings ------------------------------------------------------------ */

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

static size_t utf8_len(uint32_t cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

static size_t put_cp(char *o, uint32_t cp) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* What the one-character escape \e stands for, or 0 when it is none. */
static char simple_escape(unsigned char e) {
    switch (e) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
    }
}

/* The \uXXXX escape at s (the backslash), joined with the low surrogate
 * that follows a high one: its code point and length, or what is wrong. */
static const char *unicode_escape_at(const unsigned char *s, size_t avail, uint32_t *cp,
                                     size_t *len) {
    uint32_t lo;
    if (avail < 6 || hex4(s + 2, cp) != 0)
        return "invalid \\u escape: expected four hex digits";
    if (*cp >= 0xDC00 && *cp <= 0xDFFF)
        return "invalid \\u escape: unpaired low surrogate";
    *len = 6;
    if (*cp >= 0xD800 && *cp <= 0xDBFF) {
        if (avail < 12 || s[6] != '\\' || s[7] != 'u' || hex4(s + 8, &lo) != 0 || lo < 0xDC00 ||
            lo > 0xDFFF)
            return "invalid \\u escape: unpaired high surrogate";
        *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
        *len = 12;
    }
    return NULL;
}

/* Whether a byte goes on a run of string text that needs no decoding and
 * no checking: printable ASCII but the quote and the backslash. */
static bool plain_byte(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

/* plain_byte() of the eight bytes at s, at once: (x - 0x0101..) & ~x &
 * 0x8080.. is nonzero exactly when x has a zero byte, (x - n * 0x0101..) &
 * ~x & 0x8080.. when it has a byte below n (n <= 128), and x & 0x8080..
 * when it has a non-ASCII byte. */
static bool plain_word(const unsigned char *s) {
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t w, quote, bslash;
    memcpy(&w, s, 8);
    quote = w ^ (ones * '"');
    bslash = w ^ (ones * '\\');
    uint64_t control = (w - ones * 0x20) & ~w;
    return ((control | ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | w) & high) == 0;
}

int tn_json_string(jparser *p, tn_json_str *out) {
    uint32_t line = p->line, col = p->col;
    size_t size = 0;
    bool escaped = false;
    p->pos++;
    p->col++;
    size_t start = p->pos;
    for (;;) {
        size_t run = p->pos;
        while (p->len - run >= 8 && plain_word(p->s + run)) /* most text */
            run += 8;
        while (run < p->len && plain_byte(p->s[run]))
            run++;
        if (run > p->pos) {
            size += run - p->pos;
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
            escaped = true;
            if (p->s[p->pos + 1] == 'u') {
                uint32_t cp;
                size_t len;
                const char *bad = unicode_escape_at(p->s + p->pos, p->len - p->pos, &cp, &len);
                if (bad)
                    return tn_json_fail(p, bad);
                size += utf8_len(cp);
                tn_json_advance(p, len);
            } else if (simple_escape(p->s[p->pos + 1])) {
                size++;
                tn_json_advance(p, 2);
            } else {
                return tn_json_fail(p, "invalid escape sequence in string");
            }
        } else if (c < 0x20) {
            return tn_error_set(p->err, TENET_EPARSE, p->doc->name, p->line, p->col,
                                "control character U+%04X in string; escape it", (unsigned)c);
        } else {
            size_t k = tn_utf8_seq_len(p->s + p->pos, p->len - p->pos);
            if (!k)
                return tn_error_set(p->err, TENET_EPARSE, p->doc->name, p->line, p->col,
                                    "invalid UTF-8 byte 0x%02X in string", (unsigned)c);
            size += k;
            p->pos += k;
            p->col++;
        }
        if (size > p->lim.max_scalar_bytes)
            return tn_error_set(p->err, TENET_ELIMIT, p->doc->name, line, col,
                                "string too large (limit %zu)", p->lim.max_scalar_bytes);
    }
    out->raw = (const char *)p->s + start;
    out->raw_len = p->pos - start;
    out->len = size;
    out->escaped = escaped;
    p->pos++;
    p->col++;
    if (size > p->lim.max_scalar_bytes)
        return tn_error_set(p->err, TENET_ELIMIT, p->doc->name, line, col,
                            "string too large (limit %zu)", p->lim.max_scalar_bytes);
    return TENET_OK;
}

void tn_json_decode(const tn_json_str *s, char *dst) {
    const unsigned char *r = (const unsigned char *)s->raw, *end = r + s->raw_len;
    if (!s->escaped) {
        memcpy(dst, r, s->raw_len);
        return;
    }
    while (r < end) {
        const unsigned char *bs = memchr(r, '\\', (size_t)(end - r));
        size_t n = bs ? (size_t)(bs - r) : (size_t)(end - r);
        memcpy(dst, r, n);
        dst += n;
        r += n;
        if (!bs)
            break;
        /* tn_json_string let only valid escapes through */
        if (r[1] == 'u') {
            uint32_t cp = 0;
            size_t len = 6;
            unicode_escape_at(r, (size_t)(end - r), &cp, &len);
            dst += put_cp(dst, cp);
            r += len;
        } else {
            *dst++ = simple_escape(r[1]);
            r += 2;
        }
    }
}

/* The text of a string read by tn_json_string, NUL-terminated in the
 * document arena; NULL when out of memory. Copied once, straight from the
 * input: the decoded length is known, and escapes (rare) are then written
 * over the copy. */
static const char *copy_text(jparser *p, const tn_json_str *s) {
    char *str = tn_arena_strndup(&p->doc->arena, s->raw, s->len);
    if (str && s->escaped)
        tn_json_decode(s, str);
    return str;
}

/* The text of a key: documents repeat a few keys many times, so an equal
 * recent key's copy serves (escaped keys, rare, are not looked up). */
static const char *key_text(jparser *p, const tn_json_str *s) {
    if (s->escaped)
        return copy_text(p, s);
    tn_json_key_slot *k = &p->recent_keys[tn_hash(s->raw, s->len) % TN_JSON_RECENT_KEYS];
    if (k->str && k->len == s->len && memcmp(k->str, s->raw, s->len) == 0)
        return k->str;
    const char *str = copy_text(p, s);
    /* A copy made while a value is being dropped may be rolled back. */
    if (str && !p->prune.active) {
        k->str = str;
        k->len = s->len;
    }
    return str;
}

/* A string at p->pos (the opening quote), decoded into a new node. */
static int parse_string(jparser *p, bool key, tn_node **out) {
    tn_node *n = new_node(p, TN_NODE_STRING);
    if (!n)
        return tn_json_nomem(p);
    tn_json_str s;
    int rc = tn_json_string(p, &s);
    if (rc != TENET_OK)
        return rc;
    if (!(n->str = key ? key_text(p, &s) : copy_text(p, &s)))
        return tn_json_nomem(p);
    n->quoted = true;
    n->len = s.len;
    tn_json_mark_end(p, &n->span);
    *out = n;
    return TENET_OK;
}

/* ---- numbers and literals ----------------------------------------------- */

static bool is_digit(const jparser *p, size_t i) {
    return i < p->len && p->s[i] >= '0' && p->s[i] <= '9';
}

/* Moves p to the offending byte at i and describes it. */
static int bad_number(jparser *p, size_t i, const char *expected) {
    tn_json_advance(p, i - p->pos);
    return expected ? tn_json_unexpected(p, expected)
                    : tn_json_fail(p, "leading zeros are not allowed in numbers");
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
int tn_json_number(jparser *p, size_t *len, bool *integral) {
    size_t i = p->pos;
    *integral = true;
    if (p->s[i] == '-')
        i++;
    if (!is_digit(p, i))
        return bad_number(p, i, "a digit");
    if (p->s[i] == '0' && is_digit(p, i + 1))
        return bad_number(p, i, NULL);
    while (is_digit(p, i))
        i++;
    if (i < p->len && p->s[i] == '.') {
        *integral = false;
        if (!is_digit(p, ++i))
            return bad_number(p, i, "a digit after the decimal point");
        while (is_digit(p, i))
            i++;
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        *integral = false;
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
            i++;
        if (!is_digit(p, i))
            return bad_number(p, i, "a digit in the exponent");
        while (is_digit(p, i))
            i++;
    }
    *len = i - p->pos;
    if (*len > p->lim.max_scalar_bytes)
        return tn_error_set(p->err, TENET_ELIMIT, p->doc->name, p->line, p->col,
                            "number too long (limit %zu)", p->lim.max_scalar_bytes);
    return TENET_OK;
}

static int parse_number(jparser *p, tn_node **out) {
    tn_node *n = new_node(p, TN_NODE_INT);
    if (!n)
        return tn_json_nomem(p);
    size_t len;
    bool integral;
    int rc = tn_json_number(p, &len, &integral);
    if (rc != TENET_OK)
        return rc;
    n->str = tn_arena_strndup(&p->doc->arena, (const char *)p->s + p->pos, len);
    if (!n->str)
        return tn_json_nomem(p);
    n->len = len;
    if (!integral || !tn_doc_parse_int(n->str, len, &n->as.i)) {
        n->type = TN_NODE_FLOAT;
        if (tn_doc_strtod(n->str, len, &n->as.f) != 0)
            return tn_json_nomem(p);
    }
    tn_json_advance(p, len);
    tn_json_mark_end(p, &n->span);
    *out = n;
    return TENET_OK;
}

const char *const tn_json_literals[3] = {"true", "false", "null"};

int tn_json_literal(jparser *p, int *which) {
    for (int k = 0; k < 3; k++) {
        size_t wl = strlen(tn_json_literals[k]);
        if (p->len - p->pos >= wl && memcmp(p->s + p->pos, tn_json_literals[k], wl) == 0) {
            *which = k;
            return TENET_OK;
        }
    }
    return tn_json_unexpected(p, "a JSON value");
}

static int parse_literal(jparser *p, tn_node **out) {
    int k, rc = tn_json_literal(p, &k);
    if (rc != TENET_OK)
        return rc;
    tn_node *n = new_node(p, k == 2 ? TN_NODE_NULL : TN_NODE_BOOL);
    if (!n)
        return tn_json_nomem(p);
    n->str = tn_json_literals[k]; /* static text: nothing to copy */
    n->len = strlen(n->str);
    n->as.b = k == 0;
    tn_json_advance(p, n->len);
    tn_json_mark_end(p, &n->span);
    *out = n;
    return TENET_OK;
}

/* ---- collections -------------------------------------------------------- */

static int add_child(jparser *p, tn_node *n) {
    if (!(n = tn_doc_prune_done(&p->prune, p->doc, n, p->frames.n)))
        return tn_json_nomem(p);
    if (p->frames.n == 0) {
        p->doc->root = n;
        return TENET_OK;
    }
    return TN_VEC_PUSH(p->kids, n) == 0 ? TENET_OK : tn_json_nomem(p);
}

/* Closes the innermost container at its closing bracket. */
static int close_frame(jparser *p) {
    tn_json_frame f = p->frames.v[--p->frames.n];
    tn_node *n = f.node;
    size_t k = p->kids.n - f.first;
    tn_node **kids = k ? p->kids.v + f.first : NULL;
    p->pos++;
    p->col++;
    tn_json_mark_end(p, &n->span);
    if (n->type == TN_NODE_SEQ) {
        if (k && !(n->ch.items = tn_arena_alloc(&p->doc->arena, k * sizeof *kids)))
            return tn_json_nomem(p);
        if (k)
            memcpy(n->ch.items, kids, k * sizeof *kids);
        n->n = k;
    } else {
        n->n = k / 2;
        if (n->n && !(n->ch.pairs = tn_arena_alloc(&p->doc->arena, n->n * sizeof *n->ch.pairs)))
            return tn_json_nomem(p);
        for (size_t i = 0; i < n->n; i++) {
            n->ch.pairs[i].key = kids[2 * i];
            n->ch.pairs[i].value = kids[2 * i + 1];
        }
        if (tn_doc_check_duplicate_keys(p->doc, n) != 0)
            return tn_json_nomem(p);
    }
    p->kids.n = f.first;
    return add_child(p, n);
}

/* A member key and its colon; leaves p at the value. */
static int parse_key(jparser *p) {
    if (p->pos >= p->len || p->s[p->pos] != '"')
        return tn_json_unexpected(p, "a string key");
    tn_node *key;
    int rc = parse_string(p, true, &key);
    if (rc != TENET_OK)
        return rc;
    if ((rc = add_child(p, key)) != TENET_OK)
        return rc;
    return tn_json_key_colon(p);
}

int tn_json_comma(jparser *p, char close) {
    p->pos++;
    p->col++;
    tn_json_skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close)
        return tn_json_fail(p, "trailing comma is not allowed");
    return TENET_OK;
}

int tn_json_key_colon(jparser *p) {
    tn_json_skip_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ':')
        return tn_json_unexpected(p, "':' after the key");
    p->pos++;
    p->col++;
    tn_json_skip_ws(p);
    return TENET_OK;
}

/* Asks the pruner about the object or array about to start, when it is the
 * value of a member (before anything of it is allocated). */
static void prune_ask(jparser *p) {
    size_t depth = p->frames.n;
    if (!tn_doc_prune_wanted(&p->prune, depth))
        return;
    const tn_json_frame *top = &p->frames.v[depth - 1];
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

/* The object or array at p->pos: opened, or skipped whole when the pruner
 * drops it (*done). */
static int open_collection(jparser *p, bool *done) {
    unsigned char c = p->s[p->pos];
    *done = false;
    if (p->frames.n >= p->lim.max_depth)
        return tn_error_set(p->err, TENET_ELIMIT, p->doc->name, p->line, p->col,
                            "nesting too deep (limit %zu)", p->lim.max_depth);
    prune_ask(p);
    if (p->prune.active && !p->prune.keep) {
        tn_node *dropped;
        int rc = tn_json_skip(p, &dropped);
        if (rc != TENET_OK || dropped) {
            *done = true;
            return rc != TENET_OK ? rc : add_child(p, dropped);
        }
        /* back at its start: built after all */
    }
    tn_node *n = new_node(p, c == '{' ? TN_NODE_MAP : TN_NODE_SEQ);
    if (!n)
        return tn_json_nomem(p);
    tn_json_frame f = {n, p->kids.n};
    if (TN_VEC_PUSH(p->frames, f) != 0)
        return tn_json_nomem(p);
    p->pos++;
    p->col++;
    tn_json_skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == (c == '{' ? '}' : ']')) {
        *done = true;
        return close_frame(p);
    }
    return c == '{' ? parse_key(p) : TENET_OK;
}

static int parse(jparser *p) {
    tn_json_skip_ws(p);
    if (p->pos >= p->len)
        return TENET_OK; /* empty input: no root, like an empty YAML stream */
    bool want_value = true;
    for (;;) {
        int rc = TENET_OK;
        if (want_value) {
            if (p->pos >= p->len)
                return tn_json_unexpected(p, "a JSON value");
            unsigned char c = p->s[p->pos];
            tn_node *n = NULL;
            if (c == '{' || c == '[') {
                bool done;
                rc = open_collection(p, &done);
                want_value = !done;
            } else {
                if (c == '"')
                    rc = parse_string(p, false, &n);
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
        tn_json_skip_ws(p);
        if (p->frames.n == 0)
            return p->pos < p->len
                       ? tn_json_unexpected(p, "the end of the input after the JSON value")
                       : TENET_OK;
        bool is_map = p->frames.v[p->frames.n - 1].node->type == TN_NODE_MAP;
        char close = is_map ? '}' : ']';
        if (p->pos < p->len && p->s[p->pos] == close) {
            rc = close_frame(p);
        } else if (p->pos < p->len && p->s[p->pos] == ',') {
            if ((rc = tn_json_comma(p, close)) != TENET_OK)
                return rc;
            if (is_map)
                rc = parse_key(p);
            want_value = true;
        } else {
            return tn_json_unexpected(p, is_map ? "',' or '}'" : "',' or ']'");
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
    p.hole.type = TN_NODE_NULL;
    p.hole.str = "";
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
    TN_VEC_FREE(p.skip.frames);
    TN_VEC_FREE(p.skip.keys);
    TN_VEC_FREE(p.skip.bytes);
    if (rc != TENET_OK) {
        tn_doc_free(p.doc);
        return rc;
    }
    tn_doc_sort_notes(p.doc);
    *out = p.doc;
    return TENET_OK;
}
