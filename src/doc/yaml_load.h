/* The YAML loader's insides, shared by yaml.c (reading, checking and
 * building) and yaml_skip.c (skipping the values a pruner drops); not part
 * of any other module's contract. */
#ifndef TN_YAML_LOAD_H
#define TN_YAML_LOAD_H
#include "doc/load.h"

#include "util/strmap.h"
#include "util/vec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

/* Maps libyaml marks (character index, line, column) and byte offsets to
 * spans. Moves forward cheaply; the rare step back re-scans the line. */
typedef struct tn_yaml_cursor {
    const unsigned char *s;
    size_t len, byte, chr;
    uint32_t line, col;
    bool exact; /* ASCII without CR: libyaml's marks need no translation */
    bool lines; /* no CR, NEL, LS or PS: libyaml's lines and columns are ours */
} tn_yaml_cursor;

typedef struct tn_yaml_anchor {
    tn_node *node;
    size_t count; /* nodes the anchored subtree expands to */
} tn_yaml_anchor;

/* An event as the builder takes it: from libyaml, checked and with its tag
 * interned, or from the log of a value being skipped. */
typedef enum tn_yaml_rec_kind {
    TN_YAML_SCALAR,
    TN_YAML_ALIAS,
    TN_YAML_SEQ,
    TN_YAML_MAP,
    TN_YAML_END
} tn_yaml_rec_kind;

#define TN_YAML_NO_REC SIZE_MAX

typedef struct tn_yaml_rec {
    uint8_t kind;    /* tn_yaml_rec_kind */
    uint8_t style;   /* scalars: yaml_scalar_style_t */
    bool block;      /* collections and their ends: block style */
    uint32_t len;    /* scalars: bytes */
    const char *tag; /* interned, or NULL */
    union {
        const char *value;           /* scalars: their bytes */
        size_t off;                  /* logged scalars: where their bytes are in skip.bytes */
        const tn_yaml_anchor *alias; /* aliases: what they stand for */
        size_t last;                 /* logged ends: the record of the last child, or TN_YAML_NO_REC */
    } u;
    yaml_mark_t start, end;
} tn_yaml_rec;

/* A collection being built. */
typedef struct tn_yaml_frame {
    tn_node *node;
    size_t first;       /* index of the first child in builder.kids */
    size_t count;       /* expanded node count of the children so far */
    const char *anchor; /* registered when the node is complete */
    bool block;
    bool has_last;
    tn_span last; /* source extent of the last child */
} tn_yaml_frame;

/* A collection being skipped. */
typedef struct tn_yaml_skip_frame {
    size_t start; /* its start record */
    size_t first; /* mappings: index of the first key in skip.keys */
    size_t n;     /* children so far */
    size_t count; /* expanded node count of the children so far */
    size_t last;  /* record of the last child, or TN_YAML_NO_REC */
    bool map;
} tn_yaml_skip_frame;

typedef struct tn_yaml_builder {
    tn_doc *doc;
    tn_doc_limits lim;
    tenet_error *err;
    tn_yaml_cursor cur;
    TN_VEC(tn_yaml_frame) frames;
    TN_VEC(tn_node *) kids;
    tn_strmap anchors;
    tn_strmap tags;     /* interned tag strings */
    tn_arena tag_arena; /* their copies, apart: pruning rolls the document arena back */
    size_t alias_nodes;
    tn_doc_prune prune;
    struct {
        bool on;
        tn_yaml_cursor cur; /* where the skipped value began */
        TN_VEC(tn_yaml_rec) log;
        TN_VEC(char) bytes; /* the logged scalars' bytes */
        TN_VEC(tn_yaml_skip_frame) frames;
        TN_VEC(size_t) keys; /* records of the open mappings' keys */
    } skip;
    tn_node hole; /* a null node: what keep() sees in place of nested values */
} tn_yaml_builder;

static inline size_t tn_yaml_sat_add(size_t a, size_t b) {
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* yaml.c */
int tn_yaml_nomem(tn_yaml_builder *b);
/* The span of a record's marks. */
tn_span tn_yaml_span(tn_yaml_builder *b, const tn_yaml_rec *r);
/* A node with every field set, followed by `extra` bytes; NULL when out of memory. */
tn_node *tn_yaml_node_new(tn_yaml_builder *b, tn_node_type type, const tn_span *sp, size_t extra);
/* A scalar's node; *extent is its source extent. NULL when out of memory. */
tn_node *tn_yaml_make_scalar(tn_yaml_builder *b, const tn_yaml_rec *r, tn_span *extent);
/* Adds a completed node to the open collection (or makes it the root). */
int tn_yaml_push_child(tn_yaml_builder *b, tn_node *node, size_t count, const tn_span *extent);
/* Builds the node of one event; `anchor` is the event's, or NULL. */
int tn_yaml_build_event(tn_yaml_builder *b, const tn_yaml_rec *r, const yaml_char_t *anchor);

/* yaml_skip.c: a dropped value is logged instead of built. tn_yaml_skip_begin
 * starts with the value's start event; tn_yaml_skip_event takes the next
 * ones (without anchors) until the value ends; tn_yaml_materialize builds
 * what was logged and goes on building, as if nothing had been skipped. */
int tn_yaml_skip_begin(tn_yaml_builder *b, const tn_yaml_rec *r);
int tn_yaml_skip_event(tn_yaml_builder *b, const tn_yaml_rec *r);
int tn_yaml_materialize(tn_yaml_builder *b);

#endif
