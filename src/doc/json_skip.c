/* Skipping what a pruner drops. Most of a large plan is never read, so a
 * dropped value is not built: it is read with the lexical functions
 * building uses, so it is checked as building checks it (the grammar, the
 * scalar limit and the nesting limit as they come, duplicate keys as each
 * object ends, from the decoded keys of the open objects kept here). The
 * value is built after all, read again from its start, when it must stay:
 * it holds a duplicate key (its note stays), or the pruner's keep() wants
 * it, asked with the value's first level. Otherwise it becomes the
 * pruner's null, at the cost of the key stack alone. */
#include "doc/json_load.h"

#include "util/error.h"

#include <string.h>

typedef tn_json_parser jparser;

/* The keys of one skipped object, for tn_doc_key_repeats. */
typedef struct skip_keys {
    const jparser *p;
    const tn_json_skip_key *keys;
} skip_keys;

static const char *key_text(void *ctx, size_t i, size_t *len) {
    const skip_keys *sk = ctx;
    *len = sk->keys[i].len;
    return sk->p->skip.bytes.v + sk->keys[i].off;
}

static int stop_at_repeat(void *ctx, size_t i, size_t first) {
    (void)ctx;
    (void)i;
    (void)first;
    return 1;
}

/* The skipped value, while it is read. */
typedef struct skip_run {
    tn_span start;    /* where it starts (the input is under 4 GiB: off is its offset) */
    tn_node *dropped; /* the null that stands for it, once dropped */
    bool over;        /* it has ended, or is to be built after all */
} skip_run;

/* Back to the start of the skipped value, to build it. */
static int build_after_all(jparser *p, skip_run *r) {
    r->over = true;
    p->prune.keep = true;
    p->pos = r->start.off;
    p->line = r->start.line;
    p->col = r->start.col;
    p->skip.frames.n = 0;
    return TENET_OK;
}

/* The first level of the skipped value for keep(): an object's keys, with
 * the null `hole` for every value and for every item of an array. NULL
 * when out of memory. */
static tn_node *shallow(jparser *p, const tn_json_skip_frame *f, const tn_span *sp) {
    tn_arena *a = &p->doc->arena;
    tn_node *v = tn_arena_calloc(a, 1, sizeof *v);
    if (!v)
        return NULL;
    v->type = f->map ? TN_NODE_MAP : TN_NODE_SEQ;
    v->span = *sp;
    v->n = (uint32_t)f->n;
    if (!f->map) {
        if (f->n && !(v->ch.items = tn_arena_alloc(a, f->n * sizeof *v->ch.items)))
            return NULL;
        for (size_t i = 0; i < f->n; i++)
            v->ch.items[i] = &p->hole;
        return v;
    }
    if (f->n && !(v->ch.pairs = tn_arena_alloc(a, f->n * sizeof *v->ch.pairs)))
        return NULL;
    for (size_t i = 0; i < f->n; i++) {
        const tn_json_skip_key *k = &p->skip.keys.v[f->first + i];
        tn_node *key = tn_arena_calloc(a, 1, sizeof *key);
        if (!key || !(key->str = tn_arena_strndup(a, p->skip.bytes.v + k->off, k->len)))
            return NULL;
        key->type = TN_NODE_STRING;
        key->quoted = true;
        key->span = k->span;
        key->len = (uint32_t)k->len;
        v->ch.pairs[i].key = key;
        v->ch.pairs[i].value = &p->hole;
    }
    return v;
}

/* The skipped value `f` has ended: it becomes the pruner's null, unless
 * keep() wants it after all. */
static int finish(jparser *p, const tn_json_skip_frame *f, skip_run *r) {
    const tn_doc_pruner *pr = p->prune.pruner;
    r->over = true;
    if (pr->keep) {
        tn_span sp = r->start;
        tn_json_mark_end(p, &sp);
        tn_node *v = shallow(p, f, &sp);
        if (!v)
            return tn_json_nomem(p);
        bool keep = pr->keep(pr->ctx, v);
        tn_arena_rollback(&p->doc->arena, &p->prune.mark); /* built for keep() only */
        if (keep)
            return build_after_all(p, r);
    }
    r->dropped = tn_doc_prune_drop(&p->prune, p->doc);
    return r->dropped ? TENET_OK : tn_json_nomem(p);
}

/* A completed item counts in an array (an object counts its keys). */
static void item_done(jparser *p) {
    tn_json_skip_frame *top = &p->skip.frames.v[p->skip.frames.n - 1];
    if (!top->map)
        top->n++;
}

/* A member key, kept decoded, and its colon; leaves p at the value. */
static int skip_key(jparser *p) {
    if (p->pos >= p->len || p->s[p->pos] != '"')
        return tn_json_unexpected(p, "a string key");
    tn_json_skip_key k;
    tn_json_str s;
    tn_json_mark_start(p, &k.span);
    int rc = tn_json_string(p, &s);
    if (rc != TENET_OK)
        return rc;
    tn_json_mark_end(p, &k.span);
    k.off = p->skip.bytes.n;
    k.len = s.len;
    size_t need = k.off + s.len;
    if (need > p->skip.bytes.cap &&
        tn_vec_grow_((void **)&p->skip.bytes.v, &p->skip.bytes.cap, need, 1) != 0)
        return tn_json_nomem(p);
    tn_json_decode(&s, p->skip.bytes.v + k.off);
    p->skip.bytes.n = need;
    if (TN_VEC_PUSH(p->skip.keys, k) != 0)
        return tn_json_nomem(p);
    p->skip.frames.v[p->skip.frames.n - 1].n++;
    return tn_json_key_colon(p);
}

/* The innermost skipped collection ends at its closing bracket: checked
 * for duplicate keys; the skipped value is over when it was the value. */
static int end_frame(jparser *p, skip_run *r) {
    tn_json_skip_frame f = p->skip.frames.v[--p->skip.frames.n];
    p->pos++;
    p->col++;
    if (f.map && f.n >= 2) {
        skip_keys sk = {p, p->skip.keys.v + f.first};
        int dup = tn_doc_key_repeats(f.n, key_text, stop_at_repeat, &sk);
        if (dup != 0) /* the note must stay */
            return dup < 0 ? tn_json_nomem(p) : build_after_all(p, r);
    }
    if (p->skip.frames.n == 0)
        return finish(p, &f, r);
    if (f.map && f.n) {
        p->skip.bytes.n = p->skip.keys.v[f.first].off;
        p->skip.keys.n = f.first;
    }
    item_done(p);
    return TENET_OK;
}

/* The object or array at p->pos, up to its first key or item; *empty when
 * it closes at once (and has ended). */
static int open_frame(jparser *p, skip_run *r, bool *empty) {
    unsigned char c = p->s[p->pos];
    *empty = false;
    if (p->frames.n + p->skip.frames.n >= p->lim.max_depth)
        return tn_error_set(p->err, TENET_ELIMIT, p->doc->name, p->line, p->col,
                            "nesting too deep (limit %zu)", p->lim.max_depth);
    tn_json_skip_frame f = {p->skip.keys.n, 0, c == '{'};
    if (TN_VEC_PUSH(p->skip.frames, f) != 0)
        return tn_json_nomem(p);
    p->pos++;
    p->col++;
    tn_json_skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == (c == '{' ? '}' : ']')) {
        *empty = true;
        return end_frame(p, r);
    }
    return c == '{' ? skip_key(p) : TENET_OK;
}

/* A string, number or literal at p->pos. */
static int skip_scalar(jparser *p) {
    unsigned char c = p->s[p->pos];
    int rc;
    if (c == '"') {
        tn_json_str s;
        rc = tn_json_string(p, &s);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        size_t len;
        bool integral;
        if ((rc = tn_json_number(p, &len, &integral)) == TENET_OK)
            tn_json_advance(p, len);
    } else {
        int k;
        if ((rc = tn_json_literal(p, &k)) == TENET_OK)
            tn_json_advance(p, strlen(tn_json_literals[k]));
    }
    if (rc == TENET_OK)
        item_done(p);
    return rc;
}

int tn_json_skip(jparser *p, tn_node **dropped) {
    skip_run r;
    memset(&r, 0, sizeof r);
    tn_json_mark_start(p, &r.start);
    *dropped = NULL;
    p->skip.frames.n = p->skip.keys.n = p->skip.bytes.n = 0;
    /* Some room, so that even an empty key's bytes are somewhere. */
    if (tn_vec_grow_((void **)&p->skip.bytes.v, &p->skip.bytes.cap, 64, 1) != 0)
        return tn_json_nomem(p);
    bool want_value = true;
    for (;;) {
        int rc;
        if (want_value) {
            if (p->pos >= p->len)
                return tn_json_unexpected(p, "a JSON value");
            unsigned char c = p->s[p->pos];
            if (c == '{' || c == '[') {
                bool empty;
                rc = open_frame(p, &r, &empty);
                want_value = !empty;
            } else {
                rc = skip_scalar(p);
                want_value = false;
            }
        } else {
            /* After a value: a separator or the end of a collection. */
            tn_json_skip_ws(p);
            bool is_map = p->skip.frames.v[p->skip.frames.n - 1].map;
            char close = is_map ? '}' : ']';
            if (p->pos < p->len && p->s[p->pos] == close) {
                rc = end_frame(p, &r);
            } else if (p->pos < p->len && p->s[p->pos] == ',') {
                if ((rc = tn_json_comma(p, close)) != TENET_OK)
                    return rc;
                rc = is_map ? skip_key(p) : TENET_OK;
                want_value = true;
            } else {
                return tn_json_unexpected(p, is_map ? "',' or '}'" : "',' or ']'");
            }
        }
        if (rc != TENET_OK || r.over) {
            *dropped = r.dropped;
            return rc;
        }
    }
}
