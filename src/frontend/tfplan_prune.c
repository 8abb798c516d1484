/* What loading a plan may drop (tn_doc_pruner): collections the frontend
 * never reads. It reads format_version and terraform_version, whether
 * planned_values is there, resource_changes (of each change its address,
 * type, name, mode and reasons, and for the types a loaded kind maps the
 * change's actions, replace_paths, and in before, after and after_unknown
 * the attributes the mapping names), configuration (provider_config, and of
 * resource entries the type, name, mode and provider_config_key, which
 * attributes their expressions set, and the references of those a field
 * that may link reads) and variables. So planned_values, prior_state,
 * drift and outputs, the change of a resource no kind maps, sensitivity
 * masks and unmapped attributes (tags, policies, ...), the expressions of
 * resources no kind maps and the rest of the others' expressions, are
 * never looked at. As for templates, the guess is validated by the caller. */
#include "frontend/tfplan.h"

#include <string.h>

/* Whether `alt` may read something at or below path[0..n). */
static bool touches(const tn_mapping_alt *alt, const tn_node *const *path, size_t n) {
    for (size_t i = 0; i < alt->nsegs && i < n; i++) {
        const tn_path_seg *seg = &alt->segs[i];
        if (seg->key == NULL)
            return true; /* an index: any element */
        if (seg->key_len != path[i]->len || memcmp(seg->key, path[i]->str, seg->key_len) != 0)
            return false;
    }
    return true;
}

/* Whether a mapping alternative of `kind` reads below `path`: relative to
 * the change element when `root` (the /paths), else to the values. */
static bool reads(const tn_kind *kind, const tn_format_map *map, bool root,
                  const tn_node *const *path, size_t n) {
    for (size_t f = 0; f < kind->nfields; f++)
        for (size_t a = 0; a < map->fields[f].nalts; a++)
            if (map->fields[f].alts[a].root == root && touches(&map->fields[f].alts[a], path, n))
                return true;
    return false;
}

/* Whether a field that may link to another subject reads `attr` of the
 * values: the references of its configuration expression are followed. */
static bool links_through(const tn_kind *kind, const tn_format_map *map, const tn_node *attr) {
    for (size_t f = 0; f < kind->nfields; f++)
        for (size_t a = 0; kind->fields[f].nrefs > 0 && a < map->fields[f].nalts; a++)
            if (!map->fields[f].alts[a].root && touches(&map->fields[f].alts[a], &attr, 1))
                return true;
    return false;
}

/* The kind that maps the type named so far at a level, with its mapping;
 * NULL when none does. *known tells whether a type is named at all. */
static const tn_kind *kind_of(const tenet_ruleset *rs, const tn_doc_level *lv,
                              const tn_format_map **map, bool *known) {
    const tn_node *type = tn_doc_level_get(lv, "type");
    *map = NULL;
    *known = type != NULL && type->type == TN_NODE_STRING;
    if (!*known)
        return NULL;
    const tn_kind *kind = tn_ruleset_kind_for_type(rs, "terraform", type->str, map);
    return *map != NULL ? kind : NULL;
}

/* resource_changes[i].<key>...: depth 3 to 5. */
static bool drop_in_change(const tenet_ruleset *rs, const tn_doc_level *lv, size_t depth) {
    const tn_node *path[3] = {tn_doc_level_key(&lv[2]), NULL, NULL};
    if (path[0] == NULL || !tn_node_str_eq(path[0], "change"))
        return false;
    const tn_format_map *map;
    bool known;
    const tn_kind *kind = kind_of(rs, &lv[2], &map, &known);
    if (!known)
        return false; /* not known (yet): keep */
    if (depth == 3 || kind == NULL)
        return kind == NULL;
    if ((path[1] = tn_doc_level_key(&lv[3])) == NULL)
        return false;
    bool values = tn_node_str_eq(path[1], "after") || tn_node_str_eq(path[1], "before") ||
                  tn_node_str_eq(path[1], "after_unknown");
    if (depth == 4)
        return !values && !tn_node_str_eq(path[1], "actions") &&
               !tn_node_str_eq(path[1], "replace_paths") && !reads(kind, map, true, path, 2);
    if (!values || (path[2] = tn_doc_level_key(&lv[4])) == NULL)
        return false;
    return !tn_node_str_eq(path[2], "region") && !reads(kind, map, false, path + 2, 1) &&
           !reads(kind, map, true, path, 3);
}

/* configuration.root_module.resources[i].expressions...: depth 5 and 6.
 * All of it for the types no kind maps; else only whether an attribute is
 * set is looked at, and the references of those a linking field reads. */
static bool drop_in_config(const tenet_ruleset *rs, const tn_doc_level *lv, size_t depth) {
    const tn_format_map *map;
    bool known;
    const tn_kind *kind = kind_of(rs, &lv[4], &map, &known);
    if (!known)
        return false; /* not known (yet): keep */
    if (depth == 5 || kind == NULL)
        return kind == NULL;
    const tn_node *attr = tn_doc_level_key(&lv[5]);
    return attr != NULL && !links_through(kind, map, attr);
}

bool tn_tfplan_prune(void *ruleset, const tn_doc_level *lv, size_t depth) {
    const tenet_ruleset *rs = ruleset;
    if (rs == NULL || depth == 0 || depth > TN_TFPLAN_PRUNE_DEPTH)
        return false;
    if (depth == 1)
        return tn_doc_level_key_is(&lv[0], "planned_values") || tn_doc_level_key_is(&lv[0], "prior_state") ||
               tn_doc_level_key_is(&lv[0], "resource_drift") || tn_doc_level_key_is(&lv[0], "output_changes") ||
               tn_doc_level_key_is(&lv[0], "relevant_attributes") || tn_doc_level_key_is(&lv[0], "checks");
    if (depth >= 3 && depth <= 5 && tn_doc_level_key_is(&lv[0], "resource_changes") &&
        lv[1].node->type == TN_NODE_SEQ && lv[2].node->type == TN_NODE_MAP)
        return drop_in_change(rs, lv, depth);
    if (depth >= 5 && tn_doc_level_key_is(&lv[0], "configuration") && tn_doc_level_key_is(&lv[1], "root_module") &&
        tn_doc_level_key_is(&lv[2], "resources") && lv[3].node->type == TN_NODE_SEQ &&
        tn_doc_level_key_is(&lv[4], "expressions"))
        return drop_in_config(rs, lv, depth);
    return false;
}
