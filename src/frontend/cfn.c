/* The CloudFormation frontend: detects templates (YAML or JSON), indexes the
 * Parameters, Conditions, Mappings and Resources once per check, and turns
 * every resource whose Type a loaded kind maps into one subject per scenario
 * and region. Values are resolved by cfn_resolve.c; scenarios come from
 * cfn_scenario.c; subjects are built by cfn_subject.c. */
#include "frontend/cfn.h"

#include <string.h>

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

static int index_resource(tn_cfn *cfn, const tn_pair *pr, tn_strmap *types) {
    /* Entries that are not mappings (Fn::ForEach loops, schema errors) are
     * left to schema linters. */
    if (!key_ok(pr) || pr->value->type != TN_NODE_MAP)
        return TENET_OK;
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
        const tn_cfn_res *same = tn_strmap_get(types, t->str, t->len);
        if (same != NULL) {
            r->kind = same->kind;
            r->map = same->map;
        } else {
            if (cfn->run->rs != NULL)
                r->kind = tn_ruleset_kind_for_type(cfn->run->rs, FORMAT, r->type, &r->map);
            if (r->map == NULL)
                r->kind = NULL;
            if (tn_strmap_put(types, t->str, t->len, r) != 0)
                return TENET_ENOMEM;
        }
    }
    if (tn_strmap_put(&cfn->res, r->name, r->name_len, r) != 0)
        return TENET_ENOMEM;
    return TENET_OK;
}

static int index_resources(tn_cfn *cfn) {
    const tn_node *rs = cfn->resources;
    if (rs == NULL)
        return TENET_OK;
    cfn->resv = tn_arena_calloc(cfn->arena, rs->n ? rs->n : 1, sizeof *cfn->resv);
    if (cfn->resv == NULL)
        return TENET_ENOMEM;
    /* Type → the first resource of that type: a template has few types, and
     * finding a type's kind scans every kind of the ruleset. */
    tn_strmap types = {0};
    int rc = TENET_OK;
    for (size_t i = 0; i < rs->n && rc == TENET_OK; i++)
        rc = index_resource(cfn, &rs->ch.pairs[i], &types);
    tn_strmap_free(&types);
    return rc;
}

int tn_cfn_init(tn_cfn *cfn, tn_run *run) {
    memset(cfn, 0, sizeof *cfn);
    cfn->run = run;
    cfn->arena = run->arena;
    cfn->root = run->doc != NULL ? run->doc->root : NULL;
    cfn->region_reason = "no region given (pass --region)";
    cfn->links_gen = 1; /* resources start with generation 0: no links */
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
    tn_free(cfn->assignments.conds);
    tn_free(cfn->assignments.good);
    memset(&cfn->assignments, 0, sizeof cfn->assignments);
}

int tn_cfn_set_region(tn_cfn *cfn, const char *region, const char *reason) {
    cfn->region = region;
    cfn->region_reason =
        region != NULL ? NULL : (reason != NULL ? reason : "no region given (pass --region)");
    cfn->gen++;
    tn_cfn_forget_links(cfn);
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
    tn_cfn_fcache cache = {0}; /* what the scenarios share, in `scratch` like them */
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        if (own != NULL && tn_node_is_scalar(own) && own->str != NULL) {
            /* The resource does not exist where its Condition is false. */
            tn_cfn_env env = {.cfn = cfn, .arena = scratch, .scn = &scns[i]};
            const char *reason;
            if (tn_cfn_cond_value(&env, own->str, own->len, &reason) == TN_FALSE)
                continue;
        }
        /* A single scenario has nothing to share. */
        rc = tn_cfn_build_subject_cached(cfn, r, &scns[i], 0, scratch, n > 1 ? &cache : NULL,
                                         &subjects[nv]);
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
            tn_cfn_forget_links(cfn);
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
