/* The api-query frontend: AWS Query API requests — `Action=Op&Key=value…`,
 * full URLs (`https://<service>.<region>.amazonaws.com/?Action=…`, region
 * from the host), and the documentation style with spaces or line breaks
 * around `?` and `&`. Keys and values are percent-decoded; list keys
 * (`X.member.N`, `X.<MemberName>.N`, `X.N`) become lists ordered by N, and
 * dotted sub-keys become structures. Values stay strings: the subject layer
 * coerces them by field type. One file may hold several requests, each
 * starting at a URL or an `Action=` at the start of a line. */
#include "frontend/request.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

static int query_run(tn_run *run);

const tn_frontend tn_frontend_api_query = {"api-query", false, tn_query_detect, query_run};

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

static bool space(char c) { return blank(c) || c == '\n'; }

static bool starts_ci(const char *s, size_t avail, const char *lit) {
    size_t n = strlen(lit);
    if (avail < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return false;
    }
    return true;
}

static bool is_url(const char *s, size_t avail) {
    return starts_ci(s, avail, "https://") || starts_ci(s, avail, "http://");
}

static bool is_action(const char *s, size_t avail) {
    if (avail && (*s == '?' || *s == '&')) {
        s++;
        avail--;
    }
    return avail >= 7 && memcmp(s, "Action=", 7) == 0;
}

int tn_query_detect(const char *text, size_t len, const tn_doc *doc) {
    int best = 0;
    for (size_t i = 0; i + 7 <= len && best < 90; i++) {
        const char *a = memchr(text + i, 'A', len - 6 - i);
        if (!a)
            break;
        i = (size_t)(a - text);
        if (memcmp(a, "Action=", 7) != 0)
            continue;
        size_t j = i;
        while (j > 0 && blank(text[j - 1]))
            j--;
        if (j == 0 || text[j - 1] == '\n' || text[j - 1] == '?' || text[j - 1] == '&')
            best = 90;
        else
            best = 20;
    }
    /* A YAML or JSON structure that merely mentions a query string. */
    if (best > 40 && doc && doc->root &&
        (doc->root->type == TN_NODE_MAP || doc->root->type == TN_NODE_SEQ))
        best = 40;
    return best;
}

/* ---- finding requests ---- */

typedef struct extent {
    size_t start, end;
} extent;

static size_t eol(const char *t, size_t len, size_t i) {
    const char *nl = memchr(t + i, '\n', len - i);
    return nl ? (size_t)(nl - t) : len;
}

/* A request continues on the next line when that line starts with & or ?,
 * or when this one ends with one. */
static size_t request_end(const char *t, size_t len, size_t p) {
    size_t e = eol(t, len, p);
    while (e < len) {
        size_t k = e;
        while (k > p && blank(t[k - 1]))
            k--;
        bool open = k > p && (t[k - 1] == '&' || t[k - 1] == '?');
        size_t m = e + 1;
        while (m < len && blank(t[m]))
            m++;
        if (m < len && (t[m] == '&' || t[m] == '?' || (open && t[m] != '\n')))
            e = eol(t, len, m);
        else
            break;
    }
    return e;
}

/* Extents live in the check's arena: most inputs hold one request, and
 * growing by copying costs less than a malloc and a free. */
static int push_extent(tn_arena *arena, extent **v, size_t *n, size_t *cap, size_t start,
                       size_t end) {
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        extent *nv = tn_arena_alloc(arena, nc * sizeof *nv);
        if (!nv)
            return TENET_ENOMEM;
        if (*n)
            memcpy(nv, *v, *n * sizeof *nv);
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = (extent){start, end};
    return TENET_OK;
}

/* Requests at line starts; failing that, URLs and `?Action=` inside lines
 * (a curl command, a quoted URL), each up to the next blank or quote. */
static int find_requests(const char *t, size_t len, tn_arena *arena, extent **out, size_t *n) {
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < len;) {
        size_t p = i;
        while (p < len && blank(t[p]))
            p++;
        if (p < len && (is_url(t + p, len - p) || is_action(t + p, len - p))) {
            size_t e = request_end(t, len, p);
            if (push_extent(arena, out, n, &cap, p, e) != TENET_OK)
                return TENET_ENOMEM;
            i = e;
        } else {
            i = eol(t, len, p);
        }
        if (i < len)
            i++;
    }
    if (*n)
        return TENET_OK;
    for (size_t i = 0; i + 8 <= len; i++) {
        const char *qm = memchr(t + i, '?', len - 7 - i);
        if (!qm)
            break;
        i = (size_t)(qm - t);
        if (memcmp(qm, "?Action=", 8) != 0)
            continue;
        size_t s = i;
        while (s > 0 && !space(t[s - 1]) && !strchr("\"'`(", t[s - 1]))
            s--;
        if (!is_url(t + s, len - s))
            s = i + 1;
        size_t e = i;
        while (e < len && !space(t[e]) && !strchr("\"'`", t[e]))
            e++;
        if (push_extent(arena, out, n, &cap, s, e) != TENET_OK)
            return TENET_ENOMEM;
        i = e;
    }
    return TENET_OK;
}

/* ---- decoding ---- */

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decoding with '+' as a space; text that would decode to a NUL or
 * to invalid UTF-8 is kept as written. Decodes s[0..n) into d, which has
 * room for a NUL after it (decoding only shrinks). */
static size_t decode_into(char *d, const char *s, size_t n) {
    size_t k = 0;
    bool ok = true;
    unsigned char high = 0; /* any byte >= 0x80 written: only then can it be invalid */
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            char c = (char)(hi * 16 + lo);
            ok = ok && c != '\0';
            d[k++] = c;
            i += 2;
        } else {
            d[k++] = s[i] == '+' ? ' ' : s[i];
        }
        high |= (unsigned char)d[k - 1];
    }
    d[k] = '\0';
    size_t bad;
    if (!ok || ((high & 0x80) && !tn_utf8_validate(d, k, &bad))) {
        memcpy(d, s, n);
        d[n] = '\0';
        k = n;
    }
    return k;
}

/* ---- the parameter tree ---- */

enum { Q_LEAF, Q_MAP, Q_LIST };

/* A leaf's value: a string, with its position and the key as written. */
typedef struct qleaf {
    const char *text;
    size_t len;
    tn_span span;
    const char *path;
} qleaf;

typedef struct qnode qnode;
struct qnode {
    int type;
    const qnode *parent;
    const char *key; /* in a map: the member name */
    size_t key_len;
    long index;      /* in a list */
    qnode *first, *last, *next;
    qnode *chain;    /* next in the same hash bucket */
    size_t nkids;
    qleaf leaf;
    tn_span key_span; /* first key that reached this node */
    const char *path;
};

/* Nodes are found by parent and member name (or list index), through a
 * chained hash table: a request may carry any number of parameters. */
typedef struct qtree {
    tn_arena *arena;
    qnode **buckets;
    size_t cap, count;
    qnode *spare; /* nodes allocated ahead, a block at a time */
    size_t nspare;
    qnode root;
} qtree;

/* Mixes the parent and the name (eight bytes at a time) or the index. */
static uint64_t node_hash(const qnode *parent, const char *key, size_t len, long index) {
    const uint64_t m = 0x9E3779B97F4A7C15ULL;
    uint64_t h = ((uint64_t)(uintptr_t)parent ^ len) * m;
    if (key) {
        size_t i = 0;
        for (; i + 8 <= len; i += 8) {
            uint64_t w;
            memcpy(&w, key + i, 8);
            h = (h ^ w) * m;
            h ^= h >> 32;
        }
        uint64_t w = 0;
        for (; i < len; i++)
            w = (w << 8) | (unsigned char)key[i];
        h = (h ^ w) * m;
    } else {
        h = (h ^ ((uint64_t)index + 1)) * m;
    }
    return h ^ (h >> 29);
}

static bool tree_grow(qtree *q) {
    size_t cap = q->cap ? q->cap * 2 : 64;
    qnode **b = tn_arena_calloc(q->arena, cap, sizeof *b);
    if (!b)
        return false;
    for (size_t i = 0; i < q->cap; i++) {
        for (qnode *n = q->buckets[i], *next; n; n = next) {
            next = n->chain;
            uint64_t h = node_hash(n->parent, n->key, n->key_len, n->index);
            n->chain = b[h & (cap - 1)];
            b[h & (cap - 1)] = n;
        }
    }
    q->buckets = b;
    q->cap = cap;
    return true;
}

/* A copy of key[0..len), or key itself when that ends the string. */
static const char *key_prefix(tn_arena *a, const char *key, size_t len) {
    return key[len] ? tn_arena_strndup(a, key, len) : key;
}

/* The child of `parent` named key[0..klen) (a list item: key NULL and
 * `index`), created with `type` when missing; `full` and `wlen` give the
 * path as written up to it. A leaf that a longer key reaches becomes a
 * container (an empty `Tags=` followed by `Tags.Tag.1.Key=`). NULL on a
 * type clash or out of memory (*oom set). */
static qnode *child(qtree *q, qnode *parent, const char *key, size_t klen, long index, int type,
                    const tn_span *ks, const char *full, size_t wlen, bool *oom) {
    if (q->count >= q->cap && !tree_grow(q)) {
        *oom = true;
        return NULL;
    }
    uint64_t h = node_hash(parent, key, klen, index);
    qnode **bucket = &q->buckets[h & (q->cap - 1)];
    for (qnode *c = *bucket; c; c = c->chain) {
        if (c->parent != parent ||
            (key ? !c->key || c->key_len != klen || memcmp(c->key, key, klen) != 0
                 : c->key || c->index != index))
            continue;
        if (c->type == Q_LEAF && type != Q_LEAF && c->nkids == 0)
            c->type = type;
        return c->type == type || type == Q_LEAF ? c : NULL;
    }
    /* Not zeroed: `leaf` is set when a leaf is created, and read only then. */
    if (q->nspare == 0) {
        q->nspare = 1024 / sizeof *q->spare + 1; /* small enough for the arena's chunk */
        if (!(q->spare = tn_arena_alloc(q->arena, q->nspare * sizeof *q->spare))) {
            q->nspare = 0;
            *oom = true;
            return NULL;
        }
    }
    qnode *c = q->spare++;
    q->nspare--;
    c->key = NULL;
    if ((key && !(c->key = key_prefix(q->arena, key, klen))) ||
        !(c->path = key_prefix(q->arena, full, wlen))) {
        *oom = true;
        return NULL;
    }
    c->type = type;
    c->parent = parent;
    c->key_len = klen;
    c->index = index;
    c->first = c->last = c->next = NULL;
    c->nkids = 0;
    c->key_span = *ks;
    c->chain = *bucket;
    *bucket = c;
    q->count++;
    if (parent->last)
        parent->last->next = c;
    else
        parent->first = c;
    parent->last = c;
    parent->nkids++;
    return c;
}

/* A list index: 1 to 9 digits. */
static bool numeric(const char *s, size_t n) {
    if (n == 0 || n > 9)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

#define MAX_STACK_PARTS 16
/* Parts of a parameter key (A.B.1.C) read at most; real keys have a few. */
#define MAX_KEY_PARTS 64

/* Adds one decoded key=value, the key `klen` bytes long (up to its NUL).
 * TENET_OK (also when the key is skipped) or TENET_ENOMEM. */
static int tree_add(qtree *q, const char *key, size_t klen, const tn_span *ks,
                    const qleaf *val) {
    /* start[i] is where part i begins; part i ends one before start[i + 1]. */
    size_t stack[MAX_STACK_PARTS + 1], *start = stack;
    size_t k = 1;
    start[0] = 0;
    for (const char *d = key; (d = memchr(d, '.', klen - (size_t)(d - key))) != NULL; d++) {
        if (k == MAX_STACK_PARTS && start == stack) {
            size_t more = k;
            for (const char *p = d; *p; p++)
                more += *p == '.';
            if (!(start = tn_arena_alloc(q->arena, (more + 2) * sizeof *start)))
                return TENET_ENOMEM;
            memcpy(start, stack, k * sizeof *start);
        }
        start[k++] = (size_t)(d - key) + 1;
    }
    start[k] = klen + 1;
    for (size_t i = 0; i < k; i++)
        if (start[i + 1] - 1 == start[i])
            return TENET_OK; /* A..B or a trailing dot */
#define PART(i) key + start[i], start[(i) + 1] - 1 - start[i]
    qnode *node = &q->root;
    bool oom = false;
    for (size_t i = 0; i < k;) {
        size_t idx_at = i + 1 < k && numeric(PART(i + 1))   ? i + 1
                        : i + 2 < k && numeric(PART(i + 2)) ? i + 2
                                                            : 0;
        if (idx_at == 0) {
            bool last = i + 1 == k;
            qnode *c = child(q, node, PART(i), 0, last ? Q_LEAF : Q_MAP, ks, key,
                             start[i + 1] - 1, &oom);
            if (!c)
                return oom ? TENET_ENOMEM : TENET_OK;
            if (last && c->type == Q_LEAF)
                c->leaf = *val;
            node = c;
            i++;
            continue;
        }
        qnode *list = child(q, node, PART(i), 0, Q_LIST, ks, key, start[i + 1] - 1, &oom);
        if (!list)
            return oom ? TENET_ENOMEM : TENET_OK;
        long index = 0;
        for (size_t d = start[idx_at]; d + 1 < start[idx_at + 1]; d++)
            index = index * 10 + (key[d] - '0');
        bool last = idx_at + 1 == k;
        qnode *item = child(q, list, NULL, 0, index, last ? Q_LEAF : Q_MAP, ks, key,
                            start[idx_at + 1] - 1, &oom);
        if (!item)
            return oom ? TENET_ENOMEM : TENET_OK;
        if (last) {
            if (item->type == Q_LEAF)
                item->leaf = *val;
            return TENET_OK;
        }
        node = item;
        i = idx_at + 1;
    }
#undef PART
    return TENET_OK;
}

static int by_index(const void *a, const void *b) {
    const qnode *x = *(qnode *const *)a, *y = *(qnode *const *)b;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int to_value(qtree *q, const qnode *n, tn_value *out) {
    if (n->type == Q_LEAF) {
        memset(out, 0, sizeof *out);
        out->kind = TN_V_STR;
        out->text = n->leaf.text;
        out->len = n->leaf.len;
        out->has_span = true;
        out->span = n->leaf.span;
        out->path = n->leaf.path;
        return TENET_OK;
    }
    memset(out, 0, sizeof *out);
    out->path = n->path;
    out->has_span = n->key_span.line != 0;
    out->span = n->key_span;
    size_t cnt = n->nkids ? n->nkids : 1;
    qnode **kids = tn_arena_alloc(q->arena, cnt * sizeof *kids);
    tn_value *vals = tn_arena_calloc(q->arena, cnt, sizeof *vals);
    if (!kids || !vals)
        return TENET_ENOMEM;
    size_t k = 0;
    for (qnode *c = n->first; c; c = c->next)
        kids[k++] = c;
    bool sorted = true; /* items come in order as a rule: no sort then */
    for (size_t i = 1; i < k && sorted; i++)
        sorted = kids[i - 1]->index <= kids[i]->index;
    if (n->type == Q_LIST && !sorted)
        qsort(kids, k, sizeof *kids, by_index);
    for (size_t i = 0; i < k; i++)
        if (to_value(q, kids[i], &vals[i]) != TENET_OK)
            return TENET_ENOMEM;
    if (n->type == Q_LIST) {
        out->kind = TN_V_LIST;
        out->u.list.items = vals;
        out->u.list.n = k;
        return TENET_OK;
    }
    const char **keys = tn_arena_alloc(q->arena, cnt * sizeof *keys);
    if (!keys)
        return TENET_ENOMEM;
    for (size_t i = 0; i < k; i++)
        keys[i] = kids[i]->key;
    out->kind = TN_V_MAP;
    out->u.map.keys = keys;
    out->u.map.vals = vals;
    out->u.map.n = k;
    return TENET_OK;
}

/* ---- one request ---- */

typedef struct qparse {
    const char *t;
    tn_textpos *tp;
    tn_arena *arena;
    tn_request *req;
    char *copy;  /* the request's text from `base` on, where keys and values are */
    size_t base; /* decoded in place: a NUL after each, no copy of its own */
    size_t end;
    size_t pct, plus; /* the next '%' and '+' at or after the last decoded text (or end) */
    qtree tree;
} qparse;

static size_t next_of(const char *t, size_t from, size_t end, char c) {
    const char *p = memchr(t + from, c, end - from);
    return p ? (size_t)(p - t) : end;
}

/* Moves the next '%' and '+' at or after `off` along (offsets only grow
 * from one call to the next); true when t[off, off + n) holds neither. */
static bool plain(qparse *qp, size_t off, size_t n) {
    if (qp->pct < off)
        qp->pct = next_of(qp->t, off, qp->end, '%');
    if (qp->plus < off)
        qp->plus = next_of(qp->t, off, qp->end, '+');
    return qp->pct >= off + n && qp->plus >= off + n;
}

/* Decodes t[off, off + n), which ends at a separator or the request's end.
 * Most keys and values have nothing to decode: they only get their NUL. */
static inline char *decode(qparse *qp, size_t off, size_t n, size_t *out_len) {
    char *d = qp->copy + (off - qp->base);
    if (plain(qp, off, n)) {
        d[n] = '\0';
        *out_len = n;
    } else {
        *out_len = decode_into(d, qp->t + off, n);
    }
    return d;
}

static bool ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
}

/* One `key=value` segment [a, b), blanks already trimmed. */
static int segment(qparse *qp, size_t a, size_t b) {
    const char *t = qp->t;
    const char *eq = memchr(t + a, '=', b - a);
    size_t ke, vs;
    if (eq) {
        ke = (size_t)(eq - t);
        vs = ke + 1;
    } else {
        /* `&Name value` (a missing '='), `&Name`, or debris such as the
         * `&AWS;` entity some pages carry: only the first two are keys. */
        size_t k = a;
        while (k < b && ident_char(t[k]))
            k++;
        if (k == a || (k < b && !blank(t[k])))
            return TENET_OK;
        ke = k;
        vs = k;
        if (k < b) {
            tn_span sp = tn_textpos_span(qp->tp, a, b);
            int rc = tn_request_add_note(
                qp->req, qp->arena, TENET_SEVERITY_WARNING, "malformed-parameter", &sp,
                "missing '=' between %.*s and its value", (int)(k - a), t + a);
            if (rc != TENET_OK)
                return rc;
        }
    }
    while (ke > a && blank(t[ke - 1]))
        ke--;
    while (vs < b && blank(t[vs]))
        vs++;
    if (ke == a)
        return TENET_OK;
    size_t klen, vlen;
    char *key = decode(qp, a, ke - a, &klen);
    if (klen >= 6 && memcmp(key, "Action", 7) == 0) { /* up to a NUL, as strcmp */
        if (!qp->req->operation) {
            qp->req->operation = decode(qp, vs, b - vs, &vlen);
            qp->req->span = tn_textpos_span(qp->tp, a, b);
        }
        return TENET_OK;
    }
    if (tn_request_is_protocol_key(key, klen))
        return TENET_OK;
    size_t parts = 1;
    const char *dot = memchr(key, '.', klen);
    for (const char *d = dot; d; d = memchr(d + 1, '.', klen - (size_t)(d + 1 - key)))
        parts++;
    if (parts > MAX_KEY_PARTS) {
        /* No real parameter nests this deep; building the tree for such a
         * key would cost memory and recursion in proportion to it. */
        tn_span sp = tn_textpos_span(qp->tp, a, ke);
        return tn_request_add_note(qp->req, qp->arena, TENET_SEVERITY_WARNING,
                                   "malformed-parameter", &sp,
                                   "parameter key has %zu parts; at most %d are read, so it is "
                                   "ignored",
                                   parts, MAX_KEY_PARTS);
    }
    char *val = decode(qp, vs, b - vs, &vlen);
    tn_span ks = tn_textpos_span(qp->tp, a, ke);
    qleaf v = {val, vlen, tn_textpos_span(qp->tp, vs, b), key};
    if (!dot) { /* most keys are one part: a leaf of the root */
        bool oom = false;
        qnode *c = child(&qp->tree, &qp->tree.root, key, klen, 0, Q_LEAF, &ks, key, klen, &oom);
        if (c && c->type == Q_LEAF)
            c->leaf = v;
        return oom ? TENET_ENOMEM : TENET_OK;
    }
    return tree_add(&qp->tree, key, klen, &ks, &v);
}

static int parse_one(qparse *qp, size_t p, size_t e) {
    const char *t = qp->t;
    tn_request *req = qp->req;
    size_t q = p;
    if (is_url(t + p, e - p)) {
        size_t h = p + (starts_ci(t + p, e - p, "https://") ? 8 : 7), he = h;
        while (he < e && !space(t[he]) && !strchr("/?#", t[he]))
            he++;
        req->region = tn_request_host_region(t + h, he - h, qp->arena, &req->service);
        q = he;
        while (q < e && !space(t[q]) && t[q] != '?')
            q++; /* the path */
        while (q < e && space(t[q]))
            q++;
    }
    if (q < e && t[q] == '?')
        q++;
    qp->base = q;
    qp->end = e;
    qp->pct = next_of(t, q, e, '%');
    qp->plus = next_of(t, q, e, '+');
    if (!(qp->copy = tn_arena_strndup(qp->arena, t + q, e - q)))
        return TENET_ENOMEM;
    const char *hash = memchr(t + q, '#', e - q); /* a fragment is not sent */
    size_t stop = hash ? (size_t)(hash - t) : e;
    while (q < stop) {
        size_t s = q;
        const char *amp = memchr(t + q, '&', stop - q);
        q = amp ? (size_t)(amp - t) : stop;
        size_t a = s, b = q;
        while (a < b && space(t[a]))
            a++;
        while (b > a && space(t[b - 1]))
            b--;
        if (a < b) {
            int rc = segment(qp, a, b);
            if (rc != TENET_OK)
                return rc;
        }
        q++;
    }
    /* The parameters, in place: their number is known. */
    size_t n = qp->tree.root.nkids;
    if (n && !(req->params = tn_arena_alloc(qp->arena, n * sizeof *req->params)))
        return TENET_ENOMEM;
    req->params_cap = n;
    for (qnode *c = qp->tree.root.first; c; c = c->next) {
        tn_req_param *prm = &req->params[req->nparams++];
        prm->written = NULL; /* every member is set: `value` by to_value */
        prm->checked = false;
        prm->name = c->key;
        prm->name_len = c->key_len;
        prm->has_key_span = c->key_span.line != 0;
        prm->key_span = c->key_span;
        if (to_value(&qp->tree, c, &prm->value) != TENET_OK)
            return TENET_ENOMEM;
    }
    return TENET_OK;
}

/* "CreateWidget my-widget": the operation and its first *Id. */
static const char *request_name(const tn_request *r, tn_arena *arena) {
    for (size_t i = 0; i < r->nparams; i++) {
        const tn_req_param *p = &r->params[i];
        size_t n = p->name_len;
        if (n > 2 && p->name[n - 2] == 'I' && p->name[n - 1] == 'd' && p->value.kind == TN_V_STR &&
            p->value.len > 0) {
            size_t ol = strlen(r->operation), vl = strlen(p->value.text);
            char *name = tn_arena_alloc(arena, ol + vl + 2);
            if (name) {
                memcpy(name, r->operation, ol);
                name[ol] = ' ';
                memcpy(name + ol + 1, p->value.text, vl + 1);
            }
            return name;
        }
    }
    return r->operation;
}

int tn_query_parse(const char *text, size_t len, tn_textpos *tp, tn_arena *arena,
                   tn_request **reqs, size_t *n) {
    extent *ext;
    size_t next;
    if (find_requests(text, len, arena, &ext, &next) != TENET_OK)
        return TENET_ENOMEM;
    int rc = TENET_OK;
    tn_request *v = next ? tn_arena_calloc(arena, next, sizeof *v) : NULL;
    if (next && !v)
        rc = TENET_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < next && rc == TENET_OK; i++) {
        qparse qp;
        memset(&qp, 0, sizeof qp);
        qp.t = text;
        qp.tp = tp;
        qp.arena = arena;
        qp.req = &v[k];
        qp.tree.arena = arena;
        qp.tree.root.type = Q_MAP;
        rc = parse_one(&qp, ext[i].start, ext[i].end);
        if (rc == TENET_OK && v[k].operation) {
            if (!(v[k].name = request_name(&v[k], arena)))
                rc = TENET_ENOMEM;
            k++;
        } else if (rc == TENET_OK) {
            memset(&v[k], 0, sizeof v[k]); /* no Action: not a request */
        }
    }
    if (rc != TENET_OK)
        return rc;
    *reqs = v;
    *n = k;
    return TENET_OK;
}

static int query_run(tn_run *run) {
    tn_textpos tp;
    tn_request *reqs = NULL;
    size_t n = 0;
    int rc = tn_textpos_init(&tp, run->text, run->len, run->arena);
    if (rc == TENET_OK)
        rc = tn_query_parse(run->text, run->len, &tp, run->arena, &reqs, &n);
    for (size_t i = 0; i < n && rc == TENET_OK; i++) {
        tn_request *r = &reqs[i];
        if (!tn_request_find_op(run->rs, r->operation, strlen(r->operation), r->service,
                                &r->target))
            continue; /* an operation the rules do not cover */
        if (!r->region)
            r->region_reason = "the request has no regional endpoint (pass --region)";
        rc = tn_request_emit_notes(run, r);
        if (rc == TENET_OK)
            rc = tn_request_check_names(run, r, TENET_SEVERITY_WARNING);
        if (rc == TENET_OK)
            rc = tn_request_judge(run, r);
    }
    return rc;
}
