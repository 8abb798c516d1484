/* YAML via libyaml's event API into the node tree. Iterative: nesting lives
 * in an explicit frame stack bounded by max_depth, so deep input cannot
 * overflow the C stack. Aliases share the anchored node; the nodes an alias
 * stands for are counted against max_alias_nodes, so exponential "billion
 * laughs" documents stop early. Spans are computed from libyaml's marks with
 * a cursor over the text, so lines break at LF only, exactly as in the JSON
 * loader. Values a pruner drops are skipped (yaml_skip.c). */
#include "doc/yaml_load.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/utf8.h"

#include <string.h>

#define ASCII_HIGH_BITS UINT64_C(0x8080808080808080)

/* ---- positions ---- */

static void cur_fwd(tn_yaml_cursor *c) {
    size_t n = c->s[c->byte] < 0x80 ? 1 : tn_utf8_seq_len(c->s + c->byte, c->len - c->byte);
    if (c->s[c->byte] == '\n') {
        c->line++;
        c->col = 1;
    } else {
        c->col++;
    }
    c->byte += n ? n : 1;
    c->chr++;
}

static void cur_back(tn_yaml_cursor *c) {
    size_t b = c->byte - 1;
    while (b > 0 && c->byte - b < 4 && (c->s[b] & 0xC0) == 0x80)
        b--;
    c->byte = b;
    c->chr--;
    if (c->s[b] != '\n') {
        c->col--;
        return;
    }
    c->line--;
    size_t start = b;
    while (start > 0 && c->s[start - 1] != '\n')
        start--;
    c->col = 1 + (uint32_t)tn_utf8_count((const char *)c->s + start, b - start);
}

static void cur_seek_chr(tn_yaml_cursor *c, size_t chr) {
    while (c->chr < chr && c->byte < c->len)
        cur_fwd(c);
    while (c->chr > chr && c->byte > 0)
        cur_back(c);
}

static void cur_seek_byte(tn_yaml_cursor *c, size_t byte) {
    while (c->byte < byte && c->byte < c->len)
        cur_fwd(c);
    while (c->byte > byte)
        cur_back(c);
}

static uint32_t u32(size_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

/* Moves `n` characters forward where libyaml's lines and columns hold
 * (c->lines): only the byte offset is counted, eight ASCII bytes at a time. */
static void cur_skip(tn_yaml_cursor *c, size_t n) {
    size_t b = c->byte, left = n;
    while (left > 0 && b < c->len) {
        uint64_t w;
        if (left >= 8 && c->len - b >= 8) {
            memcpy(&w, c->s + b, sizeof w);
            if ((w & ASCII_HIGH_BITS) == 0) {
                b += 8;
                left -= 8;
                continue;
            }
        }
        size_t k = c->s[b] < 0x80 ? 1 : tn_utf8_seq_len(c->s + b, c->len - b);
        b += k ? k : 1;
        left--;
    }
    c->byte = b;
    c->chr += n - left;
}

static void cur_seek_mark(tn_yaml_cursor *c, const yaml_mark_t *m) {
    if (!c->lines || m->index < c->chr) {
        cur_seek_chr(c, m->index);
        return;
    }
    cur_skip(c, m->index - c->chr);
    c->line = u32(m->line + 1);
    c->col = u32(m->column + 1);
    if (c->byte == c->len && m->column == 0 && c->len > 0 && c->s[c->len - 1] != '\n') {
        /* libyaml ends the text with a line break that is not there. */
        size_t start = c->len;
        while (start > 0 && c->s[start - 1] != '\n')
            start--;
        c->line = u32(m->line);
        c->col = u32(1 + tn_utf8_count((const char *)c->s + start, c->len - start));
    }
}

/* libyaml counts characters, and breaks lines at CR, NEL (U+0085), LS
 * (U+2028) and PS (U+2029) too: in ASCII text without CR its marks are
 * ours; without those breaks its lines and columns are. */
static void cur_init(tn_yaml_cursor *c, const char *text, size_t len) {
    const unsigned char *s = (const unsigned char *)text, *end = s + len, *p;
    c->s = s;
    c->len = len;
    c->line = c->col = 1;
    uint64_t any = 0; /* the high bits of every byte */
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        uint64_t w[4];
        memcpy(w, s + i, sizeof w);
        any |= w[0] | w[1] | w[2] | w[3];
    }
    for (; i < len; i++)
        any |= s[i];
    c->lines = !memchr(s, '\r', len);
    c->exact = c->lines && (any & ASCII_HIGH_BITS) == 0;
    for (p = s; c->lines && !c->exact && (p = memchr(p, 0xC2, (size_t)(end - p))); p++)
        c->lines = !(end - p >= 2 && p[1] == 0x85);
    for (p = s; c->lines && !c->exact && (p = memchr(p, 0xE2, (size_t)(end - p))); p++)
        c->lines = !(end - p >= 3 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9));
}

static tn_span span_marks(tn_yaml_cursor *c, const yaml_mark_t *start, const yaml_mark_t *end) {
    tn_span sp;
    if (c->exact) {
        sp.line = u32(start->line + 1);
        sp.col = u32(start->column + 1);
        sp.off = u32(start->index);
        sp.end_line = u32(end->line + 1);
        sp.end_col = u32(end->column + 1);
        sp.end_off = u32(end->index);
        return sp;
    }
    cur_seek_mark(c, start);
    sp.line = c->line;
    sp.col = c->col;
    sp.off = u32(c->byte);
    cur_seek_mark(c, end);
    sp.end_line = c->line;
    sp.end_col = c->col;
    sp.end_off = u32(c->byte);
    return sp;
}

tn_span tn_yaml_span(tn_yaml_builder *b, const tn_yaml_rec *r) {
    return span_marks(&b->cur, &r->start, &r->end);
}

/* A block scalar's end mark is the start of the next token, past its
 * trailing blank lines; end the span at its last character instead. */
static void trim_block_end(tn_yaml_cursor *c, tn_span *sp) {
    cur_seek_byte(c, sp->end_off);
    while (c->byte > sp->off) {
        unsigned char prev = c->s[c->byte - 1];
        if (prev != '\n' && prev != '\r' && prev != ' ' && prev != '\t')
            break;
        cur_back(c);
    }
    sp->end_line = c->line;
    sp->end_col = c->col;
    sp->end_off = u32(c->byte);
}

/* ---- building ---- */

int tn_yaml_nomem(tn_yaml_builder *b) {
    return tn_error_set(b->err, TENET_ENOMEM, b->doc->name, 0, 0, "out of memory");
}

/* A node with every field set (cheaper than zeroing it first), followed by
 * `extra` bytes for the caller. */
tn_node *tn_yaml_node_new(tn_yaml_builder *b, tn_node_type type, const tn_span *sp, size_t extra) {
    tn_node *n = tn_arena_alloc(&b->doc->arena, sizeof *n + extra);
    if (!n)
        return NULL;
    n->type = type;
    n->quoted = false;
    n->tag = NULL;
    n->span = *sp;
    n->str = NULL;
    n->len = 0;
    n->n = 0;
    n->as.i = 0;
    return n;
}

/* Adds a completed node to the open collection, or makes it the root;
 * `extent` is its source extent. */
int tn_yaml_push_child(tn_yaml_builder *b, tn_node *node, size_t count, const tn_span *extent) {
    if (b->frames.n == 0) {
        b->doc->root = node;
        return TENET_OK;
    }
    tn_yaml_frame *f = &b->frames.v[b->frames.n - 1];
    f->count = tn_yaml_sat_add(f->count, count);
    f->last = *extent;
    f->has_last = true;
    return TN_VEC_PUSH(b->kids, node) == 0 ? TENET_OK : tn_yaml_nomem(b);
}

static int add_child(tn_yaml_builder *b, tn_node *node, size_t count, const tn_span *extent) {
    tn_span ext = *extent; /* `extent` may lie in a node that pruning drops */
    if (!(node = tn_doc_prune_done(&b->prune, b->doc, node, b->frames.n)))
        return tn_yaml_nomem(b);
    return tn_yaml_push_child(b, node, count, &ext);
}

static const char *intern_tag(tn_yaml_builder *b, const yaml_char_t *tag) {
    size_t len = strlen((const char *)tag);
    const char *t = tn_strmap_get(&b->tags, (const char *)tag, len);
    if (t)
        return t;
    char *copy = tn_arena_strndup(&b->tag_arena, (const char *)tag, len);
    if (!copy || tn_strmap_put(&b->tags, copy, len, copy) != 0)
        return NULL;
    return copy;
}

static int set_anchor(tn_yaml_builder *b, const char *name, tn_node *node, size_t count) {
    if (b->prune.active)
        b->prune.keep = true; /* an alias may point into the value */
    tn_yaml_anchor *e = tn_arena_alloc(&b->doc->arena, sizeof *e);
    if (!e)
        return tn_yaml_nomem(b);
    e->node = node;
    e->count = count;
    /* A redefined anchor replaces the old one for later aliases. */
    if (tn_strmap_put(&b->anchors, name, strlen(name), e) != 0)
        return tn_yaml_nomem(b);
    return TENET_OK;
}

static const char *copy_anchor(tn_yaml_builder *b, const yaml_char_t *anchor) {
    return tn_arena_strdup(&b->doc->arena, (const char *)anchor);
}

static int limit_error(tn_yaml_builder *b, const tn_yaml_rec *r, const char *what, size_t limit) {
    tn_span sp = tn_yaml_span(b, r);
    return tn_error_set(b->err, TENET_ELIMIT, b->doc->name, sp.line, sp.col, "%s (limit %zu)",
                        what, limit);
}

/* Typing of a tagged scalar: the core tags keep their meaning when the text
 * fits; any other tag (e.g. "!Ref") leaves a string. */
static int type_tagged(tn_node *n, const char *tag) {
    static const char *const core[] = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
                                       "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"};
    static const tn_node_type types[] = {TN_NODE_NULL, TN_NODE_BOOL, TN_NODE_INT, TN_NODE_FLOAT};
    n->type = TN_NODE_STRING;
    if (tag[0] != 't') /* most tags are local ("!Ref") */
        return 0;
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(tag, core[i]) != 0)
            continue;
        tn_node probe = *n;
        if (tn_doc_type_plain(&probe) != 0)
            return -1;
        if (probe.type == types[i] || (types[i] == TN_NODE_FLOAT && probe.type == TN_NODE_INT)) {
            n->type = types[i];
            n->as = probe.as;
            if (probe.type == TN_NODE_INT && types[i] == TN_NODE_FLOAT)
                n->as.f = (double)probe.as.i;
        }
    }
    return 0;
}

/* A scalar's node; *extent is its source extent (for a block scalar, up to
 * the next token). NULL when out of memory. */
tn_node *tn_yaml_make_scalar(tn_yaml_builder *b, const tn_yaml_rec *r, tn_span *extent) {
    *extent = tn_yaml_span(b, r);
    /* The node and its text in one allocation. */
    tn_node *n = tn_yaml_node_new(b, TN_NODE_STRING, extent, (size_t)r->len + 1);
    if (!n)
        return NULL;
    char *text = (char *)(n + 1);
    memcpy(text, r->u.value, r->len);
    text[r->len] = '\0';
    n->str = text;
    n->len = r->len;
    if (r->style == YAML_LITERAL_SCALAR_STYLE || r->style == YAML_FOLDED_SCALAR_STYLE)
        trim_block_end(&b->cur, &n->span);
    n->quoted = r->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                r->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    n->tag = r->tag;
    int rc = 0;
    if (r->tag)
        rc = type_tagged(n, r->tag);
    else if (r->style == YAML_PLAIN_SCALAR_STYLE)
        rc = tn_doc_type_plain(n);
    return rc == 0 ? n : NULL;
}

static int build_scalar(tn_yaml_builder *b, const tn_yaml_rec *r, const yaml_char_t *anchor) {
    tn_span ext;
    tn_node *n = tn_yaml_make_scalar(b, r, &ext);
    if (!n)
        return tn_yaml_nomem(b);
    if (anchor) {
        const char *a = copy_anchor(b, anchor);
        if (!a || set_anchor(b, a, n, 1) != TENET_OK)
            return tn_yaml_nomem(b);
    }
    return add_child(b, n, 1, &ext);
}

static int build_alias(tn_yaml_builder *b, const tn_yaml_rec *r) {
    tn_span sp = tn_yaml_span(b, r);
    return add_child(b, r->u.alias->node, r->u.alias->count, &sp);
}

/* Asks the pruner about the collection about to start, when it is the value
 * of a mapping key: true when it is to be dropped. */
static bool prune_ask(tn_yaml_builder *b) {
    size_t depth = b->frames.n;
    if (!tn_doc_prune_wanted(&b->prune, depth))
        return false;
    const tn_yaml_frame *top = &b->frames.v[depth - 1];
    if (top->node->type != TN_NODE_MAP || (b->kids.n - top->first) % 2 == 0)
        return false;
    tn_doc_level lv[TN_DOC_PRUNE_MAX_DEPTH];
    for (size_t i = 0; i < depth; i++) {
        size_t end = i + 1 < depth ? b->frames.v[i + 1].first : b->kids.n;
        lv[i].node = b->frames.v[i].node;
        lv[i].kids = (const tn_node *const *)(b->kids.v + b->frames.v[i].first);
        lv[i].n = end - b->frames.v[i].first;
    }
    tn_doc_prune_ask(&b->prune, b->doc, lv, depth);
    return b->prune.active;
}

static int build_start(tn_yaml_builder *b, const tn_yaml_rec *r, const yaml_char_t *anchor) {
    /* A value with an anchor is built even when dropped: it stays. */
    if (prune_ask(b) && !anchor)
        return tn_yaml_skip_begin(b, r);
    tn_span sp = tn_yaml_span(b, r);
    tn_node *n = tn_yaml_node_new(b, r->kind == TN_YAML_MAP ? TN_NODE_MAP : TN_NODE_SEQ, &sp, 0);
    if (!n)
        return tn_yaml_nomem(b);
    n->tag = r->tag;
    tn_yaml_frame f = {0};
    f.node = n;
    f.first = b->kids.n;
    f.block = r->block;
    if (anchor && !(f.anchor = copy_anchor(b, anchor)))
        return tn_yaml_nomem(b);
    return TN_VEC_PUSH(b->frames, f) == 0 ? TENET_OK : tn_yaml_nomem(b);
}

static int build_end(tn_yaml_builder *b, const tn_yaml_rec *r) {
    tn_yaml_frame f = b->frames.v[--b->frames.n];
    tn_node *n = f.node;
    size_t k = b->kids.n - f.first;
    tn_node **kids = k ? b->kids.v + f.first : NULL;
    if (n->type == TN_NODE_SEQ) {
        if (k && !(n->ch.items = tn_arena_alloc(&b->doc->arena, k * sizeof *n->ch.items)))
            return tn_yaml_nomem(b);
        if (k)
            memcpy(n->ch.items, kids, k * sizeof *kids);
        n->n = (uint32_t)k;
    } else {
        n->n = (uint32_t)(k / 2);
        if (n->n && !(n->ch.pairs = tn_arena_alloc(&b->doc->arena, n->n * sizeof *n->ch.pairs)))
            return tn_yaml_nomem(b);
        for (size_t i = 0; i < n->n; i++) {
            n->ch.pairs[i].key = kids[2 * i];
            n->ch.pairs[i].value = kids[2 * i + 1];
        }
        if (tn_doc_check_duplicate_keys(b->doc, n) != 0)
            return tn_yaml_nomem(b);
    }
    b->kids.n = f.first;
    /* A block collection's end event sits at the next token, possibly lines
     * later; its last child's end is where the collection really ends. */
    tn_span end = f.block && f.has_last ? f.last : tn_yaml_span(b, r);
    n->span.end_line = end.end_line;
    n->span.end_col = end.end_col;
    n->span.end_off = end.end_off;
    size_t count = tn_yaml_sat_add(f.count, 1);
    if (f.anchor) {
        int rc = set_anchor(b, f.anchor, n, count);
        if (rc != TENET_OK)
            return rc;
    }
    return add_child(b, n, count, &n->span);
}

int tn_yaml_build_event(tn_yaml_builder *b, const tn_yaml_rec *r, const yaml_char_t *anchor) {
    switch (r->kind) {
    case TN_YAML_SCALAR: return build_scalar(b, r, anchor);
    case TN_YAML_ALIAS: return build_alias(b, r);
    case TN_YAML_SEQ:
    case TN_YAML_MAP: return build_start(b, r, anchor);
    case TN_YAML_END: return build_end(b, r);
    }
    return TENET_OK;
}

/* Checks an event as loading requires, then builds or logs it. */
static int on_event(tn_yaml_builder *b, const yaml_event_t *ev) {
    tn_yaml_rec r;
    r.kind = TN_YAML_END;
    r.style = 0;
    r.block = false;
    r.len = 0;
    r.tag = NULL;
    r.u.last = TN_YAML_NO_REC;
    r.start = ev->start_mark;
    r.end = ev->end_mark;
    const yaml_char_t *tag = NULL, *anchor = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.length > b->lim.max_scalar_bytes)
            return limit_error(b, &r, "scalar too large", b->lim.max_scalar_bytes);
        r.kind = TN_YAML_SCALAR;
        r.style = (uint8_t)ev->data.scalar.style;
        r.u.value = (const char *)ev->data.scalar.value;
        r.len = (uint32_t)ev->data.scalar.length;
        tag = ev->data.scalar.tag;
        anchor = ev->data.scalar.anchor;
        break;
    case YAML_ALIAS_EVENT: {
        r.kind = TN_YAML_ALIAS;
        const char *name = (const char *)ev->data.alias.anchor;
        /* Anchors are registered only once complete, so an alias inside its
         * own anchor is undefined here and the tree can never contain a cycle. */
        if (!(r.u.alias = tn_strmap_get(&b->anchors, name, strlen(name)))) {
            tn_span sp = tn_yaml_span(b, &r);
            return tn_error_set(b->err, TENET_EPARSE, b->doc->name, sp.line, sp.col,
                                "found undefined alias \"%.100s\"", name);
        }
        b->alias_nodes = tn_yaml_sat_add(b->alias_nodes, r.u.alias->count);
        if (b->alias_nodes > b->lim.max_alias_nodes)
            return limit_error(b, &r, "alias expansion produces too many nodes",
                               b->lim.max_alias_nodes);
        break;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (ev->type == YAML_MAPPING_START_EVENT) {
            r.kind = TN_YAML_MAP;
            r.block = ev->data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE;
            tag = ev->data.mapping_start.tag;
            anchor = ev->data.mapping_start.anchor;
        } else {
            r.kind = TN_YAML_SEQ;
            r.block = ev->data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE;
            tag = ev->data.sequence_start.tag;
            anchor = ev->data.sequence_start.anchor;
        }
        if (b->frames.n + b->skip.frames.n >= b->lim.max_depth)
            return limit_error(b, &r, "nesting too deep", b->lim.max_depth);
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: break;
    default: return TENET_OK;
    }
    if (tag && !(r.tag = intern_tag(b, tag)))
        return tn_yaml_nomem(b);
    if (!b->skip.on)
        return tn_yaml_build_event(b, &r, anchor);
    if (!anchor)
        return tn_yaml_skip_event(b, &r);
    int rc = tn_yaml_materialize(b); /* an alias may point into the value: it stays */
    return rc != TENET_OK ? rc : tn_yaml_build_event(b, &r, anchor);
}

static int parser_error(tn_yaml_builder *b, const yaml_parser_t *p) {
    if (p->error == YAML_MEMORY_ERROR)
        return tn_yaml_nomem(b);
    if (p->error == YAML_READER_ERROR) {
        cur_seek_byte(&b->cur, p->problem_offset);
        if (p->problem_value != -1)
            return tn_error_set(b->err, TENET_EPARSE, b->doc->name, b->cur.line, b->cur.col,
                                "%s #x%02X", p->problem ? p->problem : "invalid input",
                                (unsigned)p->problem_value & 0xFFu);
        return tn_error_set(b->err, TENET_EPARSE, b->doc->name, b->cur.line, b->cur.col, "%s",
                            p->problem ? p->problem : "invalid input");
    }
    const char *problem = p->problem ? p->problem : "syntax error";
    if (p->context) {
        /* The context mark is where the unfinished construct began (the
         * unclosed '[' or '{'), usually the place to fix: name it too. */
        cur_seek_mark(&b->cur, &p->context_mark);
        uint32_t cline = b->cur.line, ccol = b->cur.col;
        cur_seek_mark(&b->cur, &p->problem_mark);
        if (cline != b->cur.line || ccol != b->cur.col)
            return tn_error_set(b->err, TENET_EPARSE, b->doc->name, b->cur.line, b->cur.col,
                                "%s (%s that started at line %u, column %u)", problem,
                                p->context, (unsigned)cline, (unsigned)ccol);
        return tn_error_set(b->err, TENET_EPARSE, b->doc->name, b->cur.line, b->cur.col,
                            "%s (%s)", problem, p->context);
    }
    cur_seek_mark(&b->cur, &p->problem_mark);
    return tn_error_set(b->err, TENET_EPARSE, b->doc->name, b->cur.line, b->cur.col, "%s",
                        problem);
}

static int build(tn_yaml_builder *b, yaml_parser_t *p) {
    bool first_done = false;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev))
            return parser_error(b, p);
        int rc = TENET_OK;
        bool stop = false;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (first_done) { /* only the first document is read */
                tn_span sp = span_marks(&b->cur, &ev.start_mark, &ev.end_mark);
                if (tn_doc_add_note(b->doc, &sp, "multiple-documents",
                                    "the input holds several YAML documents; only the first is "
                                    "read") != 0)
                    rc = tn_yaml_nomem(b);
                stop = true;
            }
            break;
        case YAML_DOCUMENT_END_EVENT: first_done = true; break;
        case YAML_STREAM_END_EVENT:
        case YAML_NO_EVENT: stop = true; break;
        default: rc = on_event(b, &ev); break;
        }
        yaml_event_delete(&ev);
        if (rc != TENET_OK)
            return rc;
        if (stop)
            return TENET_OK;
    }
}

int tn_doc_load_yaml(tn_doc **out, const char *text, size_t len, const char *name,
                     const tn_doc_limits *limits, const tn_doc_load *how, tenet_error *err) {
    *out = NULL;
    tn_yaml_builder b;
    memset(&b, 0, sizeof b);
    b.prune.pruner = how ? how->pruner : NULL;
    b.hole.type = TN_NODE_NULL;
    b.hole.str = "";
    b.lim = tn_doc_limits_resolve(limits);
    b.err = err;
    if (len > b.lim.max_input_bytes)
        return tn_error_set(err, TENET_ELIMIT, name ? name : "<input>", 0, 0,
                            "input is larger than the limit of %zu bytes", b.lim.max_input_bytes);
    int rc = tn_doc_create(&b.doc, text, len, name, how && how->borrow_text, err);
    if (rc != TENET_OK)
        return rc;
    cur_init(&b.cur, b.doc->text, b.doc->len);

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        tn_doc_free(b.doc);
        return tn_error_set(err, TENET_ENOMEM, name, 0, 0, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)b.doc->text, b.doc->len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    rc = build(&b, &parser);
    yaml_parser_delete(&parser);
    TN_VEC_FREE(b.frames);
    TN_VEC_FREE(b.kids);
    TN_VEC_FREE(b.skip.log);
    TN_VEC_FREE(b.skip.bytes);
    TN_VEC_FREE(b.skip.frames);
    TN_VEC_FREE(b.skip.keys);
    tn_strmap_free(&b.anchors);
    tn_strmap_free(&b.tags);
    tn_arena_adopt(&b.doc->arena, &b.tag_arena); /* the tags live as long as the document */
    if (rc != TENET_OK) {
        tn_doc_free(b.doc);
        return rc;
    }
    tn_doc_sort_notes(b.doc);
    *out = b.doc;
    return TENET_OK;
}
