/* The subject model: one thing to judge (a resource in a template or plan, or
 * one API/CLI request), expressed in a kind's canonical fields. Frontends build
 * subjects; the evaluator reads them. All memory lives in the arena of the
 * check that built them. */
#ifndef TN_SUBJECT_H
#define TN_SUBJECT_H
#include "doc/node.h"
#include <stdbool.h>
#include <stdint.h>

struct tn_kind;
struct tn_format_map;
struct tn_mapping_alt;
typedef struct tn_subject tn_subject;

typedef enum tn_vkind {
    TN_V_ABSENT = 0, /* not given; the field's default (if any) was not set either */
    TN_V_UNKNOWN,    /* given, but its value cannot be known here (see reason) */
    TN_V_NULL,
    TN_V_BOOL,
    TN_V_INT,
    TN_V_NUM,
    TN_V_STR,
    TN_V_LIST,
    TN_V_MAP
} tn_vkind;

typedef struct tn_value tn_value;

struct tn_value {
    tn_vkind kind;
    /* UNKNOWN only: whether the value is present at all is unknown too
     * (e.g. Fn::If with an unknown condition and AWS::NoValue in one branch). */
    bool maybe_absent;
    bool has_span;
    tn_span span;           /* where the value (or the reference that produced it) is written */
    const char *file;       /* file the span refers to; NULL = the subject's file */
    const char *path;       /* document path, e.g. Resources.Db.Properties.EngineVersion */
    const char *reason;     /* UNKNOWN: why, e.g. "parameter Version has no default" */
    const char *provenance; /* e.g. "Parameters.NodeType Default", "--param", "default" */
    const char *text;       /* scalars: display/raw text, NUL-terminated (bools "true"/"false") */
    size_t len;             /* length of text */
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            tn_value *items;
            size_t n;
        } list;
        struct {
            const char **keys;
            tn_value *vals;
            size_t n;
        } map;
    } u;
    /* The subject this value refers to (CloudFormation Ref/GetAtt to a resource,
     * Terraform configuration reference), or NULL. */
    const tn_subject *link;
};

typedef enum tn_operation {
    TN_OP_NONE = 0,
    TN_OP_CREATE = 1 << 0,
    TN_OP_UPDATE = 1 << 1,
    TN_OP_REPLACE = 1 << 2,
    TN_OP_DELETE = 1 << 3,
    TN_OP_READ = 1 << 4
} tn_operation;

const char *tn_operation_name(tn_operation op);
/* Parses "create", "update", ... ; returns TN_OP_NONE if unknown. */
tn_operation tn_operation_parse(const char *s, size_t len);

struct tn_subject {
    const struct tn_kind *kind;
    const char *name;           /* logical id, Terraform address, request action */
    const char *type;           /* format-level type, e.g. AWS::S3::Bucket */
    const char *format;         /* "cloudformation", "terraform-plan", ... */
    const char *file;           /* input file name */
    tn_operation op;
    const char *operation_name; /* API operation (CreateBucket) or NULL */
    const char *region;         /* NULL = unknown */
    const char *region_reason;  /* why the region is unknown */
    const char *scenario;       /* NULL or "when UseKey is true; Size=small" */
    tn_span span;               /* the subject's own position (resource key, request start) */
    const char *path;           /* e.g. Resources.Cache */
    tn_value *fields;           /* [kind->nfields] */
    tn_value *before;           /* [kind->nfields] prior values for update/replace, or NULL */
    const char *note;           /* extra context shown in diagnostics (replace reasons), or NULL */
    /* [kind->nfields] or NULL. Between variants of one subject (the
     * scenarios of a template resource), equal ids mark fields that hold
     * one and the same value: a rule reading only those judges them alike,
     * so tn_run_judge evaluates it once. */
    const uint32_t *field_ids;
};

/* Text for a value in messages: the scalar text, "<unknown>", "<absent>",
 * "[a, b]" for lists. Allocated in `arena` when needed. Longer than
 * TN_DISPLAY_MAX bytes, it is cut (at a character boundary) and ends in
 * "…": a huge value must not be copied into every message. */
#define TN_DISPLAY_MAX 200
const char *tn_value_display(const tn_value *v, tn_arena *arena);

/* Truthiness of the boolean-like strings: "true"/"false" in any case.
 * Returns 1 true, 0 false, -1 neither. */
int tn_parse_bool_text(const char *s, size_t len);

/* Parses all of `s` as a number (integer if it has no fraction/exponent).
 * Returns false if `s` is not entirely a finite number. */
bool tn_parse_number_text(const char *s, size_t len, bool *is_int, int64_t *i, double *d);

/* Converts a document node into a value (recursively for sequences and maps),
 * no CloudFormation semantics. Span and path are set from the node. */
int tn_value_from_node(tn_value *out, const tn_node *node, const char *path, tn_arena *arena);

/* Coerces a found raw value to the canonical type of field `field_index` of
 * `kind` (bool from "true"/"false", int from numeric text, string from
 * scalars, "" of a bool field = absent); a value that cannot be coerced
 * becomes UNKNOWN with a reason naming the expected type. */
void tn_value_coerce(tn_value *v, const struct tn_kind *kind, size_t field_index, tn_arena *arena);

/* Lookup callback a frontend gives to tn_subject_fill: find the raw value a
 * mapping alternative points at. Returns 1 and fills *out when found, 0 when
 * absent (leaving *out as it was), negative tenet_status on failure. */
typedef int (*tn_lookup_fn)(void *ctx, const struct tn_mapping_alt *alt, tn_value *out);

/* Allocates subject->fields for `kind` and fills every field through the
 * format mapping: the first alternative found wins, then coercion, then the
 * field's default for absent values (provenance "default"), then derived
 * fields. `match_data` (from tn_regex_match_data_new, or NULL for a temporary
 * one) serves the derive patterns. Returns TENET_OK or a negative status. */
int tn_subject_fill(tn_subject *subject, const struct tn_kind *kind,
                    const struct tn_format_map *map, tn_lookup_fn lookup, void *ctx,
                    tn_arena *arena, void *match_data);
/* The same, except that a field i with known[i] != NULL is copied from
 * *known[i] as it stands (no lookup, coercion, default or derivation): a
 * frontend that builds several variants of one subject passes the values
 * they share. `known` may be NULL. */
int tn_subject_fill_known(tn_subject *subject, const struct tn_kind *kind,
                          const struct tn_format_map *map, tn_lookup_fn lookup, void *ctx,
                          tn_arena *arena, void *match_data, const tn_value *const *known);

#endif
