/* Internals of the CloudFormation frontend, shared by its files and exposed
 * for unit tests: the per-run index of a template, intrinsic functions,
 * value resolution under a scenario, conditions and scenarios. */
#ifndef TN_CFN_H
#define TN_CFN_H
#include "eval/tristate.h"
#include "frontend/frontend.h"
#include "util/strmap.h"
#include <stdbool.h>
#include <stdint.h>

extern const tn_frontend tn_frontend_cloudformation;

/* ---- intrinsic functions (cfn_intrinsics.c) ---- */

/* One intrinsic call, whichever way it was written: `!If [...]` or
 * `{"Fn::If": [...]}`. */
typedef struct tn_cfn_fn {
    const char *name;   /* "Ref", "Condition", "Fn::If", ...; for an unknown tag, the tag */
    const tn_node *arg; /* the argument */
    bool arg_tagged;    /* `arg` is the tagged node itself: read it ignoring its tag */
    bool short_form;    /* written as a YAML tag */
    bool unknown_tag;   /* a `!Name` tag that is no CloudFormation function */
} tn_cfn_fn;

/* True when `n` is an intrinsic call. With `ignore_tag` the node's own tag
 * is not considered (it belongs to an enclosing call already decoded). */
bool tn_cfn_intrinsic(const tn_node *n, bool ignore_tag, tn_cfn_fn *out);

/* The target of a GetAtt: `A.B.C` (scalar form) or [A, B] (list form).
 * *attr_node is the list form's attribute node (may be an intrinsic), else NULL. */
bool tn_cfn_getatt_target(const tn_cfn_fn *fn, const char **res, size_t *res_len, const char **attr,
                          size_t *attr_len, const tn_node **attr_node);

/* Calls `cb` for each `${Name}` variable of a Fn::Sub string (not `${!Literal}`). */
typedef int (*tn_cfn_sub_var_fn)(void *payload, const char *name, size_t len);
int tn_cfn_sub_scan(const char *s, size_t len, tn_cfn_sub_var_fn cb, void *payload);

/* ---- the per-run index (cfn.c) ---- */

typedef struct tn_cfn_param {
    const char *name;
    const tn_node *key, *node;
    const tn_node *def;     /* Default, or NULL */
    const tn_node *allowed; /* AllowedValues sequence, or NULL */
    const char *type;       /* Type as written ("String" when missing) */
    bool ssm;               /* AWS::SSM::Parameter::Value<...> */
    bool is_list;           /* CommaDelimitedList or List<...> */
    const char *given;      /* --param value, or NULL */
    /* Provenance and reason texts, made on first use ("Parameters.<name>
     * Default", ...): every reference of every scenario would format them again. */
    const char *prov_given, *prov_default, *prov_allowed;
    const char *why_ssm, *why_not_given, *why_no_default;
    /* Its allowed values other than the baseline, each once: the values a
     * scenario may choose (cfn_scenario.c); made on first use, as they do
     * not depend on the region. */
    const char **choices;
    size_t nchoices;
} tn_cfn_param;

typedef struct tn_cfn_cond {
    const char *name;
    const tn_node *key, *def;
    unsigned gen;  /* region generation of `pinned` */
    tn_tri pinned; /* value from --param values, literals and the region */
    const char *reason;
    bool visiting; /* cycle guard */
    int cyclic;    /* 0 not yet known, 1 no, 2 its definition reaches itself */
    unsigned mark; /* visit mark of the cycle search */
    unsigned skip_mark; /* == tn_cfn_scn.skip_mark: skipped in those scenarios */
} tn_cfn_cond;

typedef struct tn_cfn_res {
    const char *name;
    size_t name_len;
    const tn_node *key, *node;
    const char *type;    /* NULL when the entry has no scalar Type */
    const tn_kind *kind; /* NULL when no loaded kind maps the type */
    const tn_format_map *map;
    const char *path;       /* Resources.<id> */
    const char *props_path; /* Resources.<id>.Properties */
    const tn_node *props;   /* its Properties node, or NULL */
    bool noted;             /* scenario-limit note emitted */
    const char *ref_reason; /* "refers to resource <id> ...", made on first use */
    struct tn_cfn_descent **descents; /* where its mapping leads (tn_cfn_descend), or NULL */
    struct tn_cfn_refs *refs; /* what that refers to (cfn_scenario.c), or NULL until known */
    /* Its linked subjects, valid while links_gen == cfn->links_gen (they
     * live as long as the judgement of one resource in one region). */
    struct tn_cfn_link *links;
    unsigned links_gen;
} tn_cfn_res;

/* The consistent truth assignments of one list of enumerated conditions
 * (cfn_scenario.c), kept for the next resource: most resources of a
 * template use the same conditions, and checking every assignment for each
 * of them again costs more than all the rest of their scenarios. */
typedef struct tn_cfn_assignments {
    bool valid;
    unsigned gen;           /* region generation they were found in */
    tn_cfn_cond **conds;    /* [j], owned (tn_free) */
    size_t j;
    tn_tri *good;           /* [ngood * j], owned */
    size_t ngood;
} tn_cfn_assignments;

typedef struct tn_cfn {
    tn_run *run;
    tn_arena *arena; /* run->arena: the index, linked subjects */
    const tn_node *root, *resources, *parameters, *conditions, *mappings;
    tn_strmap params, conds, maps,
        res; /* name → tn_cfn_param*, tn_cfn_cond*, tn_node*, tn_cfn_res* */
    tn_cfn_res *resv;
    size_t nres;
    const char *region;
    const char *region_reason;
    unsigned gen;    /* bumped per region */
    unsigned links_gen; /* bumped when the linked subjects are forgotten (tn_cfn_res.links) */
    int status;      /* first allocation failure seen where no status can be returned */
    unsigned mark;   /* cycle search generation */
    size_t values;   /* values resolved so far (every region, scenario and link; a
                        value scenarios share counts in each, as if resolved again) */
    unsigned skip_gen; /* last tn_cfn_scn.skip_mark handed out */
    tn_cfn_assignments assignments;
} tn_cfn;

/* Work bounds, so a small template cannot make a check run for minutes:
 * alias expansion (within max_alias_nodes) times scenarios times regions
 * multiplies the values a check builds. A resource gets no more scenarios
 * than TN_CFN_SCENARIO_VALUES / (values one scenario resolves), and a check
 * that resolves more than TN_CFN_MAX_VALUES values in all stops with a
 * positioned TENET_ELIMIT error. */
#define TN_CFN_SCENARIO_VALUES ((size_t)1000000)
#define TN_CFN_MAX_VALUES ((size_t)5000000)

/* Indexes the template of `run` (run->doc). Returns TENET_OK or TENET_ENOMEM. */
int tn_cfn_init(tn_cfn *cfn, tn_run *run);
void tn_cfn_dispose(tn_cfn *cfn);
/* Sets the region under evaluation (NULL: unknown, with `reason`). */
int tn_cfn_set_region(tn_cfn *cfn, const char *region, const char *reason);
const tn_cfn_param *tn_cfn_param_get(const tn_cfn *cfn, const char *name, size_t len);
tn_cfn_cond *tn_cfn_cond_get(const tn_cfn *cfn, const char *name, size_t len);
const tn_cfn_res *tn_cfn_res_get(const tn_cfn *cfn, const char *name, size_t len);

/* The loading pruner of templates (cfn_prune.c): `ruleset` is the
 * tenet_ruleset the template will be checked with. */
#define TN_CFN_PRUNE_DEPTH 4
bool tn_cfn_prune(void *ruleset, const tn_doc_level *levels, size_t depth);
bool tn_cfn_prune_keep(void *ruleset, const tn_node *value);

/* Records the suppressions of `Metadata: {tenet: {ignore: [...]}}` on the
 * template and on each resource through tn_run_ignore (cfn_ignore.c). */
int tn_cfn_read_ignores(tn_cfn *cfn);

/* ---- scenarios (cfn_scenario.c) ---- */

typedef struct tn_cfn_scn {
    tn_cfn_cond *const *conds; /* enumerated conditions */
    const tn_tri *vals;        /* their values in this scenario */
    size_t nconds;
    tn_cfn_cond *const *skipped; /* free conditions left unknown (scenario limit) */
    size_t nskipped;
    size_t nfree;              /* free conditions in all */
    unsigned skip_mark;        /* non-zero: the skipped conditions carry it (no scan) */
    const tn_cfn_param *param; /* the one parameter set to another allowed value, or NULL */
    const char *value;
    const char *name; /* NULL for the single baseline scenario */
} tn_cfn_scn;

/* The scenarios of a resource under the current region, allocated in
 * `arena`. When the bound dropped parameter choices or conditions,
 * *limit_msg says which (else NULL). */
int tn_cfn_scenarios(tn_cfn *cfn, const tn_cfn_res *r, tn_arena *arena, tn_cfn_scn **out, size_t *n,
                     const char **limit_msg);

/* ---- scenario dependencies (cfn_subject.c) ---- */

/* What a value read of its scenario: the enumerated conditions whose assigned
 * truth it used, and the parameters whose value a scenario may choose. In
 * another scenario of the same resource that agrees on all of them the value
 * is the same, so scenarios share it instead of resolving it again. */
#define TN_CFN_DEP_PARAMS 4
typedef struct tn_cfn_deps {
    uint64_t conds; /* bit i: tn_cfn_scn.conds[i] (at most 30 are enumerated) */
    const tn_cfn_param *params[TN_CFN_DEP_PARAMS];
    unsigned nparams;
    bool all; /* more than this records, or a reference cycle: this scenario's own */
} tn_cfn_deps;

/* Whether a value that read `d` in scenario `from` is the same in `to`. */
bool tn_cfn_deps_hold(const tn_cfn_deps *d, const tn_cfn_scn *from, const tn_cfn_scn *to);
void tn_cfn_deps_merge(tn_cfn_deps *into, const tn_cfn_deps *from);

/* ---- resolution (cfn_resolve.c, cfn_functions.c, cfn_conditions.c) ---- */

typedef struct tn_cfn_env {
    tn_cfn *cfn;
    tn_arena *arena;       /* where resolved values go */
    const tn_cfn_scn *scn; /* NULL: no scenario */
    bool conditions_only;  /* condition evaluation: parameters only from --param */
    int depth;             /* link depth of the subject being built */
    int cond_depth;        /* nesting of condition references */
    int open_ifs;          /* Fn::If with unknown conditions being resolved both ways */
    const tn_field *field; /* field being resolved (its refs choose links), or NULL */
    tn_cfn_deps *deps;     /* records what the value reads of env->scn, or NULL */
} tn_cfn_env;

/* Records in env->deps that the value read enumerated condition `i` of
 * env->scn, parameter `p` (whose value a scenario may choose), or everything. */
void tn_cfn_dep_cond(tn_cfn_env *env, size_t i);
void tn_cfn_dep_param(tn_cfn_env *env, const tn_cfn_param *p);
void tn_cfn_dep_all(tn_cfn_env *env);

/* Resolves node `n` (written at document path `path`) under `env`. AWS::NoValue
 * gives TN_V_ABSENT. Returns TENET_OK, TENET_ENOMEM, or TENET_ELIMIT (with
 * run->err set) past TN_CFN_MAX_VALUES. */
int tn_cfn_resolve(tn_cfn_env *env, const tn_node *n, bool ignore_tag, const char *path,
                   tn_value *out);
/* Intrinsic functions other than Ref/If/Sub (cfn_functions.c). */
int tn_cfn_resolve_fn(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                      tn_value *out);

/* Value of condition `name` under env: the scenario's assignment, its pinned
 * value, or its definition evaluated; *reason says why when unknown. */
tn_tri tn_cfn_cond_value(tn_cfn_env *env, const char *name, size_t len, const char **reason);
/* Evaluates a condition expression (Fn::Equals/And/Or/Not, Condition). */
tn_tri tn_cfn_cond_eval(tn_cfn_env *env, const tn_node *n, bool ignore_tag, const char **reason);
/* Whether a condition's definition refers back to itself through Condition
 * references (CloudFormation rejects such templates). */
bool tn_cfn_cond_cyclic(tn_cfn *cfn, tn_cfn_cond *c);
/* Evaluates the definition of a condition (cycle-safe). */
tn_tri tn_cfn_cond_def(tn_cfn_env *env, tn_cfn_cond *c, const char **reason);

/* Value helpers shared by the resolver files (cfn_values.c). */
/* An UNKNOWN with a formatted reason; TENET_ENOMEM (and cfn->status) on failure. */
int tn_cfn_unknownf(tn_cfn_env *env, tn_value *out, const tn_node *at, const char *path,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
void tn_cfn_unknown(tn_value *out, const tn_node *at, const char *path, const char *reason);
void tn_cfn_string(tn_value *out, const char *s, size_t len, const tn_node *at, const char *path);
/* Re-points a value from outside the resource (a parameter default, a
 * mapping) at the node that referenced it, recursively. */
void tn_cfn_restamp(tn_value *v, const tn_node *at, const char *path, const char *provenance,
                    tn_arena *arena);
bool tn_cfn_value_equal(const tn_value *a, const tn_value *b);
/* Scalar text of a known scalar value, or NULL. */
const char *tn_cfn_scalar_text(const tn_value *v, size_t *len);
/* "<path>.<key>" / "<path>[i]" in the arena (NULL on failure). */
const char *tn_cfn_path_key(tn_arena *a, const char *path, const char *key, size_t len);
const char *tn_cfn_path_index(tn_arena *a, const char *path, size_t i);

/* ---- subjects (cfn_subject.c) ---- */

/* Where alternative `a` of field `f` of `r`'s mapping leads through the plain
 * document: down its path until an intrinsic function or an index step. */
typedef struct tn_cfn_descent {
    const tn_node *node; /* NULL: the field is absent */
    size_t steps;        /* path segments taken */
    const char *path;    /* document path of `node`, made when a lookup needs it */
} tn_cfn_descent;

/* Found once per resource (in the check's arena: it depends on neither the
 * scenario nor the region) for the scenario walk and every lookup; NULL on
 * allocation failure. */
tn_cfn_descent *tn_cfn_descend(tn_cfn *cfn, const tn_cfn_res *r, size_t f, size_t a);

/* The field values a resource's scenarios share (see tn_cfn_deps), in the
 * arena of the resource's judgement. Zero-initialised; one per resource. */
typedef struct tn_cfn_fcache {
    struct tn_cfn_fval **fields; /* [kind->nfields] lists, allocated on first use */
    uint32_t nvals;              /* values cached: the next one's tn_subject.field_ids id */
    struct tn_cfn_fbuild *build; /* per-build scratch, reused by each scenario */
} tn_cfn_fcache;

/* The subject of resource `r` under `scn`, built lazily in env->arena and
 * shared by the scenarios it does not depend on until the links are
 * forgotten (another region, the next resource judged); NULL past the link
 * depth or on allocation failure (cfn->status says which). */
const tn_subject *tn_cfn_linked_subject(tn_cfn_env *env, const tn_cfn_res *r);
/* Builds the subject of `r` under `scn` into `s`, allocating in `arena`.
 * With `cache`, fields another scenario of `r` already resolved the same way
 * are copied from it (and new ones added). */
int tn_cfn_build_subject_cached(tn_cfn *cfn, const tn_cfn_res *r, const tn_cfn_scn *scn,
                                int depth, tn_arena *arena, tn_cfn_fcache *cache, tn_subject *s);
int tn_cfn_build_subject(tn_cfn *cfn, const tn_cfn_res *r, const tn_cfn_scn *scn, int depth,
                         tn_arena *arena, tn_subject *s);
/* Forgets every linked subject (their arena is about to go). */
void tn_cfn_forget_links(tn_cfn *cfn);

#endif
