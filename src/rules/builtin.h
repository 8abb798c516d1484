/* The built-in rule packs, as the build embeds them: their text
 * (cmake/embed.cmake) and, unless the build is cross-compiled, the document
 * tree of each, loaded at build time (tools/prebuild_packs.c) so that start-up
 * parses nothing. Internal to the library and its tests. */
#ifndef TN_RULES_BUILTIN_H
#define TN_RULES_BUILTIN_H
#include "doc/node.h"
#include "tenet/ruleset.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One pack's file name and bytes; the table ends with {NULL, NULL, 0}. */
struct tn_builtin_pack {
    const char *name;
    const char *data;
    size_t len;
};
extern const struct tn_builtin_pack tn_builtin_packs[];

/* One node of a prebuilt document: a tn_node without pointers, so that the
 * tables are plain read-only data that a position-independent executable
 * need not relocate at start-up (tn_builtin_doc_tree makes the tn_nodes). */
typedef struct tn_packed_node {
    tn_span span;
    union {
        bool b;
        int64_t i;
        double f;
    } as;          /* scalars */
    uint32_t str;  /* offset + 1 of the NUL-terminated text in the pool; 0: NULL */
    uint32_t tag;  /* the same for the tag */
    uint32_t len;
    uint32_t n;
    uint32_t kids; /* sequences: first of n in items; mappings: first of n in pairs */
    uint8_t type;  /* tn_node_type */
    bool quoted;
} tn_packed_node;

/* Nodes by index: the same index is the same node (a YAML alias). */
typedef struct tn_packed_pair {
    uint32_t key, value;
} tn_packed_pair;

/* The document of tn_builtin_packs[i], as tn_doc_parse gives it for the
 * pack's bytes: its nodes in pre-order (nodes[0] is the root). */
typedef struct tn_builtin_doc {
    bool prebuilt;     /* false: the build could not load it; parse the text at run time */
    const tn_packed_node *nodes;
    size_t nnodes;     /* 0 for an empty document */
    const uint32_t *items;
    const tn_packed_pair *pairs;
    size_t nitems, npairs;
    const char *pool;  /* the nodes' strings */
    tn_doc_note *notes; /* const data (not const only because tn_doc's are not) */
    size_t nnotes;
    size_t text_off;   /* the text the spans refer to: the pack's bytes from here on */
} tn_builtin_doc;

/* Builds the node tree of a prebuilt document `b` in `a` (its strings stay
 * in b's pool); *root is NULL for an empty document. TENET_ENOMEM. */
int tn_builtin_doc_tree(const tn_builtin_doc *b, tn_arena *a, tn_node **root);

/* Same order and count as tn_builtin_packs. Defined only when the build
 * defines TENET_PREBUILT_PACKS. */
extern const tn_builtin_doc tn_builtin_docs[];

/* tenet_ruleset_compile (`out` and `sources` not NULL), taking each source's
 * document from `prebuilt` when that has one, which must have been loaded
 * from the same text; `prebuilt` may be NULL (parse them all). */
int tn_ruleset_compile_prebuilt(tenet_ruleset **out, const tenet_rules_source *sources,
                                const tn_builtin_doc *prebuilt, size_t count, tenet_error *err);

#endif
