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
 * is plain, then the whole subtree (an intrinsic on the way may produce it). */
static void walk_alt(collect *c, const tn_cfn_res *r, const tn_mapping_alt *alt) {
    const tn_node *n = alt->root ? r->node : r->props;
    tn_cfn_fn fn;
    for (size_t i = 0; i < alt->nsegs && n != NULL; i++) {
        if (tn_cfn_intrinsic(n, false, &fn))
            break;
        const tn_path_seg *seg = &alt->segs[i];
        if (seg->key == NULL)
            break; /* NoValue may shift indices: take the whole list */
        n = n->type == TN_NODE_MAP ? tn_map_getn(n, seg->key, seg->key_len) : NULL;
    }
    walk(c, n, false);
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

/* One-factor variants of the referenced parameters not given with --param.
 * Repeated allowed values are dropped through a hash set (lists of many
 * thousands of values must not take quadratic time). */
static int param_variants(collect *c, variant_vec *out) {
    for (size_t i = 0; i < c->params.n; i++) {
        const tn_cfn_param *p = c->params.v[i];
        if (p->given != NULL || p->ssm || p->is_list || p->allowed == NULL || p->allowed->n < 2)
            continue;
        const char *base = scalar_of(p->def);
        if (base == NULL)
            base = scalar_of(p->allowed->ch.items[0]);
        tn_strmap values = {0};
        for (size_t j = 0; j < p->allowed->n; j++) {
            const char *v = scalar_of(p->allowed->ch.items[j]);
            if (v == NULL || (base != NULL && strcmp(v, base) == 0))
                continue;
            size_t len = strlen(v);
            if (tn_strmap_get(&values, v, len) != NULL)
                continue;
            if (tn_strmap_put(&values, v, len, (void *)v) != 0 ||
                TN_VEC_PUSH(*out, ((variant){p, v})) != 0) {
                tn_strmap_free(&values);
                return TENET_ENOMEM;
            }
        }
        tn_strmap_free(&values);
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

static const char *scenario_name(tn_arena *a, tn_cfn_cond *const *conds, const tn_tri *vals,
                                 size_t nconds, const variant *v) {
    if (nconds == 0 && v == NULL)
        return NULL;
    /* Every scenario of every resource gets a name: no printf. */
    tn_buf b = {0};
    for (size_t i = 0; i < nconds; i++) {
        tn_buf_puts(&b, i == 0 ? "when " : ", ");
        tn_buf_puts(&b, conds[i]->name);
        tn_buf_puts(&b, vals[i] == TN_TRUE ? " is true" : " is false");
    }
    if (v != NULL) {
        tn_buf_puts(&b, nconds > 0 ? "; " : "");
        tn_buf_puts(&b, v->param->name);
        tn_buf_putc(&b, '=');
        tn_buf_puts(&b, v->value);
    }
    char *s = tn_buf_failed(&b) ? NULL : tn_arena_strndup(a, b.ptr, b.size);
    tn_buf_free(&b);
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

    const tn_node *own = tn_map_get(r->node, "Condition");
    if (own != NULL && tn_node_is_scalar(own) && own->str != NULL)
        add_cond(&c, own->str, own->len);
    for (size_t f = 0; f < r->kind->nfields; f++)
        for (size_t k = 0; k < r->map->fields[f].nalts; k++)
            walk_alt(&c, r, &r->map->fields[f].alts[k]);
    if (c.status != TENET_OK) {
        rc = c.status;
        goto done;
    }

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
    tn_cfn_scn probe = {.conds = free_conds, .vals = vals, .nconds = j};
    size_t ngood = 0;
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
            memcpy(gv, good.v + g * j, j * sizeof *gv);
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
