/* Skipping what a pruner drops. Most of a large document is never read, so
 * a dropped value is not built: its events go to a log, checked as building
 * checks them (limits and aliases as they come, in yaml.c; duplicate keys
 * as each mapping ends, here). The log is built after all when the value
 * must stay: it holds an anchor (an alias may point into it), a duplicate
 * key (its note stays), or the pruner's keep() wants it, asked with the
 * value's first level. Otherwise the value becomes the pruner's null, at
 * the cost of the log alone. */
#include "doc/yaml_load.h"

#include <string.h>

int tn_yaml_skip_begin(tn_yaml_builder *b, const tn_yaml_rec *r) {
    b->skip.on = true;
    b->skip.cur = b->cur;
    b->skip.log.n = b->skip.bytes.n = b->skip.frames.n = b->skip.keys.n = 0;
    /* Some room, so that even an empty scalar's bytes are somewhere. */
    if (tn_vec_grow_((void **)&b->skip.bytes.v, &b->skip.bytes.cap, 64, 1) != 0)
        return tn_yaml_nomem(b);
    return tn_yaml_skip_event(b, r);
}

int tn_yaml_materialize(tn_yaml_builder *b) {
    b->skip.on = false;
    b->skip.frames.n = 0;
    b->cur = b->skip.cur;
    for (size_t i = 0; i < b->skip.log.n; i++) {
        tn_yaml_rec r = b->skip.log.v[i];
        if (r.kind == TN_YAML_SCALAR)
            r.u.value = b->skip.bytes.v + r.u.off;
        int rc = tn_yaml_build_event(b, &r, NULL);
        if (rc != TENET_OK)
            return rc;
    }
    return TENET_OK;
}

/* Where the logged node of record `i` ends, as building it would say: a
 * block collection ends with its last child. */
static tn_span extent_of(tn_yaml_builder *b, size_t i) {
    const tn_yaml_rec *r = &b->skip.log.v[i];
    while (r->kind == TN_YAML_END && r->block && r->u.last != TN_YAML_NO_REC)
        r = &b->skip.log.v[r->u.last];
    return tn_yaml_span(b, r);
}

/* The keys of a logged mapping, for tn_doc_key_repeats. */
typedef struct skip_keys {
    const tn_yaml_builder *b;
    const size_t *keys; /* their records */
} skip_keys;

/* The text of key `i`, or NULL when it is no scalar. */
static const char *skip_key(void *ctx, size_t i, size_t *len) {
    const skip_keys *sk = ctx;
    const tn_yaml_rec *r = &sk->b->skip.log.v[sk->keys[i]];
    if (r->kind == TN_YAML_SCALAR) {
        *len = r->len;
        return sk->b->skip.bytes.v + r->u.off;
    }
    if (r->kind == TN_YAML_ALIAS && tn_node_is_scalar(r->u.alias->node)) {
        *len = r->u.alias->node->len;
        return r->u.alias->node->str;
    }
    return NULL;
}

static int stop_at_repeat(void *ctx, size_t i, size_t first) { return 1; }

/* The first level of the skipped value `f` (end record `end`) for keep(): a
 * mapping's keys, with the null `hole` for every value and for every item
 * of a sequence. NULL when out of memory. */
static tn_node *shallow(tn_yaml_builder *b, const tn_yaml_skip_frame *f, size_t end) {
    const tn_yaml_rec *r = &b->skip.log.v[f->start];
    tn_span sp = tn_yaml_span(b, r);
    tn_node *v = tn_yaml_node_new(b, r->kind == TN_YAML_MAP ? TN_NODE_MAP : TN_NODE_SEQ, &sp, 0);
    if (!v)
        return NULL;
    v->tag = r->tag;
    if (v->type == TN_NODE_SEQ) {
        if (f->n && !(v->ch.items = tn_arena_alloc(&b->doc->arena, f->n * sizeof *v->ch.items)))
            return NULL;
        for (size_t i = 0; i < f->n; i++)
            v->ch.items[i] = &b->hole;
        v->n = (uint32_t)f->n;
    } else {
        v->n = (uint32_t)(f->n / 2);
        if (v->n && !(v->ch.pairs = tn_arena_alloc(&b->doc->arena, v->n * sizeof *v->ch.pairs)))
            return NULL;
        for (size_t i = 0; i < v->n; i++) {
            tn_yaml_rec key = b->skip.log.v[b->skip.keys.v[f->first + i]];
            tn_span ext;
            v->ch.pairs[i].value = &b->hole;
            if (key.kind == TN_YAML_SCALAR) {
                key.u.value = b->skip.bytes.v + key.u.off;
                if (!(v->ch.pairs[i].key = tn_yaml_make_scalar(b, &key, &ext)))
                    return NULL;
            } else {
                v->ch.pairs[i].key = key.kind == TN_YAML_ALIAS ? key.u.alias->node : &b->hole;
            }
        }
    }
    tn_span e = extent_of(b, end);
    v->span.end_line = e.end_line;
    v->span.end_col = e.end_col;
    v->span.end_off = e.end_off;
    return v;
}

/* The skipped value `f` has ended with record `end`: it becomes the
 * pruner's null, unless its keep() wants it after all. */
static int skip_finish(tn_yaml_builder *b, const tn_yaml_skip_frame *f, size_t end,
                       size_t count) {
    const tn_doc_pruner *pr = b->prune.pruner;
    if (pr->keep) {
        b->cur = b->skip.cur;
        tn_node *v = shallow(b, f, end);
        if (!v)
            return tn_yaml_nomem(b);
        bool keep = pr->keep(pr->ctx, v);
        tn_arena_rollback(&b->doc->arena, &b->prune.mark); /* built for keep() only */
        if (keep) {
            b->prune.keep = true;
            return tn_yaml_materialize(b);
        }
    }
    tn_span ext = extent_of(b, end);
    b->skip.on = false;
    tn_node *n = tn_doc_prune_drop(&b->prune, b->doc);
    return n ? tn_yaml_push_child(b, n, count, &ext) : tn_yaml_nomem(b);
}

static int skip_child(tn_yaml_builder *b, size_t i, size_t count) {
    tn_yaml_skip_frame *f = &b->skip.frames.v[b->skip.frames.n - 1];
    f->count = tn_yaml_sat_add(f->count, count);
    f->last = i;
    if (!f->map || f->n++ % 2 != 0)
        return TENET_OK;
    return TN_VEC_PUSH(b->skip.keys, i) == 0 ? TENET_OK : tn_yaml_nomem(b);
}

static int skip_end(tn_yaml_builder *b, size_t i) {
    tn_yaml_skip_frame f = b->skip.frames.v[--b->skip.frames.n];
    tn_yaml_rec *r = &b->skip.log.v[i];
    r->block = b->skip.log.v[f.start].block;
    r->u.last = f.last;
    if (f.map && f.n >= 2) { /* (an empty mapping has no keys, and maybe no key vector) */
        skip_keys sk = {b, b->skip.keys.v + f.first};
        int dup = tn_doc_key_repeats(f.n / 2, skip_key, stop_at_repeat, &sk);
        if (dup != 0) /* the note must stay */
            return dup < 0 ? tn_yaml_nomem(b) : tn_yaml_materialize(b);
    }
    size_t count = tn_yaml_sat_add(f.count, 1);
    if (b->skip.frames.n == 0)
        return skip_finish(b, &f, i, count);
    b->skip.keys.n = f.first;
    return skip_child(b, i, count);
}

int tn_yaml_skip_event(tn_yaml_builder *b, const tn_yaml_rec *r) {
    size_t i = b->skip.log.n;
    if (TN_VEC_PUSH(b->skip.log, *r) != 0)
        return tn_yaml_nomem(b);
    switch (r->kind) {
    case TN_YAML_SCALAR: {
        /* libyaml frees the bytes: keep a copy */
        size_t need = b->skip.bytes.n + r->len;
        if (need > b->skip.bytes.cap &&
            tn_vec_grow_((void **)&b->skip.bytes.v, &b->skip.bytes.cap, need, 1) != 0)
            return tn_yaml_nomem(b);
        memcpy(b->skip.bytes.v + b->skip.bytes.n, r->u.value, r->len);
        b->skip.log.v[i].u.off = b->skip.bytes.n;
        b->skip.bytes.n = need;
        return skip_child(b, i, 1);
    }
    case TN_YAML_ALIAS: return skip_child(b, i, r->u.alias->count);
    case TN_YAML_SEQ:
    case TN_YAML_MAP: {
        tn_yaml_skip_frame f = {i, b->skip.keys.n, 0, 0, TN_YAML_NO_REC, r->kind == TN_YAML_MAP};
        return TN_VEC_PUSH(b->skip.frames, f) == 0 ? TENET_OK : tn_yaml_nomem(b);
    }
    case TN_YAML_END: return skip_end(b, i);
    }
    return TENET_OK;
}
