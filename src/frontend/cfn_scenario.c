/* Scenarios of one resource: the truth assignments of the free conditions it
 * uses, times one-factor-at-a-time choices among the AllowedValues of the
 * parameters it references. Only the parts of the resource that the kind's
 * mapping reads are considered, so a condition on a tag does not multiply the
 * work. The number of scenarios is bounded: past the bound parameter choices
 * go first, then conditions stop being enumerated (they become unknown). */
#include "frontend/cfn.h"
#include "util/buf.h"
#include "util/strmap.h"
#include "util/vec.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_SCENARIOS 256

typedef struct collect {
    tn_cfn *cfn;
    TN_VEC(tn_cfn_cond *) conds;
    TN_VEC(const tn_cfn_param *) params;
    tn_strmap seen_conds, seen_params; /* by name: one definition per name */
    const tn_node *sub_vars; /* the variables map of the Fn::Sub being scanned */
    size_t nodes;            /* nodes walked: the values one scenario resolves */
    int status;
} collect;

/* Hashed, so a resource naming thousands of conditions or parameters stays
 * linear. A name has one definition (the last, as lookups find it). */
static bool seen_before(collect *c, tn_strmap *seen, const char *name, const void *def) {
    size_t len = strlen(name);
    if (tn_strmap_get(seen, name, len) != NULL)
        return true;
    if (tn_strmap_put(seen, name, len, (void *)def) != 0) {
        c->status = TENET_ENOMEM;
        return true;
    }
    return false;
}

static void add_cond(collect *c, const char *name, size_t len) {
    tn_cfn_cond *cond = tn_cfn_cond_get(c->cfn, name, len);
    if (cond == NULL || tn_cfn_cond_cyclic(c->cfn, cond))
        return; /* undefined or circular: stays unknown with its own reason */
    if (seen_before(c, &c->seen_conds, cond->name, cond))
        return;
    if (TN_VEC_PUSH(c->conds, cond) != 0)
        c->status = TENET_ENOMEM;
}

static void add_param(collect *c, const char *name, size_t len) {
    const tn_cfn_param *p = tn_cfn_param_get(c->cfn, name, len);
    if (p == NULL)
        return;
    if (seen_before(c, &c->seen_params, p->name, p))
        return;
    if (TN_VEC_PUSH(c->params, p) != 0)
        c->status = TENET_ENOMEM;
}

static int sub_var(void *payload, const char *name, size_t len) {
    collect *c = payload;
    if (c->sub_vars == NULL || tn_map_getn(c->sub_vars, name, len) == NULL)
        add_param(c, name, len);
    return 0;
}

static void walk(collect *c, const tn_node *n, bool ignore_tag) {
    if (n == NULL)
        return;
    c->nodes++;
    tn_cfn_fn fn;
    if (tn_cfn_intrinsic(n, ignore_tag, &fn)) {
        const tn_node *a = fn.arg;
        if (strcmp(fn.name, "Fn::If") == 0 && a->type == TN_NODE_SEQ && a->n > 0 &&
            tn_node_is_scalar(a->ch.items[0]) && a->ch.items[0]->str != NULL)
            add_cond(c, a->ch.items[0]->str, a->ch.items[0]->len);
        else if (strcmp(fn.name, "Condition") == 0 && fn.short_form && a->str != NULL)
            add_cond(c, a->str, a->len);
        else if (strcmp(fn.name, "Ref") == 0 && tn_node_is_scalar(a) && a->str != NULL)
            add_param(c, a->str, a->len);
        else if (strcmp(fn.name, "Fn::Sub") == 0) {
            const tn_node *tmpl = a;
            c->sub_vars = NULL;
            if (a->type == TN_NODE_SEQ && a->n == 2) {
                tmpl = a->ch.items[0];
                c->sub_vars = a->ch.items[1];
            }
            if (tmpl != NULL && tmpl->type == TN_NODE_STRING)
                tn_cfn_sub_scan(tmpl->str, tmpl->len, sub_var, c);
            c->sub_vars = NULL;
        }
        walk(c, a, fn.arg_tagged);
        return;
    }
    if (n->type == TN_NODE_MAP)
        for (size_t i = 0; i < n->n; i++)
            walk(c, n->ch.pairs[i].value, false);
    else if (n->type == TN_NODE_SEQ)
        for (size_t i = 0; i < n->n; i++)
            walk(c, n->ch.items[i], false);
}

/* Walks what a mapping alternative reads: down its path while the document
 * is plain (tn_cfn_descend), then the whole subtree (an intrinsic on the way
 * may produce it). */
static void walk_alt(collect *c, const tn_cfn_res *r, size_t f, size_t a) {
    const tn_cfn_descent *d = tn_cfn_descend(c->cfn, r, f, a);
    if (d == NULL)
        c->status = TENET_ENOMEM;
    else
        walk(c, d->node, false);
}

/* The conditions and parameters a resource's mapped properties (and its own
 * Condition) refer to, and the nodes walked: found once per resource, in
 * the check's arena, as they depend on neither the scenario nor the region. */
typedef struct tn_cfn_refs {
    tn_cfn_cond **conds;
    const tn_cfn_param **params;
    size_t nconds, nparams, nodes;
} tn_cfn_refs;

static int collect_refs(collect *c, const tn_cfn_res *r) {
    tn_cfn *cfn = c->cfn;
    const tn_cfn_refs *known = r->refs;
    if (known != NULL) {
        for (size_t i = 0; i < known->nconds && c->status == TENET_OK; i++)
            if (TN_VEC_PUSH(c->conds, known->conds[i]) != 0)
                c->status = TENET_ENOMEM;
        for (size_t i = 0; i < known->nparams && c->status == TENET_OK; i++)
            if (TN_VEC_PUSH(c->params, known->params[i]) != 0)
                c->status = TENET_ENOMEM;
        c->nodes = known->nodes;
        return c->status;
    }
    const tn_node *own = tn_map_get(r->node, "Condition");
    if (own != NULL && tn_node_is_scalar(own) && own->str != NULL)
        add_cond(c, own->str, own->len);
    for (size_t f = 0; f < r->kind->nfields; f++)
        for (size_t k = 0; k < r->map->fields[f].nalts; k++)
            walk_alt(c, r, f, k);
    if (c->status != TENET_OK)
        return c->status;
    tn_cfn_refs *refs = tn_arena_alloc(cfn->arena, sizeof *refs);
    if (refs == NULL)
        return TENET_ENOMEM;
    refs->nconds = c->conds.n;
    refs->nparams = c->params.n;
    refs->nodes = c->nodes;
    refs->conds = tn_arena_alloc(cfn->arena, (c->conds.n ? c->conds.n : 1) * sizeof *refs->conds);
    refs->params =
        tn_arena_alloc(cfn->arena, (c->params.n ? c->params.n : 1) * sizeof *refs->params);
    if (refs->conds == NULL || refs->params == NULL)
        return TENET_ENOMEM;
    if (c->conds.n > 0)
        memcpy(refs->conds, c->conds.v, c->conds.n * sizeof *refs->conds);
    if (c->params.n > 0)
        memcpy(refs->params, c->params.v, c->params.n * sizeof *refs->params);
    cfn->resv[r - cfn->resv].refs = refs; /* the index is ours to update */
    return TENET_OK;
}

static const char *scalar_of(const tn_node *n) {
    tn_cfn_fn fn;
    if (n == NULL || !tn_node_is_scalar(n) || n->str == NULL || tn_cfn_intrinsic(n, false, &fn))
        return NULL;
    return n->str;
}

typedef struct variant {
    const tn_cfn_param *param;
    const char *value;
} variant;
typedef TN_VEC(variant) variant_vec;

/* The allowed values of `p` a scenario may choose, each once and in order.
 * Repeated values are dropped through a hash set (lists of many thousands of
 * values must not take quadratic time). */
static int param_choices(tn_cfn *cfn, tn_cfn_param *p) {
    const char *base = scalar_of(p->def);
    if (base == NULL)
        base = scalar_of(p->allowed->ch.items[0]);
    const char **choices = tn_arena_alloc(cfn->arena, p->allowed->n * sizeof *choices);
    if (choices == NULL)
        return TENET_ENOMEM;
    size_t n = 0;
    tn_strmap values = {0};
    for (size_t j = 0; j < p->allowed->n; j++) {
        const char *v = scalar_of(p->allowed->ch.items[j]);
        if (v == NULL || (base != NULL && strcmp(v, base) == 0))
            continue;
        size_t len = strlen(v);
        if (tn_strmap_get(&values, v, len) != NULL)
            continue;
        if (tn_strmap_put(&values, v, len, (void *)v) != 0) {
            tn_strmap_free(&values);
            return TENET_ENOMEM;
        }
        choices[n++] = v;
    }
    tn_strmap_free(&values);
    p->choices = choices;
    p->nchoices = n;
    return TENET_OK;
}

/* One-factor variants of the referenced parameters not given with --param. */
static int param_variants(collect *c, variant_vec *out) {
    for (size_t i = 0; i < c->params.n; i++) {
        /* the index is ours to update: choices are made once per check */
        tn_cfn_param *p = (tn_cfn_param *)c->params.v[i];
        if (p->given != NULL || p->ssm || p->is_list || p->allowed == NULL || p->allowed->n < 2)
            continue;
        int rc;
        if (p->choices == NULL && (rc = param_choices(c->cfn, p)) != TENET_OK)
            return rc;
        for (size_t j = 0; j < p->nchoices; j++)
            if (TN_VEC_PUSH(*out, ((variant){p, p->choices[j]})) != 0)
                return TENET_ENOMEM;
    }
    return TENET_OK;
}

/* Declaration order, by document offset (deterministic; ties only come from aliases). */
static int by_cond_position(const void *x, const void *y) {
    const tn_cfn_cond *a = *(tn_cfn_cond *const *)x, *b = *(tn_cfn_cond *const *)y;
    return a->key->span.off < b->key->span.off ? -1 : a->key->span.off > b->key->span.off;
}

static int by_param_position(const void *x, const void *y) {
    const tn_cfn_param *a = *(const tn_cfn_param *const *)x;
    const tn_cfn_param *b = *(const tn_cfn_param *const *)y;
    return a->key->span.off < b->key->span.off ? -1 : a->key->span.off > b->key->span.off;
}

static char *append(char *o, const char *s) {
    size_t n = strlen(s);
    memcpy(o, s, n);
    return o + n;
}

static const char *scenario_name(tn_arena *a, tn_cfn_cond *const *conds, const tn_tri *vals,
                                 size_t nconds, const variant *v) {
    if (nconds == 0 && v == NULL)
        return NULL;
    /* Every scenario of every resource gets a name: measured, then written
     * in place (no printf, no growing buffer). */
    size_t len = 0;
    for (size_t i = 0; i < nconds; i++)
        len += (i == 0 ? 5 : 2) + strlen(conds[i]->name) + (vals[i] == TN_TRUE ? 8 : 9);
    if (v != NULL)
        len += (nconds > 0 ? 2 : 0) + strlen(v->param->name) + 1 + strlen(v->value);
    char *s = tn_arena_alloc(a, len + 1), *o = s;
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < nconds; i++) {
        o = append(o, i == 0 ? "when " : ", ");
        o = append(o, conds[i]->name);
        o = append(o, vals[i] == TN_TRUE ? " is true" : " is false");
    }
    if (v != NULL) {
        o = append(o, nconds > 0 ? "; " : "");
        o = append(o, v->param->name);
        *o++ = '=';
        o = append(o, v->value);
    }
    *o = '\0';
    return s;
}

/* Whether an assignment of the enumerated conditions can hold together: each
 * condition's definition, evaluated from the others, must not contradict it
 * (HasB = !Not [!Condition HasA] excludes HasA = HasB = true). */
static bool consistent(tn_cfn *cfn, tn_arena *a, const tn_cfn_scn *s) {
    tn_cfn_env env = {.cfn = cfn, .arena = a, .scn = s, .conditions_only = true};
    for (size_t i = 0; i < s->nconds; i++) {
        const char *reason = NULL;
        tn_tri t = tn_cfn_cond_def(&env, s->conds[i], &reason);
        if (t != TN_UNKNOWN && t != s->vals[i])
            return false;
    }
    return true;
}

/* Keeps the consistent assignments of `conds` for the next resource. */
static int keep_assignments(tn_cfn *cfn, tn_cfn_cond *const *conds, size_t j, const tn_tri *good,
                            size_t ngood) {
    tn_cfn_assignments *last = &cfn->assignments;
    tn_free(last->conds);
    tn_free(last->good);
    memset(last, 0, sizeof *last);
    last->conds = tn_calloc(j, sizeof *last->conds);
    last->good = tn_calloc(ngood > 0 ? ngood * j : 1, sizeof *last->good);
    if (last->conds == NULL || last->good == NULL)
        return TENET_ENOMEM; /* freed with the rest by tn_cfn_dispose */
    memcpy(last->conds, conds, j * sizeof *conds);
    if (ngood > 0)
        memcpy(last->good, good, ngood * j * sizeof *good);
    last->j = j;
    last->ngood = ngood;
    last->gen = cfn->gen;
    last->valid = true;
    return TENET_OK;
}

/* Names listed in a limit message before "and N more". */
#define LIMIT_LIST_MAX 20

static const char *limit_message(tn_arena *a, const tn_cfn_res *r, size_t max, size_t values,
                                 tn_cfn_cond *const *skipped, size_t nskipped,
                                 const variant *dropped, size_t ndropped) {
    tn_buf b = {0};
    if (values > 0)
        tn_buf_printf(&b,
                      "resource %s has more scenarios than the limit of %zu for a resource "
                      "that resolves %zu values per scenario:",
                      r->name, max, values);
    else
        tn_buf_printf(&b, "resource %s has more scenarios than the limit of %zu:", r->name, max);
    if (nskipped > 0) {
        tn_buf_puts(&b, " conditions");
        for (size_t i = 0; i < nskipped && i < LIMIT_LIST_MAX; i++)
            tn_buf_printf(&b, "%s %s", i ? "," : "", skipped[i]->name);
        if (nskipped > LIMIT_LIST_MAX)
            tn_buf_printf(&b, " and %zu more", nskipped - LIMIT_LIST_MAX);
        tn_buf_puts(&b, " are not enumerated (their Fn::If values are unknown)");
    }
    if (ndropped > 0) {
        tn_buf_printf(&b, "%s allowed values not checked:", nskipped ? ";" : "");
        for (size_t i = 0; i < ndropped && i < LIMIT_LIST_MAX; i++)
            tn_buf_printf(&b, "%s %s=%s", i ? "," : "", dropped[i].param->name, dropped[i].value);
        if (ndropped > LIMIT_LIST_MAX)
            tn_buf_printf(&b, " and %zu more", ndropped - LIMIT_LIST_MAX);
    }
    tn_buf_puts(&b, " (raise the scenario limit to check them all)");
    char *s = tn_buf_failed(&b) ? NULL : tn_arena_strndup(a, b.ptr, b.size);
    tn_buf_free(&b);
    return s;
}

int tn_cfn_scenarios(tn_cfn *cfn, const tn_cfn_res *r, tn_arena *arena, tn_cfn_scn **out, size_t *n,
                     const char **limit_msg) {
    collect c = {.cfn = cfn};
    variant_vec vars = {0};
    TN_VEC(tn_tri) good = {0}; /* consistent assignments, j values each */
    *out = NULL;
    *n = 0;
    *limit_msg = NULL;
    int rc = TENET_OK;

    if ((rc = collect_refs(&c, r)) != TENET_OK)
        goto done;

    /* Free conditions: those not pinned by --param values, literals and the region. */
    tn_cfn_env env = {.cfn = cfn, .arena = arena};
    size_t nfree = 0;
    for (size_t i = 0; i < c.conds.n; i++) {
        const char *reason;
        if (tn_cfn_cond_value(&env, c.conds.v[i]->name, strlen(c.conds.v[i]->name), &reason) ==
            TN_UNKNOWN)
            c.conds.v[nfree++] = c.conds.v[i];
    }
    tn_cfn_cond **free_conds = c.conds.v;
    /* Scenario names list conditions and parameters in declaration order. */
    if (nfree > 1)
        qsort(free_conds, nfree, sizeof *free_conds, by_cond_position);
    if (c.params.n > 1)
        qsort(c.params.v, c.params.n, sizeof *c.params.v, by_param_position);
    if ((rc = param_variants(&c, &vars)) != TENET_OK)
        goto done;

    size_t max = cfn->run->max_scenarios ? cfn->run->max_scenarios : DEFAULT_MAX_SCENARIOS;
    /* A resource that resolves many values gets fewer scenarios (cfn.h). */
    size_t values = 0;
    if (c.nodes > 0 && TN_CFN_SCENARIO_VALUES / c.nodes < max) {
        max = TN_CFN_SCENARIO_VALUES / c.nodes ? TN_CFN_SCENARIO_VALUES / c.nodes : 1;
        values = c.nodes;
    }
    size_t j = 0;
    while (j < nfree && j < 30 && ((size_t)1 << (j + 1)) <= max)
        j++;
    tn_tri *vals = tn_arena_calloc(arena, j ? j : 1, sizeof(tn_tri));
    if (vals == NULL) {
        rc = TENET_ENOMEM;
        goto done;
    }
    size_t ngood = 0;
    const tn_tri *goodv; /* ngood assignments of j values */
    tn_cfn_assignments *last = &cfn->assignments;
    if (j > 0 && last->valid && last->gen == cfn->gen && last->j == j &&
        memcmp(last->conds, free_conds, j * sizeof *free_conds) == 0) {
        /* The same conditions as the last resource (whose region is ours). */
        goodv = last->good;
        ngood = last->ngood;
    } else {
        tn_cfn_scn probe = {.conds = free_conds, .vals = vals, .nconds = j};
        for (size_t m = 0; m < ((size_t)1 << j); m++) {
            for (size_t i = 0; i < j; i++)
                vals[i] = (m >> (j - 1 - i)) & 1 ? TN_FALSE : TN_TRUE; /* first varies slowest */
            if (!consistent(cfn, arena, &probe))
                continue;
            for (size_t i = 0; i < j; i++)
                if (TN_VEC_PUSH(good, vals[i]) != 0) {
                    rc = TENET_ENOMEM;
                    goto done;
                }
            ngood++;
        }
        if (cfn->status != TENET_OK) {
            rc = cfn->status;
            goto done;
        }
        if (j > 0 && (rc = keep_assignments(cfn, free_conds, j, good.v, ngood)) != TENET_OK)
            goto done;
        goodv = good.v;
    }
    size_t nskip = nfree - j;
    if (ngood == 0) {
        /* Contradictory definitions (a condition defined as its own negation):
         * leave the conditions unknown rather than check nothing. */
        j = nskip = 0;
        ngood = 1;
    }
    size_t nvar = 1 + vars.n;
    if (ngood * nvar > max)
        nvar = max / ngood ? max / ngood : 1;
    size_t ndropped = 1 + vars.n - nvar;
    if (nskip > 0 || ndropped > 0) {
        *limit_msg = limit_message(arena, r, max, values, nskip ? free_conds + j : NULL, nskip,
                                   ndropped ? vars.v + (nvar - 1) : NULL, ndropped);
        if (*limit_msg == NULL) {
            rc = TENET_ENOMEM;
            goto done;
        }
    }

    tn_cfn_scn *scn = tn_arena_calloc(arena, ngood * nvar, sizeof *scn);
    tn_cfn_cond **conds = tn_arena_calloc(arena, nfree ? nfree : 1, sizeof *conds);
    if (scn == NULL || conds == NULL) {
        rc = TENET_ENOMEM;
        goto done;
    }
    if (nfree > 0)
        memcpy(conds, free_conds, nfree * sizeof *conds);
    unsigned skip_mark = 0;
    if (nskip > 0) {
        if (++cfn->skip_gen == 0)
            ++cfn->skip_gen;
        skip_mark = cfn->skip_gen;
        for (size_t i = j; i < nfree; i++)
            conds[i]->skip_mark = skip_mark;
    }
    for (size_t g = 0; g < ngood; g++) {
        tn_tri *gv = NULL;
        if (j > 0) {
            gv = tn_arena_calloc(arena, j, sizeof *gv);
            if (gv == NULL) {
                rc = TENET_ENOMEM;
                goto done;
            }
            memcpy(gv, goodv + g * j, j * sizeof *gv);
        }
        for (size_t v = 0; v < nvar; v++) {
            tn_cfn_scn *s = &scn[(*n)++];
            s->conds = conds;
            s->vals = gv;
            s->nconds = j;
            s->skipped = nskip ? conds + j : NULL;
            s->nskipped = nskip;
            s->nfree = nfree;
            s->skip_mark = skip_mark;
            const variant *var = v > 0 ? &vars.v[v - 1] : NULL;
            if (var != NULL) {
                s->param = var->param;
                s->value = var->value;
            }
            s->name = scenario_name(arena, conds, gv, j, var);
            if (s->name == NULL && (j > 0 || var != NULL)) {
                rc = TENET_ENOMEM;
                goto done;
            }
        }
    }
    *out = scn;
done:
    tn_strmap_free(&c.seen_conds);
    tn_strmap_free(&c.seen_params);
    TN_VEC_FREE(c.conds);
    TN_VEC_FREE(c.params);
    TN_VEC_FREE(vars);
    TN_VEC_FREE(good);
    if (rc != TENET_OK)
        *n = 0;
    return rc;
}
