/* Subjects of a CloudFormation template: a resource's fields, found through
 * its kind's mapping and resolved under a scenario; the subjects its
 * references link to; and what the scenarios of one resource share.
 *
 * A resource with conditions and allowed values is built once per scenario,
 * but most of its fields read nothing of the scenario (a Version
 * written as a literal) or only part of it (a KeyId that depends on one
 * condition). Resolution records what each value read (tn_cfn_deps), and a
 * scenario that agrees on all of it copies the value instead of resolving it
 * again: the copy is the same value, pointers and all, so the evaluator can
 * also tell the variants' shared fields apart from the ones that differ. */
#include "frontend/cfn.h"

#include <stdio.h>
#include <string.h>

#define MAX_LINK_DEPTH 4
/* Shared values and subjects are kept newest first, and only this many are
 * compared with a scenario: one that depends on everything gets a new one
 * each time, and must not make every scenario compare with all the others. */
#define MAX_SCAN 16
#define FORMAT "cloudformation"

/* ---- scenario dependencies ---- */

void tn_cfn_dep_cond(tn_cfn_env *env, size_t i) {
    if (env->deps == NULL)
        return;
    if (i < 64)
        env->deps->conds |= (uint64_t)1 << i;
    else
        env->deps->all = true;
}

static void add_param(tn_cfn_deps *d, const tn_cfn_param *p) {
    for (unsigned i = 0; i < d->nparams; i++)
        if (d->params[i] == p)
            return;
    if (d->nparams < TN_CFN_DEP_PARAMS)
        d->params[d->nparams++] = p;
    else
        d->all = true;
}

void tn_cfn_dep_param(tn_cfn_env *env, const tn_cfn_param *p) {
    if (env->deps != NULL)
        add_param(env->deps, p);
}

void tn_cfn_dep_all(tn_cfn_env *env) {
    if (env->deps != NULL)
        env->deps->all = true;
}

void tn_cfn_deps_merge(tn_cfn_deps *into, const tn_cfn_deps *from) {
    into->conds |= from->conds;
    into->all = into->all || from->all;
    for (unsigned i = 0; i < from->nparams; i++)
        add_param(into, from->params[i]);
}

/* The value a scenario chooses for parameter `p`, or NULL for its baseline. */
static const char *choice(const tn_cfn_scn *s, const tn_cfn_param *p) {
    return s != NULL && s->param == p ? s->value : NULL;
}

bool tn_cfn_deps_hold(const tn_cfn_deps *d, const tn_cfn_scn *from, const tn_cfn_scn *to) {
    if (from == to)
        return true;
    if (d->all)
        return false;
    for (size_t i = 0; d->conds >> i != 0; i++) {
        if (!((d->conds >> i) & 1))
            continue;
        /* All scenarios of a resource enumerate the same conditions. */
        if (from == NULL || to == NULL || i >= from->nconds || i >= to->nconds ||
            from->vals[i] != to->vals[i])
            return false;
    }
    for (unsigned i = 0; i < d->nparams; i++)
        if (choice(from, d->params[i]) != choice(to, d->params[i]))
            return false;
    return true;
}

/* ---- field lookup ---- */

typedef struct lookup_ctx {
    tn_cfn_env env;
    const tn_cfn_res *r;
    tn_cfn_deps *deps;        /* what the whole subject reads, or NULL */
    tn_cfn_deps *field_deps;  /* [nfields] what each field reads, or NULL */
    size_t *field_values;     /* [nfields] values each field resolved, with field_deps */
} lookup_ctx;

/* Index of the field whose array of alternatives holds `alt` (as
 * addresses: the arrays differ), or nfields. */
static size_t field_of(const tn_cfn_res *r, const tn_mapping_alt *alt) {
    uintptr_t a = (uintptr_t)alt;
    for (size_t f = 0; f < r->kind->nfields; f++) {
        const tn_field_map *fm = &r->map->fields[f];
        uintptr_t lo = (uintptr_t)fm->alts;
        if (fm->nalts > 0 && a >= lo && a < lo + fm->nalts * sizeof *fm->alts)
            return f;
    }
    return r->kind->nfields;
}

/* `base` followed by `n` path steps, in one allocation: the steps a lookup
 * walks through the plain document are joined once, not one string per step. */
static const char *join_path(tn_arena *a, const char *base, const tn_path_seg *segs, size_t n) {
    if (n == 0)
        return base;
    size_t blen = base != NULL ? strlen(base) : 0, len = blen;
    for (size_t i = 0; i < n; i++) {
        if (segs[i].key != NULL) {
            len += (len > 0) + segs[i].key_len;
        } else {
            char num[24];
            len += 2 + (size_t)snprintf(num, sizeof num, "%zu", (size_t)segs[i].index);
        }
    }
    char *s = tn_arena_alloc(a, len + 1);
    if (s == NULL)
        return NULL;
    if (blen > 0)
        memcpy(s, base, blen);
    size_t o = blen;
    for (size_t i = 0; i < n; i++) {
        if (segs[i].key != NULL) {
            if (o > 0)
                s[o++] = '.';
            memcpy(s + o, segs[i].key, segs[i].key_len);
            o += segs[i].key_len;
        } else {
            o += (size_t)snprintf(s + o, len + 1 - o, "[%zu]", (size_t)segs[i].index);
        }
    }
    s[o] = '\0';
    return s;
}

tn_cfn_descent *tn_cfn_descend(tn_cfn *cfn, const tn_cfn_res *r, size_t f, size_t a) {
    tn_cfn_res *mr = &cfn->resv[r - cfn->resv]; /* the index is ours to update */
    if (mr->descents == NULL &&
        (mr->descents = tn_arena_calloc(cfn->arena, r->kind->nfields, sizeof *mr->descents)) ==
            NULL)
        return NULL;
    const tn_field_map *fm = &r->map->fields[f];
    tn_cfn_descent *d = mr->descents[f];
    if (d == NULL) {
        if ((d = tn_arena_alloc(cfn->arena, fm->nalts * sizeof *d)) == NULL)
            return NULL;
        for (size_t i = 0; i < fm->nalts; i++) {
            const tn_mapping_alt *alt = &fm->alts[i];
            const tn_node *n = alt->root ? r->node : r->props;
            size_t k = 0;
            tn_cfn_fn fn;
            for (; k < alt->nsegs && n != NULL; k++) {
                const tn_path_seg *seg = &alt->segs[k];
                if (seg->key == NULL || tn_cfn_intrinsic(n, false, &fn))
                    break; /* NoValue may shift indices: the list is resolved whole */
                n = n->type == TN_NODE_MAP ? tn_map_getn(n, seg->key, seg->key_len) : NULL;
            }
            d[i] = (tn_cfn_descent){n, k, NULL};
        }
        mr->descents[f] = d;
    }
    return &d[a];
}

/* Walks the alternative's path from the resource's Properties (or the
 * resource itself), resolving intrinsics wherever they appear on the way. */
static int lookup_alt(lookup_ctx *lc, size_t f, const tn_mapping_alt *alt, tn_value *out) {
    tn_cfn_env *env = &lc->env;
    tn_arena *a = env->arena;
    const tn_cfn_res *r = lc->r;
    /* Down the plain document first (once per resource): no values there. */
    tn_cfn_descent *d = tn_cfn_descend(env->cfn, r, f, (size_t)(alt - r->map->fields[f].alts));
    if (d == NULL)
        return TENET_ENOMEM;
    const tn_node *n = d->node;
    if (n == NULL)
        return 0;
    size_t i = d->steps;
    if (d->path == NULL && (d->path = join_path(env->cfn->arena, alt->root ? r->path : r->props_path,
                                                alt->segs, i)) == NULL)
        return TENET_ENOMEM;
    const char *path = d->path;
    tn_value cur;
    int rc = tn_cfn_resolve(env, n, false, path, &cur);
    if (rc != TENET_OK)
        return rc;
    for (; i < alt->nsegs; i++) {
        const tn_path_seg *seg = &alt->segs[i];
        if (cur.kind == TN_V_UNKNOWN) {
            /* Something on the way is unknown: so is whether the field exists. */
            if ((path = join_path(a, path, alt->segs + i, alt->nsegs - i)) == NULL)
                return TENET_ENOMEM;
            cur.maybe_absent = true;
            cur.link = NULL;
            cur.path = path;
            *out = cur;
            return 1;
        }
        const tn_value *next = NULL;
        if (seg->key != NULL && cur.kind == TN_V_MAP) {
            for (size_t k = cur.u.map.n; k > 0 && next == NULL; k--) /* last key wins */
                if (strlen(cur.u.map.keys[k - 1]) == seg->key_len &&
                    memcmp(cur.u.map.keys[k - 1], seg->key, seg->key_len) == 0)
                    next = &cur.u.map.vals[k - 1];
        } else if (seg->key == NULL && cur.kind == TN_V_LIST) {
            long idx = seg->index < 0 ? (long)cur.u.list.n + seg->index : seg->index;
            if (idx >= 0 && (size_t)idx < cur.u.list.n)
                next = &cur.u.list.items[idx];
        }
        if (next == NULL)
            return 0;
        cur = *next;
        if ((path = join_path(a, path, seg, 1)) == NULL)
            return TENET_ENOMEM;
    }
    if (cur.kind == TN_V_ABSENT)
        return 0;
    *out = cur;
    return 1;
}

/* The lookup callback of tn_subject_fill: records what each field reads of
 * the scenario, and the values it resolves. */
static int lookup(void *vctx, const tn_mapping_alt *alt, tn_value *out) {
    lookup_ctx *lc = vctx;
    size_t f = field_of(lc->r, alt);
    bool known_field = f < lc->r->kind->nfields;
    lc->env.field = known_field ? &lc->r->kind->fields[f] : NULL;
    lc->env.deps = lc->field_deps != NULL && known_field ? &lc->field_deps[f] : lc->deps;
    size_t before = lc->env.cfn->values;
    int rc = known_field ? lookup_alt(lc, f, alt, out) : 0;
    if (lc->field_values != NULL && known_field)
        lc->field_values[f] += lc->env.cfn->values - before;
    return rc;
}

/* ---- subjects ---- */

/* A field value the scenarios of a resource share. */
typedef struct tn_cfn_fval {
    struct tn_cfn_fval *next;
    const tn_cfn_scn *scn; /* the scenario it was resolved in */
    tn_cfn_deps deps;      /* what it read of that scenario */
    size_t values;         /* values its resolution counted (cfn.h's work bound) */
    uint32_t id;           /* its tn_subject.field_ids id */
    tn_value v;
} tn_cfn_fval;

/* A linked subject, shared by the scenarios its fields do not depend on. */
typedef struct tn_cfn_link {
    struct tn_cfn_link *next;
    const tn_cfn_scn *scn;  /* the scenario it was built in */
    const tn_cfn_scn *paid; /* the last scenario whose work count includes it */
    tn_cfn_deps deps;       /* what its fields read of the scenario */
    size_t values;
    bool building; /* being filled: a reference cycle reached it */
    tn_subject s;
} tn_cfn_link;

static void subject_head(tn_cfn *cfn, const tn_cfn_res *r, const tn_cfn_scn *scn, tn_subject *s) {
    tn_run *run = cfn->run;
    memset(s, 0, sizeof *s);
    s->kind = r->kind;
    s->name = r->name;
    s->type = r->type;
    s->format = FORMAT;
    s->file = run->file;
    s->op = TN_OP_CREATE;
    if (run->operation != NULL) {
        /* --operation: judge the template as, e.g., an update. */
        tn_operation op = tn_operation_parse(run->operation, strlen(run->operation));
        if (op != TN_OP_NONE)
            s->op = op;
    }
    s->region = cfn->region;
    s->region_reason = cfn->region_reason;
    s->scenario = scn != NULL ? scn->name : NULL;
    s->span = r->key->span;
    s->path = r->path;
}

/* What one build tracks per field, [nfields] each: allocated once per
 * resource and cleared for each scenario. */
typedef struct tn_cfn_fbuild {
    const tn_value **known; /* the cached value copied, or NULL: resolved */
    tn_cfn_fval **hit;      /* its cache entry */
    tn_cfn_deps *deps;      /* what the field's lookups read of the scenario */
    size_t *values;         /* values they resolved */
} tn_cfn_fbuild;

static tn_cfn_fbuild *fbuild_reset(tn_cfn_fcache *cache, size_t nf, tn_arena *arena) {
    tn_cfn_fbuild *b = cache->build;
    if (b == NULL) {
        if ((b = tn_arena_alloc(arena, sizeof *b)) == NULL)
            return NULL;
        b->known = tn_arena_alloc(arena, nf * sizeof *b->known);
        b->hit = tn_arena_alloc(arena, nf * sizeof *b->hit);
        b->deps = tn_arena_alloc(arena, nf * sizeof *b->deps);
        b->values = tn_arena_alloc(arena, nf * sizeof *b->values);
        cache->fields = tn_arena_calloc(arena, nf, sizeof *cache->fields);
        if (b->known == NULL || b->hit == NULL || b->deps == NULL || b->values == NULL ||
            cache->fields == NULL)
            return NULL;
        cache->build = b;
    }
    memset(b->known, 0, nf * sizeof *b->known);
    memset(b->hit, 0, nf * sizeof *b->hit);
    memset(b->deps, 0, nf * sizeof *b->deps);
    memset(b->values, 0, nf * sizeof *b->values);
    return b;
}

/* Whether `more` values fit under the work bound (cfn.h). */
static bool within_bound(const tn_cfn *cfn, size_t more) {
    return cfn->values <= TN_CFN_MAX_VALUES && more <= TN_CFN_MAX_VALUES - cfn->values;
}

/* What field `f` read of the scenario: its own lookups', its cached value's,
 * or (derived fields) its source's. */
static const tn_cfn_deps *deps_of(const tn_kind *kind, tn_cfn_fval *const *hit,
                                  const tn_cfn_deps *fresh, size_t f) {
    for (size_t hops = 0; hops <= kind->nfields; hops++) {
        if (hit[f] != NULL)
            return &hit[f]->deps;
        long src = kind->fields[f].derive_from;
        if (src < 0 || (size_t)src >= kind->nfields)
            return &fresh[f];
        f = (size_t)src;
    }
    return &fresh[f];
}

/* Adds the fields this scenario resolved to the cache, and gives each
 * field the id of its cached value. */
static int remember(tn_cfn_fcache *cache, const tn_kind *kind, const tn_cfn_scn *scn,
                    tn_cfn_fval *const *hit, const tn_cfn_deps *fresh, const size_t *values,
                    tn_subject *s, tn_arena *arena) {
    uint32_t *ids = tn_arena_alloc(arena, kind->nfields * sizeof *ids);
    if (ids == NULL)
        return TENET_ENOMEM;
    s->field_ids = ids;
    for (size_t f = 0; f < kind->nfields; f++) {
        if (hit[f] != NULL) {
            ids[f] = hit[f]->id;
            continue;
        }
        tn_cfn_fval *e = tn_arena_alloc(arena, sizeof *e);
        if (e == NULL)
            return TENET_ENOMEM;
        e->scn = scn;
        e->deps = *deps_of(kind, hit, fresh, f);
        e->values = values[f];
        e->id = ids[f] = cache->nvals++;
        e->v = s->fields[f];
        e->next = cache->fields[f];
        cache->fields[f] = e;
    }
    return TENET_OK;
}

/* Builds the subject; `deps` (if any) receives what all of it read of the
 * scenario, `cache` (if any) gives and takes the fields scenarios share. */
static int build(tn_cfn *cfn, const tn_cfn_res *r, const tn_cfn_scn *scn, int depth,
                 tn_arena *arena, tn_cfn_fcache *cache, tn_cfn_deps *deps, tn_subject *s) {
    tn_run *run = cfn->run;
    subject_head(cfn, r, scn, s);
    lookup_ctx lc = {.env = {.cfn = cfn, .arena = arena, .scn = scn, .depth = depth},
                     .r = r,
                     .deps = deps};
    size_t nf = r->kind->nfields;
    const tn_value **known = NULL;
    tn_cfn_fval **hit = NULL;
    if (cache != NULL && nf > 0) {
        tn_cfn_fbuild *b = fbuild_reset(cache, nf, arena);
        if (b == NULL)
            return TENET_ENOMEM;
        known = b->known;
        hit = b->hit;
        lc.field_deps = b->deps;
        lc.field_values = b->values;
        for (size_t f = 0; f < nf; f++) {
            size_t scan = 0;
            for (tn_cfn_fval *e = cache->fields[f]; e != NULL && hit[f] == NULL && scan < MAX_SCAN;
                 e = e->next, scan++) {
                /* A copy still counts what resolving it would (unless that
                 * crosses the bound: then it is resolved, and fails there). */
                if (tn_cfn_deps_hold(&e->deps, e->scn, scn) && within_bound(cfn, e->values)) {
                    cfn->values += e->values;
                    hit[f] = e;
                    known[f] = &e->v;
                }
            }
        }
    }
    int rc = tn_subject_fill_known(s, r->kind, r->map, lookup, &lc, arena,
                                   run->eval != NULL ? run->eval->match_data : NULL, known);
    if (rc == TENET_OK && cfn->status != TENET_OK)
        rc = cfn->status;
    if (rc == TENET_OK && hit != NULL)
        rc = remember(cache, r->kind, scn, hit, lc.field_deps, lc.field_values, s, arena);
    return rc;
}

int tn_cfn_build_subject_cached(tn_cfn *cfn, const tn_cfn_res *r, const tn_cfn_scn *scn,
                                int depth, tn_arena *arena, tn_cfn_fcache *cache, tn_subject *s) {
    return build(cfn, r, scn, depth, arena, cache, NULL, s);
}

int tn_cfn_build_subject(tn_cfn *cfn, const tn_cfn_res *r, const tn_cfn_scn *scn, int depth,
                         tn_arena *arena, tn_subject *s) {
    return build(cfn, r, scn, depth, arena, NULL, NULL, s);
}

void tn_cfn_forget_links(tn_cfn *cfn) {
    /* Lists of another generation read as empty: nothing to walk. */
    if (++cfn->links_gen == 0)
        ++cfn->links_gen;
}

const tn_subject *tn_cfn_linked_subject(tn_cfn_env *env, const tn_cfn_res *r) {
    tn_cfn *cfn = env->cfn;
    if (env->depth >= MAX_LINK_DEPTH || r->kind == NULL)
        return NULL;
    /* Links live in env->arena, as long as the subject being judged: they
     * are forgotten between resources (judge_all), so a large template does
     * not keep every linked variant until the end. */
    tn_cfn_res *mr = &cfn->resv[r - cfn->resv]; /* the index is ours to update */
    if (mr->links_gen != cfn->links_gen) {
        mr->links = NULL;
        mr->links_gen = cfn->links_gen;
    }
    size_t scan = 0;
    for (tn_cfn_link *l = mr->links; l != NULL && scan < MAX_SCAN; l = l->next, scan++) {
        if (l->building) {
            /* A cycle of references: its value is this scenario's own. */
            if (l->scn != env->scn)
                continue;
            tn_cfn_dep_all(env);
            return &l->s;
        }
        if (!tn_cfn_deps_hold(&l->deps, l->scn, env->scn))
            continue;
        if (l->paid != env->scn) {
            /* Built once, but counted as if built in each scenario (cfn.h);
             * past the bound it is built again, and fails where it would have. */
            if (!within_bound(cfn, l->values))
                continue;
            l->paid = env->scn;
            cfn->values += l->values;
        }
        if (env->deps != NULL)
            tn_cfn_deps_merge(env->deps, &l->deps);
        return &l->s;
    }
    tn_cfn_link *l = tn_arena_calloc(env->arena, 1, sizeof *l);
    if (l == NULL) {
        cfn->status = TENET_ENOMEM;
        return NULL;
    }
    l->scn = l->paid = env->scn;
    l->building = true;
    /* Listed (first) before it is filled, so a cycle of references finds it. */
    l->next = mr->links;
    mr->links = l;
    size_t before = cfn->values;
    int rc = build(cfn, r, env->scn, env->depth + 1, env->arena, NULL, &l->deps, &l->s);
    l->building = false;
    l->values = cfn->values - before;
    if (rc != TENET_OK) {
        cfn->status = cfn->status != TENET_OK ? cfn->status : TENET_ENOMEM;
        return NULL;
    }
    if (env->deps != NULL)
        tn_cfn_deps_merge(env->deps, &l->deps);
    return &l->s;
}
