/* Compiling `rules:`: metadata, the operations judged, severity, the
 * when/require conditions and the message/fix templates. */
#include "rules/compile.h"
#include "eval/eval.h"
#include "util/arena.h"
#include <string.h>

static const char *const rule_keys[] = {
    "id",  "title",  "kind",  "on",  "severity", "when",       "require",      "message",
    "fix", "source", "quote", "why", "at",       "on_unknown", "suppressible", NULL};

static const char *const op_names[] = {"create", "update", "replace", "delete", "read", NULL};
static const tn_operation op_values[] = {TN_OP_CREATE, TN_OP_UPDATE, TN_OP_REPLACE, TN_OP_DELETE,
                                         TN_OP_READ};

static int compile_id(tn_rc *rc, tn_rule *r, const tn_node *n) {
    if (n->type != TN_NODE_STRING && n->type != TN_NODE_INT)
        return tn_rc_error(rc, n, "id must be a string");
    if (!tn_rc_is_rule_id(n->str, n->len))
        return tn_rc_error(
            rc, n, "bad rule id \"%s\" (expected a letter, then letters, digits, _ . -)", n->str);
    const tenet_ruleset *rs = rc->rs;
    for (size_t i = 0; i < rs->nrules; i++) {
        const tn_rule *o = &rs->rules[i];
        if (strcmp(o->id, n->str) != 0) continue;
        const char *ofile = rs->packs[o->pack].file;
        if (o->pack == rc->pack || !ofile)
            return tn_rc_error(rc, n, "duplicate rule id \"%s\" (first defined at line %u)", n->str,
                               (unsigned)o->span.line);
        return tn_rc_error(rc, n, "duplicate rule id \"%s\" (first defined at line %u of %s)",
                           n->str, (unsigned)o->span.line, ofile);
    }
    if (!(r->id = tn_rc_dup(rc, n))) return tn_rc_nomem(rc);
    return TENET_OK;
}

static int compile_kind_ref(tn_rc *rc, tn_rule *r, const tn_node *n) {
    const tenet_ruleset *rs = rc->rs;
    if (n->type == TN_NODE_STRING && (r->kind = tn_ruleset_kind(rs, n->str))) return TENET_OK;
    if (!tn_node_is_scalar(n)) return tn_rc_error(rc, n, "kind must be the name of a kind");
    const char **names = tn_arena_calloc(&rc->rs->arena, rs->nkinds + 1, sizeof *names);
    if (!names) return tn_rc_nomem(rc);
    for (size_t i = 0; i < rs->nkinds; i++) names[i] = rs->kinds[i].name;
    const char *hint = tn_rc_hint(rc, n->str, n->len, names, rs->nkinds);
    if (!hint) return tn_rc_nomem(rc);
    return tn_rc_error(rc, n, "unknown kind \"%s\"%s", n->str, hint);
}

static int compile_on(tn_rc *rc, tn_rule *r, const tn_node *n) {
    size_t count = n->type == TN_NODE_SEQ ? n->n : 1;
    if (count == 0) return tn_rc_error(rc, n, "on needs at least one operation");
    r->ops = 0;
    for (size_t i = 0; i < count; i++) {
        const tn_node *o = n->type == TN_NODE_SEQ ? n->ch.items[i] : n;
        tn_operation op = o->type == TN_NODE_STRING ? tn_rc_operation(o->str, o->len) : TN_OP_NONE;
        if (op == TN_OP_NONE)
            return tn_rc_error(rc, o,
                               "unknown operation \"%s\" in on (expected create, update, replace, "
                               "delete or read)",
                               tn_node_is_scalar(o) ? o->str : "?");
        r->ops |= (unsigned)op;
    }
    return TENET_OK;
}

/* "create,update" in canonical order. */
static const char *ops_text(tn_rc *rc, unsigned ops) {
    char buf[64] = "";
    size_t len = 0;
    for (size_t i = 0; op_names[i]; i++) {
        if (!(ops & (unsigned)op_values[i])) continue;
        size_t l = strlen(op_names[i]);
        if (len) buf[len++] = ',';
        memcpy(buf + len, op_names[i], l);
        len += l;
    }
    return tn_arena_strndup(&rc->rs->arena, buf, len);
}

static int compile_choice(tn_rc *rc, const tn_node *n, const char *what, const char *const *names,
                          const char *expected, int *out) {
    for (int i = 0; names[i]; i++)
        if (n->type == TN_NODE_STRING && tn_node_str_eq(n, names[i])) {
            *out = i;
            return TENET_OK;
        }
    return tn_rc_error(rc, n, "%s must be one of %s", what, expected);
}

static int compile_template(tn_rc *rc, const tn_kind *kind, const tn_node *n, const char *what,
                            const char **out) {
    int rv = tn_rc_string(rc, n, what, out);
    if (!rv && kind) rv = tn_rc_placeholders(rc, kind, n);
    return rv;
}

static int compile_rule(tn_rc *rc, const tn_node *n) {
    tenet_ruleset *rs = rc->rs;
    int rv = tn_rc_expect_map(rc, n, "a rule");
    if (!rv) rv = tn_rc_require(rc, n, "id", "a rule");
    if (rv) return rv;
    if (rs->nrules >= rc->rules_cap) return tn_rc_nomem(rc);
    tn_rule *r = &rs->rules[rs->nrules];
    memset(r, 0, sizeof *r);
    r->pack = rc->pack;
    r->span = n->span;
    if ((rv = compile_id(rc, r, tn_map_get(n, "id")))) return rv;
    const char *where = tn_arena_sprintf(&rs->arena, "rule %s", r->id);
    if (!where) return tn_rc_nomem(rc);
    if ((rv = tn_rc_check_keys(rc, n, rule_keys, where))) return rv;
    static const char *const required[] = {"kind", "severity", "message"};
    for (size_t i = 0; i < 3; i++)
        if ((rv = tn_rc_require(rc, n, required[i], where))) return rv;
    if (!tn_map_get(n, "when") && !tn_map_get(n, "require"))
        return tn_rc_error(rc, n, "%s needs a when or a require condition (or both)", where);

    if ((rv = compile_kind_ref(rc, r, tn_map_get(n, "kind")))) return rv;
    const tn_node *v;
    int choice = 0;
    static const char *const severities[] = {"info", "warning", "error", NULL};
    if ((rv = compile_choice(rc, tn_map_get(n, "severity"), "severity", severities,
                             "error, warning, info", &choice)))
        return rv;
    r->severity = (tenet_severity)choice; /* same order as tenet_severity */
    r->ops = TN_OP_CREATE | TN_OP_UPDATE | TN_OP_REPLACE;
    if ((v = tn_map_get(n, "on")) && (rv = compile_on(rc, r, v))) return rv;
    if (!(r->ops_text = ops_text(rc, r->ops))) return tn_rc_nomem(rc);
    if ((v = tn_map_get(n, "when")) && (rv = tn_rc_cond(rc, r->kind, v, &r->when))) return rv;
    if ((v = tn_map_get(n, "require")) && (rv = tn_rc_cond(rc, r->kind, v, &r->require))) return rv;
    if ((rv = compile_template(rc, r->kind, tn_map_get(n, "message"), "message", &r->message)))
        return rv;
    if (strpbrk(r->message, "{}")) { /* cut once here, not at every finding */
        tn_msg_part *parts;
        if (tn_eval_template(&rs->arena, r->kind, r->message, &parts, &r->nmsg_parts))
            return tn_rc_nomem(rc);
        r->msg_parts = parts;
    }
    if ((v = tn_map_get(n, "fix")) && (rv = compile_template(rc, r->kind, v, "fix", &r->fix)))
        return rv;
    r->title = r->id;
    if ((v = tn_map_get(n, "title")) && (rv = tn_rc_string(rc, v, "title", &r->title))) return rv;
    if ((v = tn_map_get(n, "source")) && (rv = tn_rc_string(rc, v, "source", &r->source)))
        return rv;
    if ((v = tn_map_get(n, "quote")) && (rv = tn_rc_string(rc, v, "quote", &r->quote))) return rv;
    if ((v = tn_map_get(n, "why")) && (rv = tn_rc_string(rc, v, "why", &r->why))) return rv;
    if ((v = tn_map_get(n, "at"))) {
        tn_fieldref *at = tn_arena_calloc(&rs->arena, 1, sizeof *at);
        if (!at) return tn_rc_nomem(rc);
        if (v->type != TN_NODE_STRING) return tn_rc_error(rc, v, "at must be a field reference");
        if ((rv = tn_rc_fieldref(rc, r->kind, v->str, v->len, v, 0, at))) return rv;
        r->at = at;
    }
    if ((v = tn_map_get(n, "on_unknown"))) {
        static const char *const modes[] = {"report", "pass", "fail", NULL};
        if ((rv = compile_choice(rc, v, "on_unknown", modes, "report, pass, fail", &choice)))
            return rv;
        r->on_unknown = (tn_on_unknown)choice; /* same order as tn_on_unknown */
    }
    r->suppressible = true;
    if ((v = tn_map_get(n, "suppressible")) &&
        (rv = tn_rc_bool(rc, v, "suppressible", &r->suppressible)))
        return rv;
    rs->nrules++;
    return TENET_OK;
}

/* Lists each kind's rules (tn_kind.rules), made again after each pack's
 * rules: the evaluator then visits only a subject's own kind's rules. */
static int index_by_kind(tn_rc *rc) {
    tenet_ruleset *rs = rc->rs;
    size_t *all = tn_arena_alloc(&rs->arena, (rs->nrules ? rs->nrules : 1) * sizeof *all);
    if (!all) return tn_rc_nomem(rc);
    size_t at = 0;
    for (size_t k = 0; k < rs->nkinds; k++) {
        tn_kind *kind = &rs->kinds[k];
        kind->rules = all + at;
        kind->nrules = 0;
        for (size_t i = 0; i < rs->nrules; i++)
            if (rs->rules[i].kind == kind) all[at + kind->nrules++] = i;
        at += kind->nrules;
    }
    rs->by_kind = true;
    return TENET_OK;
}

int tn_rc_rules(tn_rc *rc, const tn_node *rules) {
    int rv = tn_rc_expect_seq(rc, rules, "rules");
    for (size_t i = 0; !rv && i < rules->n; i++) rv = compile_rule(rc, rules->ch.items[i]);
    return rv ? rv : index_by_kind(rc);
}
