/* tenet/ruleset.h — compiling rule packs into an immutable, thread-shareable ruleset. */
#ifndef TENET_RULESET_H
#define TENET_RULESET_H

#include "common.h"
#include "errors.h"

TENET_BEGIN_DECL

/* A compiled ruleset: one or more rule packs (kinds, sets, rules).
 * Immutable once compiled; any number of threads may check against it
 * concurrently. Free it with tenet_ruleset_free() after the last check. */
typedef struct tenet_ruleset tenet_ruleset;

/* One rule pack source: YAML text and the name used in error positions.
 * The bytes are copied during compilation; they need not outlive the call. */
typedef struct tenet_rules_source {
    const char *name; /* e.g. the file path; NULL = "<rules>" */
    const char *data;
    size_t len;
} tenet_rules_source;

/* Compiles `count` packs into one ruleset. On failure returns TENET_ERULES
 * (or TENET_ENOMEM, TENET_ELIMIT) and fills `err` with the file, line, column
 * and a message naming the problem; *out is then NULL. */
TENET_EXTERN(int) tenet_ruleset_compile(tenet_ruleset **out, const tenet_rules_source *sources,
                                        size_t count, tenet_error *err);

/* Compiles the packs embedded in the library at build time (the default). */
TENET_EXTERN(int) tenet_ruleset_builtin(tenet_ruleset **out, tenet_error *err);

/* Reads and compiles one pack file. TENET_EIO if it cannot be read. */
TENET_EXTERN(int) tenet_ruleset_load_file(tenet_ruleset **out, const char *path, tenet_error *err);

/* Frees a ruleset. Accepts NULL. No check may be running on it. */
TENET_EXTERN(void) tenet_ruleset_free(tenet_ruleset *rs);

/* The text of the embedded pack number `index` (0-based), or NULL past the
 * end. Static storage; `len_out` may be NULL. */
TENET_EXTERN(const char *) tenet_builtin_pack(size_t index, const char **name_out, size_t *len_out);

#define TENET_RULE_INFO_VERSION 1

/* Metadata of one compiled rule. All strings are borrowed from the ruleset
 * and stay valid until it is freed; absent optional strings are NULL. */
typedef struct tenet_rule_info {
    unsigned int version;
    const char *id;
    const char *title;
    const char *kind;      /* canonical kind the rule judges */
    tenet_severity severity;
    const char *message;   /* template with {field} placeholders */
    const char *fix;
    const char *source;    /* the section of the source document the rule encodes */
    const char *quote;     /* the source document's own words */
    const char *why;       /* longer explanation */
    const char *on_unknown; /* "report" | "pass" | "fail" */
    const char *pack;      /* name of the pack that defined the rule */
    const char *operations; /* e.g. "create,update" */
    int suppressible;
} tenet_rule_info;

TENET_EXTERN(size_t) tenet_ruleset_rule_count(const tenet_ruleset *rs);

/* Fills `out` for rule number `index` (in pack order). TENET_EINVAL past the end. */
TENET_EXTERN(int) tenet_ruleset_rule_info(const tenet_ruleset *rs, size_t index, tenet_rule_info *out);

/* Finds a rule by id; returns TENET_OK and its index, or TENET_EINVAL. */
TENET_EXTERN(int) tenet_ruleset_find_rule(const tenet_ruleset *rs, const char *id, size_t *index_out);

/* Pack metadata: name, title, data_as_of and source of pack `index`, or
 * TENET_EINVAL past the end. Borrowed strings (NULL when not given). */
TENET_EXTERN(size_t) tenet_ruleset_pack_count(const tenet_ruleset *rs);
TENET_EXTERN(int) tenet_ruleset_pack_info(const tenet_ruleset *rs, size_t index, const char **name,
                                          const char **title, const char **data_as_of,
                                          const char **source);

TENET_END_DECL

#endif
