/* Loading rule packs: parse each source (or take a built-in pack's document
 * as the build loaded it), check the top level, then compile in passes across
 * all packs (sets, kinds, refs, regions, rules) so that a pack may use the
 * sets and kinds of another. Stops at the first error. */
#include "rules/builtin.h"
#include "rules/compile.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const top_keys[] = {"tenet", "name",  "title", "data_as_of",    "source",
                                       "regions", "sets", "kinds", "override_sets", "rules",
                                       NULL};

typedef struct pack_state {
    const tn_doc *doc; /* &view or parsed */
    tn_doc *parsed;    /* owned: parsed from the source text */
    tn_doc view;       /* a prebuilt document: nodes in the ruleset's arena, nothing to free */
    const char *file;
} pack_state;

static void enter(tn_rc *rc, const pack_state *p, size_t i) {
    rc->doc = p->doc;
    rc->file = p->file;
    rc->pack = i;
}

/* A parse failure of the rules file is a rules error, with its position. */
static int as_rules_error(int rv, tenet_error *err) {
    if (rv == TENET_EPARSE) {
        rv = TENET_ERULES;
        if (err) err->code = rv;
    }
    return rv;
}

/* Loads one pack's document: the one the build loaded from the same text
 * when there is one (`prebuilt`, may be NULL), else parsed from the text. */
static int load_source(tn_rc *rc, const tenet_rules_source *src, const tn_builtin_doc *prebuilt,
                       pack_state *p) {
    const char *name = src->name ? src->name : "<rules>";
    if (!(p->file = tn_arena_strdup(&rc->rs->arena, name))) return tn_rc_nomem(rc);
    rc->file = p->file;
    if (prebuilt && prebuilt->prebuilt) {
        /* Built in the ruleset's arena, which outlives the compile. */
        if (tn_builtin_doc_tree(prebuilt, &rc->rs->arena, &p->view.root)) return tn_rc_nomem(rc);
        p->view.name = p->file;
        p->view.text = src->data + prebuilt->text_off;
        p->view.len = src->len - prebuilt->text_off;
        p->view.notes = prebuilt->notes;
        p->view.nnotes = prebuilt->nnotes;
        p->doc = &p->view;
        return TENET_OK;
    }
    int rv = tn_doc_parse_bytes(&p->parsed, src->data, src->len, p->file, rc->err);
    p->doc = p->parsed;
    return as_rules_error(rv, rc->err);
}

/* Duplicate keys would silently drop a rule or a field: refuse them. */
static int check_notes(tn_rc *rc, const tn_doc *doc) {
    for (size_t i = 0; i < doc->nnotes; i++) {
        const tn_doc_note *note = &doc->notes[i];
        if (!note->code || (strcmp(note->code, "duplicate-key") != 0 &&
                            strcmp(note->code, "multiple-documents") != 0))
            continue;
        return tn_error_set(rc->err, TENET_ERULES, rc->file, note->span.line, note->span.col, "%s",
                            note->message ? note->message : note->code);
    }
    return TENET_OK;
}

static int pack_top(tn_rc *rc, size_t *nsets, size_t *nkinds, size_t *nrules) {
    const tn_node *root = rc->doc->root;
    tn_pack *pack = &rc->rs->packs[rc->pack];
    pack->file = rc->file;
    if (!root)
        return tn_error_set(rc->err, TENET_ERULES, rc->file, 1, 1,
                            "empty rules file (expected tenet: 1, name, kinds and rules)");
    int rv = check_notes(rc, rc->doc);
    if (!rv) rv = tn_rc_expect_map(rc, root, "a rules file");
    if (!rv) rv = tn_rc_check_keys(rc, root, top_keys, "the top level of a rules file");
    if (!rv) rv = tn_rc_require(rc, root, "tenet", "the rules file");
    if (!rv) rv = tn_rc_require(rc, root, "name", "the rules file");
    if (rv) return rv;
    const tn_node *v = tn_map_get(root, "tenet");
    if (v->type != TN_NODE_INT || v->as.i != 1)
        return tn_rc_error(rc, v,
                           "unsupported rules format version \"%s\" (this tenet reads tenet: 1)",
                           tn_node_is_scalar(v) ? v->str : "?");
    v = tn_map_get(root, "name");
    if ((rv = tn_rc_string(rc, v, "name", &pack->name))) return rv;
    if (!pack->name[0]) return tn_rc_error(rc, v, "name must not be empty");
    for (size_t i = 0; i < rc->pack; i++)
        if (strcmp(rc->rs->packs[i].name, pack->name) == 0)
            return tn_rc_error(rc, v, "pack %s is already loaded (from %s)", pack->name,
                               rc->rs->packs[i].file);
    if ((v = tn_map_get(root, "title")) && (rv = tn_rc_string(rc, v, "title", &pack->title)))
        return rv;
    if ((v = tn_map_get(root, "data_as_of")) &&
        (rv = tn_rc_string(rc, v, "data_as_of", &pack->data_as_of)))
        return rv;
    if ((v = tn_map_get(root, "source")) && (rv = tn_rc_string(rc, v, "source", &pack->source)))
        return rv;
    if ((v = tn_map_get(root, "sets"))) {
        if ((rv = tn_rc_expect_map(rc, v, "sets"))) return rv;
        *nsets += v->n;
    }
    if ((v = tn_map_get(root, "override_sets")) && (rv = tn_rc_expect_map(rc, v, "override_sets")))
        return rv;
    if ((v = tn_map_get(root, "kinds"))) {
        if ((rv = tn_rc_expect_map(rc, v, "kinds"))) return rv;
        *nkinds += v->n;
    }
    if ((v = tn_map_get(root, "rules"))) {
        if ((rv = tn_rc_expect_seq(rc, v, "rules"))) return rv;
        *nrules += v->n;
    }
    if ((v = tn_map_get(root, "regions")) && v->type != TN_NODE_SEQ &&
        !(v->type == TN_NODE_STRING && v->len > 1 && v->str[0] == '$'))
        return tn_rc_error(rc, v, "regions must be a $set or a list of regions");
    return TENET_OK;
}

static int set_values(tn_rc *rc, tn_set *set, const tn_node *v) {
    int rv = tn_rc_expect_seq(rc, v, "a set");
    if (rv) return rv;
    if (!(set->values = tn_arena_calloc(&rc->rs->arena, v->n ? v->n : 1, sizeof *set->values)))
        return tn_rc_nomem(rc);
    for (size_t i = 0; i < v->n; i++) {
        const tn_node *item = v->ch.items[i];
        if (!tn_node_is_scalar(item) || item->type == TN_NODE_NULL)
            return tn_rc_error(rc, item, "members of a set must be strings, numbers or booleans");
        if (!(set->values[i] = tn_rc_dup(rc, item))) return tn_rc_nomem(rc);
    }
    set->n = v->n;
    set->span = v->span;
    return TENET_OK;
}

static int pack_sets(tn_rc *rc, const tn_node *sets, size_t *set_pack) {
    tenet_ruleset *rs = rc->rs;
    for (size_t i = 0; i < sets->n; i++) {
        const tn_node *k = sets->ch.pairs[i].key;
        if (!tn_rc_is_ident(k->str, k->len))
            return tn_rc_error(rc, k, "bad set name \"%s\" (expected letters, digits and _)",
                               k->str);
        const tn_set *old = tn_ruleset_set(rs, k->str);
        if (old) {
            const tn_pack *op = &rs->packs[set_pack[old - rs->sets]];
            return tn_rc_error(rc, k, "set $%s is already defined (at line %u of %s)", k->str,
                               (unsigned)old->span.line, op->file);
        }
        if (rs->nsets >= rc->sets_cap) return tn_rc_nomem(rc);
        tn_set *set = &rs->sets[rs->nsets];
        memset(set, 0, sizeof *set);
        if (!(set->name = tn_rc_dup(rc, k))) return tn_rc_nomem(rc);
        int rv = set_values(rc, set, sets->ch.pairs[i].value);
        if (rv) return rv;
        set->span = k->span;
        set_pack[rs->nsets++] = rc->pack;
    }
    return TENET_OK;
}

/* `override_sets: {name: [...]}` replaces the members of a set an earlier
 * pack defined (e.g. a newer list of node families), wherever it is used. */
static int pack_override_sets(tn_rc *rc, const tn_node *sets, const size_t *set_pack) {
    tenet_ruleset *rs = rc->rs;
    for (size_t i = 0; i < sets->n; i++) {
        const tn_node *k = sets->ch.pairs[i].key;
        const tn_set *old = tn_rc_is_ident(k->str, k->len) ? tn_ruleset_set(rs, k->str) : NULL;
        if (!old || set_pack[old - rs->sets] >= rc->pack) {
            const char **names = tn_arena_calloc(&rs->arena, rs->nsets + 1, sizeof *names);
            size_t n = 0;
            if (!names) return tn_rc_nomem(rc);
            for (size_t j = 0; j < rs->nsets; j++)
                if (set_pack[j] < rc->pack) names[n++] = rs->sets[j].name;
            const char *hint = tn_rc_hint(rc, k->str, k->len, names, n);
            if (!hint) return tn_rc_nomem(rc);
            return tn_rc_error(rc, k, "no earlier pack defines set $%s to override%s", k->str,
                               hint);
        }
        tn_set repl = *old;
        int rv = set_values(rc, &repl, sets->ch.pairs[i].value);
        if (rv) return rv;
        tn_set *dst = &rs->sets[old - rs->sets];
        dst->values = repl.values;
        dst->n = repl.n;
    }
    return TENET_OK;
}

static int pack_regions(tn_rc *rc, const tn_node *v) {
    tenet_ruleset *rs = rc->rs;
    const tn_set *set;
    if (v->type == TN_NODE_SEQ) {
        tn_set *anon = tn_arena_calloc(&rs->arena, 1, sizeof *anon);
        if (!anon) return tn_rc_nomem(rc);
        anon->name = "regions";
        int rv = set_values(rc, anon, v);
        if (rv) return rv;
        set = anon;
    } else if (!(set = tn_ruleset_set(rs, v->str + 1))) {
        const char **names = tn_arena_calloc(&rs->arena, rs->nsets + 1, sizeof *names);
        if (!names) return tn_rc_nomem(rc);
        for (size_t i = 0; i < rs->nsets; i++) names[i] = rs->sets[i].name;
        const char *hint = tn_rc_hint(rc, v->str + 1, v->len - 1, names, rs->nsets);
        if (!hint) return tn_rc_nomem(rc);
        return tn_rc_error(rc, v, "unknown set \"%s\"%s", v->str, hint);
    }
    if (rs->regions && rs->regions != set)
        return tn_rc_error(rc, v, "regions is already given by an earlier pack");
    rs->regions = set;
    return TENET_OK;
}

static int compile_all(tn_rc *rc, const tenet_rules_source *sources,
                       const tn_builtin_doc *prebuilt, size_t count, pack_state *ps) {
    tenet_ruleset *rs = rc->rs;
    size_t nsets = 0, nkinds = 0, nrules = 0;
    int rv;
    if (!(rs->packs = tn_arena_calloc(&rs->arena, count ? count : 1, sizeof(tn_pack))))
        return tn_rc_nomem(rc);
    for (size_t i = 0; i < count; i++) {
        rc->pack = i;
        if ((rv = load_source(rc, &sources[i], prebuilt ? &prebuilt[i] : NULL, &ps[i])))
            return rv;
        enter(rc, &ps[i], i);
        if ((rv = pack_top(rc, &nsets, &nkinds, &nrules))) return rv;
        rs->npacks++;
    }
    size_t *set_pack = tn_arena_calloc(&rs->arena, nsets + 1, sizeof *set_pack);
    rs->sets = tn_arena_calloc(&rs->arena, nsets + 1, sizeof(tn_set));
    rs->kinds = tn_arena_calloc(&rs->arena, nkinds + 1, sizeof(tn_kind));
    rs->rules = tn_arena_calloc(&rs->arena, nrules + 1, sizeof(tn_rule));
    if (!set_pack || !rs->sets || !rs->kinds || !rs->rules) return tn_rc_nomem(rc);
    rc->sets_cap = nsets;
    rc->kinds_cap = nkinds;
    rc->rules_cap = nrules;

    const tn_node *v;
    for (size_t i = 0; i < count; i++) {
        enter(rc, &ps[i], i);
        if ((v = tn_map_get(ps[i].doc->root, "sets")) && (rv = pack_sets(rc, v, set_pack)))
            return rv;
    }
    for (size_t i = 0; i < count; i++) {
        enter(rc, &ps[i], i);
        if ((v = tn_map_get(ps[i].doc->root, "override_sets")) &&
            (rv = pack_override_sets(rc, v, set_pack)))
            return rv;
    }
    for (size_t i = 0; i < count; i++) {
        enter(rc, &ps[i], i);
        if ((v = tn_map_get(ps[i].doc->root, "kinds")) && (rv = tn_rc_kinds(rc, v))) return rv;
    }
    for (size_t i = 0; i < count; i++) {
        enter(rc, &ps[i], i);
        if ((v = tn_map_get(ps[i].doc->root, "kinds")) && (rv = tn_rc_check_refs(rc, v))) return rv;
    }
    for (size_t i = 0; i < count; i++) {
        enter(rc, &ps[i], i);
        if ((v = tn_map_get(ps[i].doc->root, "regions")) && (rv = pack_regions(rc, v))) return rv;
    }
    for (size_t i = 0; i < count; i++) {
        enter(rc, &ps[i], i);
        if ((v = tn_map_get(ps[i].doc->root, "rules")) && (rv = tn_rc_rules(rc, v))) return rv;
    }
    return TENET_OK;
}

int tn_ruleset_compile_prebuilt(tenet_ruleset **out, const tenet_rules_source *sources,
                                const tn_builtin_doc *prebuilt, size_t count, tenet_error *err) {
    *out = NULL;
    tenet_ruleset *rs = tn_calloc(1, sizeof *rs);
    pack_state *ps = tn_calloc(count ? count : 1, sizeof *ps);
    if (!rs || !ps) {
        tn_free(rs);
        tn_free(ps);
        return tn_error_set(err, TENET_ENOMEM, "<rules>", 0, 0, "out of memory compiling rules");
    }
    tn_arena_init(&rs->arena);
    /* A compiled pack takes three times its text or more (the built-in
     * one 147 KiB, and as much again for its prebuilt node tree): a large
     * ruleset then starts in one huge-page block, one page fault instead
     * of one per 4 KiB. */
    size_t text = 0;
    for (size_t i = 0; i < count; i++) text += sources[i].len;
    tn_arena_expect(&rs->arena, text * 3);
    tn_rc rc = {.rs = rs, .err = err, .file = "<rules>"};
    int rv = compile_all(&rc, sources, prebuilt, count, ps);
    for (size_t i = 0; i < count; i++) tn_doc_free(ps[i].parsed);
    tn_free(ps);
    if (rv) {
        tenet_ruleset_free(rs);
        return rv;
    }
    *out = rs;
    return TENET_OK;
}

int tenet_ruleset_compile(tenet_ruleset **out, const tenet_rules_source *sources, size_t count,
                          tenet_error *err) {
    if (!out || (count && !sources))
        return tn_error_set(err, TENET_EINVAL, "<rules>", 0, 0, "tenet_ruleset_compile: %s",
                            out ? "sources is NULL" : "out is NULL");
    return tn_ruleset_compile_prebuilt(out, sources, NULL, count, err);
}

/* A build that could not load the packs (a cross build) parses their text. */
#ifdef TENET_PREBUILT_PACKS
#define BUILTIN_DOCS tn_builtin_docs
#else
#define BUILTIN_DOCS NULL
#endif

int tenet_ruleset_builtin(tenet_ruleset **out, tenet_error *err) {
    size_t n = 0;
    while (tn_builtin_packs[n].name) n++;
    tenet_rules_source *src = tn_calloc(n ? n : 1, sizeof *src);
    if (!src) return tn_error_set(err, TENET_ENOMEM, "<builtin>", 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        src[i].name = tn_builtin_packs[i].name;
        src[i].data = tn_builtin_packs[i].data;
        src[i].len = tn_builtin_packs[i].len;
    }
    int rv = out ? tn_ruleset_compile_prebuilt(out, src, BUILTIN_DOCS, n, err)
                 : tenet_ruleset_compile(out, src, n, err);
    tn_free(src);
    return rv;
}

const char *tenet_builtin_pack(size_t index, const char **name_out, size_t *len_out) {
    for (size_t i = 0; tn_builtin_packs[i].name; i++) {
        if (i != index) continue;
        if (name_out) *name_out = tn_builtin_packs[i].name;
        if (len_out) *len_out = tn_builtin_packs[i].len;
        return tn_builtin_packs[i].data;
    }
    if (name_out) *name_out = NULL;
    if (len_out) *len_out = 0;
    return NULL;
}

int tenet_ruleset_load_file(tenet_ruleset **out, const char *path, tenet_error *err) {
    if (!out || !path)
        return tn_error_set(err, TENET_EINVAL, "<rules>", 0, 0,
                            "tenet_ruleset_load_file: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return tn_error_set(err, TENET_EIO, path, 0, 0, "cannot open %s: %s", path,
                            strerror(errno));
    char *data = NULL;
    size_t len = 0, cap = 0;
    int rv = TENET_OK;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *p = ncap > cap ? tn_realloc(data, ncap) : NULL;
            if (!p) {
                rv = tn_error_set(err, TENET_ENOMEM, path, 0, 0, "out of memory reading %s", path);
                break;
            }
            data = p;
            cap = ncap;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                rv = tn_error_set(err, TENET_EIO, path, 0, 0, "cannot read %s: %s", path,
                                  strerror(errno));
            break;
        }
    }
    fclose(f);
    if (!rv) {
        tenet_rules_source src = {path, data, len};
        rv = tenet_ruleset_compile(out, &src, 1, err);
    }
    tn_free(data);
    return rv;
}
