/* Fuzz target: the YAML/JSON document loader. The first byte picks the
 * parser (auto, JSON, YAML) and whether tight limits apply; the rest is the
 * input, which goes through text decoding (BOM, UTF-16) first. Every node of
 * a loaded tree is walked and its invariants checked. */
#include "doc/node.h"
#include "fuzz_common.h"
#include "util/alloc.h"

#define MAX_VISITS 200000u

static void check_span(const tn_doc *doc, const tn_span *sp)
{
    if (sp->line == 0)
        return;
    tn_fuzz_assert(sp->col >= 1);
    tn_fuzz_assert(sp->off <= sp->end_off && sp->end_off <= doc->len);
    tn_fuzz_assert(sp->end_line > sp->line || (sp->end_line == sp->line && sp->end_col >= sp->col));
}

/* Walks the tree (a DAG when aliases share nodes) without recursion. */
static void walk(const tn_doc *doc)
{
    size_t cap = 64, n = 0, visits = 0;
    const tn_node **stack = malloc(cap * sizeof *stack);
    if (!stack)
        return;
    stack[n++] = doc->root;
    while (n && visits++ < MAX_VISITS) {
        const tn_node *node = stack[--n];
        tn_fuzz_assert(node != NULL);
        check_span(doc, &node->span);
        switch (node->type) {
        case TN_NODE_SEQ:
        case TN_NODE_MAP: {
            size_t need = n + (node->type == TN_NODE_MAP ? 2 * node->n : node->n);
            if (need > cap) {
                while (cap < need)
                    cap *= 2;
                const tn_node **ns = realloc(stack, cap * sizeof *stack);
                if (!ns) {
                    free(stack);
                    return;
                }
                stack = ns;
            }
            for (size_t i = 0; i < node->n; i++) {
                if (node->type == TN_NODE_SEQ) {
                    stack[n++] = node->ch.items[i];
                } else {
                    const tn_pair *p = &node->ch.pairs[i];
                    tn_fuzz_assert(p->key && p->value);
                    stack[n++] = p->key;
                    stack[n++] = p->value;
                    if (tn_node_is_scalar(p->key) && p->key->str)
                        tn_fuzz_assert(tn_map_getn(node, p->key->str, p->key->len) != NULL);
                }
            }
            break;
        }
        default:
            tn_fuzz_assert(tn_node_is_scalar(node));
            tn_fuzz_assert(node->str != NULL && node->str[node->len] == '\0');
            break;
        }
    }
    free(stack);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned opt = data[0];
    data++;
    size--;
    const char *text = NULL;
    size_t tlen = 0;
    char *owned = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    if (tn_doc_decode_text((const char *)data, size, &text, &tlen, &owned, "fuzz", &err) !=
        TENET_OK) {
        tn_fuzz_assert(err.message[0] != '\0');
        return 0;
    }
    tn_doc_limits tight = {4096, 12, 500, 64};
    const tn_doc_limits *lim = (opt & 4u) ? &tight : NULL;
    tn_doc *doc = NULL;
    int rc;
    switch (opt & 3u) {
    case 1: rc = tn_doc_parse_json(&doc, text, tlen, "fuzz", lim, &err); break;
    case 2: rc = tn_doc_parse_yaml(&doc, text, tlen, "fuzz", lim, &err); break;
    default: rc = tn_doc_parse(&doc, text, tlen, "fuzz", lim, &err); break;
    }
    if (rc == TENET_OK) {
        tn_fuzz_assert(doc != NULL);
        tn_fuzz_assert(doc->text[doc->len] == '\0');
        if (doc->root)
            walk(doc);
        for (size_t i = 0; i < doc->nnotes; i++) {
            check_span(doc, &doc->notes[i].span);
            tn_fuzz_assert(doc->notes[i].code && doc->notes[i].message);
        }
    } else {
        tn_fuzz_assert(doc == NULL);
        tn_fuzz_assert(rc == TENET_EPARSE || rc == TENET_ELIMIT || rc == TENET_ENOMEM);
        tn_fuzz_assert(err.message[0] != '\0');
    }
    tn_doc_free(doc);
    tn_free(owned);
    return 0;
}
