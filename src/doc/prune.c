/* Pruning while loading, the part both loaders share. Neither loader
 * builds a value the consumer will not read: each reads and checks it as
 * building would (yaml_skip.c, json_skip.c) and puts a null node in its
 * place. A value is built after all when it defines an anchor (an alias may
 * point into it), holds a duplicate key (its note must stay) or the
 * pruner's keep() wants it; what was allocated for the decision is rolled
 * back out of the document arena, which reuses the memory. */
#include "doc/load.h"

#include <string.h>

bool tn_doc_prune_wanted(const tn_doc_prune *ps, size_t depth) {
    return ps->pruner != NULL && ps->pruner->drop != NULL && !ps->active && depth > 0 &&
           depth <= ps->pruner->max_depth && depth <= TN_DOC_PRUNE_MAX_DEPTH;
}

void tn_doc_prune_ask(tn_doc_prune *ps, tn_doc *doc, const tn_doc_level *levels, size_t depth) {
    if (!ps->pruner->drop(ps->pruner->ctx, levels, depth))
        return;
    ps->active = true;
    ps->keep = false;
    ps->depth = depth;
    ps->nnotes = doc->nnotes;
    ps->mark = tn_arena_mark_get(&doc->arena);
}

tn_node *tn_doc_prune_done(tn_doc_prune *ps, tn_doc *doc, tn_node *node, size_t depth) {
    if (!ps->active || depth != ps->depth)
        return node;
    ps->active = false;
    if (ps->keep || doc->nnotes != ps->nnotes ||
        (ps->pruner->keep != NULL && ps->pruner->keep(ps->pruner->ctx, node)))
        return node;
    return tn_doc_prune_drop(ps, doc);
}

tn_node *tn_doc_prune_drop(tn_doc_prune *ps, tn_doc *doc) {
    ps->active = false;
    tn_arena_rollback(&doc->arena, &ps->mark);
    /* Nothing reads a dropped value, so they all share one null node (no
     * span: it stands for many places). */
    if (!ps->dropped) {
        ps->dropped = tn_arena_calloc(&doc->arena, 1, sizeof *ps->dropped);
        if (!ps->dropped)
            return NULL;
        ps->dropped->type = TN_NODE_NULL;
        ps->dropped->str = "";
    }
    doc->pruned = true;
    return ps->dropped;
}

const tn_node *tn_doc_level_key(const tn_doc_level *lv) {
    if (lv->node->type != TN_NODE_MAP || lv->n % 2 == 0)
        return NULL;
    const tn_node *k = lv->kids[lv->n - 1];
    return tn_node_is_scalar(k) && k->str != NULL ? k : NULL;
}

const tn_node *tn_doc_level_get(const tn_doc_level *lv, const char *key) {
    if (lv->node->type != TN_NODE_MAP)
        return NULL;
    for (size_t i = lv->n - lv->n % 2; i >= 2; i -= 2)
        if (tn_node_str_eq(lv->kids[i - 2], key))
            return lv->kids[i - 1];
    return NULL;
}

bool tn_doc_level_key_is(const tn_doc_level *lv, const char *word) {
    const tn_node *k = tn_doc_level_key(lv);
    return k != NULL && tn_node_str_eq(k, word);
}
