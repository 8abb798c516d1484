/* CloudFormation Conditions in Kleene three-valued logic. A condition's value
 * comes from the scenario (an enumerated truth assignment), else from its
 * definition evaluated with only --param values, literals and the region
 * (its "pinned" value, cached per region), else from its definition under the
 * scenario's assignments. Cycles and runaway nesting give UNKNOWN, never a hang. */
#include "frontend/cfn.h"

#include <string.h>

#define MAX_COND_DEPTH 64

static const char *fmt_reason(tn_cfn_env *env, const char *fmt, const char *name, size_t len) {
    const char *r = tn_arena_sprintf(env->arena, fmt, (int)len, name);
    if (r == NULL) {
        env->cfn->status = TENET_ENOMEM;
        return "out of memory";
    }
    return r;
}

/* Fn::Equals compares scalars by their text: CloudFormation compares strings,
 * so `!Equals [!Ref Count, 0]` holds for the parameter value "0". */
static bool equal_text(const tn_value *a, const tn_value *b) {
    size_t la, lb;
    const char *ta = tn_cfn_scalar_text(a, &la), *tb = tn_cfn_scalar_text(b, &lb);
    if (ta != NULL && tb != NULL)
        return la == lb && memcmp(ta, tb, la) == 0;
    if (a->kind == TN_V_LIST && b->kind == TN_V_LIST) {
        if (a->u.list.n != b->u.list.n)
            return false;
        for (size_t i = 0; i < a->u.list.n; i++)
            if (!equal_text(&a->u.list.items[i], &b->u.list.items[i]))
                return false;
        return true;
    }
    return tn_cfn_value_equal(a, b);
}

static bool has_unknown(const tn_value *v, const char **reason) {
    if (v->kind == TN_V_UNKNOWN) {
        *reason = v->reason;
        return true;
    }
    if (v->kind == TN_V_LIST)
        for (size_t i = 0; i < v->u.list.n; i++)
            if (has_unknown(&v->u.list.items[i], reason))
                return true;
    if (v->kind == TN_V_MAP)
        for (size_t i = 0; i < v->u.map.n; i++)
            if (has_unknown(&v->u.map.vals[i], reason))
                return true;
    return false;
}

static tn_tri eval_equals(tn_cfn_env *env, const tn_node *a, const char **reason) {
    if (a->type != TN_NODE_SEQ || a->n != 2) {
        *reason = "Fn::Equals needs [value, value]";
        return TN_UNKNOWN;
    }
    tn_value x, y;
    if (tn_cfn_resolve(env, a->ch.items[0], false, NULL, &x) != TENET_OK ||
        tn_cfn_resolve(env, a->ch.items[1], false, NULL, &y) != TENET_OK) {
        *reason = "out of memory";
        return TN_UNKNOWN;
    }
    if (has_unknown(&x, reason) || has_unknown(&y, reason))
        return TN_UNKNOWN;
    return tn_tri_from_bool(equal_text(&x, &y));
}

/* Fn::And / Fn::Or: false (true) wins, else unknown if any operand is. */
static tn_tri eval_junction(tn_cfn_env *env, const tn_node *a, bool is_and, const char **reason) {
    if (a->type != TN_NODE_SEQ || a->n == 0) {
        *reason =
            is_and ? "Fn::And needs a list of conditions" : "Fn::Or needs a list of conditions";
        return TN_UNKNOWN;
    }
    tn_tri acc = is_and ? TN_TRUE : TN_FALSE;
    const char *first = NULL;
    for (size_t i = 0; i < a->n; i++) {
        const char *r = NULL;
        tn_tri t = tn_cfn_cond_eval(env, a->ch.items[i], false, &r);
        if (t == TN_UNKNOWN && first == NULL)
            first = r;
        acc = is_and ? tn_tri_and(acc, t) : tn_tri_or(acc, t);
        if (acc == (is_and ? TN_FALSE : TN_TRUE))
            return acc;
    }
    if (acc == TN_UNKNOWN)
        *reason = first;
    return acc;
}

tn_tri tn_cfn_cond_eval(tn_cfn_env *env, const tn_node *n, bool ignore_tag, const char **reason) {
    tn_cfn_fn fn;
    *reason = NULL;
    if (n == NULL) {
        *reason = "empty condition";
        return TN_UNKNOWN;
    }
    if (!tn_cfn_intrinsic(n, ignore_tag, &fn)) {
        /* Plain booleans are not valid CloudFormation, but their meaning is plain. */
        if (n->type == TN_NODE_BOOL)
            return tn_tri_from_bool(n->as.b);
        if (tn_node_is_scalar(n) && n->str != NULL) {
            int b = tn_parse_bool_text(n->str, n->len);
            if (b >= 0)
                return tn_tri_from_bool(b);
        }
        *reason = "not a condition function";
        return TN_UNKNOWN;
    }
    const tn_node *a = fn.arg;
    if (strcmp(fn.name, "Condition") == 0) {
        if (!tn_node_is_scalar(a) || a->str == NULL) {
            *reason = "Condition needs a condition name";
            return TN_UNKNOWN;
        }
        return tn_cfn_cond_value(env, a->str, a->len, reason);
    }
    if (strcmp(fn.name, "Fn::Equals") == 0)
        return eval_equals(env, a, reason);
    if (strcmp(fn.name, "Fn::And") == 0)
        return eval_junction(env, a, true, reason);
    if (strcmp(fn.name, "Fn::Or") == 0)
        return eval_junction(env, a, false, reason);
    if (strcmp(fn.name, "Fn::Not") == 0) {
        const tn_node *x = NULL;
        tn_cfn_fn inner;
        if (a->type == TN_NODE_SEQ && a->n == 1)
            x = a->ch.items[0];
        else if (!fn.arg_tagged && tn_cfn_intrinsic(a, false, &inner))
            x = a; /* tolerate a missing list around the operand */
        if (x == NULL) {
            *reason = "Fn::Not needs [condition]";
            return TN_UNKNOWN;
        }
        return tn_tri_not(tn_cfn_cond_eval(env, x, false, reason));
    }
    *reason = fmt_reason(env, "%.*s is not a condition function", fn.name, strlen(fn.name));
    return TN_UNKNOWN;
}

/* Depth-first search for `target` through the Condition references of `n`. */
static bool reaches(tn_cfn *cfn, const tn_node *n, bool ignore_tag, tn_cfn_cond *target,
                    int depth) {
    if (n == NULL || depth > MAX_COND_DEPTH)
        return false;
    tn_cfn_fn fn;
    if (tn_cfn_intrinsic(n, ignore_tag, &fn)) {
        if (strcmp(fn.name, "Condition") == 0) {
            if (!tn_node_is_scalar(fn.arg) || fn.arg->str == NULL)
                return false;
            tn_cfn_cond *c = tn_cfn_cond_get(cfn, fn.arg->str, fn.arg->len);
            if (c == NULL || c->mark == cfn->mark)
                return c == target && c != NULL;
            if (c == target)
                return true;
            c->mark = cfn->mark;
            return reaches(cfn, c->def, false, target, depth + 1);
        }
        return reaches(cfn, fn.arg, fn.arg_tagged, target, depth);
    }
    if (n->type == TN_NODE_SEQ)
        for (size_t i = 0; i < n->n; i++)
            if (reaches(cfn, n->ch.items[i], false, target, depth))
                return true;
    if (n->type == TN_NODE_MAP)
        for (size_t i = 0; i < n->n; i++)
            if (reaches(cfn, n->ch.pairs[i].value, false, target, depth))
                return true;
    return false;
}

bool tn_cfn_cond_cyclic(tn_cfn *cfn, tn_cfn_cond *c) {
    if (c->cyclic == 0) {
        cfn->mark++;
        c->cyclic = reaches(cfn, c->def, false, c, 0) ? 2 : 1;
    }
    return c->cyclic == 2;
}

tn_tri tn_cfn_cond_def(tn_cfn_env *env, tn_cfn_cond *c, const char **reason) {
    if (c->visiting) {
        *reason = fmt_reason(env, "condition %.*s refers to itself", c->name, strlen(c->name));
        return TN_UNKNOWN;
    }
    if (env->cond_depth >= MAX_COND_DEPTH) {
        *reason = "conditions are nested too deeply";
        return TN_UNKNOWN;
    }
    c->visiting = true;
    env->cond_depth++;
    tn_tri t = tn_cfn_cond_eval(env, c->def, false, reason);
    env->cond_depth--;
    c->visiting = false;
    return t;
}

/* The pinned value: only --param values, literals and the region. */
static tn_tri pinned(tn_cfn_env *env, tn_cfn_cond *c, const char **reason) {
    tn_cfn *cfn = env->cfn;
    if (c->gen == cfn->gen) {
        *reason = c->reason;
        return c->pinned;
    }
    tn_cfn_env pe = *env;
    pe.scn = NULL;
    pe.conditions_only = true;
    pe.arena = cfn->arena; /* the cached reason outlives the caller's scratch */
    tn_tri t = tn_cfn_cond_def(&pe, c, reason);
    if (c->visiting || env->cond_depth > 0) {
        /* Evaluated inside a cycle or a deep chain: the result depends on
         * the entry point, so do not cache it. */
        if (env->cond_depth > 0 && t != TN_UNKNOWN) {
            c->gen = cfn->gen;
            c->pinned = t;
            c->reason = NULL;
        }
        return t;
    }
    c->gen = cfn->gen;
    c->pinned = t;
    c->reason = *reason;
    return t;
}

tn_tri tn_cfn_cond_value(tn_cfn_env *env, const char *name, size_t len, const char **reason) {
    tn_cfn_cond *c = tn_cfn_cond_get(env->cfn, name, len);
    *reason = NULL;
    if (c == NULL) {
        *reason = fmt_reason(env, "condition %.*s is not defined", name, len);
        return TN_UNKNOWN;
    }
    const tn_cfn_scn *s = env->scn;
    if (s != NULL)
        for (size_t i = 0; i < s->nconds; i++)
            if (s->conds[i] == c) {
                tn_cfn_dep_cond(env, i);
                return s->vals[i];
            }
    const char *r = NULL;
    tn_tri t = pinned(env, c, &r);
    if (t != TN_UNKNOWN)
        return t;
    if (s != NULL) {
        /* Marked when there are many: a scan per lookup would be quadratic. */
        bool skipped = s->nskipped > 0 && s->skip_mark != 0 && c->skip_mark == s->skip_mark;
        for (size_t i = 0; i < s->nskipped && s->skip_mark == 0 && !skipped; i++)
            skipped = s->skipped[i] == c;
        if (skipped) {
            const char *m =
                tn_arena_sprintf(env->arena, "too many conditions to enumerate (%zu)", s->nfree);
            *reason = m ? m : "too many conditions to enumerate";
            return TN_UNKNOWN;
        }
        if (s->nconds > 0 && !c->visiting) {
            /* Known through the enumerated conditions it refers to? */
            tn_cfn_env se = *env;
            se.conditions_only = true;
            t = tn_cfn_cond_def(&se, c, &r);
            if (t != TN_UNKNOWN)
                return t;
        }
    }
    if (c->visiting) {
        *reason = r;
        return TN_UNKNOWN;
    }
    if (tn_cfn_cond_cyclic(env->cfn, c)) {
        *reason = fmt_reason(env, "condition %.*s is circular", c->name, strlen(c->name));
        return TN_UNKNOWN;
    }
    *reason = fmt_reason(env, "depends on condition %.*s", c->name, strlen(c->name));
    return TN_UNKNOWN;
}
