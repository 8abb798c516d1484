/* The node tree of a prebuilt built-in pack, made from its packed tables
 * (rules/builtin.h) when a ruleset is compiled: tables without pointers are
 * read-only data the loader never relocates, and the nodes land in the
 * ruleset's arena, whose first block is already there. */
#include "rules/builtin.h"
#include <stdint.h>
#include <string.h>

int tn_builtin_doc_tree(const tn_builtin_doc *b, tn_arena *a, tn_node **root) {
    *root = NULL;
    if (!b->nnodes) return TENET_OK;
    if (b->nnodes > SIZE_MAX / sizeof(tn_node) || b->nitems > SIZE_MAX / sizeof(tn_node *) ||
        b->npairs > SIZE_MAX / sizeof(tn_pair))
        return TENET_ENOMEM;
    /* Every field is written below: no need to clear them first. */
    tn_node *nodes = tn_arena_alloc(a, b->nnodes * sizeof *nodes);
    tn_node **items = tn_arena_alloc(a, b->nitems * sizeof *items);
    tn_pair *pairs = tn_arena_alloc(a, b->npairs * sizeof *pairs);
    if (!nodes || !items || !pairs) return TENET_ENOMEM;
    for (size_t i = 0; i < b->nitems; i++) items[i] = &nodes[b->items[i]];
    for (size_t i = 0; i < b->npairs; i++) {
        pairs[i].key = &nodes[b->pairs[i].key];
        pairs[i].value = &nodes[b->pairs[i].value];
    }
    for (size_t i = 0; i < b->nnodes; i++) {
        const tn_packed_node *p = &b->nodes[i];
        tn_node *n = &nodes[i];
        n->type = (tn_node_type)p->type;
        n->quoted = p->quoted;
        n->tag = p->tag ? b->pool + (p->tag - 1) : NULL;
        n->span = p->span;
        n->str = p->str ? b->pool + (p->str - 1) : NULL;
        n->len = p->len;
        n->n = p->n;
        if (n->type == TN_NODE_SEQ)
            n->ch.items = &items[p->kids];
        else if (n->type == TN_NODE_MAP)
            n->ch.pairs = &pairs[p->kids];
        else
            memcpy(&n->as, &p->as, sizeof n->as); /* the same union */
    }
    *root = &nodes[0];
    return TENET_OK;
}
