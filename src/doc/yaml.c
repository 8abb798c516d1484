/* YAML via libyaml's event API into the node tree. Iterative: nesting lives
 * in an explicit frame stack bounded by max_depth, so deep input cannot
 * overflow the C stack. Aliases share the anchored node; the nodes an alias
 * stands for are counted against max_alias_nodes, so exponential "billion
 * laughs" documents stop early. Spans are computed from libyaml's character
 * index with a cursor over the text, so lines break at LF only, exactly as in
 * the JSON loader. */
#include "doc/load.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/utf8.h"
#include "util/vec.h"

#include <stdint.h>
#include <string.h>
#include <yaml.h>

/* Maps libyaml marks (character index) and byte offsets to spans. Moves
 * forward cheaply; the rare step back re-scans the current line. */
typedef struct cursor {
    const unsigned char *s;
    size_t len, byte, chr;
    uint32_t line, col;
    bool exact; /* libyaml's marks need no translation (marks_are_exact) */
} cursor;

static void cur_fwd(cursor *c) {
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

static void cur_back(cursor *c) {
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

static void cur_seek_chr(cursor *c, size_t chr) {
    while (c->chr < chr && c->byte < c->len)
        cur_fwd(c);
    while (c->chr > chr && c->byte > 0)
        cur_back(c);
}

static void cur_seek_byte(cursor *c, size_t byte) {
    while (c->byte < byte && c->byte < c->len)
        cur_fwd(c);
    while (c->byte > byte)
        cur_back(c);
}

static uint32_t u32(size_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

/* In ASCII text without CR, libyaml's marks are already ours: character
 * index = byte offset, and lines break at LF only. Elsewhere (NEL, LS, PS
 * and CR break lines for libyaml; multi-byte characters) the cursor counts. */
static bool marks_are_exact(const unsigned char *s, size_t len) {
    unsigned char any = 0;
    for (size_t i = 0; i < len; i++)
        any |= s[i];
    return any < 0x80 && !memchr(s, '\r', len);
}

static tn_span span_of(cursor *c, yaml_mark_t start, yaml_mark_t end) {
    tn_span sp;
    if (c->exact) {
        sp.line = u32(start.line + 1);
        sp.col = u32(start.column + 1);
        sp.off = u32(start.index);
        sp.end_line = u32(end.line + 1);
        sp.end_col = u32(end.column + 1);
        sp.end_off = u32(end.index);
        return sp;
    }
    cur_seek_chr(c, start.index);
    sp.line = c->line;
    sp.col = c->col;
    sp.off = u32(c->byte);
    cur_seek_chr(c, end.index);
    sp.end_line = c->line;
    sp.end_col = c->col;
    sp.end_off = u32(c->byte);
    return sp;
}

/* A block scalar's end mark is the start of the next token, past its
 * trailing blank lines; end the span at its last character instead. */
static void trim_block_end(cursor *c, tn_span *sp) {
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

typedef struct frame {
    tn_node *node;
    size_t first;       /* index of the first child in builder.kids */
    size_t count;       /* expanded node count of the children so far */
    const char *anchor; /* registered when the node is complete */
    bool block;
    bool has_last;
    tn_span last; /* source extent of the last child */
} frame;

typedef struct anchor_ent {
    tn_node *node;
    size_t count; /* nodes the anchored subtree expands to */
} anchor_ent;

typedef struct builder {
    tn_doc *doc;
    tn_doc_limits lim;
    tenet_error *err;
    cursor cur;
    TN_VEC(frame) frames;
    TN_VEC(tn_node *) kids;
    tn_strmap anchors;
    tn_strmap tags;      /* interned tag strings */
    tn_arena tag_arena;  /* their copies, apart: pruning rolls the document arena back */
    size_t alias_nodes;
    tn_doc_prune prune;
} builder;

static size_t sat_add(size_t a, size_t b) { return a > SIZE_MAX - b ? SIZE_MAX : a + b; }

static int nomem(builder *b) { return tn_error_set(b->err, TENET_ENOMEM, b->doc->name, 0, 0, "out of memory"); }

static int add_child(builder *b, tn_node *node, size_t count, const tn_span *extent) {
    tn_span ext = *extent; /* `extent` may lie in a node that pruning drops */
    if (!(node = tn_doc_prune_done(&b->prune, b->doc, node, b->frames.n)))
        return nomem(b);
    if (b->frames.n == 0) {
        b->doc->root = node;
        return TENET_OK;
    }
    frame *f = &b->frames.v[b->frames.n - 1];
    f->count = sat_add(f->count, count);
    f->last = ext;
    f->has_last = true;
    return TN_VEC_PUSH(b->kids, node) == 0 ? TENET_OK : nomem(b);
}

static const char *intern_tag(builder *b, const yaml_char_t *tag) {
    if (!tag)
        return NULL;
    size_t len = strlen((const char *)tag);
    const char *t = tn_strmap_get(&b->tags, (const char *)tag, len);
    if (t)
        return t;
    char *copy = tn_arena_strndup(&b->tag_arena, (const char *)tag, len);
    if (!copy || tn_strmap_put(&b->tags, copy, len, copy) != 0)
        return NULL;
    return copy;
}

static int set_anchor(builder *b, const char *name, tn_node *node, size_t count) {
    if (b->prune.active)
        b->prune.keep = true; /* an alias may point into the value */
    anchor_ent *e = tn_arena_alloc(&b->doc->arena, sizeof *e);
    if (!e)
        return nomem(b);
    e->node = node;
    e->count = count;
    /* A redefined anchor replaces the old one for later aliases. */
    if (tn_strmap_put(&b->anchors, name, strlen(name), e) != 0)
        return nomem(b);
    return TENET_OK;
}

static const char *copy_anchor(builder *b, const yaml_char_t *anchor) {
    return tn_arena_strdup(&b->doc->arena, (const char *)anchor);
}

static int limit_error(builder *b, const tn_span *sp, const char *what, size_t limit) {
    return tn_error_set(b->err, TENET_ELIMIT, b->doc->name, sp->line, sp->col, "%s (limit %zu)",
                        what, limit);
}

/* Typing of a tagged scalar: the core tags keep their meaning when the text
 * fits; any other tag (e.g. "!Ref") leaves a string. */
static int type_tagged(tn_node *n, const char *tag) {
    static const char *const core[] = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
                                       "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"};
    static const tn_node_type types[] = {TN_NODE_NULL, TN_NODE_BOOL, TN_NODE_INT, TN_NODE_FLOAT};
    n->type = TN_NODE_STRING;
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

static int on_scalar(builder *b, const yaml_event_t *ev) {
    tn_span sp = span_of(&b->cur, ev->start_mark, ev->end_mark);
    size_t len = ev->data.scalar.length;
    if (len > b->lim.max_scalar_bytes)
        return limit_error(b, &sp, "scalar too large", b->lim.max_scalar_bytes);
    tn_node *n = tn_arena_calloc(&b->doc->arena, 1, sizeof *n);
    if (!n)
        return nomem(b);
    n->span = sp;
    n->len = len;
    n->str = tn_arena_strndup(&b->doc->arena, (const char *)ev->data.scalar.value, len);
    if (!n->str)
        return nomem(b);
    yaml_scalar_style_t style = ev->data.scalar.style;
    if (style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE)
        trim_block_end(&b->cur, &n->span);
    n->quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    int rc = 0;
    if (ev->data.scalar.tag) {
        n->tag = intern_tag(b, ev->data.scalar.tag);
        if (!n->tag)
            return nomem(b);
        rc = type_tagged(n, n->tag);
    } else if (style == YAML_PLAIN_SCALAR_STYLE) {
        rc = tn_doc_type_plain(n);
    } else {
        n->type = TN_NODE_STRING;
    }
    if (rc != 0)
        return nomem(b);
    if (ev->data.scalar.anchor) {
        const char *a = copy_anchor(b, ev->data.scalar.anchor);
        if (!a || set_anchor(b, a, n, 1) != TENET_OK)
            return nomem(b);
    }
    return add_child(b, n, 1, &sp);
}

static int on_alias(builder *b, const yaml_event_t *ev) {
    tn_span sp = span_of(&b->cur, ev->start_mark, ev->end_mark);
    const char *name = (const char *)ev->data.alias.anchor;
    /* Anchors are registered only once complete, so an alias inside its own
     * anchor is undefined here and the tree can never contain a cycle. */
    const anchor_ent *e = tn_strmap_get(&b->anchors, name, strlen(name));
    if (!e)
        return tn_error_set(b->err, TENET_EPARSE, b->doc->name, sp.line, sp.col,
                            "found undefined alias \"%.100s\"", name);
    b->alias_nodes = sat_add(b->alias_nodes, e->count);
    if (b->alias_nodes > b->lim.max_alias_nodes)
        return limit_error(b, &sp, "alias expansion produces too many nodes",
                           b->lim.max_alias_nodes);
    return add_child(b, e->node, e->count, &sp);
}

/* Asks the pruner about the collection about to start, when it is the value
 * of a mapping key (before anything of it is allocated). */
static void prune_ask(builder *b) {
    size_t depth = b->frames.n;
    if (!tn_doc_prune_wanted(&b->prune, depth))
        return;
    const frame *top = &b->frames.v[depth - 1];
    if (top->node->type != TN_NODE_MAP || (b->kids.n - top->first) % 2 == 0)
        return;
    tn_doc_level lv[TN_DOC_PRUNE_MAX_DEPTH];
    for (size_t i = 0; i < depth; i++) {
        size_t end = i + 1 < depth ? b->frames.v[i + 1].first : b->kids.n;
        lv[i].node = b->frames.v[i].node;
        lv[i].kids = (const tn_node *const *)(b->kids.v + b->frames.v[i].first);
        lv[i].n = end - b->frames.v[i].first;
    }
    tn_doc_prune_ask(&b->prune, b->doc, lv, depth);
}

static int on_start(builder *b, const yaml_event_t *ev, bool is_map) {
    tn_span sp = span_of(&b->cur, ev->start_mark, ev->end_mark);
    if (b->frames.n >= b->lim.max_depth)
        return limit_error(b, &sp, "nesting too deep", b->lim.max_depth);
    prune_ask(b);
    tn_node *n = tn_arena_calloc(&b->doc->arena, 1, sizeof *n);
    if (!n)
        return nomem(b);
    n->type = is_map ? TN_NODE_MAP : TN_NODE_SEQ;
    n->span = sp;
    const yaml_char_t *tag = is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
    const yaml_char_t *anchor =
        is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    if (tag && !(n->tag = intern_tag(b, tag)))
        return nomem(b);
    frame f = {0};
    f.node = n;
    f.first = b->kids.n;
    f.block = is_map ? ev->data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE
                     : ev->data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE;
    if (anchor && !(f.anchor = copy_anchor(b, anchor)))
        return nomem(b);
    return TN_VEC_PUSH(b->frames, f) == 0 ? TENET_OK : nomem(b);
}

static int on_end(builder *b, const yaml_event_t *ev) {
    frame f = b->frames.v[--b->frames.n];
    tn_node *n = f.node;
    size_t k = b->kids.n - f.first;
    tn_node **kids = k ? b->kids.v + f.first : NULL;
    if (n->type == TN_NODE_SEQ) {
        if (k && !(n->ch.items = tn_arena_alloc(&b->doc->arena, k * sizeof *n->ch.items)))
            return nomem(b);
        if (k)
            memcpy(n->ch.items, kids, k * sizeof *kids);
        n->n = k;
    } else {
        n->n = k / 2;
        if (n->n && !(n->ch.pairs = tn_arena_alloc(&b->doc->arena, n->n * sizeof *n->ch.pairs)))
            return nomem(b);
        for (size_t i = 0; i < n->n; i++) {
            n->ch.pairs[i].key = kids[2 * i];
            n->ch.pairs[i].value = kids[2 * i + 1];
        }
        if (tn_doc_check_duplicate_keys(b->doc, n) != 0)
            return nomem(b);
    }
    b->kids.n = f.first;
    /* A block collection's end event sits at the next token, possibly lines
     * later; its last child's end is where the collection really ends. */
    tn_span end = f.block && f.has_last ? f.last : span_of(&b->cur, ev->start_mark, ev->end_mark);
    n->span.end_line = end.end_line;
    n->span.end_col = end.end_col;
    n->span.end_off = end.end_off;
    size_t count = sat_add(f.count, 1);
    if (f.anchor) {
        int rc = set_anchor(b, f.anchor, n, count);
        if (rc != TENET_OK)
            return rc;
    }
    return add_child(b, n, count, &n->span);
}

static int parser_error(builder *b, const yaml_parser_t *p) {
    if (p->error == YAML_MEMORY_ERROR)
        return nomem(b);
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
        cur_seek_chr(&b->cur, p->context_mark.index);
        uint32_t cline = b->cur.line, ccol = b->cur.col;
        cur_seek_chr(&b->cur, p->problem_mark.index);
        if (cline != b->cur.line || ccol != b->cur.col)
            return tn_error_set(b->err, TENET_EPARSE, b->doc->name, b->cur.line, b->cur.col,
                                "%s (%s that started at line %u, column %u)", problem,
                                p->context, (unsigned)cline, (unsigned)ccol);
        return tn_error_set(b->err, TENET_EPARSE, b->doc->name, b->cur.line, b->cur.col,
                            "%s (%s)", problem, p->context);
    }
    cur_seek_chr(&b->cur, p->problem_mark.index);
    return tn_error_set(b->err, TENET_EPARSE, b->doc->name, b->cur.line, b->cur.col, "%s",
                        problem);
}

static int build(builder *b, yaml_parser_t *p) {
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
                tn_span sp = span_of(&b->cur, ev.start_mark, ev.end_mark);
                if (tn_doc_add_note(b->doc, &sp, "multiple-documents",
                                    "the input holds several YAML documents; only the first is "
                                    "read") != 0)
                    rc = nomem(b);
                stop = true;
            }
            break;
        case YAML_DOCUMENT_END_EVENT: first_done = true; break;
        case YAML_STREAM_END_EVENT:
        case YAML_NO_EVENT: stop = true; break;
        case YAML_ALIAS_EVENT: rc = on_alias(b, &ev); break;
        case YAML_SCALAR_EVENT: rc = on_scalar(b, &ev); break;
        case YAML_SEQUENCE_START_EVENT: rc = on_start(b, &ev, false); break;
        case YAML_MAPPING_START_EVENT: rc = on_start(b, &ev, true); break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: rc = on_end(b, &ev); break;
        default: break;
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
    builder b;
    memset(&b, 0, sizeof b);
    b.prune.pruner = how ? how->pruner : NULL;
    b.lim = tn_doc_limits_resolve(limits);
    b.err = err;
    if (len > b.lim.max_input_bytes)
        return tn_error_set(err, TENET_ELIMIT, name ? name : "<input>", 0, 0,
                            "input is larger than the limit of %zu bytes", b.lim.max_input_bytes);
    int rc = tn_doc_create(&b.doc, text, len, name, how && how->borrow_text, err);
    if (rc != TENET_OK)
        return rc;
    b.cur.s = (const unsigned char *)b.doc->text;
    b.cur.len = b.doc->len;
    b.cur.line = b.cur.col = 1;
    b.cur.exact = marks_are_exact(b.cur.s, b.cur.len);

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
