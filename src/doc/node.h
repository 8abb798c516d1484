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

struct tn_node {
    tn_node_type type;
    bool quoted;     /* scalar was quoted (YAML '...'/"...", any JSON string) */
    const char *tag; /* as written after handle expansion, e.g. "!Ref", "!!str"; NULL if none */
    tn_span span;
    /* Scalars: raw text, NUL-terminated (for strings: the decoded value). */
    const char *str;
    size_t len;
    union {
        bool b;
        int64_t i;
        double f;
    } as;
    /* Sequences: items[n]; mappings: pairs[n] in document order. */
    size_t n;
    union {
        tn_node **items;
        tn_pair *pairs;
    } ch;
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
    size_t max_input_bytes;  /* default 64 MiB */
    size_t max_depth;        /* default 256, at most TN_DOC_MAX_DEPTH_CEILING */
    size_t max_alias_nodes;  /* default 1,000,000 */
    size_t max_scalar_bytes; /* default 16 MiB */
} tn_doc_limits;

typedef struct tn_doc {
    tn_arena arena;
    tn_node *root;      /* NULL for an empty document */
    const char *name;   /* file name for messages */
    const char *text;   /* the UTF-8 text the spans refer to (BOM stripped, UTF-16 transcoded) */
    size_t len;
    bool is_json;       /* loaded by the JSON parser */
    tn_doc_note *notes;
    size_t nnotes;
} tn_doc;

/* Prepares raw input bytes: strips a UTF-8 BOM, transcodes UTF-16 with BOM.
 * On success *text points either into `data` or into a tn_malloc'd buffer
 * returned in *owned (free it with tn_free). TENET_EPARSE on bad UTF-16. */
int tn_doc_decode_text(const char *data, size_t len, const char **text, size_t *text_len,
                       char **owned, const char *name, tenet_error *err);

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
