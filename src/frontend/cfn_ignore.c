/* Suppressions declared in a template:
 *
 *   Metadata:
 *     tenet:
 *       ignore:
 *         - EC-AR-002                                  # a rule id
 *         - {rule: EC-AR-004, reason: "legacy cluster"} # with a reason
 *
 * at the top level (every diagnostic of the file) or in a resource (that
 * resource's diagnostics). A malformed entry is a warning, never an error:
 * the template is still checked. */
#include "frontend/cfn.h"

#include <string.h>

static bool text(const tn_node *n) {
    return n != NULL && tn_node_is_scalar(n) && n->type != TN_NODE_NULL && n->str != NULL &&
           n->len > 0;
}

static int bad(tn_cfn *cfn, const tn_node *at, const char *path, const char *subject,
               const char *what) {
    return tn_run_note(cfn->run, TENET_SEVERITY_WARNING, "bad-suppression", &at->span, path,
                       subject, "%s (write a rule id or {rule: ID, reason: TEXT}); ignored", what);
}

static int read_entry(tn_cfn *cfn, const tn_node *it, const char *path, const char *subject) {
    if (text(it))
        return tn_run_ignore(cfn->run, subject, it->str, NULL, &it->span);
    if (it->type != TN_NODE_MAP)
        return bad(cfn, it, path, subject, "a tenet ignore entry must be a rule id or a mapping");
    const tn_node *rule = tn_map_get(it, "rule");
    const tn_node *reason = tn_map_get(it, "reason");
    for (size_t i = 0; i < it->n; i++) {
        const tn_node *k = it->ch.pairs[i].key;
        if (!tn_node_str_eq(k, "rule") && !tn_node_str_eq(k, "reason"))
            return tn_run_note(cfn->run, TENET_SEVERITY_WARNING, "bad-suppression", &k->span,
                               path, subject,
                               "unknown key \"%s\" in a tenet ignore entry (expected rule and "
                               "reason); the entry is ignored",
                               tn_node_is_scalar(k) && k->str ? k->str : "?");
    }
    if (!text(rule))
        return bad(cfn, rule ? rule : it, path, subject, "a tenet ignore entry needs a rule");
    if (reason != NULL && !text(reason))
        return bad(cfn, reason, path, subject, "the reason of a tenet ignore entry must be text");
    return tn_run_ignore(cfn->run, subject, rule->str, reason ? reason->str : NULL, &it->span);
}

/* `owner` is the template root or a resource; `base` its path prefix. */
static int read_owner(tn_cfn *cfn, const tn_node *owner, const char *base, const char *subject) {
    const tn_node *md = tn_map_get(owner, "Metadata");
    const tn_pair *tp = md != NULL && md->type == TN_NODE_MAP ? tn_map_get_pair(md, "tenet") : NULL;
    if (tp == NULL || tp->value == NULL)
        return TENET_OK;
    const char *path = base ? tn_cfn_path_key(cfn->arena, base, "Metadata", 8) : "Metadata";
    if (path == NULL || (path = tn_cfn_path_key(cfn->arena, path, "tenet", 5)) == NULL)
        return TENET_ENOMEM;
    const tn_node *list = tp->value->type == TN_NODE_MAP ? tn_map_get(tp->value, "ignore") : NULL;
    if (list == NULL)
        return bad(cfn, tp->key, path, subject, "Metadata.tenet must be a mapping with an ignore list");
    if (list->type != TN_NODE_SEQ)
        return read_entry(cfn, list, path, subject);
    for (size_t i = 0; i < list->n; i++) {
        int rc = read_entry(cfn, list->ch.items[i], path, subject);
        if (rc != TENET_OK)
            return rc;
    }
    return TENET_OK;
}

int tn_cfn_read_ignores(tn_cfn *cfn) {
    if (cfn->root == NULL)
        return TENET_OK;
    int rc = read_owner(cfn, cfn->root, NULL, NULL);
    for (size_t i = 0; i < cfn->nres && rc == TENET_OK; i++)
        rc = read_owner(cfn, cfn->resv[i].node, cfn->resv[i].path, cfn->resv[i].name);
    return rc;
}
