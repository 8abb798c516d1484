/* Value resolution under a scenario: plain YAML/JSON values, Ref (parameters,
 * pseudo parameters, resources), Fn::If and Fn::Sub. The other functions are
 * in cfn_functions.c. Whatever cannot be known becomes UNKNOWN with a reason
 * a user can act on; nothing is guessed. */
#include "frontend/cfn.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NOMEM(env) ((env)->cfn->status = TENET_ENOMEM)
#define MAX_OPEN_IFS 6 /* nested Fn::If with unknown conditions whose branches are compared */

static void stamp(tn_value *out, const tn_node *at, const char *path) {
    if (at != NULL) {
        out->has_span = true;
        out->span = at->span;
    }
    out->path = path;
}

/* A known string that is a dynamic reference ({{resolve:ssm:...}}) is only
 * known at deploy time. */
static int check_dynamic_ref(tn_cfn_env *env, tn_value *v, const tn_node *at) {
    if (v->kind != TN_V_STR || v->text == NULL)
        return TENET_OK;
    const char *p = strstr(v->text, "{{resolve:");
    if (p == NULL)
        return TENET_OK;
    const char *end = strstr(p, "}}");
    int len = end ? (int)(end - p + 2) : (int)strlen(p);
    const char *path = v->path;
    return tn_cfn_unknownf(env, v, at, path, "dynamic reference %.*s is resolved at deploy time",
                           len, p);
}

/* ---- plain values ---- */

static int resolve_map(tn_cfn_env *env, const tn_node *n, const char *path, tn_value *out) {
    memset(out, 0, sizeof *out);
    out->kind = TN_V_MAP;
    stamp(out, n, path);
    if (n->n == 0)
        return TENET_OK;
    out->u.map.keys = tn_arena_calloc(env->arena, n->n, sizeof(char *));
    out->u.map.vals = tn_arena_calloc(env->arena, n->n, sizeof(tn_value));
    if (out->u.map.keys == NULL || out->u.map.vals == NULL)
        return NOMEM(env);
    for (size_t i = 0; i < n->n; i++) {
        const tn_pair *p = &n->ch.pairs[i];
        if (p->key == NULL || p->key->str == NULL || p->value == NULL)
            continue;
        const char *kp = tn_cfn_path_key(env->arena, path, p->key->str, p->key->len);
        if (kp == NULL)
            return NOMEM(env);
        tn_value *v = &out->u.map.vals[out->u.map.n];
        int rc = tn_cfn_resolve(env, p->value, false, kp, v);
        if (rc != TENET_OK)
            return rc;
        if (v->kind == TN_V_ABSENT)
            continue; /* AWS::NoValue removes the key */
        out->u.map.keys[out->u.map.n++] = p->key->str;
    }
    return TENET_OK;
}

static int resolve_seq(tn_cfn_env *env, const tn_node *n, const char *path, tn_value *out) {
    memset(out, 0, sizeof *out);
    out->kind = TN_V_LIST;
    stamp(out, n, path);
    if (n->n == 0)
        return TENET_OK;
    out->u.list.items = tn_arena_calloc(env->arena, n->n, sizeof(tn_value));
    if (out->u.list.items == NULL)
        return NOMEM(env);
    for (size_t i = 0; i < n->n; i++) {
        if (n->ch.items[i] == NULL)
            continue;
        const char *ip = tn_cfn_path_index(env->arena, path, out->u.list.n);
        if (ip == NULL)
            return NOMEM(env);
        tn_value *v = &out->u.list.items[out->u.list.n];
        int rc = tn_cfn_resolve(env, n->ch.items[i], false, ip, v);
        if (rc != TENET_OK)
            return rc;
        if (v->kind != TN_V_ABSENT)
            out->u.list.n++; /* AWS::NoValue drops the item */
    }
    return TENET_OK;
}

/* ---- Ref ---- */

static int split_list(tn_cfn_env *env, const char *s, size_t len, const tn_node *at,
                      const char *path, const char *prov, tn_value *out) {
    size_t count = 1;
    for (size_t i = 0; i < len; i++)
        count += s[i] == ',';
    memset(out, 0, sizeof *out);
    out->kind = TN_V_LIST;
    stamp(out, at, path);
    out->provenance = prov;
    if (len == 0)
        return TENET_OK; /* an empty list parameter has no members */
    out->u.list.items = tn_arena_calloc(env->arena, count, sizeof(tn_value));
    if (out->u.list.items == NULL)
        return NOMEM(env);
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ',')
            continue;
        size_t a = start, b = i;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        char *item = tn_arena_strndup(env->arena, s + a, b - a);
        const char *ip = tn_cfn_path_index(env->arena, path, out->u.list.n);
        if (item == NULL || ip == NULL)
            return NOMEM(env);
        tn_value *v = &out->u.list.items[out->u.list.n++];
        tn_cfn_string(v, item, b - a, at, ip);
        v->provenance = prov;
        start = i + 1;
    }
    return TENET_OK;
}

/* A parameter's value text as written in the template (Default or allowed value). */
static int node_param_value(tn_cfn_env *env, const tn_cfn_param *p, const tn_node *src,
                            const tn_node *at, const char *path, const char *prov, tn_value *out) {
    if (p->is_list && tn_node_is_scalar(src) && src->str != NULL)
        return split_list(env, src->str, src->len, at, path, prov, out);
    int rc = tn_value_from_node(out, src, path, env->arena);
    if (rc != TENET_OK) {
        NOMEM(env);
        return rc;
    }
    tn_cfn_restamp(out, at, path, prov, env->arena);
    return TENET_OK;
}

/* An UNKNOWN for the reason `why` (NULL: out of memory). */
static int unknown_for(tn_cfn_env *env, const char *why, const tn_node *at, const char *path,
                      tn_value *out) {
    if (why == NULL)
        return NOMEM(env);
    tn_cfn_unknown(out, at, path, why);
    return TENET_OK;
}

static int ref_param(tn_cfn_env *env, const tn_cfn_param *cp, const tn_node *at, const char *path,
                     tn_value *out) {
    /* Its texts are made on first use, in the check's arena (tn_cfn_param):
     * every reference in every scenario would format the same ones. */
    tn_cfn_param *p = (tn_cfn_param *)cp;
    tn_arena *a = env->cfn->arena;
    if (p->given != NULL) {
        if (p->prov_given == NULL)
            p->prov_given = tn_arena_sprintf(a, "--param %s", p->name);
        const char *prov = p->prov_given;
        if (prov == NULL)
            return NOMEM(env);
        size_t len = strlen(p->given);
        if (p->is_list)
            return split_list(env, p->given, len, at, path, prov, out);
        tn_cfn_string(out, p->given, len, at, path);
        out->provenance = prov;
        return TENET_OK;
    }
    if (p->ssm) {
        if (p->why_ssm == NULL)
            p->why_ssm = tn_arena_sprintf(
                a, "parameter %s is read from SSM Parameter Store at deploy time", p->name);
        return unknown_for(env, p->why_ssm, at, path, out);
    }
    if (env->conditions_only) {
        if (p->why_not_given == NULL)
            p->why_not_given = tn_arena_sprintf(
                a, "parameter %s is not given (pass --param %s=VALUE)", p->name, p->name);
        return unknown_for(env, p->why_not_given, at, path, out);
    }
    /* A scenario may choose this parameter's value (only those with allowed values). */
    if (env->scn != NULL && p->allowed != NULL)
        tn_cfn_dep_param(env, p);
    if (env->scn != NULL && env->scn->param == p) {
        if (p->prov_allowed == NULL)
            p->prov_allowed = tn_arena_sprintf(a, "Parameters.%s AllowedValues", p->name);
        const char *prov = p->prov_allowed;
        if (prov == NULL)
            return NOMEM(env);
        size_t len = strlen(env->scn->value);
        if (p->is_list)
            return split_list(env, env->scn->value, len, at, path, prov, out);
        tn_cfn_string(out, env->scn->value, len, at, path);
        out->provenance = prov;
        return TENET_OK;
    }
    if (p->def != NULL && tn_node_is_scalar(p->def)) {
        if (p->prov_default == NULL)
            p->prov_default = tn_arena_sprintf(a, "Parameters.%s Default", p->name);
        const char *prov = p->prov_default;
        if (prov == NULL)
            return NOMEM(env);
        return node_param_value(env, p, p->def, at, path, prov, out);
    }
    if (p->allowed != NULL && p->allowed->n > 0 && p->allowed->ch.items[0] != NULL &&
        tn_node_is_scalar(p->allowed->ch.items[0])) {
        /* CloudFormation accepts nothing else, so the first allowed value is the baseline. */
        if (p->prov_allowed == NULL)
            p->prov_allowed = tn_arena_sprintf(a, "Parameters.%s AllowedValues", p->name);
        const char *prov = p->prov_allowed;
        if (prov == NULL)
            return NOMEM(env);
        return node_param_value(env, p, p->allowed->ch.items[0], at, path, prov, out);
    }
    if (p->why_no_default == NULL)
        p->why_no_default = tn_arena_sprintf(
            a, "parameter %s has no default (pass --param %s=VALUE)", p->name, p->name);
    return unknown_for(env, p->why_no_default, at, path, out);
}

static const char *partition_of(const char *region) {
    if (strncmp(region, "cn-", 3) == 0)
        return "aws-cn";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "aws-us-gov";
    if (strncmp(region, "us-iso-", 7) == 0)
        return "aws-iso";
    if (strncmp(region, "us-isob-", 8) == 0)
        return "aws-iso-b";
    return "aws";
}

static int ref_pseudo(tn_cfn_env *env, const char *name, const tn_node *at, const char *path,
                      tn_value *out) {
    const char *region = env->cfn->region;
    const char *pseudo = name + 5; /* after "AWS::" */
    if (strcmp(pseudo, "NoValue") == 0) {
        memset(out, 0, sizeof *out);
        out->kind = TN_V_ABSENT;
        stamp(out, at, path);
        return TENET_OK;
    }
    bool by_region = strcmp(pseudo, "Region") == 0 || strcmp(pseudo, "Partition") == 0 ||
                     strcmp(pseudo, "URLSuffix") == 0;
    if (!by_region) {
        if (strcmp(pseudo, "AccountId") == 0 || strcmp(pseudo, "StackName") == 0 ||
            strcmp(pseudo, "StackId") == 0 || strcmp(pseudo, "NotificationARNs") == 0)
            return tn_cfn_unknownf(env, out, at, path,
                                   "pseudo parameter %s is known only at deploy time", name);
        return tn_cfn_unknownf(env, out, at, path, "Ref to undefined name %s", name);
    }
    if (region == NULL) {
        const char *why = env->cfn->region_reason ? env->cfn->region_reason : "no region given";
        if (strcmp(pseudo, "Region") == 0)
            return tn_cfn_unknownf(env, out, at, path, "%s", why);
        return tn_cfn_unknownf(env, out, at, path, "%s depends on the region: %s", name, why);
    }
    const char *text = region;
    if (strcmp(pseudo, "Partition") == 0)
        text = partition_of(region);
    else if (strcmp(pseudo, "URLSuffix") == 0)
        text = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    tn_cfn_string(out, text, strlen(text), at, path);
    out->provenance = strcmp(pseudo, "Region") == 0 ? "region" : "derived from the region";
    return TENET_OK;
}

/* A reference to another resource: unknown until deploy, linked when the
 * field may refer to that resource's kind. */
static int ref_resource(tn_cfn_env *env, const tn_cfn_res *r, const tn_node *at, const char *path,
                        tn_value *out) {
    if (r->ref_reason == NULL) {
        /* Made once per resource, in the check's arena: each reference in
         * each scenario gives the same reason. */
        tn_cfn_res *mr = &env->cfn->resv[r - env->cfn->resv];
        mr->ref_reason = tn_arena_sprintf(
            env->cfn->arena, "refers to resource %s (its value is known only after deploy)",
            r->name);
        if (mr->ref_reason == NULL)
            return NOMEM(env);
    }
    tn_cfn_unknown(out, at, path, r->ref_reason);
    out->provenance = "resource reference";
    if (r->kind == NULL || env->conditions_only)
        return TENET_OK;
    const tn_field *f = env->field;
    bool ok = f == NULL || f->nrefs == 0;
    for (size_t i = 0; !ok && i < f->nrefs; i++)
        ok = strcmp(f->refs[i], r->kind->name) == 0;
    if (ok) {
        out->link = tn_cfn_linked_subject(env, r);
        if (out->link == NULL && env->cfn->status != TENET_OK)
            return env->cfn->status;
    }
    return TENET_OK;
}

static int resolve_name(tn_cfn_env *env, const char *name, size_t len, const tn_node *at,
                        const char *path, tn_value *out) {
    const tn_cfn_param *p = tn_cfn_param_get(env->cfn, name, len);
    if (p != NULL)
        return ref_param(env, p, at, path, out);
    if (len > 5 && strncmp(name, "AWS::", 5) == 0) {
        char *nm = tn_arena_strndup(env->arena, name, len);
        if (nm == NULL)
            return NOMEM(env);
        return ref_pseudo(env, nm, at, path, out);
    }
    const tn_cfn_res *r = tn_cfn_res_get(env->cfn, name, len);
    if (r != NULL)
        return ref_resource(env, r, at, path, out);
    return tn_cfn_unknownf(env, out, at, path, "Ref to undefined name %.*s", (int)len, name);
}

static int resolve_ref(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                       tn_value *out) {
    const tn_node *a = fn->arg;
    tn_cfn_fn inner;
    if (!tn_node_is_scalar(a) || a->str == NULL || a->len == 0 ||
        (!fn->arg_tagged && tn_cfn_intrinsic(a, false, &inner)))
        return tn_cfn_unknownf(env, out, n, path, "Ref needs a parameter or resource name");
    return resolve_name(env, a->str, a->len, n, path, out);
}

static int resolve_getatt(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                          tn_value *out) {
    const char *res, *attr;
    size_t res_len, attr_len;
    const tn_node *attr_node;
    if (!tn_cfn_getatt_target(fn, &res, &res_len, &attr, &attr_len, &attr_node))
        return tn_cfn_unknownf(env, out, n, path, "Fn::GetAtt needs Resource.Attribute");
    const tn_cfn_res *r = tn_cfn_res_get(env->cfn, res, res_len);
    if (r == NULL)
        return tn_cfn_unknownf(env, out, n, path, "Fn::GetAtt to undefined resource %.*s",
                               (int)res_len, res);
    return ref_resource(env, r, n, path, out);
}

/* ---- Fn::If ---- */

static int resolve_if(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                      tn_value *out) {
    const tn_node *a = fn->arg;
    if (a->type != TN_NODE_SEQ || a->n != 3 || !tn_node_is_scalar(a->ch.items[0]) ||
        a->ch.items[0]->str == NULL)
        return tn_cfn_unknownf(env, out, n, path,
                               "Fn::If needs [condition, value_if_true, value_if_false]");
    const tn_node *c = a->ch.items[0];
    const char *reason = NULL;
    tn_tri t = tn_cfn_cond_value(env, c->str, c->len, &reason);
    if (t == TN_TRUE)
        return tn_cfn_resolve(env, a->ch.items[1], false, path, out);
    if (t == TN_FALSE)
        return tn_cfn_resolve(env, a->ch.items[2], false, path, out);
    if (env->open_ifs >= MAX_OPEN_IFS) {
        /* Both branches of nested unknown conditions would be exponential:
         * stop comparing, and do not claim the value is present. */
        tn_cfn_unknown(out, n, path, reason);
        out->maybe_absent = true;
        return TENET_OK;
    }
    tn_value yes, no;
    env->open_ifs++;
    int rc = tn_cfn_resolve(env, a->ch.items[1], false, path, &yes);
    if (rc == TENET_OK)
        rc = tn_cfn_resolve(env, a->ch.items[2], false, path, &no);
    env->open_ifs--;
    if (rc != TENET_OK)
        return rc;
    if (tn_cfn_value_equal(&yes, &no)) {
        *out = yes;
        stamp(out, n, path);
        return TENET_OK;
    }
    tn_cfn_unknown(out, n, path, reason);
    out->maybe_absent = yes.kind == TN_V_ABSENT || no.kind == TN_V_ABSENT ||
                        (yes.kind == TN_V_UNKNOWN && yes.maybe_absent) ||
                        (no.kind == TN_V_UNKNOWN && no.maybe_absent);
    return TENET_OK;
}

/* ---- Fn::Sub ---- */

typedef struct sub_state {
    tn_cfn_env *env;
    const tn_node *at, *vars;
    const char *path;
    tn_value unknown; /* the first unknown part */
    bool have_unknown;
    const tn_subject *link;
} sub_state;

static int sub_var(sub_state *st, const char *name, size_t len, tn_buf *b) {
    tn_cfn_env *env = st->env;
    tn_value v;
    int rc;
    const tn_node *bound = st->vars ? tn_map_getn(st->vars, name, len) : NULL;
    const char *dot = memchr(name, '.', len);
    if (bound != NULL) {
        rc = tn_cfn_resolve(env, bound, false, st->path, &v);
    } else if (dot != NULL && !(len > 5 && strncmp(name, "AWS::", 5) == 0)) {
        size_t rlen = (size_t)(dot - name);
        const tn_cfn_res *r = tn_cfn_res_get(env->cfn, name, rlen);
        if (r != NULL)
            rc = ref_resource(env, r, st->at, st->path, &v);
        else
            rc = tn_cfn_unknownf(env, &v, st->at, st->path,
                                 "Fn::Sub refers to undefined resource %.*s", (int)rlen, name);
    } else {
        rc = resolve_name(env, name, len, st->at, st->path, &v);
    }
    if (rc != TENET_OK)
        return rc;
    size_t tlen;
    const char *t = tn_cfn_scalar_text(&v, &tlen);
    if (t != NULL) {
        tn_buf_put(b, t, tlen);
        return TENET_OK;
    }
    if (v.kind == TN_V_UNKNOWN) {
        if (!st->have_unknown) {
            st->unknown = v;
            st->have_unknown = true;
        }
        if (st->link == NULL)
            st->link = v.link;
        return TENET_OK;
    }
    if (!st->have_unknown) {
        rc = tn_cfn_unknownf(env, &st->unknown, st->at, st->path,
                             "Fn::Sub variable %.*s is not a string", (int)len, name);
        st->have_unknown = true;
    }
    return rc;
}

static int resolve_sub(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                       tn_value *out) {
    const tn_node *a = fn->arg, *tmpl = a, *vars = NULL;
    tn_cfn_fn inner;
    if (a->type == TN_NODE_SEQ && a->n == 2) {
        tmpl = a->ch.items[0];
        vars = a->ch.items[1];
        if (vars == NULL || vars->type != TN_NODE_MAP || tn_cfn_intrinsic(vars, false, &inner))
            return tn_cfn_unknownf(env, out, n, path, "Fn::Sub variables must be a mapping");
    }
    if (tmpl == NULL || tmpl->type != TN_NODE_STRING ||
        (tmpl != a && tn_cfn_intrinsic(tmpl, false, &inner)))
        return tn_cfn_unknownf(env, out, n, path, "Fn::Sub needs a string");
    sub_state st = {.env = env, .at = n, .vars = vars, .path = path};
    tn_buf b = {0};
    const char *s = tmpl->str;
    size_t len = tmpl->len, i = 0;
    int rc = TENET_OK;
    while (i < len && rc == TENET_OK) {
        const char *close = NULL;
        if (s[i] == '$' && i + 1 < len && s[i + 1] == '{')
            close = memchr(s + i + 2, '}', len - i - 2);
        if (close == NULL) {
            tn_buf_putc(&b, s[i++]);
            continue;
        }
        size_t start = i + 2, end = (size_t)(close - s);
        i = end + 1;
        if (start < end && s[start] == '!') {
            tn_buf_put(&b, "${", 2); /* ${!Literal} writes ${Literal} */
            tn_buf_put(&b, s + start + 1, end - start - 1);
            tn_buf_putc(&b, '}');
            continue;
        }
        while (start < end && s[start] == ' ')
            start++;
        while (end > start && s[end - 1] == ' ')
            end--;
        rc = sub_var(&st, s + start, end - start, &b);
    }
    if (rc == TENET_OK && tn_buf_failed(&b))
        rc = NOMEM(env);
    if (rc != TENET_OK) {
        tn_buf_free(&b);
        return rc;
    }
    if (st.have_unknown) {
        tn_buf_free(&b);
        tn_cfn_unknown(out, n, path, st.unknown.reason);
        out->link = st.link;
        return TENET_OK;
    }
    char *text = tn_arena_strndup(env->arena, b.ptr ? b.ptr : "", b.size);
    size_t tl = b.size;
    tn_buf_free(&b);
    if (text == NULL)
        return NOMEM(env);
    tn_cfn_string(out, text, tl, n, path);
    return check_dynamic_ref(env, out, n);
}

/* ---- entry point ---- */

static int condition_value(tn_cfn_env *env, const tn_node *n, const tn_cfn_fn *fn, const char *path,
                           tn_value *out) {
    const char *reason = NULL;
    tn_tri t = TN_UNKNOWN;
    if (tn_node_is_scalar(fn->arg) && fn->arg->str != NULL)
        t = tn_cfn_cond_value(env, fn->arg->str, fn->arg->len, &reason);
    if (t == TN_UNKNOWN) {
        tn_cfn_unknown(out, n, path, reason ? reason : "Condition needs a condition name");
        return TENET_OK;
    }
    memset(out, 0, sizeof *out);
    out->kind = TN_V_BOOL;
    out->u.b = t == TN_TRUE;
    out->text = t == TN_TRUE ? "true" : "false";
    out->len = strlen(out->text);
    stamp(out, n, path);
    return TENET_OK;
}

/* The work bound of cfn.h: a positioned error rather than minutes of work. */
static int too_many_values(tn_cfn_env *env, const tn_node *n) {
    tn_run *run = env->cfn->run;
    if (env->cfn->status == TENET_OK) {
        env->cfn->status = TENET_ELIMIT;
        tn_error_set(run->err, TENET_ELIMIT, run->file, n->span.line, n->span.col,
                     "the template expands to more than %zu values over its resources, "
                     "scenarios and regions (aliases repeat what they stand for); check fewer "
                     "regions or lower the scenario limit",
                     TN_CFN_MAX_VALUES);
    }
    return TENET_ELIMIT;
}

int tn_cfn_resolve(tn_cfn_env *env, const tn_node *n, bool ignore_tag, const char *path,
                   tn_value *out) {
    memset(out, 0, sizeof *out);
    if (n == NULL) {
        out->kind = TN_V_ABSENT;
        out->path = path;
        return TENET_OK;
    }
    if (++env->cfn->values > TN_CFN_MAX_VALUES)
        return too_many_values(env, n);
    tn_cfn_fn fn;
    bool is_fn = tn_cfn_intrinsic(n, ignore_tag, &fn);
    if (is_fn && strcmp(fn.name, "Condition") == 0) {
        /* A long-form {"Condition": ...} in a value is an ordinary key (IAM
         * policies); `!Condition X` used as a value is the condition's truth. */
        if (fn.short_form)
            return condition_value(env, n, &fn, path, out);
    } else if (is_fn) {
        if (fn.unknown_tag)
            return tn_cfn_unknownf(env, out, n, path,
                                   "%s is not a CloudFormation intrinsic function", fn.name);
        if (strcmp(fn.name, "Ref") == 0)
            return resolve_ref(env, n, &fn, path, out);
        if (strcmp(fn.name, "Fn::If") == 0)
            return resolve_if(env, n, &fn, path, out);
        if (strcmp(fn.name, "Fn::Sub") == 0)
            return resolve_sub(env, n, &fn, path, out);
        if (strcmp(fn.name, "Fn::GetAtt") == 0)
            return resolve_getatt(env, n, &fn, path, out);
        return tn_cfn_resolve_fn(env, n, &fn, path, out);
    }
    if (n->type == TN_NODE_MAP)
        return resolve_map(env, n, path, out);
    if (n->type == TN_NODE_SEQ)
        return resolve_seq(env, n, path, out);
    int rc = tn_value_from_node(out, n, path, env->arena);
    if (rc != TENET_OK) {
        NOMEM(env);
        return rc;
    }
    stamp(out, n, path);
    return check_dynamic_ref(env, out, n);
}
