/* The CloudFormation frontend: detects templates (YAML or JSON), indexes the
 * Parameters, Conditions, Mappings and Resources once per check, and turns
 * every resource whose Type a loaded kind maps into one subject per scenario
 * and region. Values are resolved by cfn_resolve.c; scenarios come from
 * cfn_scenario.c. */
#include "frontend/cfn.h"

#include <stdint.h>
#include <string.h>

#define MAX_LINK_DEPTH 4
#define FORMAT "cloudformation"

static int cfn_detect(const char *text, size_t len, const tn_doc *doc);
static int cfn_run(tn_run *run);

const tn_frontend tn_frontend_cloudformation = {FORMAT, true, cfn_detect, cfn_run};

/* ---- detection ---- */

static bool is_resource_type(const tn_node *t) {
    return t != NULL && t->type == TN_NODE_STRING && t->str != NULL &&
           (strncmp(t->str, "AWS::", 5) == 0 || strncmp(t->str, "Custom::", 8) == 0);
}

static int cfn_detect(const char *text, size_t len, const tn_doc *doc) {
    (void)text;
    (void)len;
    if (doc == NULL || doc->root == NULL || doc->root->type != TN_NODE_MAP)
        return 0;
    if (tn_map_get(doc->root, "AWSTemplateFormatVersion") != NULL)
        return 90;
    const tn_node *res = tn_map_get(doc->root, "Resources");
    if (res == NULL || res->type != TN_NODE_MAP)
        return 0;
    for (size_t i = 0; i < res->n; i++) {
        const tn_node *r = res->ch.pairs[i].value;
        if (r != NULL && r->type == TN_NODE_MAP && is_resource_type(tn_map_get(r, "Type")))
            return 90;
    }
    return 0;
}

/* ---- the index ---- */

static const tn_node *section(const tn_node *root, const char *name) {
    const tn_node *n = tn_map_get(root, name);
    return n != NULL && n->type == TN_NODE_MAP ? n : NULL;
}

static bool key_ok(const tn_pair *p) {
    return p->key != NULL && tn_node_is_scalar(p->key) && p->key->str != NULL && p->value != NULL;
}

static int index_params(tn_cfn *cfn) {
    const tn_node *ps = cfn->parameters;
    tn_run *run = cfn->run;
    if (ps == NULL)
        return TENET_OK;
    tn_cfn_param *v = tn_arena_calloc(cfn->arena, ps->n ? ps->n : 1, sizeof *v);
    if (v == NULL)
        return TENET_ENOMEM;
    for (size_t i = 0; i < ps->n; i++) {
        const tn_pair *pr = &ps->ch.pairs[i];
        if (!key_ok(pr))
            continue;
        tn_cfn_param *p = &v[i];
        p->name = pr->key->str;
        p->key = pr->key;
        p->node = pr->value;
        p->def = tn_map_get(pr->value, "Default");
        const tn_node *av = tn_map_get(pr->value, "AllowedValues");
        p->allowed = av != NULL && av->type == TN_NODE_SEQ ? av : NULL;
        const tn_node *t = tn_map_get(pr->value, "Type");
        p->type = t != NULL && tn_node_is_scalar(t) && t->str != NULL ? t->str : "String";
        p->ssm = strncmp(p->type, "AWS::SSM::Parameter::Value<", 27) == 0;
        p->is_list =
            strcmp(p->type, "CommaDelimitedList") == 0 || strncmp(p->type, "List<", 5) == 0;
        for (size_t k = 0; k < run->nparams; k++) /* the last --param wins */
            if (run->params[k].name != NULL && strcmp(run->params[k].name, p->name) == 0)
                p->given = run->params[k].value ? run->params[k].value : "";
        if (tn_strmap_put(&cfn->params, p->name, pr->key->len, p) != 0)
            return TENET_ENOMEM;
    }
    return TENET_OK;
}

static int index_conds(tn_cfn *cfn) {
    const tn_node *cs = cfn->conditions;
    if (cs == NULL)
        return TENET_OK;
    tn_cfn_cond *v = tn_arena_calloc(cfn->arena, cs->n ? cs->n : 1, sizeof *v);
    if (v == NULL)
        return TENET_ENOMEM;
    for (size_t i = 0; i < cs->n; i++) {
        const tn_pair *pr = &cs->ch.pairs[i];
        if (!key_ok(pr))
            continue;
        v[i].name = pr->key->str;
        v[i].key = pr->key;
        v[i].def = pr->value;
        v[i].pinned = TN_UNKNOWN;
        if (tn_strmap_put(&cfn->conds, v[i].name, pr->key->len, &v[i]) != 0)
            return TENET_ENOMEM;
    }
    return TENET_OK;
}

static int index_maps(tn_cfn *cfn) {
    const tn_node *ms = cfn->mappings;
    for (size_t i = 0; ms != NULL && i < ms->n; i++) {
        const tn_pair *pr = &ms->ch.pairs[i];
        if (key_ok(pr) && pr->value->type == TN_NODE_MAP &&
            tn_strmap_put(&cfn->maps, pr->key->str, pr->key->len, (void *)pr->value) != 0)
            return TENET_ENOMEM;
    }
    return TENET_OK;
}

static int index_resources(tn_cfn *cfn) {
    const tn_node *rs = cfn->resources;
    if (rs == NULL)
        return TENET_OK;
    cfn->resv = tn_arena_calloc(cfn->arena, rs->n ? rs->n : 1, sizeof *cfn->resv);
    if (cfn->resv == NULL)
        return TENET_ENOMEM;
    for (size_t i = 0; i < rs->n; i++) {
        const tn_pair *pr = &rs->ch.pairs[i];
        /* Entries that are not mappings (Fn::ForEach loops, schema errors) are
         * left to schema linters. */
        if (!key_ok(pr) || pr->value->type != TN_NODE_MAP)
            continue;
        tn_cfn_res *r = &cfn->resv[cfn->nres++];
        r->name = pr->key->str;
        r->name_len = pr->key->len;
        r->key = pr->key;
        r->node = pr->value;
        r->path = tn_cfn_path_key(cfn->arena, "Resources", r->name, r->name_len);
        r->props_path = r->path ? tn_cfn_path_key(cfn->arena, r->path, "Properties", 10) : NULL;
        r->props = tn_map_get(pr->value, "Properties");
        if (r->props_path == NULL)
            return TENET_ENOMEM;
        const tn_node *t = tn_map_get(pr->value, "Type");
        if (t != NULL && tn_node_is_scalar(t) && t->str != NULL) {
            r->type = t->str;
            if (cfn->run->rs != NULL)
                r->kind = tn_ruleset_kind_for_type(cfn->run->rs, FORMAT, r->type, &r->map);
            if (r->map == NULL)
                r->kind = NULL;
        }
        if (tn_strmap_put(&cfn->res, r->name, r->name_len, r) != 0)
            return TENET_ENOMEM;
    }
    return TENET_OK;
}

int tn_cfn_init(tn_cfn *cfn, tn_run *run) {
    memset(cfn, 0, sizeof *cfn);
    cfn->run = run;
    cfn->arena = run->arena;
    cfn->root = run->doc != NULL ? run->doc->root : NULL;
    cfn->region_reason = "no region given (pass --region)";
    if (cfn->root == NULL || cfn->root->type != TN_NODE_MAP) {
        cfn->root = NULL;
        return TENET_OK; /* nothing to check */
    }
    cfn->parameters = section(cfn->root, "Parameters");
    cfn->conditions = section(cfn->root, "Conditions");
    cfn->mappings = section(cfn->root, "Mappings");
    cfn->resources = section(cfn->root, "Resources");
    int rc = index_params(cfn);
    if (rc == TENET_OK)
        rc = index_conds(cfn);
    if (rc == TENET_OK)
        rc = index_maps(cfn);
    if (rc == TENET_OK)
        rc = index_resources(cfn);
    return rc;
}

void tn_cfn_dispose(tn_cfn *cfn) {
    if (cfn == NULL)
        return;
    tn_strmap_free(&cfn->params);
    tn_strmap_free(&cfn->conds);
    tn_strmap_free(&cfn->maps);
    tn_strmap_free(&cfn->res);
    tn_strmap_free(&cfn->links);
}

static void forget_links(tn_cfn *cfn) {
    tn_strmap_free(&cfn->links);
    memset(&cfn->links, 0, sizeof cfn->links);
}

int tn_cfn_set_region(tn_cfn *cfn, const char *region, const char *reason) {
    cfn->region = region;
    cfn->region_reason =
        region != NULL ? NULL : (reason != NULL ? reason : "no region given (pass --region)");
    cfn->gen++;
    forget_links(cfn);
    return TENET_OK;
}

const tn_cfn_param *tn_cfn_param_get(const tn_cfn *cfn, const char *name, size_t len) {
    return tn_strmap_get(&cfn->params, name, len);
}

tn_cfn_cond *tn_cfn_cond_get(const tn_cfn *cfn, const char *name, size_t len) {
    return tn_strmap_get(&cfn->conds, name, len);
}

const tn_cfn_res *tn_cfn_res_get(const tn_cfn *cfn, const char *name, size_t len) {
    return tn_strmap_get(&cfn->res, name, len);
}

/* ---- field lookup ---- */

typedef struct lookup_ctx {
    tn_cfn_env env;
    const tn_cfn_res *r;
} lookup_ctx;

static const tn_field *field_of(const tn_cfn_res *r, const tn_mapping_alt *alt) {
    for (size_t f = 0; f < r->kind->nfields; f++) {
        /* whose array of alternatives holds `alt` (as addresses: the arrays differ) */
        const tn_field_map *fm = &r->map->fields[f];
        uintptr_t a = (uintptr_t)alt, lo = (uintptr_t)fm->alts;
        if (fm->nalts > 0 && a >= lo && a < lo + fm->nalts * sizeof *fm->alts)
            return &r->kind->fields[f];
    }
    return NULL;
}

static const char *seg_path(tn_arena *a, const char *path, const tn_path_seg *seg) {
    if (seg->key != NULL)
        return tn_cfn_path_key(a, path, seg->key, seg->key_len);
    return tn_cfn_path_index(a, path, (size_t)seg->index);
}

/* Walks the alternative's path from the resource's Properties (or the
 * resource itself), resolving intrinsics wherever they appear on the way. */
static int lookup(void *vctx, const tn_mapping_alt *alt, tn_value *out) {
    lookup_ctx *lc = vctx;
    tn_cfn_env *env = &lc->env;
    tn_arena *a = env->arena;
    const tn_cfn_res *r = lc->r;
    env->field = field_of(r, alt);
    const tn_node *n = r->node;
    const char *path = r->path;
    if (!alt->root) {
        n = r->props;
        path = r->props_path;
        if (n == NULL)
            return 0;
    }
    tn_value cur;
    bool resolved = false;
    int rc;
    for (size_t i = 0; i < alt->nsegs; i++) {
        const tn_path_seg *seg = &alt->segs[i];
        tn_cfn_fn fn;
        if (!resolved && seg->key != NULL && !tn_cfn_intrinsic(n, false, &fn)) {
            /* plain document: descend without building values */
            n = n->type == TN_NODE_MAP ? tn_map_getn(n, seg->key, seg->key_len) : NULL;
            if (n == NULL)
                return 0;
            if ((path = seg_path(a, path, seg)) == NULL)
                return TENET_ENOMEM;
            continue;
        }
        if (!resolved) {
            if ((rc = tn_cfn_resolve(env, n, false, path, &cur)) != TENET_OK)
                return rc;
            resolved = true;
        }
        if (cur.kind == TN_V_UNKNOWN) {
            /* Something on the way is unknown: so is whether the field exists. */
            for (; i < alt->nsegs; i++)
                if ((path = seg_path(a, path, &alt->segs[i])) == NULL)
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
        if ((path = seg_path(a, path, seg)) == NULL)
            return TENET_ENOMEM;
    }
    if (!resolved && (rc = tn_cfn_resolve(env, n, false, path, &cur)) != TENET_OK)
        return rc;
    if (cur.kind == TN_V_ABSENT)
        return 0;
    *out = cur;
    return 1;
}

/* ---- subjects ---- */

int tn_cfn_build_subject(tn_cfn *cfn, const tn_cfn_res *r, const tn_cfn_scn *scn, int depth,
                         tn_arena *arena, tn_subject *s) {
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
    lookup_ctx lc = {.env = {.cfn = cfn, .arena = arena, .scn = scn, .depth = depth}, .r = r};
    int rc = tn_subject_fill(s, r->kind, r->map, lookup, &lc, arena,
                             run->eval != NULL ? run->eval->match_data : NULL);
    if (rc == TENET_OK && cfn->status != TENET_OK)
        rc = cfn->status;
    return rc;
}

const tn_subject *tn_cfn_linked_subject(tn_cfn_env *env, const tn_cfn_res *r) {
    tn_cfn *cfn = env->cfn;
    if (env->depth >= MAX_LINK_DEPTH || r->kind == NULL)
        return NULL;
    /* Links live in env->arena, as long as the subject being judged: the
     * cache is emptied between resources (judge_all), so a large template
     * does not keep every linked variant until the end. */
    const char *sname = env->scn != NULL && env->scn->name != NULL ? env->scn->name : "";
    size_t slen = strlen(sname), klen = r->name_len + 1 + slen;
    char *key = tn_arena_alloc(env->arena, klen);
    if (key == NULL) {
        cfn->status = TENET_ENOMEM;
        return NULL;
    }
    memcpy(key, r->name, r->name_len);
    key[r->name_len] = '\x1f';
    memcpy(key + r->name_len + 1, sname, slen);
    tn_subject *s = tn_strmap_get(&cfn->links, key, klen);
    if (s != NULL)
        return s;
    s = tn_arena_calloc(env->arena, 1, sizeof *s);
    if (s == NULL || tn_strmap_put(&cfn->links, key, klen, s) != 0) {
        cfn->status = TENET_ENOMEM;
        return NULL;
    }
    /* Cached before it is filled, so a cycle of references finds it. */
    if (tn_cfn_build_subject(cfn, r, env->scn, env->depth + 1, env->arena, s) != TENET_OK) {
        cfn->status = cfn->status != TENET_OK ? cfn->status : TENET_ENOMEM;
        return NULL;
    }
    return s;
}

/* ---- the run ---- */

static int judge_resource(tn_cfn *cfn, tn_cfn_res *r, tn_arena *scratch) {
    tn_run *run = cfn->run;
    tn_cfn_scn *scns;
    size_t n;
    const char *limit;
    int rc = tn_cfn_scenarios(cfn, r, scratch, &scns, &n, &limit);
    if (rc != TENET_OK)
        return rc;
    if (limit != NULL && !r->noted) {
        r->noted = true;
        rc = tn_run_note(run, TENET_SEVERITY_INFO, "scenario-limit", &r->key->span, r->path,
                         r->name, "%s", limit);
        if (rc != TENET_OK)
            return rc;
    }
    tn_subject **variants = tn_arena_calloc(scratch, n ? n : 1, sizeof *variants);
    tn_subject *subjects = tn_arena_calloc(scratch, n ? n : 1, sizeof *subjects);
    if (variants == NULL || subjects == NULL)
        return TENET_ENOMEM;
    const tn_node *own = tn_map_get(r->node, "Condition");
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        if (own != NULL && tn_node_is_scalar(own) && own->str != NULL) {
            /* The resource does not exist where its Condition is false. */
            tn_cfn_env env = {.cfn = cfn, .arena = scratch, .scn = &scns[i]};
            const char *reason;
            if (tn_cfn_cond_value(&env, own->str, own->len, &reason) == TN_FALSE)
                continue;
        }
        rc = tn_cfn_build_subject(cfn, r, &scns[i], 0, scratch, &subjects[nv]);
        if (rc != TENET_OK)
            return rc;
        variants[nv] = &subjects[nv];
        nv++;
    }
    return nv > 0 ? tn_run_judge(run, variants, nv) : TENET_OK;
}

static int transform_note(tn_cfn *cfn) {
    const tn_pair *p = tn_map_get_pair(cfn->root, "Transform");
    if (p == NULL || p->value == NULL)
        return TENET_OK;
    const tn_node *v = p->value;
    const tn_node *one[1] = {v};
    const tn_node *const *items = one;
    size_t n = 1;
    if (v->type == TN_NODE_SEQ) {
        items = (const tn_node *const *)v->ch.items;
        n = v->n;
    }
    char *names = NULL;
    for (size_t i = 0; i < n; i++) {
        const tn_node *it = items[i];
        const tn_node *name = it != NULL && it->type == TN_NODE_MAP ? tn_map_get(it, "Name") : it;
        const char *s =
            name != NULL && tn_node_is_scalar(name) && name->str ? name->str : "(macro)";
        names = names ? tn_arena_sprintf(cfn->arena, "%s, %s", names, s)
                      : tn_arena_strdup(cfn->arena, s);
        if (names == NULL)
            return TENET_ENOMEM;
    }
    if (names == NULL)
        return TENET_OK;
    return tn_run_note(
        cfn->run, TENET_SEVERITY_INFO, "transform-not-expanded", &p->key->span, "Transform", NULL,
        "Transform %s is not expanded: resources it would generate are not checked", names);
}

static int param_notes(tn_cfn *cfn) {
    tn_run *run = cfn->run;
    const tn_pair *ps = tn_map_get_pair(cfn->root, "Parameters");
    for (size_t i = 0; i < run->nparams; i++) {
        const char *name = run->params[i].name;
        if (name == NULL || tn_cfn_param_get(cfn, name, strlen(name)) != NULL)
            continue;
        bool repeated = false; /* one note per name */
        for (size_t k = 0; k < i && !repeated; k++)
            repeated = run->params[k].name && strcmp(run->params[k].name, name) == 0;
        if (repeated)
            continue;
        int rc = tn_run_note(run, TENET_SEVERITY_WARNING, "unknown-parameter",
                             ps != NULL ? &ps->key->span : NULL, "Parameters", NULL,
                             "--param %s names no parameter of this template", name);
        if (rc != TENET_OK)
            return rc;
    }
    return TENET_OK;
}

/* Every resource a kind maps, once per region. */
static int judge_all(tn_cfn *cfn) {
    tn_run *run = cfn->run;
    tn_arena scratch;
    tn_arena_init(&scratch);
    int rc = TENET_OK;
    size_t nregions = run->nregions ? run->nregions : 1;
    for (size_t ri = 0; ri < nregions && rc == TENET_OK; ri++) {
        tn_cfn_set_region(cfn, run->nregions ? run->regions[ri] : NULL, NULL);
        for (size_t i = 0; i < cfn->nres && rc == TENET_OK; i++) {
            tn_cfn_res *r = &cfn->resv[i];
            /* With duplicate logical ids the last one counts, as in CloudFormation. */
            if (r->kind == NULL || tn_cfn_res_get(cfn, r->name, r->name_len) != r)
                continue;
            rc = judge_resource(cfn, r, &scratch);
            /* Subjects and the subjects they link are judged and reported
             * (the report copies what it keeps), so their memory can go
             * before the next resource. */
            forget_links(cfn);
            tn_arena_release(&scratch);
            tn_arena_init(&scratch);
        }
    }
    tn_arena_release(&scratch);
    return rc;
}

static int cfn_run(tn_run *run) {
    tn_cfn cfn;
    int rc = tn_cfn_init(&cfn, run);
    if (rc == TENET_OK && cfn.root != NULL) {
        rc = transform_note(&cfn);
        if (rc == TENET_OK)
            rc = tn_cfn_read_ignores(&cfn);
        if (rc == TENET_OK)
            rc = param_notes(&cfn);
        if (rc == TENET_OK)
            rc = judge_all(&cfn);
    }
    tn_cfn_dispose(&cfn);
    return rc;
}
