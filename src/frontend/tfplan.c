/* The Terraform plan JSON frontend: each managed resource change that
 * creates, updates or replaces something becomes a subject. Fields come from
 * change.after (unknown where after_unknown says so), prior values from
 * change.before, links from the configuration's references, the region from
 * the resource or its provider configuration (tfplan_config.c). */
#include "frontend/tfplan.h"
#include "util/buf.h"
#include <stdio.h>
#include <string.h>

const tn_frontend tn_frontend_terraform_plan = {"terraform-plan", true, tn_tfplan_detect,
                                                tn_tfplan_run};

int tn_tfplan_detect(const char *text, size_t len, const tn_doc *doc) {
    (void)text;
    (void)len;
    const tn_node *root = doc ? doc->root : NULL;
    if (!root || root->type != TN_NODE_MAP || !tn_map_get(root, "format_version"))
        return 0;
    if (tn_map_get(root, "resource_changes") || tn_map_get(root, "planned_values") ||
        tn_map_get(root, "terraform_version"))
        return 95;
    return 0;
}

tn_operation tn_tfplan_actions(const tn_node *actions, bool *judged) {
    *judged = false;
    if (!actions || actions->type != TN_NODE_SEQ || actions->n == 0 || actions->n > 2)
        return TN_OP_NONE;
    const tn_node *a = actions->ch.items[0];
    const tn_node *b = actions->n == 2 ? actions->ch.items[1] : NULL;
    if (!b) {
        if (tn_node_str_eq(a, "create"))
            return *judged = true, TN_OP_CREATE;
        if (tn_node_str_eq(a, "update"))
            return *judged = true, TN_OP_UPDATE;
        if (tn_node_str_eq(a, "delete"))
            return TN_OP_DELETE;
        if (tn_node_str_eq(a, "read"))
            return TN_OP_READ;
        return TN_OP_NONE; /* no-op, forget, anything newer */
    }
    if ((tn_node_str_eq(a, "delete") && tn_node_str_eq(b, "create")) ||
        (tn_node_str_eq(a, "create") && tn_node_str_eq(b, "delete")))
        return *judged = true, TN_OP_REPLACE;
    return TN_OP_NONE; /* create+forget and the like */
}

static const char *str_field(const tn_node *map, const char *key) {
    const tn_node *v = tn_map_get(map, key);
    return v && v->type == TN_NODE_STRING ? v->str : NULL;
}

/* ---- paths -------------------------------------------------------------- */

static bool plain_key(const char *k, size_t len) {
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* One step of a path written at `o`: ".key", "['key']" (keys that are not
 * identifiers) or "[i]"; returns its length (at most key_len + 24). */
static size_t put_seg(char *o, const char *key, size_t key_len, long index) {
    if (!key) {
        int n = snprintf(o, 24, "[%ld]", index);
        return n < 0 ? 0 : (size_t)n;
    }
    bool plain = plain_key(key, key_len);
    memcpy(o, plain ? "." : "['", plain ? 1 : 2);
    memcpy(o + (plain ? 1 : 2), key, key_len);
    if (!plain)
        memcpy(o + 2 + key_len, "']", 2);
    return key_len + (plain ? 1 : 4);
}

/* The length put_seg() gives the step. */
static size_t seg_len(const tn_path_seg *seg) {
    char num[24];
    return seg->key ? seg->key_len + (plain_key(seg->key, seg->key_len) ? 1 : 4)
                    : put_seg(num, NULL, 0, seg->index);
}

/* base + sub + the first n segments, in the arena; NULL when out of memory.
 * Every looked-up field has a path: measured first, then written in place. */
static const char *path_build(tn_arena *a, const char *base, const char *sub,
                              const tn_path_seg *segs, size_t n) {
    size_t blen = strlen(base), slen = strlen(sub), len = blen + slen;
    for (size_t i = 0; i < n; i++)
        len += seg_len(&segs[i]);
    char *s = tn_arena_alloc(a, len + 1);
    if (!s)
        return NULL;
    memcpy(s, base, blen);
    memcpy(s + blen, sub, slen);
    size_t o = blen + slen;
    for (size_t i = 0; i < n; i++)
        o += put_seg(s + o, segs[i].key, segs[i].key_len, segs[i].index);
    s[o] = '\0';
    return s;
}

/* ---- field lookup ------------------------------------------------------- */

/* Paths are the element's path, then for the values ".change.after" (or
 * ".change.before") or ".change.after_unknown", then the steps taken. */
typedef struct lookup_ctx {
    tn_arena *arena;
    const tn_node *rc; /* the resource_changes element, for '/' paths */
    const char *rc_path;
    const tn_node *vals; /* change.after (or change.before) */
    const char *vals_sub;
    const tn_node *unk; /* change.after_unknown, or NULL */
    const char *unk_sub;
    const tn_node *conf; /* the configuration resource, or NULL if not found */
} lookup_ctx;

static const tn_node *child(const tn_node *n, const tn_path_seg *seg) {
    if (!n)
        return NULL;
    if (seg->key)
        return tn_map_getn(n, seg->key, seg->key_len);
    if (n->type != TN_NODE_SEQ || seg->index < 0 || (size_t)seg->index >= n->n)
        return NULL;
    return n->ch.items[seg->index];
}

static bool is_true(const tn_node *n) {
    return n && n->type == TN_NODE_BOOL && n->as.b;
}

static bool any_true(const tn_node *n) {
    if (is_true(n))
        return true;
    if (!n || (n->type != TN_NODE_SEQ && n->type != TN_NODE_MAP))
        return false;
    for (size_t i = 0; i < n->n; i++)
        if (any_true(n->type == TN_NODE_SEQ ? n->ch.items[i] : n->ch.pairs[i].value))
            return true;
    return false;
}

static int node_vkind(const tn_node *n) {
    switch (n->type) {
    case TN_NODE_NULL: return TN_V_NULL;
    case TN_NODE_BOOL: return TN_V_BOOL;
    case TN_NODE_INT: return TN_V_INT;
    case TN_NODE_FLOAT: return TN_V_NUM;
    case TN_NODE_STRING: return TN_V_STR;
    case TN_NODE_SEQ: return TN_V_LIST;
    case TN_NODE_MAP: return TN_V_MAP;
    }
    return -1;
}

/* An unknown value: present (an unknown key ARN still means a key is used). */
static int set_unknown(lookup_ctx *c, tn_value *out, const tn_node *u, const tn_path_seg *segs,
                       size_t n, const char *reason) {
    const char *path = path_build(c->arena, c->rc_path, c->unk_sub, segs, n);
    if (!path)
        return TENET_ENOMEM;
    memset(out, 0, sizeof *out);
    out->kind = TN_V_UNKNOWN;
    out->has_span = true;
    out->span = u->span;
    out->path = path;
    out->reason = reason;
    out->provenance = "after_unknown";
    return 1;
}

/* An attribute the configuration does not set is left to the provider,
 * which fills in the service's default: for the rules that is an absent
 * field (its declared default applies), as an omitted CloudFormation
 * property is, not an unknown one. Only said when the configuration
 * resource was found. */
static bool unset_in_config(const lookup_ctx *c, const tn_mapping_alt *alt) {
    return c->conf && !alt->root && alt->nsegs > 0 && alt->segs[0].key &&
           !tn_map_getn(tn_map_get(c->conf, "expressions"), alt->segs[0].key, alt->segs[0].key_len);
}

static int lookup(void *vctx, const tn_mapping_alt *alt, tn_value *out) {
    lookup_ctx *c = vctx;
    const tn_node *n = alt->root ? c->rc : c->vals;
    const tn_node *u = alt->root ? NULL : c->unk;
    const char *sub = alt->root ? "" : c->vals_sub;
    size_t i = 0;
    for (;; i++) {
        if (is_true(u))
            return unset_in_config(c, alt)
                       ? 0
                       : set_unknown(c, out, u, alt->segs, i, "known after apply");
        if (i == alt->nsegs)
            break;
        n = child(n, &alt->segs[i]);
        u = child(u, &alt->segs[i]);
        if (!n && !u)
            return 0;
    }
    if (!n || n->type == TN_NODE_NULL) {
        if (!any_true(u) || (alt->want >= 0 && node_vkind(u) != alt->want) ||
            unset_in_config(c, alt))
            return 0;
        return set_unknown(c, out, u, alt->segs, i, "partly known after apply");
    }
    if (alt->want >= 0 && node_vkind(n) != alt->want &&
        !(alt->want == TN_V_NUM && n->type == TN_NODE_INT))
        return 0;
    if (any_true(u))
        return unset_in_config(c, alt)
                   ? 0
                   : set_unknown(c, out, u, alt->segs, i, "partly known after apply");
    const char *path = path_build(c->arena, c->rc_path, sub, alt->segs, alt->nsegs);
    if (!path)
        return TENET_ENOMEM;
    int rc = tn_value_from_node(out, n, path, c->arena);
    return rc < 0 ? rc : 1;
}

/* ---- subjects ----------------------------------------------------------- */

static int build(tn_tfplan *p, tn_tfplan_rc *rc, tn_subject **out);

static bool refs_kind(const tn_field *f, const tn_kind *k) {
    for (size_t j = 0; j < f->nrefs; j++)
        if (strcmp(f->refs[j], k->name) == 0)
            return true;
    return false;
}

static char ambiguous; /* by_base value when several instances share a base */

/* The change a configuration reference names, seen from the module whose
 * address prefix is rc->address[0..prefix_len), or NULL in *out. At rc's own
 * level an unindexed reference to a counted resource means the instance
 * with rc's key (the usual count.index / each.key pairing); otherwise the
 * only instance. */
static int ref_target(tn_tfplan *p, tn_tfplan_rc *rc, size_t prefix_len, const char *ref,
                      size_t len, bool has_index, tn_tfplan_rc **out) {
    tn_arena *a = p->run->arena;
    const char *addr = tn_arena_sprintf(a, "%.*s%.*s", (int)prefix_len, rc->address, (int)len, ref);
    if (!addr)
        return TENET_ENOMEM;
    size_t alen = strlen(addr);
    if ((*out = tn_strmap_get(&p->by_addr, addr, alen)) != NULL || has_index)
        return TENET_OK;
    size_t blen = strlen(rc->base);
    if (prefix_len == rc->prefix_len && strlen(rc->address) > blen) {
        const char *k = tn_arena_sprintf(a, "%s%s", addr, rc->address + blen);
        if (!k)
            return TENET_ENOMEM;
        if ((*out = tn_strmap_get(&p->by_addr, k, strlen(k))) != NULL)
            return TENET_OK;
    }
    void *v = tn_strmap_get(&p->by_base, addr, alen);
    *out = v == &ambiguous ? NULL : v;
    return TENET_OK;
}

/* Follows the references of one expression written in the module at
 * rc->calls[0..level): a resource reference names a change; `var.x` leads to
 * the expression the module's caller gives x, one level up. */
static int link_refs(tn_tfplan *p, tn_tfplan_rc *rc, int level, const tn_node *refs,
                     const tn_field *f, int hops, const tn_subject **out) {
    if (!refs || refs->type != TN_NODE_SEQ || hops > TN_TFPLAN_MAX_DEPTH)
        return TENET_OK;
    size_t prefix_len = level > 0 ? rc->calls[level - 1].end : 0;
    for (size_t r = 0; r < refs->n && !*out; r++) {
        const tn_node *ref = refs->ch.items[r];
        const char *var;
        bool has_index;
        size_t len;
        int st;
        if (ref->type != TN_NODE_STRING)
            continue;
        if (tn_tfplan_var_name(ref, &var, &len)) {
            const tn_node *e = tn_tfplan_call_expr(p, rc->calls, level, var, len);
            st = link_refs(p, rc, level - 1, tn_map_get(e, "references"), f, hops + 1, out);
            if (st < 0)
                return st;
            continue;
        }
        if ((len = tn_tfplan_ref_resource(ref->str, ref->len, &has_index)) == 0)
            continue;
        tn_tfplan_rc *t;
        if ((st = ref_target(p, rc, prefix_len, ref->str, len, has_index, &t)) < 0)
            return st;
        const char *type = t ? str_field(t->node, "type") : NULL;
        const tn_format_map *tmap;
        const tn_kind *tk =
            type ? tn_ruleset_kind_for_type(p->run->rs, "terraform", type, &tmap) : NULL;
        tn_subject *ts = NULL;
        if (!tk || !refs_kind(f, tk))
            continue;
        /* Links are built depth first; a long chain stops linking. */
        if (p->depth >= TN_TFPLAN_MAX_DEPTH)
            return TENET_OK;
        p->depth++;
        st = build(p, t, &ts);
        p->depth--;
        if (st < 0)
            return st;
        *out = ts;
    }
    return TENET_OK;
}

/* The link of a field: the first configuration reference of the field's
 * attribute that names a change whose kind the field may refer to. */
static int find_link(tn_tfplan *p, tn_tfplan_rc *rc, const tn_field_map *fm, const tn_field *f,
                     const tn_subject **out) {
    const tn_node *exprs = tn_map_get(tn_tfplan_conf_resource(p, rc), "expressions");
    *out = NULL;
    for (size_t a = 0; exprs && a < fm->nalts && !*out; a++) {
        const tn_mapping_alt *alt = &fm->alts[a];
        if (alt->root || alt->nsegs == 0 || !alt->segs[0].key)
            continue;
        const tn_node *e = tn_map_getn(exprs, alt->segs[0].key, alt->segs[0].key_len);
        int st = link_refs(p, rc, rc->ncalls, tn_map_get(e, "references"), f, 0, out);
        if (st < 0)
            return st;
    }
    return TENET_OK;
}

static void put_tf_path(tn_buf *b, const tn_node *path) {
    if (!path || path->type != TN_NODE_SEQ)
        return;
    for (size_t i = 0; i < path->n; i++) {
        const tn_node *s = path->ch.items[i];
        if (s->type == TN_NODE_STRING) {
            if (i)
                tn_buf_putc(b, '.');
            tn_buf_put(b, s->str, s->len);
        } else if (s->type == TN_NODE_INT) {
            tn_buf_printf(b, "[%lld]", (long long)s->as.i);
        }
    }
}

/* "replaced because storage_encrypted cannot be updated
 * (replace_because_cannot_update)", plus "moved from ..." for moved blocks. */
static int make_note(tn_tfplan *p, tn_subject *s, const tn_node *rcn, const tn_node *change) {
    const char *reason = str_field(rcn, "action_reason");
    const char *moved = str_field(rcn, "previous_address");
    const tn_node *paths = tn_map_get(change, "replace_paths");
    tn_buf b = {0};
    if (s->op == TN_OP_REPLACE) {
        tn_buf t = {0};
        for (size_t i = 0; paths && paths->type == TN_NODE_SEQ && i < paths->n; i++) {
            size_t before = t.size;
            if (before)
                tn_buf_puts(&t, ", ");
            size_t mark = t.size;
            put_tf_path(&t, paths->ch.items[i]);
            if (t.size == mark) /* an empty path says nothing */
                t.size = before;
        }
        if (t.size && !t.failed)
            tn_buf_printf(&b, "replaced because %.*s cannot be updated", (int)t.size, t.ptr);
        else if (reason && strcmp(reason, "replace_because_tainted") == 0)
            tn_buf_puts(&b, "replaced because the resource is tainted");
        else if (reason && strcmp(reason, "replace_by_request") == 0)
            tn_buf_puts(&b, "replaced on request (-replace)");
        else
            tn_buf_puts(&b, "replaced");
        if (t.failed)
            b.failed = true;
        tn_buf_free(&t);
        if (reason)
            tn_buf_printf(&b, " (%s)", reason);
    }
    if (moved && s->name && strcmp(moved, s->name) != 0)
        tn_buf_printf(&b, "%smoved from %s", b.size ? "; " : "", moved);
    int rc = TENET_OK;
    if (tn_buf_failed(&b))
        rc = TENET_ENOMEM;
    else if (b.size && !(s->note = tn_arena_strndup(p->run->arena, b.ptr, b.size)))
        rc = TENET_ENOMEM;
    tn_buf_free(&b);
    return rc;
}

static int fill(tn_tfplan *p, tn_subject *s, const tn_format_map *map, lookup_ctx *lk) {
    return tn_subject_fill(s, s->kind, map, lookup, lk, p->run->arena, p->run->eval->match_data);
}

static int build_fields(tn_tfplan *p, tn_tfplan_rc *rc, tn_subject *s, const tn_format_map *map,
                        const tn_node *change) {
    tn_arena *a = p->run->arena;
    const tn_node *after = tn_map_get(change, "after");
    const tn_node *unk = tn_map_get(change, "after_unknown");
    const tn_node *before = tn_map_get(change, "before");
    lookup_ctx lk = {a, rc->node, s->path, NULL, NULL, NULL, NULL, tn_tfplan_conf_resource(p, rc)};
    if (after && after->type == TN_NODE_MAP) {
        lk.vals = after;
        lk.vals_sub = ".change.after";
        lk.unk = unk && (unk->type == TN_NODE_MAP || is_true(unk)) ? unk : NULL;
        lk.unk_sub = ".change.after_unknown";
    } else if (before && before->type == TN_NODE_MAP) {
        /* Linked subjects being deleted: what exists now. */
        lk.vals = before;
        lk.vals_sub = ".change.before";
    }
    int st = fill(p, s, map, &lk);
    if (st < 0)
        return st;
    if ((s->op == TN_OP_UPDATE || s->op == TN_OP_REPLACE) && before &&
        before->type == TN_NODE_MAP) {
        tn_subject prior = *s;
        lookup_ctx blk = {a, rc->node, s->path, before, ".change.before", NULL, NULL, NULL};
        prior.fields = NULL;
        prior.before = NULL;
        if ((st = fill(p, &prior, map, &blk)) < 0)
            return st;
        s->before = prior.fields;
    }
    return TENET_OK;
}

static int build(tn_tfplan *p, tn_tfplan_rc *rc, tn_subject **out) {
    *out = NULL;
    if (rc->state == 2)
        *out = rc->subject;
    if (rc->state != 0) /* built, being built (a reference cycle), or not a subject */
        return TENET_OK;
    rc->state = 3;
    const char *type = str_field(rc->node, "type");
    const tn_node *change = tn_map_get(rc->node, "change");
    const tn_format_map *map = NULL;
    const tn_kind *kind =
        type ? tn_ruleset_kind_for_type(p->run->rs, "terraform", type, &map) : NULL;
    if (!kind || !map || !change || change->type != TN_NODE_MAP)
        return TENET_OK;
    rc->state = 1;
    tn_arena *a = p->run->arena;
    tn_subject *s = tn_arena_calloc(a, 1, sizeof *s);
    if (!s || !(s->path = tn_arena_sprintf(a, "resource_changes[%zu]", rc->index)))
        return TENET_ENOMEM;
    bool judged;
    s->kind = kind;
    s->name = rc->address;
    s->type = type;
    s->format = "terraform-plan";
    s->file = p->run->file;
    s->op = tn_tfplan_actions(tn_map_get(change, "actions"), &judged);
    s->span = rc->node->span;
    int st = build_fields(p, rc, s, map, change);
    if (st < 0)
        return st;
    for (size_t i = 0; i < kind->nfields; i++) {
        const tn_field *f = &kind->fields[i];
        const tn_subject *target;
        if (f->nrefs == 0 || s->fields[i].kind == TN_V_ABSENT ||
            (s->fields[i].provenance && strcmp(s->fields[i].provenance, "default") == 0))
            continue;
        if ((st = find_link(p, rc, &map->fields[i], f, &target)) < 0)
            return st;
        if (target)
            s->fields[i].link = target;
    }
    const tn_node *after = tn_map_get(change, "after");
    const tn_node *unk_region = tn_map_get(tn_map_get(change, "after_unknown"), "region");
    s->region = tn_tfplan_region(p, rc, is_true(unk_region) ? NULL : tn_map_get(after, "region"),
                                 &s->region_reason);
    if ((st = make_note(p, s, rc->node, change)) < 0)
        return st;
    rc->subject = s;
    rc->state = 2;
    *out = s;
    return TENET_OK;
}

/* ---- the run ------------------------------------------------------------ */

/* The format documentation says to reject unknown major versions; a linter
 * does better to warn and read what it can. */
static int check_format_version(tn_run *run, const tn_node *root) {
    const tn_node *fv = tn_map_get(root, "format_version");
    if (!fv || !tn_node_is_scalar(fv) || !fv->str)
        return TENET_OK;
    const char *s = fv->str;
    if ((s[0] == '0' || s[0] == '1') && (s[1] == '.' || s[1] == '\0'))
        return TENET_OK;
    return tn_run_note(
        run, TENET_SEVERITY_WARNING, "unsupported-format-version", &fv->span, "format_version",
        NULL, "plan format_version %s is not one tenet knows (0.x or 1.x); reading it best effort",
        s);
}

/* Whether `addr` is its module prefix addr[0..off), then [data.]type.name:
 * an address without an instance key is its own base. */
static bool own_base(const char *addr, size_t off, const char *data, const char *type,
                     const char *name) {
    const char *s = addr + off;
    size_t dl = strlen(data), tl = strlen(type);
    return strncmp(s, data, dl) == 0 && strncmp(s + dl, type, tl) == 0 && s[dl + tl] == '.' &&
           strcmp(s + dl + tl + 1, name) == 0;
}

static int index_changes(tn_tfplan *p, const tn_node *changes) {
    tn_arena *a = p->run->arena;
    p->nrcs = changes->n;
    p->rcs = tn_arena_calloc(a, changes->n ? changes->n : 1, sizeof *p->rcs);
    if (!p->rcs || tn_strmap_reserve(&p->by_addr, changes->n) != 0 ||
        tn_strmap_reserve(&p->by_base, changes->n) != 0)
        return TENET_ENOMEM;
    for (size_t i = 0; i < changes->n; i++) {
        tn_tfplan_rc *rc = &p->rcs[i];
        const tn_node *n = changes->ch.items[i];
        tn_tfplan_call calls[TN_TFPLAN_MAX_DEPTH];
        size_t off = 0;
        rc->node = n;
        rc->index = i;
        rc->ncalls = -1;
        rc->state = 3;
        if (n->type != TN_NODE_MAP)
            continue;
        rc->state = 0;
        const tn_node *addr = tn_map_get(n, "address");
        const char *type = str_field(n, "type"), *name = str_field(n, "name");
        if (addr && addr->type == TN_NODE_STRING) {
            rc->address = addr->str;
            rc->ncalls =
                tn_tfplan_parse_address(addr->str, addr->len, calls, TN_TFPLAN_MAX_DEPTH, &off);
        } else {
            rc->address = type && name ? tn_arena_sprintf(a, "%s.%s", type, name)
                                       : tn_arena_sprintf(a, "resource_changes[%zu]", i);
            if (!rc->address)
                return TENET_ENOMEM;
        }
        if (rc->ncalls < 0)
            off = 0;
        rc->prefix_len = off;
        if (rc->ncalls > 0) {
            rc->calls = tn_arena_alloc(a, (size_t)rc->ncalls * sizeof *rc->calls);
            if (!rc->calls)
                return TENET_ENOMEM;
            memcpy(rc->calls, calls, (size_t)rc->ncalls * sizeof *rc->calls);
        }
        const char *data = tn_node_str_eq(tn_map_get(n, "mode"), "data") ? "data." : "";
        if (type && name && !own_base(rc->address, off, data, type, name))
            rc->base = tn_arena_sprintf(a, "%.*s%s%s.%s", (int)off, rc->address, data, type, name);
        else
            rc->base = rc->address;
        if (!rc->base)
            return TENET_ENOMEM;
        if (tn_map_get(n, "deposed")) /* an old object of the same address */
            continue;
        size_t alen = strlen(rc->address), blen = strlen(rc->base);
        if (!tn_strmap_get(&p->by_addr, rc->address, alen) &&
            tn_strmap_put(&p->by_addr, rc->address, alen, rc) < 0)
            return TENET_ENOMEM;
        void *prev = tn_strmap_get(&p->by_base, rc->base, blen);
        if (tn_strmap_put(&p->by_base, rc->base, blen, prev ? (void *)&ambiguous : rc) < 0)
            return TENET_ENOMEM;
    }
    return TENET_OK;
}

int tn_tfplan_run(tn_run *run) {
    const tn_node *root = run->doc ? run->doc->root : NULL;
    if (!root || root->type != TN_NODE_MAP)
        return TENET_OK;
    int st = check_format_version(run, root);
    if (st < 0)
        return st;
    const tn_node *changes = tn_map_get(root, "resource_changes");
    if (!changes || changes->type != TN_NODE_SEQ)
        return TENET_OK;
    tn_tfplan p;
    memset(&p, 0, sizeof p);
    p.run = run;
    p.root = root;
    p.config = tn_map_get(root, "configuration");
    p.provider_config = tn_map_get(p.config, "provider_config");
    p.variables = tn_map_get(root, "variables");
    st = index_changes(&p, changes);
    for (size_t i = 0; st >= 0 && i < p.nrcs; i++) {
        tn_tfplan_rc *rc = &p.rcs[i];
        bool judged;
        tn_subject *s;
        if (rc->state == 3 || tn_map_get(rc->node, "deposed"))
            continue;
        const char *mode = str_field(rc->node, "mode");
        if (mode ? strcmp(mode, "managed") != 0
                 : strncmp(rc->address + rc->prefix_len, "data.", 5) == 0)
            continue;
        tn_tfplan_actions(tn_map_get(tn_map_get(rc->node, "change"), "actions"), &judged);
        if (!judged)
            continue;
        if ((st = build(&p, rc, &s)) < 0 || !s)
            continue;
        st = tn_run_judge_regions(run, s);
    }
    tn_strmap_free(&p.by_addr);
    tn_strmap_free(&p.by_base);
    tn_strmap_free(&p.conf_index);
    return st < 0 ? st : TENET_OK;
}
