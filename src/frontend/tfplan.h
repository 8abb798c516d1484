/* The Terraform plan JSON frontend (`terraform show -json PLANFILE`).
 * Internal: shared by tfplan.c (subjects, fields, links) and tfplan_config.c
 * (addresses, the `configuration` section, provider regions), and exposed
 * for unit tests. */
#ifndef TN_TFPLAN_H
#define TN_TFPLAN_H
#include "frontend/frontend.h"
#include "util/strmap.h"

extern const tn_frontend tn_frontend_terraform_plan;

int tn_tfplan_detect(const char *text, size_t len, const tn_doc *doc);
int tn_tfplan_run(tn_run *run);

/* The loading pruner of plans (tfplan_prune.c): `ruleset` is the
 * tenet_ruleset the plan will be checked with. */
#define TN_TFPLAN_PRUNE_DEPTH 6
bool tn_tfplan_prune(void *ruleset, const tn_doc_level *levels, size_t depth);

/* Operation of a change.actions array. Sets *judged to whether a subject
 * with these actions is judged (create, update, replace). */
tn_operation tn_tfplan_actions(const tn_node *actions, bool *judged);

/* A module call name inside an address (instance key dropped). */
typedef struct tn_tfplan_call {
    const char *name;
    size_t len;
    size_t end; /* length of the address prefix up to and including this call */
} tn_tfplan_call;

#define TN_TFPLAN_MAX_DEPTH 32

/* Splits `module.a["k"].module.b[0].aws_x.y[1]`: the call names (a, b) go to
 * calls[] and *res_off is the offset of the resource part (aws_x.y[1]), so
 * addr[0..res_off) is the module prefix with its instance keys. Returns the
 * number of calls, or -1 when the address is malformed or too deep. */
int tn_tfplan_parse_address(const char *addr, size_t len, tn_tfplan_call *calls, size_t max,
                            size_t *res_off);

/* Length of the leading `type.name[key]` (or `data.type.name[key]`) of a
 * configuration reference such as `aws_s3_bucket.b[0].arn`; 0 when the
 * reference does not name a resource (var., local., module., ...).
 * *has_index tells whether an instance key was written. */
size_t tn_tfplan_ref_resource(const char *ref, size_t len, bool *has_index);

/* One resource_changes element and its lazily built subject. */
typedef struct tn_tfplan_rc {
    const tn_node *node; /* the element (a mapping) */
    size_t index;        /* position in resource_changes */
    const char *address;
    size_t prefix_len;     /* address[0..prefix_len): module prefix with instance keys */
    const char *base;      /* address without its own instance key */
    tn_tfplan_call *calls; /* module call names of the address */
    int ncalls;            /* -1: address not understood (no configuration lookups) */
    const tn_node *conf;   /* configuration resource, NULL if not found */
    bool conf_done;
    int state; /* 0 not built, 1 building, 2 built, 3 not a subject */
    tn_subject *subject;
} tn_tfplan_rc;

typedef struct tn_tfplan {
    tn_run *run;
    const tn_node *root;
    const tn_node *config;          /* configuration */
    const tn_node *provider_config; /* configuration.provider_config */
    const tn_node *variables;       /* top-level variables */
    tn_tfplan_rc *rcs;
    size_t nrcs;
    tn_strmap by_addr; /* address -> rc */
    tn_strmap by_base; /* base address -> rc, or a marker when several instances share it */
    tn_strmap conf_index; /* (module, type, name[, mode]) -> configuration resource index + 1 */
    int depth;         /* nesting of link building */
} tn_tfplan;

/* The configuration resource of a change (found by module path, mode, type
 * and name), or NULL. Cached in rc. */
const tn_node *tn_tfplan_conf_resource(tn_tfplan *p, tn_tfplan_rc *rc);

/* The region of a change: the per-resource `region` in `after` (passed as
 * `after_region`, may be NULL), else its provider configuration's region (a
 * constant or a variable reference). Returns the region or NULL with
 * *reason set. */
const char *tn_tfplan_region(tn_tfplan *p, tn_tfplan_rc *rc, const tn_node *after_region,
                             const char **reason);

/* `var.NAME...` → NAME; false for other references. */
bool tn_tfplan_var_name(const tn_node *ref, const char **name, size_t *len);

/* The expression the call of module calls[0..n) gives its variable `name`
 * (module_calls.<call>.expressions.<name> in the parent), or NULL. */
const tn_node *tn_tfplan_call_expr(tn_tfplan *p, const tn_tfplan_call *calls, int n,
                                   const char *name, size_t len);

/* Resolves a configuration expression ({constant_value} or {references:
 * [var.x]}) in the module given by calls[0..ncalls) to a constant node, or
 * NULL. */
const tn_node *tn_tfplan_resolve_expr(tn_tfplan *p, const tn_tfplan_call *calls, int ncalls,
                                      const tn_node *expr, int depth);

#endif
