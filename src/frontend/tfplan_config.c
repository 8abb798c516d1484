/* Terraform plan: addresses, the `configuration` section and provider
 * regions. Everything here is best effort: a missing or mistyped section
 * yields "not found", never an error. */
#include "frontend/tfplan.h"
#include "util/buf.h"
#include <string.h>

/* Index just past the `]` of an instance key starting at a[pos] == '[', or 0. */
static size_t skip_key(const char *a, size_t len, size_t pos) {
    size_t j = pos + 1;
    if (j < len && a[j] == '"') {
        for (j++; j < len && a[j] != '"'; j++)
            if (a[j] == '\\')
                j++;
        if (j >= len)
            return 0;
        j++;
    } else {
        while (j < len && a[j] != ']' && a[j] != '[')
            j++;
    }
    return j < len && a[j] == ']' ? j + 1 : 0;
}

int tn_tfplan_parse_address(const char *a, size_t len, tn_tfplan_call *calls, size_t max,
                            size_t *res_off) {
    size_t i = 0;
    int n = 0;
    while (len - i > 7 && memcmp(a + i, "module.", 7) == 0) {
        size_t s = i + 7, e = s;
        while (e < len && a[e] != '.' && a[e] != '[')
            e++;
        if (e == s || (size_t)n >= max)
            return -1;
        calls[n].name = a + s;
        calls[n].len = e - s;
        n++;
        if (e < len && a[e] == '[' && (e = skip_key(a, len, e)) == 0)
            return -1;
        if (e == len) { /* a bare module address */
            i = calls[n - 1].end = len;
            break;
        }
        if (a[e] != '.')
            return -1;
        i = calls[n - 1].end = e + 1;
    }
    *res_off = i;
    return n;
}

static bool seg_is(const char *s, size_t len, const char *word) {
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

size_t tn_tfplan_ref_resource(const char *ref, size_t len, bool *has_index) {
    static const char *const not_resources[] = {"var",   "local", "module", "each",
                                                "count", "path",  "self",   "terraform"};
    size_t i = 0, e;
    *has_index = false;
    e = i;
    while (e < len && ref[e] != '.' && ref[e] != '[')
        e++;
    for (size_t k = 0; k < sizeof not_resources / sizeof *not_resources; k++)
        if (seg_is(ref, e, not_resources[k]))
            return 0;
    if (seg_is(ref, e, "data")) {
        if (e >= len || ref[e] != '.')
            return 0;
        i = e + 1;
        e = i;
        while (e < len && ref[e] != '.' && ref[e] != '[')
            e++;
    }
    if (e == i || e >= len || ref[e] != '.') /* type, then the name must follow */
        return 0;
    i = e + 1;
    e = i;
    while (e < len && ref[e] != '.' && ref[e] != '[')
        e++;
    if (e == i)
        return 0;
    if (e < len && ref[e] == '[') {
        size_t k = skip_key(ref, len, e);
        if (k == 0)
            return 0;
        *has_index = true;
        e = k;
    }
    return e;
}

/* The configuration module at calls[0..n): root_module, then
 * module_calls.<name>.module for each call. */
static const tn_node *module_node(const tn_tfplan *p, const tn_tfplan_call *calls, int n) {
    const tn_node *m = tn_map_get(p->config, "root_module");
    for (int i = 0; m && i < n; i++)
        m = tn_map_get(tn_map_getn(tn_map_get(m, "module_calls"), calls[i].name, calls[i].len),
                       "module");
    return m && m->type == TN_NODE_MAP ? m : NULL;
}

static bool str_field_eq(const tn_node *map, const char *key, const char *want) {
    const tn_node *v = tn_map_get(map, key);
    return v && v->type == TN_NODE_STRING && want && strcmp(v->str, want) == 0;
}

static const char *str_field(const tn_node *map, const char *key) {
    const tn_node *v = tn_map_get(map, key);
    return v && v->type == TN_NODE_STRING ? v->str : NULL;
}

/* The first entry of this type and name whose mode, when both say one, agrees. */
static const tn_node *conf_search(const tn_node *res, const char *type, const char *name,
                                  const char *mode) {
    for (size_t i = 0; i < res->n; i++) {
        const tn_node *r = res->ch.items[i];
        if (r->type != TN_NODE_MAP || !str_field_eq(r, "type", type) ||
            !str_field_eq(r, "name", name))
            continue;
        const char *m = str_field(r, "mode");
        if (mode && m && strcmp(mode, m) != 0)
            continue;
        return r;
    }
    return NULL;
}

/* Index keys: a tag byte, the module's resources node, then type, name and
 * mode, each length-prefixed so that no content can collide. */
static size_t conf_key_len(const char *type, const char *name, const char *mode) {
    const char *parts[3] = {type, name, mode};
    size_t n = 1 + sizeof(const tn_node *);
    for (int i = 0; i < 3; i++)
        n += parts[i] ? sizeof(size_t) + strlen(parts[i]) : 0;
    return n;
}

/* Writes the key into k (conf_key_len bytes). */
static void conf_key_put(char *k, char tag, const tn_node *res, const char *type,
                         const char *name, const char *mode) {
    const char *parts[3] = {type, name, mode};
    k[0] = tag;
    memcpy(k + 1, &res, sizeof res);
    size_t o = 1 + sizeof res;
    for (int i = 0; i < 3; i++) {
        if (!parts[i])
            continue;
        size_t l = strlen(parts[i]);
        memcpy(k + o, &l, sizeof l);
        memcpy(k + o + sizeof l, parts[i], l);
        o += sizeof l + l;
    }
}

/* A key to keep in the index, in the arena; NULL when out of memory. */
static const char *conf_key(tn_arena *a, char tag, const tn_node *res, const char *type,
                            const char *name, const char *mode, size_t *len) {
    *len = conf_key_len(type, name, mode);
    char *k = tn_arena_alloc(a, *len);
    if (k)
        conf_key_put(k, tag, res, type, name, mode);
    return k;
}

/* The first index of `key` wins (the linear search it replaces stopped at
 * the first match). */
static int index_first(tn_tfplan *p, const char *key, size_t len, size_t i) {
    if (!key)
        return -1;
    if (tn_strmap_get(&p->conf_index, key, len))
        return 0;
    return tn_strmap_put(&p->conf_index, key, len, (void *)(uintptr_t)(i + 1));
}

/* Indexes the resources of one module's configuration on first use, so each
 * change finds its entry in constant time: a linear search per change made
 * large plans quadratic. Entries: 'A' (type, name) for any mode; 'M' (type,
 * name, mode); 'N' (type, name) among entries without a mode; 'D' (no
 * parts) marks the module done. */
static int index_conf(tn_tfplan *p, const tn_node *res) {
    tn_arena *a = p->run->arena;
    char probe[1 + sizeof res];
    size_t len;
    conf_key_put(probe, 'D', res, NULL, NULL, NULL);
    if (tn_strmap_get(&p->conf_index, probe, sizeof probe))
        return 0;
    /* two entries per resource, and the mark */
    if (tn_strmap_reserve(&p->conf_index, p->conf_index.count + 2 * res->n + 1) != 0)
        return -1;
    for (size_t i = 0; i < res->n; i++) {
        const tn_node *r = res->ch.items[i];
        if (r->type != TN_NODE_MAP)
            continue;
        const char *type = str_field(r, "type"), *name = str_field(r, "name");
        const char *m = str_field(r, "mode");
        if (!type || !name)
            continue;
        const char *k = conf_key(a, 'A', res, type, name, NULL, &len);
        if (index_first(p, k, len, i) < 0)
            return -1;
        k = conf_key(a, m ? 'M' : 'N', res, type, name, m, &len);
        if (index_first(p, k, len, i) < 0)
            return -1;
    }
    const char *done = conf_key(a, 'D', res, NULL, NULL, NULL, &len);
    return done ? tn_strmap_put(&p->conf_index, done, len, (void *)(uintptr_t)1) : -1;
}

/* Looks a key up without keeping it: on the stack unless it is long. */
static size_t conf_find(tn_tfplan *p, char tag, const tn_node *res, const char *type,
                        const char *name, const char *mode) {
    char room[256];
    size_t len = conf_key_len(type, name, mode);
    char *k = len <= sizeof room ? room : tn_arena_alloc(p->run->arena, len);
    if (!k)
        return 0;
    conf_key_put(k, tag, res, type, name, mode);
    return (size_t)(uintptr_t)tn_strmap_get(&p->conf_index, k, len);
}

const tn_node *tn_tfplan_conf_resource(tn_tfplan *p, tn_tfplan_rc *rc) {
    if (rc->conf_done)
        return rc->conf;
    rc->conf_done = true;
    if (rc->ncalls < 0)
        return NULL;
    const tn_node *res = tn_map_get(module_node(p, rc->calls, rc->ncalls), "resources");
    const char *type = str_field(rc->node, "type"), *name = str_field(rc->node, "name");
    const char *mode = str_field(rc->node, "mode");
    if (!res || res->type != TN_NODE_SEQ || !type || !name)
        return NULL;
    if (index_conf(p, res) != 0) /* out of memory: search */
        return rc->conf = conf_search(res, type, name, mode);
    /* The first entry of this type and name whose mode, when both say one, agrees. */
    size_t at = conf_find(p, 'A', res, type, name, NULL);
    if (mode) {
        size_t same = conf_find(p, 'M', res, type, name, mode);
        size_t none = conf_find(p, 'N', res, type, name, NULL);
        at = same && (!none || same < none) ? same : none;
    }
    rc->conf = at ? res->ch.items[at - 1] : NULL;
    return rc->conf;
}

bool tn_tfplan_var_name(const tn_node *ref, const char **name, size_t *len) {
    if (ref->type != TN_NODE_STRING || ref->len < 5 || memcmp(ref->str, "var.", 4) != 0)
        return false;
    size_t e = 4;
    while (e < ref->len && ref->str[e] != '.' && ref->str[e] != '[')
        e++;
    *name = ref->str + 4;
    *len = e - 4;
    return *len > 0;
}

const tn_node *tn_tfplan_call_expr(tn_tfplan *p, const tn_tfplan_call *calls, int n,
                                   const char *name, size_t len) {
    if (n <= 0)
        return NULL;
    const tn_node *call = tn_map_getn(tn_map_get(module_node(p, calls, n - 1), "module_calls"),
                                      calls[n - 1].name, calls[n - 1].len);
    return tn_map_getn(tn_map_get(call, "expressions"), name, len);
}

static const tn_node *resolve_var(tn_tfplan *p, const tn_tfplan_call *calls, int n,
                                  const char *name, size_t len, int depth) {
    if (n == 0) {
        const tn_node *v = tn_map_get(tn_map_getn(p->variables, name, len), "value");
        if (v)
            return v;
        return tn_map_get(tn_map_getn(tn_map_get(module_node(p, NULL, 0), "variables"), name, len),
                          "default");
    }
    const tn_node *call = tn_map_getn(tn_map_get(module_node(p, calls, n - 1), "module_calls"),
                                      calls[n - 1].name, calls[n - 1].len);
    const tn_node *e = tn_tfplan_call_expr(p, calls, n, name, len);
    if (e)
        return tn_tfplan_resolve_expr(p, calls, n - 1, e, depth + 1);
    return tn_map_get(tn_map_getn(tn_map_get(tn_map_get(call, "module"), "variables"), name, len),
                      "default");
}

const tn_node *tn_tfplan_resolve_expr(tn_tfplan *p, const tn_tfplan_call *calls, int ncalls,
                                      const tn_node *expr, int depth) {
    if (depth > TN_TFPLAN_MAX_DEPTH || !expr || expr->type != TN_NODE_MAP)
        return NULL;
    const tn_node *cv = tn_map_get(expr, "constant_value");
    if (cv)
        return cv;
    /* Only an expression whose every reference is one variable is taken as
     * that variable's value; anything else (locals, data sources, several
     * inputs) cannot be evaluated from the plan. */
    const tn_node *refs = tn_map_get(expr, "references");
    const char *name = NULL;
    size_t len = 0;
    if (!refs || refs->type != TN_NODE_SEQ || refs->n == 0)
        return NULL;
    for (size_t i = 0; i < refs->n; i++) {
        const char *nm;
        size_t nl;
        if (!tn_tfplan_var_name(refs->ch.items[i], &nm, &nl))
            return NULL;
        if (name && (nl != len || memcmp(nm, name, len) != 0))
            return NULL;
        name = nm;
        len = nl;
    }
    return resolve_var(p, calls, ncalls, name, len, depth);
}

/* "module.a.module.b:local" (or "local" at the root), in the run arena. */
static const char *module_key(tn_tfplan *p, const tn_tfplan_call *calls, int n, const char *local) {
    tn_buf b = {0};
    for (int i = 0; i < n; i++) {
        tn_buf_puts(&b, i ? ".module." : "module.");
        tn_buf_put(&b, calls[i].name, calls[i].len);
    }
    if (n)
        tn_buf_putc(&b, ':');
    tn_buf_puts(&b, local);
    const char *s = tn_buf_failed(&b) ? NULL : tn_arena_strndup(p->run->arena, b.ptr, b.size);
    tn_buf_free(&b);
    return s;
}

/* A provider configuration that only declares a version (or nothing) is a
 * proxy: the module inherits its parent's configuration. */
static bool configures(const tn_node *entry) {
    const tn_node *e = tn_map_get(entry, "expressions");
    return e && e->type == TN_NODE_MAP && e->n > 0;
}

/* Module calls of a provider_config entry, from its module_address; -1
 * when it has none or it cannot be parsed. */
static int entry_level(const tn_node *entry, tn_tfplan_call *calls) {
    const char *ma = str_field(entry, "module_address");
    size_t off;
    if (!ma || !*ma)
        return -1;
    int n = tn_tfplan_parse_address(ma, strlen(ma), calls, TN_TFPLAN_MAX_DEPTH, &off);
    return n >= 0 && off == strlen(ma) ? n : -1;
}

#define NO_REGION "the plan does not say which region"

const char *tn_tfplan_region(tn_tfplan *p, tn_tfplan_rc *rc, const tn_node *after_region,
                             const char **reason) {
    if (after_region && after_region->type == TN_NODE_STRING && after_region->len > 0)
        return after_region->str;
    tn_arena *arena = p->run->arena;
    const tn_node *conf = tn_tfplan_conf_resource(p, rc);
    const char *key = str_field(conf, "provider_config_key");
    char *implied = NULL;
    if (!key) { /* Terraform's implied provider: the type's first word */
        const char *type = str_field(rc->node, "type");
        const char *us = type ? strchr(type, '_') : NULL;
        implied =
            type ? tn_arena_strndup(arena, type, us ? (size_t)(us - type) : strlen(type)) : NULL;
        key = implied;
    }
    if (!key) {
        *reason = NO_REGION " (the resource names no provider; pass --region)";
        return NULL;
    }
    const char *colon = strrchr(key, ':');
    const char *local = colon ? colon + 1 : key;
    const tn_node *pc = p->provider_config;
    const tn_node *entry = NULL;
    tn_tfplan_call ecalls[TN_TFPLAN_MAX_DEPTH];
    const tn_tfplan_call *calls = rc->calls;
    int level = 0;

    const tn_node *direct = tn_map_get(pc, key);
    if (direct && configures(direct)) {
        entry = direct;
        level = entry_level(direct, ecalls);
        if (level >= 0)
            calls = ecalls;
        else
            level = colon ? (rc->ncalls > 0 ? rc->ncalls : 0) : 0;
    }
    /* Walk up from the resource's module to the root: the nearest module
     * that configures the provider is the one in effect. */
    for (int lvl = rc->ncalls > 0 ? rc->ncalls : 0; !entry && lvl >= 0; lvl--) {
        const char *k = module_key(p, rc->calls, lvl, local);
        if (!k)
            break;
        const tn_node *e = tn_map_get(pc, k);
        if (e && configures(e)) {
            entry = e;
            level = lvl;
            calls = rc->calls;
        }
    }
    if (!entry) {
        *reason = tn_arena_sprintf(arena,
                                   NO_REGION " (provider \"%s\" has no configuration in the plan; "
                                             "pass --region)",
                                   local);
        return NULL;
    }
    const tn_node *expr = tn_map_get(tn_map_get(entry, "expressions"), "region");
    if (!expr) {
        *reason = tn_arena_sprintf(
            arena, NO_REGION " (provider \"%s\" sets no region; pass --region)", local);
        return NULL;
    }
    const tn_node *v = tn_tfplan_resolve_expr(p, calls, level, expr, 0);
    if (v && v->type == TN_NODE_STRING && v->len > 0)
        return v->str;
    *reason = NO_REGION " (provider region is not a constant; pass --region)";
    return NULL;
}
