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

/* One pack's file name and bytes; the table ends with {NULL, NULL, 0}. */
struct tn_builtin_pack {
    const char *name;
    const char *data;
    size_t len;
};
extern const struct tn_builtin_pack tn_builtin_packs[];

/* The document of tn_builtin_packs[i], as tn_doc_parse gives it for the
 * pack's bytes. All of it is const data: the pointers are not const only
 * because tn_node's are not, and nothing may write through them. */
typedef struct tn_builtin_doc {
    bool prebuilt;     /* false: the build could not load it; parse the text at run time */
    tn_node *root;     /* NULL for an empty document */
    tn_doc_note *notes;
    size_t nnotes;
    size_t text_off;   /* the text the spans refer to: the pack's bytes from here on */
} tn_builtin_doc;

/* Same order and count as tn_builtin_packs. Defined only when the build
 * defines TENET_PREBUILT_PACKS. */
extern const tn_builtin_doc tn_builtin_docs[];

/* tenet_ruleset_compile (`out` and `sources` not NULL), taking each source's
 * document from `prebuilt` when that has one, which must have been loaded
 * from the same text; `prebuilt` may be NULL (parse them all). */
int tn_ruleset_compile_prebuilt(tenet_ruleset **out, const tenet_rules_source *sources,
                                const tn_builtin_doc *prebuilt, size_t count, tenet_error *err);

#endif
