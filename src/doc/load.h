/* Helpers shared by the document loaders (node.c, yaml.c, json.c); not part
 * of any other module's contract. */
#ifndef TN_DOC_LOAD_H
#define TN_DOC_LOAD_H
#include "doc/node.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `limits` with zero (or NULL) fields replaced by the defaults. */
tn_doc_limits tn_doc_limits_resolve(const tn_doc_limits *limits);

/* A new document owning an arena copy of `text` (a leading UTF-8 BOM is
 * dropped; with `borrow` the text is used in place) and of `name` (NULL =
 * "<input>"). TENET_OK or TENET_ENOMEM. */
int tn_doc_create(tn_doc **out, const char *text, size_t len, const char *name, bool borrow,
                  tenet_error *err);

/* The loaders with load options (`how` may be NULL). */
int tn_doc_load_yaml(tn_doc **out, const char *text, size_t len, const char *name,
                     const tn_doc_limits *limits, const tn_doc_load *how, tenet_error *err);
int tn_doc_load_json(tn_doc **out, const char *text, size_t len, const char *name,
                     const tn_doc_limits *limits, const tn_doc_load *how, tenet_error *err);

/* Pruning while loading (tn_doc_pruner), shared by both loaders: a loader
 * asks tn_doc_prune_ask() before building a collection value of a mapping,
 * and passes every completed node through tn_doc_prune_done(); or, when it
 * did not build the dropped value, ends it with tn_doc_prune_drop(). */
#define TN_DOC_PRUNE_MAX_DEPTH 8

typedef struct tn_doc_prune {
    const tn_doc_pruner *pruner; /* NULL: never prune */
    bool active;                 /* loading a value that is to be dropped */
    bool keep;                   /* ... which turned out to hold what must stay */
    size_t depth;                /* open frames when it started */
    size_t nnotes;               /* document notes when it started */
    tn_arena_mark mark;          /* document arena when it started */
    tn_node *dropped;            /* the null node every dropped value becomes */
} tn_doc_prune;

/* Whether to ask: a pruner is set, nothing is being dropped yet, and the
 * value sits at most max_depth deep. */
bool tn_doc_prune_wanted(const tn_doc_prune *ps, size_t depth);
/* Asks the pruner about the value under levels[depth - 1]'s last key and
 * starts dropping it when told to. */
void tn_doc_prune_ask(tn_doc_prune *ps, tn_doc *doc, const tn_doc_level *levels, size_t depth);
/* Called with each completed node and the number of open frames: returns
 * the node to add, which is a placeholder when the dropped value just
 * completed, or NULL when out of memory. */
tn_node *tn_doc_prune_done(tn_doc_prune *ps, tn_doc *doc, tn_node *node, size_t depth);
/* Ends dropping the value: rolls the arena back to where it began and
 * returns the placeholder, or NULL when out of memory. */
tn_node *tn_doc_prune_drop(tn_doc_prune *ps, tn_doc *doc);

/* Records a non-fatal note; `code` must be a static string. 0 or -1 (memory). */
int tn_doc_add_note(tn_doc *doc, const tn_span *span, const char *code, const char *message);

/* Adds a "duplicate-key" note for every scalar key of `map` that repeats an
 * earlier one. 0 or -1 (memory). */
int tn_doc_check_duplicate_keys(tn_doc *doc, const tn_node *map);

/* The search behind it, over `n` keys that `key` gives (the text of key i
 * and its length, or NULL for a key that is no scalar): calls `found` with
 * each key that repeats an earlier one and the index of the first, and
 * stops at a nonzero answer. That answer, 0, or -1 when out of memory. */
typedef const char *(*tn_doc_key_fn)(void *ctx, size_t i, size_t *len);
typedef int (*tn_doc_repeat_fn)(void *ctx, size_t i, size_t first);
int tn_doc_key_repeats(size_t n, tn_doc_key_fn key, tn_doc_repeat_fn found, void *ctx);

/* Orders the notes by position; called once loading succeeded. */
void tn_doc_sort_notes(tn_doc *doc);

/* Sets type and value of a YAML plain scalar (n->str/len already set) by the
 * YAML 1.2 core schema. -1 on allocation failure. */
int tn_doc_type_plain(tn_node *n);

/* Decimal integer text ([-+]?[0-9]+) to int64; false on overflow or syntax. */
bool tn_doc_parse_int(const char *s, size_t len, int64_t *out);

/* Locale-independent strtod of a NUL-terminated, already validated decimal
 * number. -1 on allocation failure. */
int tn_doc_strtod(const char *s, size_t len, double *out);

#endif
