/* The compiled, immutable form of rule packs (the "IR"). Built by
 * rules/compile.c from the YAML rules documents; read by frontends (kinds and
 * their format mappings) and by the evaluator (rules, conditions, tests).
 * Everything lives in the ruleset's arena; nothing here is mutated after
 * compilation, which is what makes a ruleset shareable across threads. */
#ifndef TN_IR_H
#define TN_IR_H
#include "doc/node.h"
#include "subject/subject.h"
#include "tenet/check.h"
#include "tenet/ruleset.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tn_regex;
struct tn_vrange;

/* Canonical field types. */
typedef enum tn_ftype {
    TN_T_ANY,
    TN_T_STRING,
    TN_T_BOOL,
    TN_T_INT,
    TN_T_NUMBER,
    TN_T_VERSION, /* a string compared with version semantics */
    TN_T_LIST,
    TN_T_MAP
} tn_ftype;

const char *tn_ftype_name(tn_ftype t);

/* One step of a mapping path: a mapping key, or a sequence index. */
typedef struct tn_path_seg {
    const char *key; /* NULL for an index step */
    size_t key_len;
    long index;
} tn_path_seg;

/* One alternative location of a canonical field in a format.
 * Rules-file syntax: "Engine", "Properties.cluster-enabled" (for CFN a path is
 * relative to the resource's Properties), "/DeletionPolicy" (leading '/':
 * relative to the resource itself), "cluster_mode[0].num_node_groups",
 * or {path: cluster_mode, type: string} to accept only a value of that JSON type. */
typedef struct tn_mapping_alt {
    const char *text;   /* as written, for messages */
    tn_path_seg *segs;
    size_t nsegs;
    bool root;          /* leading '/' */
    int want;           /* -1 any, else the tn_vkind the raw value must have */
    size_t field;       /* index of the field it maps (set by the compiler) */
} tn_mapping_alt;

typedef struct tn_field_map {
    tn_mapping_alt *alts; /* tried in order; first found wins */
    size_t nalts;
} tn_field_map;

/* A slot of a name table: the name's tn_hash (low 32 bits) and its index
 * + 1 (0: empty). */
typedef struct tn_name_slot {
    uint32_t hash, index;
} tn_name_slot;

/* API operation of a kind: its name and the subject operation it performs,
 * and (optionally) its valid parameter names. */
typedef struct tn_api_op {
    const char *name;
    size_t norm_len; /* length of name without '-' and '_' (0: not counted) */
    tn_operation op;
    const char **params;
    size_t nparams;
    /* The params by tn_hash, made by the compiler (NULL: search the list):
     * open addressing over param_cap (a power of two) slots. */
    const tn_name_slot *param_slots;
    size_t param_cap;
} tn_api_op;

/* Where a kind's fields live in one input format. `format` is the rules-file
 * key: "cloudformation", "terraform" or "api". */
typedef struct tn_format_map {
    const char *format;
    const char **types;     /* CFN resource types / Terraform resource types */
    size_t ntypes;
    tn_field_map *fields;   /* [kind->nfields]; nalts == 0 = not available in this format */
    tn_api_op *ops;         /* api only */
    size_t nops;
    const char *service;    /* api only: the service the operations belong to, or NULL */
} tn_format_map;

typedef struct tn_field {
    const char *name;
    tn_ftype type;
    tn_value def;            /* kind TN_V_ABSENT when there is no default */
    const char **refs;       /* kinds a reference in this field may link to */
    size_t nrefs;
    long derive_from;        /* index of the source field, or -1 */
    struct tn_regex *derive; /* capture group 1 of this regex on the source field */
    const char *derive_note; /* "derived from <source>": a derived value's provenance */
    const char *description;
} tn_field;

typedef struct tn_kind {
    const char *name;
    const char *title;
    tn_field *fields;
    size_t nfields;
    tn_format_map *maps;
    size_t nmaps;
    /* Indexes of the rules of this kind, ascending (tenet_ruleset.by_kind). */
    const size_t *rules;
    size_t nrules;
} tn_kind;

typedef struct tn_set {
    const char *name;
    const char **values;
    size_t n;
    tn_span span;
} tn_set;

typedef enum tn_pseudo {
    TN_PSEUDO_NONE = 0,
    TN_PSEUDO_REGION,    /* @region */
    TN_PSEUDO_OPERATION, /* @operation */
    TN_PSEUDO_FORMAT,    /* @format */
    TN_PSEUDO_NAME,      /* @name */
    TN_PSEUDO_KIND,      /* @kind */
    TN_PSEUDO_TYPE       /* @type */
} tn_pseudo;

/* A field reference, possibly through links: "engine", "@region",
 * "key_id->deletion_policy", "a->b->@kind". */
typedef struct tn_fieldref {
    const char *text;
    const char **hops; /* field names; a pseudo-field may only be the last hop */
    size_t nhops;
    long first;        /* index of hops[0] in the rule's kind, or -1 for a pseudo */
    tn_pseudo pseudo;  /* pseudo-field of the last hop, or NONE */
} tn_fieldref;

typedef enum tn_opr {
    TN_OPR_EQUALS,
    TN_OPR_IN,
    TN_OPR_MATCHES,
    TN_OPR_VERSION,
    TN_OPR_PRESENT,
    TN_OPR_IS,
    TN_OPR_GT,
    TN_OPR_GE,
    TN_OPR_LT,
    TN_OPR_LE,
    TN_OPR_CONTAINS,
    TN_OPR_CHANGED,
    TN_OPR_LINKED
} tn_opr;

const char *tn_opr_name(tn_opr op);

typedef enum tn_test_type { TN_TEST_ALL, TN_TEST_ANY, TN_TEST_NOT, TN_TEST_OP } tn_test_type;

typedef struct tn_test tn_test;
struct tn_test {
    tn_test_type type;
    tn_test **kids;           /* ALL/ANY: n kids; NOT: 1 kid */
    size_t n;
    tn_opr op;                /* TN_TEST_OP */
    tn_value arg;             /* literal argument (string, bool, number, list of scalars) */
    const tn_set *set;        /* `in: $set` */
    struct tn_regex *regex;   /* matches */
    struct tn_vrange *range;  /* version */
    tn_span span;             /* in the rules file */
};

typedef enum tn_cond_type { TN_COND_ALL, TN_COND_ANY, TN_COND_NOT, TN_COND_FIELD } tn_cond_type;

typedef struct tn_cond tn_cond;
struct tn_cond {
    tn_cond_type type;
    tn_cond **kids;
    size_t n;
    tn_fieldref ref; /* FIELD */
    tn_test *test;   /* FIELD */
    tn_span span;
};

/* A piece of a message template: literal text (ref NULL), or a placeholder
 * the message shows the value of (text is then the placeholder as written). */
typedef struct tn_msg_part {
    const char *text;
    size_t len;
    const tn_fieldref *ref;
} tn_msg_part;

typedef enum tn_on_unknown {
    TN_UNKNOWN_REPORT = 0, /* an info "could not verify ... because ..." (default) */
    TN_UNKNOWN_PASS,       /* say nothing */
    TN_UNKNOWN_FAIL        /* treat as a violation at the rule's severity */
} tn_on_unknown;

typedef struct tn_rule {
    const char *id;
    const char *title;
    const tn_kind *kind;
    unsigned ops;             /* tn_operation mask; default create|update|replace */
    const char *ops_text;
    tenet_severity severity;
    const tn_cond *when;      /* NULL = always */
    const tn_cond *require;   /* NULL = the rule fires whenever `when` holds */
    const char *message;
    /* The message cut into parts at compile time when it has placeholders;
     * NULL: it is shown as written, or (a rule not compiled from a pack)
     * cut when shown. */
    const tn_msg_part *msg_parts;
    size_t nmsg_parts;
    const char *fix;
    const char *source;
    const char *quote;
    const char *why;
    tn_on_unknown on_unknown;
    const tn_fieldref *at;    /* field whose position a finding points at, or NULL */
    bool suppressible;
    size_t pack;
    tn_span span;
} tn_rule;

typedef struct tn_pack {
    const char *name;
    const char *title;
    const char *data_as_of;
    const char *source;
    const char *file;
} tn_pack;

struct tenet_ruleset {
    tn_arena arena;
    tn_pack *packs;
    size_t npacks;
    tn_kind *kinds;
    size_t nkinds;
    tn_set *sets;
    size_t nsets;
    tn_rule *rules;
    size_t nrules;
    const tn_set *regions; /* the set `--region all` expands to, or NULL */
    /* kinds[].rules list every rule (made by the compiler): the evaluator
     * then visits only a subject's own kind's rules. */
    bool by_kind;
    /* Compiled regexes (derive, matches): owned here, freed with the ruleset. */
    struct tn_regex **regexes;
    size_t nregexes;
};

const tn_kind *tn_ruleset_kind(const tenet_ruleset *rs, const char *name);
const tn_set *tn_ruleset_set(const tenet_ruleset *rs, const char *name);
/* Index of a field in a kind, or -1. */
long tn_kind_field(const tn_kind *kind, const char *name);
const tn_format_map *tn_kind_format(const tn_kind *kind, const char *format);
/* The kind (and its map) whose `format` mapping lists `type`, or NULL. */
const tn_kind *tn_ruleset_kind_for_type(const tenet_ruleset *rs, const char *format,
                                        const char *type, const tn_format_map **map_out);
bool tn_set_contains(const tn_set *set, const char *s, size_t len);

#endif
