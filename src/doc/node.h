/* The document model: YAML and JSON loaded into one arena-allocated, read-only
 * node tree. Every node keeps its source span; tags are kept as written
 * ("!Ref"); scalars keep their raw text (so "6.0" stays "6.0"). */
#ifndef TN_NODE_H
#define TN_NODE_H
#include "util/arena.h"
#include "tenet/errors.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A source span. Lines and columns are 1-based and count code points;
 * end_col is one past the last character (SARIF's convention). `off`/`end_off`
 * are byte offsets into the document's UTF-8 text. */
typedef struct tn_span {
    uint32_t line, col, end_line, end_col;
    uint32_t off, end_off;
} tn_span;

typedef enum tn_node_type {
    TN_NODE_NULL,
    TN_NODE_BOOL,
    TN_NODE_INT,
    TN_NODE_FLOAT,
    TN_NODE_STRING,
    TN_NODE_SEQ,
    TN_NODE_MAP
} tn_node_type;

typedef struct tn_node tn_node;

typedef struct tn_pair {
    tn_node *key;
    tn_node *value;
} tn_pair;

/* 64 bytes: documents hold hundreds of thousands of nodes, so lengths are
 * 32-bit (the loaders cap scalars and inputs at 4 GiB) and a node's value
 * and children share storage (a scalar has none of the latter: n is 0). */
struct tn_node {
    tn_node_type type;
    bool quoted;     /* scalar was quoted (YAML '...'/"...", any JSON string) */
    const char *tag; /* as written after handle expansion, e.g. "!Ref", "!!str"; NULL if none */
    tn_span span;
    /* Scalars: raw text, NUL-terminated (for strings: the decoded value);
     * equal keys may share one copy. */
    const char *str;
    uint32_t len;
    /* Sequences: items[n]; mappings: pairs[n] in document order. */
    uint32_t n;
    union {
        union {
            bool b;
            int64_t i;
            double f;
        } as; /* scalars */
        union {
            tn_node **items;
            tn_pair *pairs;
        } ch; /* sequences and mappings */
    };
};

/* Problems found while loading that do not stop it (duplicate keys,
 * extra YAML documents). */
typedef struct tn_doc_note {
    tn_span span;
    const char *code;    /* "duplicate-key", "multiple-documents" */
    const char *message;
} tn_doc_note;

/* The deepest nesting any limit may allow: the frontends walk documents
 * recursively, so a deeper tree could exhaust a thread's stack. */
#define TN_DOC_MAX_DEPTH_CEILING 1000

typedef struct tn_doc_limits {
    size_t max_input_bytes;  /* default 64 MiB, at most 4 GiB */
    size_t max_depth;        /* default 256, at most TN_DOC_MAX_DEPTH_CEILING */
    size_t max_alias_nodes;  /* default 1,000,000 */
    size_t max_scalar_bytes; /* default 16 MiB, at most 4 GiB */
} tn_doc_limits;

typedef struct tn_doc {
    tn_arena arena;
    tn_node *root;      /* NULL for an empty document */
    const char *name;   /* file name for messages */
    const char *text;   /* the UTF-8 text the spans refer to (BOM stripped, UTF-16 transcoded) */
    size_t len;
    bool is_json;       /* loaded by the JSON parser */
    bool pruned;        /* a pruner dropped at least one value (tn_doc_load) */
    tn_doc_note *notes;
    size_t nnotes;
} tn_doc;

/* One open mapping or sequence on the way from the root to a value being
 * loaded, and its children so far: a mapping's alternate key, value, key,
 * value, ..., and end with the key of the value being loaded. */
typedef struct tn_doc_level {
    const tn_node *node;
    const tn_node *const *kids;
    size_t n;
} tn_doc_level;

/* Lets a consumer that knows what it will read drop the rest while loading,
 * so large documents cost what is used. Asked before a mapping value that
 * is itself a mapping or sequence is built, at most `max_depth` levels
 * deep (levels[0] is the root, levels[depth - 1] the mapping holding the
 * value). A dropped value is still parsed and checked (duplicate keys,
 * limits, aliases) but not built: it is replaced by a null node without a
 * span (shared by all of them), and doc->pruned is set; a value holding an
 * anchor or a duplicate key is kept, whole. */
typedef struct tn_doc_pruner {
    bool (*drop)(void *ctx, const tn_doc_level *levels, size_t depth);
    /* Optional: asked about a value to be dropped once it is loaded; true
     * keeps it after all, whole (a mapping turned out to hold a key that is
     * read). It may see only the value's first level: a mapping's keys,
     * with null nodes for their values and for a sequence's items. */
    bool (*keep)(void *ctx, const tn_node *value);
    void *ctx;
    size_t max_depth;
} tn_doc_pruner;

/* For pruners: the key whose value is being loaded at a mapping level (a
 * scalar with text), or NULL; the last value of `key` among the level's
 * completed pairs (the last of duplicates wins, as in lookups), or NULL. */
const tn_node *tn_doc_level_key(const tn_doc_level *lv);
const tn_node *tn_doc_level_get(const tn_doc_level *lv, const char *key);
/* Whether the key being loaded at mapping level `lv` is `word`. */
bool tn_doc_level_key_is(const tn_doc_level *lv, const char *word);

/* How to load, beyond the limits (tn_doc_parse_with). */
typedef struct tn_doc_load {
    /* Point into the caller's text instead of copying it: the text must
     * outlive the document. */
    bool borrow_text;
    const tn_doc_pruner *pruner; /* NULL: build everything */
} tn_doc_load;

/* Prepares raw input bytes: strips a UTF-8 BOM, transcodes UTF-16 with BOM.
 * On success *text points either into `data` or into a tn_malloc'd buffer
 * returned in *owned (free it with tn_free). TENET_EPARSE on bad UTF-16. */
int tn_doc_decode_text(const char *data, size_t len, const char **text, size_t *text_len,
                       char **owned, const char *name, tenet_error *err);

/* tn_doc_decode_text, then tn_doc_parse with default limits: how a rules
 * file's raw bytes become a document (src/rules/load.c and the build-time
 * loader of the built-in packs must agree on it). */
int tn_doc_parse_bytes(tn_doc **out, const char *data, size_t len, const char *name,
                       tenet_error *err);

/* Parses UTF-8 text as JSON when it looks like JSON (first non-blank is '{'
 * or '['), else as YAML; a JSON document that fails JSON parsing is tried as
 * YAML and the JSON error is reported if that fails too. The text is copied
 * into the document arena. Errors: TENET_EPARSE (positioned), TENET_ELIMIT,
 * TENET_ENOMEM. `limits` may be NULL for defaults. */
int tn_doc_parse(tn_doc **out, const char *text, size_t len, const char *name,
                 const tn_doc_limits *limits, tenet_error *err);
int tn_doc_parse_yaml(tn_doc **out, const char *text, size_t len, const char *name,
                      const tn_doc_limits *limits, tenet_error *err);
int tn_doc_parse_json(tn_doc **out, const char *text, size_t len, const char *name,
                      const tn_doc_limits *limits, tenet_error *err);
/* tn_doc_parse with load options (`how` may be NULL: copy, build everything). */
int tn_doc_parse_with(tn_doc **out, const char *text, size_t len, const char *name,
                      const tn_doc_limits *limits, const tn_doc_load *how, tenet_error *err);
void tn_doc_free(tn_doc *doc);

/* Lookups. Mapping keys compare as strings (raw scalar text). Return NULL if
 * absent or if `map` is not a mapping. With duplicate keys the last wins
 * (as CloudFormation does). */
const tn_node *tn_map_get(const tn_node *map, const char *key);
const tn_node *tn_map_getn(const tn_node *map, const char *key, size_t len);
const tn_pair *tn_map_get_pair(const tn_node *map, const char *key);
bool tn_node_is_scalar(const tn_node *n);
bool tn_node_str_eq(const tn_node *n, const char *s);
const char *tn_node_type_name(tn_node_type t);

#endif
