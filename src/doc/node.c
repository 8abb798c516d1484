/* The document model: creation, lookups, input decoding, format dispatch and
 * the helpers both loaders share (notes, duplicate keys, scalar typing). */
#include "doc/load.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/utf8.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

tn_doc_limits tn_doc_limits_resolve(const tn_doc_limits *limits) {
    tn_doc_limits l = {0};
    if (limits)
        l = *limits;
    if (!l.max_input_bytes)
        l.max_input_bytes = (size_t)64 << 20;
    if (!l.max_depth)
        l.max_depth = 256;
    if (l.max_depth > TN_DOC_MAX_DEPTH_CEILING)
        l.max_depth = TN_DOC_MAX_DEPTH_CEILING;
    if (!l.max_alias_nodes)
        l.max_alias_nodes = 1000000;
    if (!l.max_scalar_bytes)
        l.max_scalar_bytes = (size_t)16 << 20;
    /* Node lengths and spans are 32-bit. */
    if (l.max_input_bytes > UINT32_MAX)
        l.max_input_bytes = UINT32_MAX;
    if (l.max_scalar_bytes > UINT32_MAX)
        l.max_scalar_bytes = UINT32_MAX;
    return l;
}

int tn_doc_create(tn_doc **out, const char *text, size_t len, const char *name, bool borrow,
                  tenet_error *err) {
    *out = NULL;
    tn_doc *doc = tn_calloc(1, sizeof *doc);
    if (!doc)
        return tn_error_set(err, TENET_ENOMEM, name ? name : "<input>", 0, 0, "out of memory");
    tn_arena_init(&doc->arena);
    tn_arena_expect(&doc->arena, len); /* a tree is about as large as its text */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    const char *copy =
        borrow ? (len ? text : "") : tn_arena_strndup(&doc->arena, len ? text : "", len);
    doc->name = tn_arena_strdup(&doc->arena, name ? name : "<input>");
    if (!copy || !doc->name) {
        tn_doc_free(doc);
        return tn_error_set(err, TENET_ENOMEM, name ? name : "<input>", 0, 0, "out of memory");
    }
    doc->text = copy;
    doc->len = len;
    *out = doc;
    return TENET_OK;
}

void tn_doc_free(tn_doc *doc) {
    if (!doc)
        return;
    tn_arena_release(&doc->arena);
    tn_free(doc);
}

static bool is_pow2(size_t n) { return (n & (n - 1)) == 0; }

int tn_doc_add_note(tn_doc *doc, const tn_span *span, const char *code, const char *message) {
    /* The array lives in the arena; its capacity is the next power of two. */
    if (doc->nnotes == 0 || is_pow2(doc->nnotes)) {
        size_t cap = doc->nnotes ? doc->nnotes * 2 : 4;
        tn_doc_note *notes = tn_arena_alloc(&doc->arena, cap * sizeof *notes);
        if (!notes)
            return -1;
        if (doc->nnotes)
            memcpy(notes, doc->notes, doc->nnotes * sizeof *notes);
        doc->notes = notes;
    }
    tn_doc_note *n = &doc->notes[doc->nnotes++];
    n->span = *span;
    n->code = code;
    n->message = message;
    return 0;
}

static int note_cmp(const void *a, const void *b) {
    const tn_doc_note *x = a, *y = b;
    if (x->span.off != y->span.off)
        return x->span.off < y->span.off ? -1 : 1;
    if (x->span.end_off != y->span.end_off)
        return x->span.end_off < y->span.end_off ? -1 : 1;
    return strcmp(x->code, y->code);
}

void tn_doc_sort_notes(tn_doc *doc) {
    if (doc->nnotes > 1)
        qsort(doc->notes, doc->nnotes, sizeof *doc->notes, note_cmp);
}

static int dup_note(tn_doc *doc, const tn_node *key, const tn_node *first) {
    /* Long keys are cut so the message stays readable. */
    int shown = key->len > 80 ? 80 : (int)key->len;
    const char *msg = tn_arena_sprintf(&doc->arena, "duplicate key \"%.*s%s\" (first at line %u)",
                                       shown, key->str, key->len > 80 ? "..." : "",
                                       (unsigned)first->span.line);
    if (!msg)
        return -1;
    return tn_doc_add_note(doc, &key->span, "duplicate-key", msg);
}

int tn_doc_key_repeats(size_t n, tn_doc_key_fn key, tn_doc_repeat_fn found, void *ctx) {
    if (n < 2)
        return 0;
    if (n <= 8) { /* small maps: a quadratic scan beats hashing */
        const char *k[8];
        size_t len[8];
        for (size_t i = 0; i < n; i++) {
            k[i] = key(ctx, i, &len[i]);
            for (size_t j = 0; k[i] && j < i; j++) {
                if (k[j] && len[j] == len[i] && memcmp(k[j], k[i], len[i]) == 0) {
                    int rc = found(ctx, i, j);
                    if (rc != 0)
                        return rc;
                    break;
                }
            }
        }
        return 0;
    }
    /* Open addressing over twice as many slots as keys; a slot holds a
     * key's hash and its index + 1 (0: free). */
    struct slot {
        uint64_t hash;
        size_t at;
    } *slots;
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    if (!(slots = tn_calloc(cap, sizeof *slots)))
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t len, flen;
        const char *k = key(ctx, i, &len);
        if (!k)
            continue;
        uint64_t h = tn_hash(k, len);
        size_t s = (size_t)h & (cap - 1);
        for (; slots[s].at; s = (s + 1) & (cap - 1)) {
            if (slots[s].hash != h)
                continue;
            const char *f = key(ctx, slots[s].at - 1, &flen);
            if (flen == len && memcmp(f, k, len) == 0)
                break;
        }
        if (slots[s].at) {
            rc = found(ctx, i, slots[s].at - 1);
        } else {
            slots[s].hash = h;
            slots[s].at = i + 1;
        }
    }
    tn_free(slots);
    return rc;
}

typedef struct dup_ctx {
    tn_doc *doc;
    const tn_pair *pairs;
} dup_ctx;

static const char *pair_key(void *ctx, size_t i, size_t *len) {
    const tn_node *k = ((dup_ctx *)ctx)->pairs[i].key;
    if (!tn_node_is_scalar(k))
        return NULL;
    *len = k->len;
    return k->str;
}

static int pair_repeats(void *ctx, size_t i, size_t first) {
    dup_ctx *d = ctx;
    return dup_note(d->doc, d->pairs[i].key, d->pairs[first].key);
}

int tn_doc_check_duplicate_keys(tn_doc *doc, const tn_node *map) {
    dup_ctx d = {doc, map->ch.pairs};
    return tn_doc_key_repeats(map->n, pair_key, pair_repeats, &d);
}

bool tn_doc_parse_int(const char *s, size_t len, int64_t *out) {
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == len)
        return false;
    /* Accumulate negatively so INT64_MIN is representable. */
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        int d = s[i] - '0';
        if (v < (INT64_MIN + d) / 10)
            return false;
        v = v * 10 - d;
    }
    if (!neg) {
        if (v == INT64_MIN)
            return false;
        v = -v;
    }
    *out = v;
    return true;
}

int tn_doc_strtod(const char *s, size_t len, double *out) {
    const char *dp = localeconv()->decimal_point;
    if (!dp || strcmp(dp, ".") == 0 || !memchr(s, '.', len)) {
        *out = strtod(s, NULL);
        return 0;
    }
    /* A locale with another decimal point: rewrite '.' before strtod. */
    size_t dpl = strlen(dp);
    char *tmp = tn_malloc(len + dpl + 1);
    if (!tmp)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            memcpy(tmp + o, dp, dpl);
            o += dpl;
        } else {
            tmp[o++] = s[i];
        }
    }
    tmp[o] = '\0';
    *out = strtod(tmp, NULL);
    tn_free(tmp);
    return 0;
}

static bool all_in(const char *s, size_t len, const char *set) {
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!strchr(set, s[i]))
            return false;
    return true;
}

static bool word_is(const char *s, size_t len, const char *const *words) {
    for (; *words; words++)
        if (strlen(*words) == len && memcmp(*words, s, len) == 0)
            return true;
    return false;
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static bool is_core_float(const char *s, size_t len) {
    size_t i = 0, digits = 0;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        size_t frac = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, frac++;
        if (!digits && !frac)
            return false;
    } else if (!digits) {
        return false;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, exp++;
        if (!exp)
            return false;
    }
    return i == len;
}

static bool parse_radix(const char *s, size_t len, int shift, int64_t *out) {
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                                             : (unsigned)(c - 'A' + 10);
        if (v >> (63 - shift))
            return false; /* would not fit in int64 */
        v = (v << shift) | d;
    }
    *out = (int64_t)v;
    return true;
}

/* Whether the `len` bytes at `s` spell the literal `w`. */
#define WORD_IS(s, len, w) ((len) == sizeof(w) - 1 && memcmp((s), (w), sizeof(w) - 1) == 0)

static bool all_digits(const char *s, size_t len) {
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* The numbers of the core schema, for scalars starting with a digit, a
 * sign or a dot; anything else stays a string. */
static int type_number(tn_node *n) {
    static const char *const infs[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
    static const char *const ninfs[] = {"-.inf", "-.Inf", "-.INF", NULL};
    static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};
    const char *s = n->str;
    size_t len = n->len;
    bool sign = s[0] == '-' || s[0] == '+';
    if (len > 2 && s[0] == '0' && s[1] == 'x' && all_in(s + 2, len - 2, "0123456789abcdefABCDEF")) {
        if (parse_radix(s + 2, len - 2, 4, &n->as.i))
            n->type = TN_NODE_INT;
    } else if (len > 2 && s[0] == '0' && s[1] == 'o' && all_in(s + 2, len - 2, "01234567")) {
        if (parse_radix(s + 2, len - 2, 3, &n->as.i))
            n->type = TN_NODE_INT;
    } else if (all_digits(s + sign, len - sign)) {
        if (tn_doc_parse_int(s, len, &n->as.i)) {
            n->type = TN_NODE_INT;
        } else { /* too large for int64: still a number */
            n->type = TN_NODE_FLOAT;
            if (tn_doc_strtod(s, len, &n->as.f) != 0)
                return -1;
        }
    } else if (word_is(s, len, infs) || word_is(s, len, ninfs)) {
        n->type = TN_NODE_FLOAT;
        n->as.f = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    } else if (word_is(s, len, nans)) {
        n->type = TN_NODE_FLOAT;
        n->as.f = NAN;
    } else if (is_core_float(s, len)) {
        n->type = TN_NODE_FLOAT;
        if (tn_doc_strtod(s, len, &n->as.f) != 0)
            return -1;
    }
    return 0;
}

int tn_doc_type_plain(tn_node *n) {
    const char *s = n->str;
    size_t len = n->len;
    n->type = TN_NODE_STRING;
    if (len == 0) {
        n->type = TN_NODE_NULL;
        return 0;
    }
    /* Most plain scalars are words: the first character tells what they
     * can be, and the words of the schema are short. */
    switch (s[0]) {
    case '~':
    case 'n':
    case 'N':
        if (WORD_IS(s, len, "~") || WORD_IS(s, len, "null") || WORD_IS(s, len, "Null") ||
            WORD_IS(s, len, "NULL"))
            n->type = TN_NODE_NULL;
        return 0;
    case 't':
    case 'T':
    case 'f':
    case 'F':
        if (WORD_IS(s, len, "true") || WORD_IS(s, len, "True") || WORD_IS(s, len, "TRUE")) {
            n->type = TN_NODE_BOOL;
            n->as.b = true;
        } else if (WORD_IS(s, len, "false") || WORD_IS(s, len, "False") ||
                   WORD_IS(s, len, "FALSE")) {
            n->type = TN_NODE_BOOL;
            n->as.b = false;
        }
        return 0;
    case '+':
    case '-':
    case '.':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return type_number(n);
    default:
        return 0;
    }
}

/* Where the UTF-16 input goes wrong, for a positioned message. */
static void utf16_error_pos(const unsigned char *p, size_t len, bool le, uint32_t *line,
                            uint32_t *col) {
    *line = 1;
    *col = 1;
    for (size_t i = 2; i + 1 < len; i += 2) {
        uint32_t c = le ? (uint32_t)(p[i] | (p[i + 1] << 8)) : (uint32_t)((p[i] << 8) | p[i + 1]);
        if (c >= 0xDC00 && c <= 0xDFFF)
            return;
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (i + 3 >= len)
                return;
            uint32_t d = le ? (uint32_t)(p[i + 2] | (p[i + 3] << 8))
                            : (uint32_t)((p[i + 2] << 8) | p[i + 3]);
            if (d < 0xDC00 || d > 0xDFFF)
                return;
            i += 2;
        }
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

int tn_doc_decode_text(const char *data, size_t len, const char **text, size_t *text_len,
                       char **owned, const char *name, tenet_error *err) {
    const unsigned char *p = (const unsigned char *)data;
    *owned = NULL;
    *text = data ? data : "";
    *text_len = data ? len : 0;
    if (!data)
        return TENET_OK;
    if (len >= 4 && ((p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) ||
                     (p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF)))
        return tn_error_set(err, TENET_EPARSE, name, 1, 1, "UTF-32 input is not supported");
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        *text = data + 3;
        *text_len = len - 3;
        return TENET_OK;
    }
    char *out = NULL;
    size_t out_len = 0;
    int r = tn_utf16_to_utf8(data, len, &out, &out_len);
    if (r == 0)
        return TENET_OK;
    if (r == -2)
        return tn_error_set(err, TENET_ENOMEM, name ? name : "<input>", 0, 0, "out of memory");
    if (r < 0) {
        uint32_t line, col;
        utf16_error_pos(p, len, p[0] == 0xFF, &line, &col);
        return tn_error_set(err, TENET_EPARSE, name, line, col, "%s",
                            len % 2 ? "malformed UTF-16: odd number of bytes"
                                    : "malformed UTF-16: unpaired surrogate");
    }
    *text = *owned = out;
    *text_len = out_len;
    return TENET_OK;
}

int tn_doc_parse_bytes(tn_doc **out, const char *data, size_t len, const char *name,
                       tenet_error *err) {
    const char *text;
    size_t text_len;
    char *owned = NULL;
    *out = NULL;
    int rv = tn_doc_decode_text(data ? data : "", data ? len : 0, &text, &text_len, &owned, name,
                                err);
    if (!rv) rv = tn_doc_parse(out, text, text_len, name, NULL, err);
    tn_free(owned);
    return rv;
}

int tn_doc_parse(tn_doc **out, const char *text, size_t len, const char *name,
                 const tn_doc_limits *limits, tenet_error *err) {
    return tn_doc_parse_with(out, text, len, name, limits, NULL, err);
}

int tn_doc_parse_yaml(tn_doc **out, const char *text, size_t len, const char *name,
                      const tn_doc_limits *limits, tenet_error *err) {
    return tn_doc_load_yaml(out, text, len, name, limits, NULL, err);
}

int tn_doc_parse_json(tn_doc **out, const char *text, size_t len, const char *name,
                      const tn_doc_limits *limits, tenet_error *err) {
    return tn_doc_load_json(out, text, len, name, limits, NULL, err);
}

int tn_doc_parse_with(tn_doc **out, const char *text, size_t len, const char *name,
                      const tn_doc_limits *limits, const tn_doc_load *how, tenet_error *err) {
    *out = NULL;
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    if (i == len || (text[i] != '{' && text[i] != '['))
        return tn_doc_load_yaml(out, text, len, name, limits, how, err);
    tenet_error jerr;
    tn_error_clear(&jerr);
    int rc = tn_doc_load_json(out, text, len, name, limits, how, &jerr);
    if (rc != TENET_EPARSE) {
        if (rc != TENET_OK && err)
            *err = jerr;
        return rc;
    }
    /* Not JSON; it may still be YAML flow style (comments, unquoted words). */
    tenet_error yerr;
    tn_error_clear(&yerr);
    int yrc = tn_doc_load_yaml(out, text, len, name, limits, how, &yerr);
    if (yrc == TENET_OK)
        return TENET_OK;
    if (err)
        *err = yrc == TENET_EPARSE ? jerr : yerr;
    return yrc == TENET_EPARSE ? rc : yrc;
}

static const tn_pair *pair_lookup(const tn_node *map, const char *key, size_t len) {
    if (!map || map->type != TN_NODE_MAP || !key)
        return NULL;
    for (size_t i = map->n; i-- > 0;) { /* the last duplicate wins */
        const tn_node *k = map->ch.pairs[i].key;
        /* The length first: it rules most keys out (collections have 0). */
        if (k->len == len && tn_node_is_scalar(k) && memcmp(k->str, key, len) == 0)
            return &map->ch.pairs[i];
    }
    return NULL;
}

const tn_node *tn_map_getn(const tn_node *map, const char *key, size_t len) {
    const tn_pair *p = pair_lookup(map, key, len);
    return p ? p->value : NULL;
}

const tn_node *tn_map_get(const tn_node *map, const char *key) {
    return key ? tn_map_getn(map, key, strlen(key)) : NULL;
}

const tn_pair *tn_map_get_pair(const tn_node *map, const char *key) {
    return key ? pair_lookup(map, key, strlen(key)) : NULL;
}

bool tn_node_is_scalar(const tn_node *n) {
    return n && n->type != TN_NODE_SEQ && n->type != TN_NODE_MAP;
}

bool tn_node_str_eq(const tn_node *n, const char *s) {
    if (!tn_node_is_scalar(n) || !s)
        return false;
    size_t len = strlen(s);
    return n->len == len && memcmp(n->str, s, len) == 0;
}

const char *tn_node_type_name(tn_node_type t) {
    switch (t) {
    case TN_NODE_NULL: return "null";
    case TN_NODE_BOOL: return "bool";
    case TN_NODE_INT: return "int";
    case TN_NODE_FLOAT: return "float";
    case TN_NODE_STRING: return "string";
    case TN_NODE_SEQ: return "sequence";
    case TN_NODE_MAP: return "mapping";
    }
    return "unknown";
}
