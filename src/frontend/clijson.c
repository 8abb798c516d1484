/* The cli-json frontend: a mapping of API parameter names to values — a
 * filled-in `aws ... --generate-cli-skeleton`, or the parameters of an SDK
 * call — in JSON or YAML. The operation is given (--operation, kebab-case or
 * PascalCase) or inferred when exactly one operation of the rules accepts
 * every key. */
#include "frontend/request.h"

#include <string.h>

static int clijson_detect(const char *text, size_t len, const tn_doc *doc);
static int clijson_run(tn_run *run);

const tn_frontend tn_frontend_cli_json = {"cli-json", true, clijson_detect, clijson_run};

static bool pascal(const tn_node *k) {
    if (!k || k->type != TN_NODE_STRING || !k->str || k->len == 0)
        return false;
    if (!(k->str[0] >= 'A' && k->str[0] <= 'Z'))
        return false;
    for (size_t i = 1; i < k->len; i++) {
        char c = k->str[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

/* Detection cannot see the rules, so it goes by shape: API parameter names
 * are PascalCase identifiers. */
static int clijson_detect(const char *text, size_t len, const tn_doc *doc) {
    (void)text;
    (void)len;
    const tn_node *root = doc ? doc->root : NULL;
    if (!root || root->type != TN_NODE_MAP || root->n == 0)
        return 0;
    size_t pc = 0;
    for (size_t i = 0; i < root->n; i++)
        pc += pascal(root->ch.pairs[i].key);
    if (root->n >= 2 && pc * 10 >= root->n * 6)
        return 50;
    return pc ? 10 : 0;
}

static bool has_name(const char **names, long n, const char *key) {
    for (long i = 0; i < n; i++)
        if (strcmp(names[i], key) == 0)
            return true;
    return false;
}

/* The one operation whose parameters include every key; else a note naming
 * the candidates. Returns 1 found, 0 not, or TENET_ENOMEM. */
static int infer(tn_run *run, const tn_node *root, tn_req_target *out) {
    const tenet_ruleset *rs = run->rs;
    size_t best = 0, nall = 0;
    const char *all = NULL, *near = NULL;
    for (size_t k = 0; k < rs->nkinds; k++) {
        const tn_format_map *map = tn_kind_format(&rs->kinds[k], "api");
        for (size_t o = 0; map && o < map->nops; o++) {
            tn_req_target t = {&rs->kinds[k], map, &map->ops[o]};
            const char **names;
            long nn = tn_request_names(&t, run->arena, &names);
            if (nn < 0)
                return TENET_ENOMEM;
            size_t hits = 0, keys = 0;
            for (size_t i = 0; i < root->n; i++) {
                const tn_node *key = root->ch.pairs[i].key;
                if (!key->str || tn_request_is_protocol_key(key->str, key->len))
                    continue;
                keys++;
                hits += has_name(names, nn, key->str);
            }
            if (hits == keys && keys > 0) {
                if (nall++ == 0)
                    *out = t;
                all = all ? tn_arena_sprintf(run->arena, "%s, %s", all, t.op->name) : t.op->name;
            } else if (hits > best) {
                best = hits;
                near = t.op->name;
            } else if (hits == best && hits > 0) {
                near = tn_arena_sprintf(run->arena, "%s, %s", near, t.op->name);
            }
            if ((nall && !all) || (best && !near))
                return TENET_ENOMEM;
        }
    }
    if (nall == 1)
        return 1;
    const char *cands = nall ? all : near;
    int rc = tn_run_note(run, TENET_SEVERITY_ERROR, "unknown-operation", &root->span, NULL, NULL,
                         "cannot tell which operation this JSON is for; pass --operation%s%s%s",
                         cands ? " (candidates: " : "", cands ? cands : "", cands ? ")" : "");
    return rc == TENET_OK ? 0 : rc;
}

static const char *ops_list(const tenet_ruleset *rs, tn_arena *arena) {
    const char *list = NULL;
    for (size_t k = 0; k < rs->nkinds; k++) {
        const tn_format_map *map = tn_kind_format(&rs->kinds[k], "api");
        for (size_t o = 0; map && o < map->nops; o++) {
            list =
                list ? tn_arena_sprintf(arena, "%s, %s", list, map->ops[o].name) : map->ops[o].name;
            if (!list)
                return NULL;
        }
    }
    return list ? list : "none";
}

static int clijson_run(tn_run *run) {
    const tn_node *root = run->doc ? run->doc->root : NULL;
    if (!root || root->type != TN_NODE_MAP)
        return tn_run_note(run, TENET_SEVERITY_ERROR, "not-parameters", root ? &root->span : NULL,
                           NULL, NULL, "expected a mapping of API parameter names to values");
    tn_request req;
    memset(&req, 0, sizeof req);
    if (run->operation) {
        if (!tn_request_find_op(run->rs, run->operation, strlen(run->operation), NULL,
                                &req.target)) {
            const char *ops = ops_list(run->rs, run->arena);
            return ops ? tn_run_note(run, TENET_SEVERITY_ERROR, "unknown-operation", NULL, NULL,
                                     NULL, "the rules know no operation %s (they know: %s)",
                                     run->operation, ops)
                       : TENET_ENOMEM;
        }
    } else {
        int rc = infer(run, root, &req.target);
        if (rc <= 0)
            return rc;
    }
    req.operation = req.target.op->name;
    req.span = root->n ? root->ch.pairs[0].key->span : root->span;
    req.region_reason = "the input does not name a region (pass --region)";
    const char *id = NULL;
    for (size_t i = 0; i < root->n; i++) {
        const tn_node *key = root->ch.pairs[i].key, *val = root->ch.pairs[i].value;
        if (!key->str)
            continue;
        tn_req_param p;
        memset(&p, 0, sizeof p);
        p.name = key->str;
        p.has_key_span = true;
        p.key_span = key->span;
        int rc = tn_value_from_node(&p.value, val, key->str, run->arena);
        if (rc == TENET_OK)
            rc = tn_request_add_param(&req, run->arena, &p);
        if (rc != TENET_OK)
            return rc;
        if (!id && key->len > 2 && strcmp(key->str + key->len - 2, "Id") == 0 && val &&
            val->type == TN_NODE_STRING && val->len)
            id = val->str;
    }
    req.name = id ? tn_arena_sprintf(run->arena, "%s %s", req.operation, id) : req.operation;
    if (!req.name)
        return TENET_ENOMEM;
    int rc = tn_request_check_names(run, &req, TENET_SEVERITY_WARNING);
    return rc == TENET_OK ? tn_request_judge(run, &req) : rc;
}
