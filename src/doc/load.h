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
 * dropped) and of `name` (NULL = "<input>"). TENET_OK or TENET_ENOMEM. */
int tn_doc_create(tn_doc **out, const char *text, size_t len, const char *name, tenet_error *err);

/* Records a non-fatal note; `code` must be a static string. 0 or -1 (memory). */
int tn_doc_add_note(tn_doc *doc, const tn_span *span, const char *code, const char *message);

/* Adds a "duplicate-key" note for every scalar key of `map` that repeats an
 * earlier one. 0 or -1 (memory). */
int tn_doc_check_duplicate_keys(tn_doc *doc, const tn_node *map);

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
