/* The built-in packs' documents as the build loads them (tools/prebuild_packs.c),
 * once tn_builtin_doc_tree has made their node trees from the packed tables:
 * deep-equal to what tn_doc_parse gives for the embedded text, and compiling
 * them gives the same ruleset, or the same error, as compiling the text. The
 * generator is also run on fixtures of this test (tests/unit/prebuilt/:
 * aliases, tags, odd scalars, a BOM, notes, no document at all). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules/builtin.h"
#include "rules/ir.h"
#include "util/alloc.h"
#include "util/arena.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void same_span(const tn_span *a, const tn_span *b) {
    if (a->line != b->line || a->col != b->col || a->end_line != b->end_line ||
        a->end_col != b->end_col || a->off != b->off || a->end_off != b->end_off)
        fail_msg("span differs: %u:%u-%u:%u [%u,%u) vs %u:%u-%u:%u [%u,%u)", (unsigned)a->line,
                 (unsigned)a->col, (unsigned)a->end_line, (unsigned)a->end_col, (unsigned)a->off,
                 (unsigned)a->end_off, (unsigned)b->line, (unsigned)b->col,
                 (unsigned)b->end_line, (unsigned)b->end_col, (unsigned)b->off,
                 (unsigned)b->end_off);
}

/* ---- documents (only a build that loads the packs has them) ---- */
#ifdef TENET_PREBUILT_PACKS

/* Pairs of nodes already compared: a node reached twice (a YAML alias) must
 * be the same node on both sides. */
typedef struct node_map {
    const tn_node **a, **b;
    size_t n, cap;
} node_map;

static bool seen_before(node_map *m, const tn_node *a, const tn_node *b) {
    for (size_t i = 0; i < m->n; i++) {
        if (m->a[i] != a && m->b[i] != b) continue;
        if (m->a[i] != a || m->b[i] != b)
            fail_msg("node at %u:%u is shared on one side only", (unsigned)a->span.line,
                     (unsigned)a->span.col);
        return true;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 256;
        m->a = realloc(m->a, m->cap * sizeof *m->a);
        m->b = realloc(m->b, m->cap * sizeof *m->b);
        assert_non_null(m->a);
        assert_non_null(m->b);
    }
    m->a[m->n] = a;
    m->b[m->n++] = b;
    return false;
}

static void same_cstr(const char *a, const char *b, const char *what, const tn_span *at) {
    if (!a || !b) {
        if (a != b)
            fail_msg("%s differs at %u:%u (one is NULL)", what, (unsigned)at->line,
                     (unsigned)at->col);
        return;
    }
    if (strcmp(a, b) != 0)
        fail_msg("%s differs at %u:%u: \"%s\" vs \"%s\"", what, (unsigned)at->line,
                 (unsigned)at->col, a, b);
}

/* `a` from tn_doc_parse, `b` prebuilt. */
static void same_node(node_map *m, const tn_node *a, const tn_node *b) {
    assert_non_null(a);
    assert_non_null(b);
    if (seen_before(m, a, b)) return;
    same_span(&a->span, &b->span);
    unsigned line = (unsigned)a->span.line, col = (unsigned)a->span.col;
    if (a->type != b->type) fail_msg("type differs at %u:%u", line, col);
    if (a->quoted != b->quoted) fail_msg("quoted differs at %u:%u", line, col);
    same_cstr(a->tag, b->tag, "tag", &a->span);
    if (a->len != b->len || a->n != b->n) fail_msg("len or n differs at %u:%u", line, col);
    if (!a->str != !b->str) fail_msg("str differs at %u:%u (one is NULL)", line, col);
    if (a->str && (memcmp(a->str, b->str, a->len) != 0 || b->str[b->len] != '\0'))
        fail_msg("str differs at %u:%u: \"%s\" vs \"%s\"", line, col, a->str, b->str);
    switch (a->type) {
    case TN_NODE_BOOL:
        if (a->as.b != b->as.b) fail_msg("bool differs at %u:%u", line, col);
        break;
    case TN_NODE_INT:
        if (a->as.i != b->as.i) fail_msg("int differs at %u:%u", line, col);
        break;
    case TN_NODE_FLOAT:
        /* Exactly: the same bits (so -0.0 is not 0.0), any NaN of a sign. */
        if (isnan(a->as.f) ? !isnan(b->as.f) || signbit(a->as.f) != signbit(b->as.f)
                           : memcmp(&a->as.f, &b->as.f, sizeof a->as.f) != 0)
            fail_msg("float differs at %u:%u: %a vs %a", line, col, a->as.f, b->as.f);
        break;
    case TN_NODE_SEQ:
        for (uint32_t i = 0; i < a->n; i++) same_node(m, a->ch.items[i], b->ch.items[i]);
        break;
    case TN_NODE_MAP:
        for (uint32_t i = 0; i < a->n; i++) {
            same_node(m, a->ch.pairs[i].key, b->ch.pairs[i].key);
            same_node(m, a->ch.pairs[i].value, b->ch.pairs[i].value);
        }
        break;
    case TN_NODE_NULL:
    case TN_NODE_STRING: break;
    }
}

/* The document src/rules/load.c parses for a pack's bytes. */
static tn_doc *parse_pack(const char *name, const char *data, size_t len) {
    tn_doc *doc = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rv = tn_doc_parse_bytes(&doc, data, len, name, &err);
    if (rv) fail_msg("%s does not parse: %s", name, err.message);
    return doc;
}

/* The node tree of `pre`, in `a`. */
static tn_node *tree_of(const tn_builtin_doc *pre, tn_arena *a) {
    tn_node *root = (tn_node *)1;
    assert_int_equal(tn_builtin_doc_tree(pre, a, &root), TENET_OK);
    assert_int_equal(!root, !pre->nnodes);
    return root;
}

static void same_doc(const char *name, const char *data, size_t len, const tn_builtin_doc *pre) {
    tn_doc *doc = parse_pack(name, data, len);
    if (!pre->prebuilt) fail_msg("%s was not loaded at build time", name);
    /* The spans index the text, which the view takes from the embedded bytes. */
    assert_int_equal(pre->text_off, len - doc->len);
    assert_memory_equal(data + pre->text_off, doc->text, doc->len);
    assert_int_equal(pre->nnotes, doc->nnotes);
    for (size_t i = 0; i < doc->nnotes; i++) {
        same_span(&doc->notes[i].span, &pre->notes[i].span);
        same_cstr(doc->notes[i].code, pre->notes[i].code, "note code", &doc->notes[i].span);
        same_cstr(doc->notes[i].message, pre->notes[i].message, "note", &doc->notes[i].span);
    }
    tn_arena a;
    tn_arena_init(&a);
    tn_node *root = tree_of(pre, &a);
    node_map m = {0};
    if (!doc->root != !root) fail_msg("%s: one root is NULL", name);
    if (doc->root) same_node(&m, doc->root, root);
    free(m.a);
    free(m.b);
    tn_arena_release(&a);
    tn_doc_free(doc);
}
#endif

/* ---- rulesets ---- */

static void same_str(const char *a, const char *b) {
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}


static void same_test(const tn_test *a, const tn_test *b) {
    if (!a || !b) {
        assert_ptr_equal(a, b);
        return;
    }
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->op, b->op);
    same_span(&a->span, &b->span);
    assert_int_equal(!a->set, !b->set);
    if (a->set) assert_string_equal(a->set->name, b->set->name);
    for (size_t i = 0; i < a->n; i++) same_test(a->kids[i], b->kids[i]);
}

static void same_cond(const tn_cond *a, const tn_cond *b) {
    if (!a || !b) {
        assert_ptr_equal(a, b);
        return;
    }
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->n, b->n);
    same_span(&a->span, &b->span);
    same_str(a->ref.text, b->ref.text);
    same_test(a->test, b->test);
    for (size_t i = 0; i < a->n; i++) same_cond(a->kids[i], b->kids[i]);
}

static void same_ruleset(const tenet_ruleset *a, const tenet_ruleset *b) {
    assert_int_equal(a->npacks, b->npacks);
    for (size_t i = 0; i < a->npacks; i++) {
        same_str(a->packs[i].name, b->packs[i].name);
        same_str(a->packs[i].title, b->packs[i].title);
        same_str(a->packs[i].data_as_of, b->packs[i].data_as_of);
        same_str(a->packs[i].source, b->packs[i].source);
        same_str(a->packs[i].file, b->packs[i].file);
    }
    assert_int_equal(a->nsets, b->nsets);
    for (size_t i = 0; i < a->nsets; i++) {
        same_str(a->sets[i].name, b->sets[i].name);
        assert_int_equal(a->sets[i].n, b->sets[i].n);
        same_span(&a->sets[i].span, &b->sets[i].span);
        for (size_t k = 0; k < a->sets[i].n; k++)
            same_str(a->sets[i].values[k], b->sets[i].values[k]);
    }
    assert_int_equal(!a->regions, !b->regions);
    if (a->regions) {
        same_str(a->regions->name, b->regions->name);
        assert_int_equal(a->regions->n, b->regions->n);
    }
    assert_int_equal(a->nkinds, b->nkinds);
    for (size_t i = 0; i < a->nkinds; i++) {
        const tn_kind *ka = &a->kinds[i], *kb = &b->kinds[i];
        same_str(ka->name, kb->name);
        same_str(ka->title, kb->title);
        assert_int_equal(ka->nfields, kb->nfields);
        for (size_t f = 0; f < ka->nfields; f++) {
            same_str(ka->fields[f].name, kb->fields[f].name);
            assert_int_equal(ka->fields[f].type, kb->fields[f].type);
            assert_int_equal(ka->fields[f].nrefs, kb->fields[f].nrefs);
            assert_int_equal(ka->fields[f].derive_from, kb->fields[f].derive_from);
        }
        assert_int_equal(ka->nmaps, kb->nmaps);
        for (size_t f = 0; f < ka->nmaps; f++) {
            same_str(ka->maps[f].format, kb->maps[f].format);
            assert_int_equal(ka->maps[f].ntypes, kb->maps[f].ntypes);
            assert_int_equal(ka->maps[f].nops, kb->maps[f].nops);
        }
    }
    assert_int_equal(a->nrules, b->nrules);
    for (size_t i = 0; i < a->nrules; i++) {
        const tn_rule *ra = &a->rules[i], *rb = &b->rules[i];
        same_str(ra->id, rb->id);
        same_str(ra->title, rb->title);
        same_str(ra->kind->name, rb->kind->name);
        assert_int_equal(ra->ops, rb->ops);
        assert_int_equal(ra->severity, rb->severity);
        same_str(ra->message, rb->message);
        same_str(ra->fix, rb->fix);
        same_str(ra->source, rb->source);
        same_str(ra->quote, rb->quote);
        same_str(ra->why, rb->why);
        assert_int_equal(ra->on_unknown, rb->on_unknown);
        assert_int_equal(ra->suppressible, rb->suppressible);
        assert_int_equal(ra->pack, rb->pack);
        same_span(&ra->span, &rb->span);
        same_str(ra->at ? ra->at->text : NULL, rb->at ? rb->at->text : NULL);
        same_cond(ra->when, rb->when);
        same_cond(ra->require, rb->require);
    }
    assert_int_equal(a->nregexes, b->nregexes);
}

static size_t count_packs(void) {
    size_t n = 0;
    while (tn_builtin_packs[n].name) n++;
    return n;
}

static tenet_rules_source *builtin_sources(size_t *n) {
    *n = count_packs();
    tenet_rules_source *src = calloc(*n + 1, sizeof *src);
    assert_non_null(src);
    for (size_t i = 0; i < *n; i++) {
        src[i].name = tn_builtin_packs[i].name;
        src[i].data = tn_builtin_packs[i].data;
        src[i].len = tn_builtin_packs[i].len;
    }
    return src;
}

/* What tenet_ruleset_builtin gives is what compiling the text gives. */
static void test_builtin_same_rules(void **state) {
    (void)state;
    size_t n;
    tenet_rules_source *src = builtin_sources(&n);
    tenet_ruleset *from_text = NULL, *builtin = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(tenet_ruleset_compile(&from_text, src, n, &err), TENET_OK);
    assert_int_equal(tenet_ruleset_builtin(&builtin, &err), TENET_OK);
    assert_true(tenet_ruleset_rule_count(builtin) > 0);
    assert_int_equal(tenet_ruleset_rule_count(builtin), tenet_ruleset_rule_count(from_text));
    same_ruleset(from_text, builtin);
    tenet_ruleset_free(from_text);
    tenet_ruleset_free(builtin);
    free(src);
}

/* An entry the build could not load is parsed from the text instead. */
static void test_not_prebuilt_parses(void **state) {
    (void)state;
    size_t n;
    tenet_rules_source *src = builtin_sources(&n);
    tn_builtin_doc *none = calloc(n + 1, sizeof *none);
    assert_non_null(none);
    tenet_ruleset *a = NULL, *b = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(tn_ruleset_compile_prebuilt(&a, src, none, n, &err), TENET_OK);
    assert_int_equal(tenet_ruleset_builtin(&b, &err), TENET_OK);
    same_ruleset(a, b);
    tenet_ruleset_free(a);
    tenet_ruleset_free(b);
    free(none);
    free(src);
}

#ifdef TENET_PREBUILT_PACKS
static void test_builtin_docs_equal_parse(void **state) {
    (void)state;
    size_t n = count_packs();
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        same_doc(tn_builtin_packs[i].name, tn_builtin_packs[i].data, tn_builtin_packs[i].len,
                 &tn_builtin_docs[i]);
    assert_false(tn_builtin_docs[n].prebuilt); /* the table ends where the packs do */
}
#endif

#ifdef TN_FIXTURE_DIR
/* Written by the generator from tests/unit/prebuilt/, in this order. */
extern const tn_builtin_doc tn_test_fixture_docs[];
static const char *const fixtures[] = {"values.yaml", "notes.yaml", "empty.yaml"};
#define NFIXTURES (sizeof fixtures / sizeof *fixtures)

static char *read_fixture(const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TN_FIXTURE_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    char *data = malloc(1 << 16);
    assert_non_null(data);
    *len = fread(data, 1, 1 << 16, f);
    assert_true(*len < 1 << 16);
    fclose(f);
    return data;
}

static void test_fixture_docs_equal_parse(void **state) {
    (void)state;
    for (size_t i = 0; i < NFIXTURES; i++) {
        size_t len;
        char *data = read_fixture(fixtures[i], &len);
        same_doc(fixtures[i], data, len, &tn_test_fixture_docs[i]);
        free(data);
    }
    assert_false(tn_test_fixture_docs[NFIXTURES].prebuilt);
    /* What the fixtures are there for. */
    assert_int_equal(tn_test_fixture_docs[0].text_off, 3); /* a BOM */
    assert_int_equal(tn_test_fixture_docs[1].nnotes, 2);
    tn_arena a;
    tn_arena_init(&a);
    assert_null(tree_of(&tn_test_fixture_docs[2], &a));
    const tn_node *sets = tn_map_get(tree_of(&tn_test_fixture_docs[0], &a), "sets");
    assert_non_null(sets);
    assert_ptr_equal(tn_map_get(sets, "regions"), tn_map_get(sets, "again"));
    tn_arena_release(&a);
}

/* Compiling a prebuilt document fails where and how compiling its text does:
 * FX-001's bad regex (a column inside a scalar, found through the text), a
 * duplicate key (a note), an empty file. */
static void test_fixture_errors_same(void **state) {
    (void)state;
    static const struct {
        unsigned line, col;
        const char *message;
    } want[NFIXTURES] = {
        {25, 39, "bad regex \"ab(c\": missing closing parenthesis at offset 4"},
        {5, 1, "duplicate key \"name\" (first at line 4)"},
        {1, 1, "empty rules file (expected tenet: 1, name, kinds and rules)"},
    };
    for (size_t i = 0; i < NFIXTURES; i++) {
        size_t len;
        char *data = read_fixture(fixtures[i], &len);
        tenet_rules_source src = {fixtures[i], data, len};
        tenet_ruleset *rs = (tenet_ruleset *)1;
        tenet_error from_text, prebuilt;
        memset(&from_text, 0, sizeof from_text);
        memset(&prebuilt, 0, sizeof prebuilt);
        assert_int_equal(tenet_ruleset_compile(&rs, &src, 1, &from_text), TENET_ERULES);
        assert_null(rs);
        assert_int_equal(
            tn_ruleset_compile_prebuilt(&rs, &src, &tn_test_fixture_docs[i], 1, &prebuilt),
            TENET_ERULES);
        assert_null(rs);
        assert_int_equal(prebuilt.code, from_text.code);
        assert_int_equal(prebuilt.line, from_text.line);
        assert_int_equal(prebuilt.column, from_text.column);
        assert_string_equal(prebuilt.source, from_text.source);
        assert_string_equal(prebuilt.message, from_text.message);
        assert_int_equal(prebuilt.line, want[i].line);
        assert_int_equal(prebuilt.column, want[i].col);
        assert_string_equal(prebuilt.message, want[i].message);
        free(data);
    }
}
#endif

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_same_rules),
        cmocka_unit_test(test_not_prebuilt_parses),
#ifdef TENET_PREBUILT_PACKS
        cmocka_unit_test(test_builtin_docs_equal_parse),
#endif
#ifdef TN_FIXTURE_DIR
        cmocka_unit_test(test_fixture_docs_equal_parse),
        cmocka_unit_test(test_fixture_errors_same),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
