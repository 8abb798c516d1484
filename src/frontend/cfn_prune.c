/* What loading a template may drop (tn_doc_pruner): collections the
 * frontend never reads. It reads Parameters, Conditions, Mappings and
 * Transform, the template's Metadata.tenet, and of each resource its Type,
 * Condition and Metadata.tenet plus the paths the loaded kind's mapping
 * names (in Properties, or from the resource itself: /DeletionPolicy). So
 * Outputs and Rules, other Metadata, the Properties of a resource no kind
 * maps, and in those a kind maps the values of properties no mapping names
 * (tags, policies, ...) are never looked at; a Metadata section is dropped
 * unless it turns out to hold `tenet`. The loader keeps the keys and a null
 * in place of each dropped value. The guess is validated by the
 * caller: a document pruned this way is loaded again in full unless it is
 * judged as a template. */
#include "frontend/cfn.h"

#include <string.h>

static bool seg_is(const tn_path_seg *seg, const tn_node *key) {
    return seg->key != NULL && seg->key_len == key->len && memcmp(seg->key, key->str, key->len) == 0;
}

/* Whether an alternative of `map` reaches into `key` of Properties (inner
 * == false) or of the resource itself, and there into `sub` (when not NULL). */
static bool mapping_reads(const tn_kind *kind, const tn_format_map *map, bool root,
                          const tn_node *key, const tn_node *sub) {
    for (size_t f = 0; f < kind->nfields; f++) {
        for (size_t a = 0; a < map->fields[f].nalts; a++) {
            const tn_mapping_alt *alt = &map->fields[f].alts[a];
            if (alt->root != root)
                continue;
            if (alt->nsegs == 0 || alt->segs[0].key == NULL)
                return true; /* the whole of it */
            if (!seg_is(&alt->segs[0], key))
                continue;
            if (sub == NULL || alt->nsegs < 2 || seg_is(&alt->segs[1], sub) ||
                alt->segs[1].key == NULL)
                return true;
        }
    }
    return false;
}

static bool is_intrinsic_key(const tn_node *k) {
    return tn_node_str_eq(k, "Ref") || tn_node_str_eq(k, "Condition") ||
           (k->len > 4 && memcmp(k->str, "Fn::", 4) == 0);
}

/* Resources.<id>.<key>[.<sub>]: depth 3 or 4. */
static bool drop_in_resource(const tenet_ruleset *rs, const tn_doc_level *lv, size_t depth) {
    const tn_node *key = tn_doc_level_key(&lv[2]);
    const tn_node *type = tn_doc_level_get(&lv[2], "Type");
    if (key == NULL || type == NULL || !tn_node_is_scalar(type) || type->str == NULL)
        return false; /* not known (yet): keep */
    const tn_format_map *map = NULL;
    const tn_kind *kind = tn_ruleset_kind_for_type(rs, "cloudformation", type->str, &map);
    if (kind != NULL && map == NULL)
        kind = NULL;
    bool props = tn_node_str_eq(key, "Properties"), meta = tn_node_str_eq(key, "Metadata");
    if (depth == 3) {
        if (props)
            return kind == NULL;
        /* Metadata (unless it holds `tenet`: tn_cfn_prune_keep), DependsOn,
         * policies: what no /path of the mapping reads */
        return kind == NULL || !mapping_reads(kind, map, true, key, NULL);
    }
    const tn_node *sub = tn_doc_level_key(&lv[3]);
    if (sub == NULL || lv[3].node->tag != NULL || is_intrinsic_key(sub))
        return false;
    if (props)
        return kind != NULL && !mapping_reads(kind, map, false, sub, NULL);
    if (meta)
        return !tn_node_str_eq(sub, "tenet") &&
               (kind == NULL || !mapping_reads(kind, map, true, key, sub));
    return false;
}

bool tn_cfn_prune_keep(void *ruleset, const tn_node *value) {
    (void)ruleset;
    return value->type == TN_NODE_MAP && tn_map_get(value, "tenet") != NULL;
}

bool tn_cfn_prune(void *ruleset, const tn_doc_level *lv, size_t depth) {
    const tenet_ruleset *rs = ruleset;
    if (rs == NULL || depth == 0 || depth > TN_CFN_PRUNE_DEPTH)
        return false;
    if (depth == 1) /* Metadata: unless it holds `tenet` (tn_cfn_prune_keep) */
        return tn_doc_level_key_is(&lv[0], "Outputs") || tn_doc_level_key_is(&lv[0], "Rules") ||
               tn_doc_level_key_is(&lv[0], "Metadata");
    if (depth == 2) {
        const tn_node *k = tn_doc_level_key(&lv[1]);
        return tn_doc_level_key_is(&lv[0], "Metadata") && k != NULL && !tn_node_str_eq(k, "tenet");
    }
    if (!tn_doc_level_key_is(&lv[0], "Resources") || lv[1].node->type != TN_NODE_MAP ||
        lv[2].node->type != TN_NODE_MAP)
        return false;
    return drop_in_resource(rs, lv, depth);
}
