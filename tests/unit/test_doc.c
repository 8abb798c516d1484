/* Unit tests of the document loader: spans, typing, tags, anchors, limits,
 * notes, errors and hostile input, for YAML and JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doc/load.h"
#include "doc_assert.h"
#include "util/alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*parse_fn)(tn_doc **, const char *, size_t, const char *, const tn_doc_limits *,
                        tenet_error *);

static tn_doc *load_with(parse_fn fn, const char *text, size_t len) {
    tn_doc *doc = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = fn(&doc, text, len, "t.yaml", NULL, &err);
    if (rc != TENET_OK)
        fail_msg("load failed (%d) at %u:%u: %s", rc, err.line, err.column, err.message);
    return doc;
}

static tn_doc *load(const char *text) { return load_with(tn_doc_parse, text, strlen(text)); }

/* Expects failure `code` at line:col (col 0 = any); returns nothing. */
static void expect_error(parse_fn fn, const char *text, size_t len, const tn_doc_limits *lim,
                         int code, uint32_t line, uint32_t col, const char *msg_part) {
    tn_doc *doc = (tn_doc *)1;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = fn(&doc, text, len, "bad.yaml", lim, &err);
    if (rc != code)
        fail_msg("expected %d, got %d (%s)", code, rc, err.message);
    assert_null(doc);
    assert_int_equal(err.code, code);
    assert_string_equal(err.source, "bad.yaml");
    if (line) {
        if (err.line != line || (col && err.column != col))
            fail_msg("expected %u:%u, got %u:%u (%s)", line, col, err.line, err.column,
                     err.message);
    }
    if (msg_part && !strstr(err.message, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, msg_part);
}

static void span_is(const tn_node *n, uint32_t l, uint32_t c, uint32_t el, uint32_t ec) {
    assert_non_null(n);
    if (n->span.line != l || n->span.col != c || n->span.end_line != el || n->span.end_col != ec)
        fail_msg("span %u:%u-%u:%u, expected %u:%u-%u:%u", n->span.line, n->span.col,
                 n->span.end_line, n->span.end_col, l, c, el, ec);
}

static void test_yaml_spans(void **state) {
    (void)state;
    const char *text = "a: hello\nbb:\n  - x\n  - 'y z'\n";
    tn_doc *doc = load(text);
    assert_false(doc->is_json);
    const tn_node *root = doc->root;
    assert_int_equal(root->type, TN_NODE_MAP);
    span_is(root, 1, 1, 4, 10);
    span_is(root->ch.pairs[0].key, 1, 1, 1, 2);
    const tn_node *hello = tn_map_get(root, "a");
    span_is(hello, 1, 4, 1, 9);
    assert_int_equal(hello->span.off, 3);
    assert_int_equal(hello->span.end_off, 8);
    assert_memory_equal(doc->text + hello->span.off, "hello", 5);
    const tn_node *seq = tn_map_get(root, "bb");
    assert_int_equal(seq->type, TN_NODE_SEQ);
    assert_int_equal(seq->n, 2);
    span_is(seq, 3, 3, 4, 10);
    span_is(seq->ch.items[1], 4, 5, 4, 10); /* quotes included */
    assert_true(seq->ch.items[1]->quoted);
    assert_string_equal(seq->ch.items[1]->str, "y z");
    tn_doc_free(doc);

    /* Columns count code points; byte offsets count bytes. */
    doc = load("\xC3\xA9: \xC3\xBC\nk: v");
    const tn_node *u = doc->root->ch.pairs[0].value;
    span_is(u, 1, 4, 1, 5);
    assert_int_equal(u->span.off, 4);
    assert_int_equal(u->span.end_off, 6);
    span_is(tn_map_get(doc->root, "k"), 2, 4, 2, 5);
    tn_doc_free(doc);

    /* A block mapping ends at its last value, not at the next key. */
    doc = load("a:\n  b: 1\n\n# c\nd: 2");
    span_is(tn_map_get(doc->root, "a"), 2, 3, 2, 7);
    span_is(doc->root, 1, 1, 5, 5);
    tn_doc_free(doc);

    /* Flow collections span their brackets; block scalars end at their text. */
    doc = load("f: {x: [1, 2]}\ne: |\n  12\n  x\n\ng: 1\n");
    span_is(tn_map_get(doc->root, "f"), 1, 4, 1, 15);
    span_is(tn_map_get(tn_map_get(doc->root, "f"), "x"), 1, 8, 1, 14);
    span_is(tn_map_get(doc->root, "e"), 2, 4, 4, 4);
    tn_doc_free(doc);
}

static void test_json_spans_tabs(void **state) {
    (void)state;
    const char *text = "{\n\t\"a\": [1, 2.5, \"x\"],\n\t\"b\": {\"c\": null}\n}";
    tn_doc *doc = load(text);
    assert_true(doc->is_json);
    span_is(doc->root, 1, 1, 4, 2);
    const tn_pair *a = tn_map_get_pair(doc->root, "a");
    span_is(a->key, 2, 2, 2, 5);
    assert_true(a->key->quoted);
    span_is(a->value, 2, 7, 2, 20);
    span_is(a->value->ch.items[1], 2, 11, 2, 14);
    assert_int_equal(a->value->ch.items[1]->span.off, 12);
    const tn_node *b = tn_map_get(doc->root, "b");
    span_is(b, 3, 7, 3, 18);
    span_is(tn_map_get(b, "c"), 3, 13, 3, 17);
    assert_int_equal(tn_map_get(b, "c")->type, TN_NODE_NULL);
    tn_doc_free(doc);

    /* Multi-byte characters count one column each. */
    doc = load("[\"\xC3\xA9\xE2\x82\xAC\", 1]");
    span_is(doc->root->ch.items[0], 1, 2, 1, 6);
    span_is(doc->root->ch.items[1], 1, 8, 1, 9);
    assert_int_equal(doc->root->ch.items[1]->span.off, 10);
    tn_doc_free(doc);
}

static void test_crlf(void **state) {
    (void)state;
    tn_doc *doc = load("a: 1\r\nb:\r\n  - x\r\n");
    span_is(tn_map_get(doc->root, "a"), 1, 4, 1, 5);
    span_is(doc->root->ch.pairs[1].key, 2, 1, 2, 2);
    span_is(tn_map_get(doc->root, "b")->ch.items[0], 3, 5, 3, 6);
    tn_doc_free(doc);
    doc = load("{\r\n  \"a\": 1,\r\n  \"b\": 2\r\n}\r\n");
    assert_true(doc->is_json);
    span_is(tn_map_get(doc->root, "b"), 3, 8, 3, 9);
    tn_doc_free(doc);
}

static void test_tags(void **state) {
    (void)state;
    tn_doc *doc = load("a: !Ref X\nb: !!str 3\nc: !GetAtt [A, B]\nd: !Sub 'x'\n"
                       "e: !!int 12\nf: !Equals\n  - 1\n  - 2\n");
    const tn_node *a = tn_map_get(doc->root, "a");
    assert_string_equal(a->tag, "!Ref");
    assert_int_equal(a->type, TN_NODE_STRING);
    assert_string_equal(a->str, "X");
    const tn_node *b = tn_map_get(doc->root, "b");
    assert_string_equal(b->tag, "tag:yaml.org,2002:str");
    assert_int_equal(b->type, TN_NODE_STRING);
    assert_string_equal(b->str, "3");
    const tn_node *c = tn_map_get(doc->root, "c");
    assert_string_equal(c->tag, "!GetAtt");
    assert_int_equal(c->type, TN_NODE_SEQ);
    assert_int_equal(c->n, 2);
    const tn_node *d = tn_map_get(doc->root, "d");
    assert_string_equal(d->tag, "!Sub");
    assert_true(d->quoted);
    const tn_node *e = tn_map_get(doc->root, "e");
    assert_int_equal(e->type, TN_NODE_INT);
    assert_int_equal(e->as.i, 12);
    assert_string_equal(tn_map_get(doc->root, "f")->tag, "!Equals");
    assert_null(tn_map_get(doc->root, "a")->ch.items); /* scalars have no children */
    assert_ptr_equal(a->tag, tn_map_get(doc->root, "a")->tag);
    tn_doc_free(doc);
}

static void test_yaml_typing(void **state) {
    (void)state;
    tn_doc *doc = load("i: 42\nf: 6.0\ns: '6.0'\nb: true\nB: FALSE\ny: yes\nn: ~\ne:\nN: Null\n"
                       "h: 0x1F\no: 0o17\ninf: .inf\nneg: -.Inf\nnan: .nan\n"
                       "big: 99999999999999999999\nexp: 1e3\nq: \"true\"\nlit: |\n  12\n"
                       "neg_i: -7\nplus: +3\ndot: .5\nver: 3.2.6\nhexbig: 0xFFFFFFFFFFFFFFFFF\n"
                       "min: -9223372036854775808\n");
    const tn_node *r = doc->root;
    assert_int_equal(tn_map_get(r, "i")->type, TN_NODE_INT);
    assert_int_equal(tn_map_get(r, "i")->as.i, 42);
    const tn_node *f = tn_map_get(r, "f");
    assert_int_equal(f->type, TN_NODE_FLOAT);
    assert_string_equal(f->str, "6.0"); /* raw text kept */
    assert_true(f->as.f == 6.0);
    assert_int_equal(tn_map_get(r, "s")->type, TN_NODE_STRING);
    assert_true(tn_map_get(r, "s")->quoted);
    assert_int_equal(tn_map_get(r, "b")->type, TN_NODE_BOOL);
    assert_true(tn_map_get(r, "b")->as.b);
    assert_int_equal(tn_map_get(r, "B")->type, TN_NODE_BOOL);
    assert_false(tn_map_get(r, "B")->as.b);
    assert_int_equal(tn_map_get(r, "y")->type, TN_NODE_STRING); /* YAML 1.2: not a bool */
    assert_int_equal(tn_map_get(r, "n")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(r, "e")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(r, "N")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(r, "h")->as.i, 31);
    assert_int_equal(tn_map_get(r, "o")->as.i, 15);
    assert_true(isinf(tn_map_get(r, "inf")->as.f) && tn_map_get(r, "inf")->as.f > 0);
    assert_true(isinf(tn_map_get(r, "neg")->as.f) && tn_map_get(r, "neg")->as.f < 0);
    assert_true(isnan(tn_map_get(r, "nan")->as.f));
    assert_int_equal(tn_map_get(r, "big")->type, TN_NODE_FLOAT);
    assert_int_equal(tn_map_get(r, "exp")->type, TN_NODE_FLOAT);
    assert_true(tn_map_get(r, "exp")->as.f == 1000.0);
    assert_int_equal(tn_map_get(r, "q")->type, TN_NODE_STRING);
    assert_int_equal(tn_map_get(r, "lit")->type, TN_NODE_STRING);
    assert_false(tn_map_get(r, "lit")->quoted);
    assert_string_equal(tn_map_get(r, "lit")->str, "12\n");
    assert_int_equal(tn_map_get(r, "neg_i")->as.i, -7);
    assert_int_equal(tn_map_get(r, "plus")->as.i, 3);
    assert_true(tn_map_get(r, "dot")->as.f == 0.5);
    assert_int_equal(tn_map_get(r, "ver")->type, TN_NODE_STRING);
    assert_int_equal(tn_map_get(r, "hexbig")->type, TN_NODE_STRING);
    assert_true(tn_map_get(r, "min")->as.i == INT64_MIN);
    tn_doc_free(doc);
}

static void test_json_typing(void **state) {
    (void)state;
    tn_doc *doc = load("{\"i\": -0, \"f\": 6.0, \"e\": 1e2, \"big\": 123456789012345678901,"
                       " \"s\": \"6.0\", \"t\": true, \"F\": false, \"n\": null,"
                       " \"esc\": \"\\u00e9\\ud83d\\ude00\\n\\\"\\/\\\\\", \"nul\": \"a\\u0000b\","
                       " \"max\": 9223372036854775807}");
    const tn_node *r = doc->root;
    assert_int_equal(tn_map_get(r, "i")->type, TN_NODE_INT);
    assert_int_equal(tn_map_get(r, "i")->as.i, 0);
    assert_int_equal(tn_map_get(r, "f")->type, TN_NODE_FLOAT);
    assert_string_equal(tn_map_get(r, "f")->str, "6.0");
    assert_int_equal(tn_map_get(r, "e")->type, TN_NODE_FLOAT);
    assert_true(tn_map_get(r, "e")->as.f == 100.0);
    assert_int_equal(tn_map_get(r, "big")->type, TN_NODE_FLOAT);
    assert_string_equal(tn_map_get(r, "big")->str, "123456789012345678901");
    assert_int_equal(tn_map_get(r, "s")->type, TN_NODE_STRING);
    assert_true(tn_map_get(r, "s")->quoted);
    assert_true(tn_map_get(r, "t")->as.b);
    assert_int_equal(tn_map_get(r, "F")->type, TN_NODE_BOOL);
    assert_false(tn_map_get(r, "F")->as.b);
    assert_int_equal(tn_map_get(r, "n")->type, TN_NODE_NULL);
    assert_string_equal(tn_map_get(r, "esc")->str, "\xC3\xA9\xF0\x9F\x98\x80\n\"/\\");
    assert_int_equal(tn_map_get(r, "nul")->len, 3);
    assert_memory_equal(tn_map_get(r, "nul")->str, "a\0b", 3);
    assert_true(tn_map_get(r, "max")->as.i == INT64_MAX);
    tn_doc_free(doc);
}

static void test_anchors_shared(void **state) {
    (void)state;
    tn_doc *doc = load("base: &b {x: 1, y: [2]}\nuse: *b\ns: &s hi\nt: *s\n");
    assert_ptr_equal(tn_map_get(doc->root, "use"), tn_map_get(doc->root, "base"));
    assert_ptr_equal(tn_map_get(doc->root, "t"), tn_map_get(doc->root, "s"));
    assert_int_equal(tn_map_get(tn_map_get(doc->root, "use"), "x")->as.i, 1);
    tn_doc_free(doc);
    /* An alias inside its own anchor is undefined: no cycle can be built. */
    expect_error(tn_doc_parse, "x: &a [*a]", 10, NULL, TENET_EPARSE, 1, 8, "undefined alias");
    expect_error(tn_doc_parse, "x: *nope", 8, NULL, TENET_EPARSE, 1, 4, "undefined alias");
}

static void test_alias_bomb(void **state) {
    (void)state;
    const char *bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
                       "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                       "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                       "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                       "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                       "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                       "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
                       "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    clock_t t0 = clock();
    expect_error(tn_doc_parse, bomb, strlen(bomb), NULL, TENET_ELIMIT, 7, 0, "alias");
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
    /* A small budget trips on a small document too. */
    tn_doc_limits lim = {0};
    lim.max_alias_nodes = 5;
    const char *small = "a: &a [1, 2]\nb: *a\nc: *a\n";
    expect_error(tn_doc_parse, small, strlen(small), &lim, TENET_ELIMIT, 3, 4, NULL);
}

static char *repeat(const char *unit, size_t n, const char *tail) {
    size_t ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(ul * n + tl + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * ul, unit, ul);
    memcpy(s + ul * n, tail, tl + 1);
    return s;
}

static void test_depth_limits(void **state) {
    (void)state;
    char *s = repeat("[", 100000, "");
    expect_error(tn_doc_parse, s, strlen(s), NULL, TENET_ELIMIT, 1, 257, "deep");
    expect_error(tn_doc_parse_yaml, s, strlen(s), NULL, TENET_ELIMIT, 1, 257, "deep");
    free(s);
    s = repeat("{\"a\":", 100000, "1");
    expect_error(tn_doc_parse_json, s, strlen(s), NULL, TENET_ELIMIT, 1, 0, "deep");
    free(s);
    s = repeat("- ", 100000, "x");
    expect_error(tn_doc_parse_yaml, s, strlen(s), NULL, TENET_ELIMIT, 1, 513, "deep");
    free(s);
    /* Block mappings, one level per line. */
    size_t levels = 300, cap = levels * (levels + 4) + 16, o = 0;
    s = malloc(cap);
    assert_non_null(s);
    for (size_t i = 0; i < levels; i++) {
        memset(s + o, ' ', i);
        o += i;
        memcpy(s + o, "a:\n", 3);
        o += 3;
    }
    s[o] = '\0';
    expect_error(tn_doc_parse, s, o, NULL, TENET_ELIMIT, 257, 257, "deep");
    free(s);

    /* 200,000 levels within a raised limit: no recursion, so no crash. */
    tn_doc_limits lim = {0};
    lim.max_depth = 300000;
    s = repeat("[", 200000, "");
    char *t = malloc(400001);
    assert_non_null(t);
    memcpy(t, s, 200000);
    memset(t + 200000, ']', 200000);
    t[400000] = '\0';
    tn_doc *doc = NULL;
    tenet_error err;
    /* A raised limit is capped (the frontends walk trees recursively), so
     * 200,000 levels are still a clean limit error, not a deep stack. */
    assert_int_equal(tn_doc_parse(&doc, t, 400000, "deep.json", &lim, &err), TENET_ELIMIT);
    assert_null(doc);
    assert_int_equal(err.line, 1);
    free(t);
    free(s);
}

static void test_size_limits(void **state) {
    (void)state;
    tn_doc_limits lim = {0};
    lim.max_scalar_bytes = 10;
    expect_error(tn_doc_parse, "a: ok\nb: 01234567890", 20, &lim, TENET_ELIMIT, 2, 4, "scalar");
    expect_error(tn_doc_parse, "{\"a\": \"01234567890\"}", 20, &lim, TENET_ELIMIT, 1, 7, "string");
    expect_error(tn_doc_parse, "[123456789012]", 14, &lim, TENET_ELIMIT, 1, 2, "number");
    tn_doc_limits small = {0};
    small.max_input_bytes = 4;
    expect_error(tn_doc_parse, "a: 12", 5, &small, TENET_ELIMIT, 0, 0, "limit");
    expect_error(tn_doc_parse, "[1,2]", 5, &small, TENET_ELIMIT, 0, 0, "limit");
}

static void test_duplicate_keys(void **state) {
    (void)state;
    tn_doc *doc = load("x: 0\nRes:\n  Engine: a\n  y: 1\n  Engine: b\n");
    assert_int_equal(doc->nnotes, 1);
    assert_string_equal(doc->notes[0].code, "duplicate-key");
    assert_string_equal(doc->notes[0].message, "duplicate key \"Engine\" (first at line 3)");
    assert_int_equal(doc->notes[0].span.line, 5);
    assert_int_equal(doc->notes[0].span.col, 3);
    assert_int_equal(doc->notes[0].span.end_col, 9);
    assert_string_equal(tn_map_get(tn_map_get(doc->root, "Res"), "Engine")->str, "b"); /* last wins */
    tn_doc_free(doc);

    doc = load("{\"Engine\": 1,\n \"Engine\": 2}");
    assert_int_equal(doc->nnotes, 1);
    assert_string_equal(doc->notes[0].message, "duplicate key \"Engine\" (first at line 1)");
    assert_int_equal(doc->notes[0].span.line, 2);
    assert_int_equal(doc->notes[0].span.col, 2);
    assert_int_equal(tn_map_get(doc->root, "Engine")->as.i, 2);
    tn_doc_free(doc);

    /* Large maps (hashed path); notes come out in document order. */
    char text[2048];
    size_t o = 0;
    o += (size_t)sprintf(text + o, "inner:\n");
    for (int i = 0; i < 20; i++)
        o += (size_t)sprintf(text + o, "  k%d: %d\n", i % 15, i);
    o += (size_t)sprintf(text + o, "k0: 1\nk0: 2\n");
    doc = load(text);
    assert_int_equal(doc->nnotes, 6);
    for (size_t i = 1; i < doc->nnotes; i++)
        assert_true(doc->notes[i - 1].span.off < doc->notes[i].span.off);
    assert_string_equal(doc->notes[0].message, "duplicate key \"k0\" (first at line 2)");
    assert_int_equal(doc->notes[5].span.line, 23);
    tn_doc_free(doc);
}

static void test_multiple_documents(void **state) {
    (void)state;
    tn_doc *doc = load("a: 1\n---\nb: 2\n");
    assert_non_null(tn_map_get(doc->root, "a"));
    assert_null(tn_map_get(doc->root, "b"));
    assert_int_equal(doc->nnotes, 1);
    assert_string_equal(doc->notes[0].code, "multiple-documents");
    assert_int_equal(doc->notes[0].span.line, 2);
    tn_doc_free(doc);
}

static void test_empty(void **state) {
    (void)state;
    const char *empties[] = {"", "   \n", "# only a comment\n", "\n\n"};
    for (size_t i = 0; i < 4; i++) {
        tn_doc *doc = load(empties[i]);
        assert_null(doc->root);
        assert_int_equal(doc->nnotes, 0);
        tn_doc_free(doc);
    }
    tn_doc *doc = load_with(tn_doc_parse_json, " \n ", 3);
    assert_null(doc->root);
    tn_doc_free(doc);
    doc = load_with(tn_doc_parse, NULL, 0);
    assert_null(doc->root);
    tn_doc_free(doc);
}

static void test_yaml_errors(void **state) {
    (void)state;
    expect_error(tn_doc_parse, "a: b: c", 7, NULL, TENET_EPARSE, 1, 5, "mapping values");
    expect_error(tn_doc_parse, "a: 1\nb\nc: 2", 11, NULL, TENET_EPARSE, 3, 1,
                 "could not find expected ':' (while scanning a simple key");
    expect_error(tn_doc_parse, "a: [1, 2\nb: 3", 13, NULL, TENET_EPARSE, 2, 2, "expected ','");
    expect_error(tn_doc_parse, "a: b\nc: \xFF\n", 10, NULL, TENET_EPARSE, 2, 4, "UTF-8");
    expect_error(tn_doc_parse, "a: b\0c\n", 7, NULL, TENET_EPARSE, 1, 5, "control characters");
    expect_error(tn_doc_parse, "a: 'unterminated", 16, NULL, TENET_EPARSE, 0, 0, NULL);
}

static void test_json_errors(void **state) {
    (void)state;
    /* JSON errors are reported when the YAML fallback fails too. */
    const char *t = "{\n  \"a\": 1,\n  \"b\" 2\n}";
    expect_error(tn_doc_parse, t, strlen(t), NULL, TENET_EPARSE, 3, 7, "expected ':'");
    expect_error(tn_doc_parse, "[\"a\xFF\"]", 6, NULL, TENET_EPARSE, 1, 4, "UTF-8");
    expect_error(tn_doc_parse, "{\"a\":{\"b\":[", 11, NULL, TENET_EPARSE, 1, 12, "end of input");
    expect_error(tn_doc_parse_json, "[1,]", 4, NULL, TENET_EPARSE, 1, 4, "trailing comma");
    expect_error(tn_doc_parse_json, "{\"a\":01}", 8, NULL, TENET_EPARSE, 1, 6, "leading zeros");
    expect_error(tn_doc_parse_json, "[\"x\ty\"]", 7, NULL, TENET_EPARSE, 1, 4, "control");
    expect_error(tn_doc_parse_json, "[\"\\ud800\"]", 10, NULL, TENET_EPARSE, 1, 3, "surrogate");
    expect_error(tn_doc_parse_json, "[\"\\x\"]", 6, NULL, TENET_EPARSE, 1, 3, "escape");
    expect_error(tn_doc_parse_json, "[\"abc", 5, NULL, TENET_EPARSE, 1, 2, "unterminated");
    expect_error(tn_doc_parse_json, "[1] x", 5, NULL, TENET_EPARSE, 1, 5, "end of the input");
    expect_error(tn_doc_parse_json, "[1.]", 4, NULL, TENET_EPARSE, 1, 4, "digit");
    expect_error(tn_doc_parse_json, "[tru]", 5, NULL, TENET_EPARSE, 1, 2, "JSON value");
    expect_error(tn_doc_parse_json, "{1: 2}", 6, NULL, TENET_EPARSE, 1, 2, "string key");
    expect_error(tn_doc_parse_json, "[\0]", 3, NULL, TENET_EPARSE, 1, 2, "control");
    expect_error(tn_doc_parse_json, "[1 2]", 5, NULL, TENET_EPARSE, 1, 4, "','");
    expect_error(tn_doc_parse_json, "\n  [\xC3\xA9]", 6, NULL, TENET_EPARSE, 2, 4, "U+00E9");
}

static void test_json_yaml_fallback(void **state) {
    (void)state;
    tn_doc *doc = load("[a, b] # a YAML flow sequence");
    assert_false(doc->is_json);
    assert_int_equal(doc->root->n, 2);
    tn_doc_free(doc);
}

static void test_decode_text(void **state) {
    (void)state;
    /* "a: 1\nb: é\n" in UTF-16LE with a BOM. */
    const char src[] = "a: 1\nb: \xC3\xA9\n";
    unsigned char u16[64];
    size_t n = 0;
    u16[n++] = 0xFF;
    u16[n++] = 0xFE;
    for (size_t i = 0; src[i]; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == 0xC3) {
            u16[n++] = 0xE9;
            u16[n++] = 0;
            i++;
        } else {
            u16[n++] = c;
            u16[n++] = 0;
        }
    }
    const char *text;
    size_t len;
    char *owned;
    tenet_error err;
    assert_int_equal(tn_doc_decode_text((const char *)u16, n, &text, &len, &owned, "u.yaml", &err),
                     TENET_OK);
    assert_non_null(owned);
    assert_int_equal(len, strlen(src));
    assert_memory_equal(text, src, len);
    tn_doc *doc = load_with(tn_doc_parse, text, len);
    assert_string_equal(tn_map_get(doc->root, "b")->str, "\xC3\xA9");
    span_is(tn_map_get(doc->root, "b"), 2, 4, 2, 5);
    tn_doc_free(doc);
    tn_free(owned);

    /* UTF-8 BOM: stripped without copying. */
    const char bom[] = "\xEF\xBB\xBFk: v";
    assert_int_equal(tn_doc_decode_text(bom, 7, &text, &len, &owned, "b.yaml", &err), TENET_OK);
    assert_null(owned);
    assert_ptr_equal(text, bom + 3);
    assert_int_equal(len, 4);
    /* A BOM left in the text is also tolerated by the parsers. */
    doc = load_with(tn_doc_parse, bom, 7);
    span_is(tn_map_get(doc->root, "k"), 1, 4, 1, 5);
    tn_doc_free(doc);
    doc = load_with(tn_doc_parse, "\xEF\xBB\xBF[1]", 6);
    assert_true(doc->is_json);
    tn_doc_free(doc);

    /* Plain UTF-8 passes through untouched. */
    assert_int_equal(tn_doc_decode_text("x: 1", 4, &text, &len, &owned, "p", &err), TENET_OK);
    assert_null(owned);
    assert_int_equal(len, 4);

    /* Malformed UTF-16 is a positioned parse error. */
    const char bad[] = "\xFF\xFE" "a\0" "\n\0" "b\0" "\x3D\xD8" "c\0";
    assert_int_equal(tn_doc_decode_text(bad, sizeof bad - 1, &text, &len, &owned, "u", &err),
                     TENET_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 2);
    assert_int_equal(tn_doc_decode_text("\xFE\xFF" "\0a" "x", 5, &text, &len, &owned, "u", &err),
                     TENET_EPARSE);
    assert_int_equal(tn_doc_decode_text("\xFF\xFE\0\0", 4, &text, &len, &owned, "u", &err),
                     TENET_EPARSE);
}

static void test_lookups(void **state) {
    (void)state;
    tn_doc *doc = load("a: x\nb: [1]\n? [c]\n: d\n");
    assert_null(tn_map_get(tn_map_get(doc->root, "b"), "a")); /* not a map */
    assert_null(tn_map_get(doc->root, "zz"));
    assert_null(tn_map_get(NULL, "a"));
    assert_null(tn_map_getn(doc->root, "ab", 2));
    assert_non_null(tn_map_getn(doc->root, "ab", 1));
    assert_true(tn_node_str_eq(tn_map_get(doc->root, "a"), "x"));
    assert_false(tn_node_str_eq(tn_map_get(doc->root, "b"), "x"));
    assert_true(tn_node_is_scalar(tn_map_get(doc->root, "a")));
    assert_false(tn_node_is_scalar(doc->root->ch.pairs[2].key)); /* complex key kept */
    assert_string_equal(tn_node_type_name(TN_NODE_MAP), "mapping");
    assert_string_equal(tn_node_type_name(TN_NODE_FLOAT), "float");
    assert_string_equal(doc->name, "t.yaml");
    tn_doc_free(doc);
    tn_doc_free(NULL);
}

/* Every allocation failure must come back as TENET_ENOMEM, without leaks. */
static void test_out_of_memory(void **state) {
    (void)state;
    const char *inputs[] = {
        "a: &x [1, 2, {b: c}]\nb: *x\nc: !Ref d\ne: |\n  text\nd: 1\nd: 2\n---\nz: 1\n",
        "{\"a\": [1, 2.5, \"\\u00e9\"], \"b\": {\"c\": null}, \"b\": true}",
        "[a, b]",
    };
    for (size_t k = 0; k < 3; k++) {
        for (long i = 0;; i++) {
            tn_doc *doc = NULL;
            tenet_error err;
            tn_alloc_fail_after(i);
            int rc = tn_doc_parse(&doc, inputs[k], strlen(inputs[k]), "m", NULL, &err);
            tn_alloc_fail_after(-1);
            if (rc == TENET_OK) {
                tn_doc_free(doc);
                break;
            }
            assert_int_equal(rc, TENET_ENOMEM);
            assert_null(doc);
            assert_true(i < 1000);
        }
    }
}

/* Random bytes, mutated documents and every truncation: a status, never a
 * crash (the sanitizer and valgrind runs catch the rest). */
static void test_hostile_input(void **state) {
    (void)state;
    static const char *seeds[] = {
        "Resources:\n  Cache:\n    Type: X\n    Properties: {A: [1, 'b', \"c\"], B: &a !Ref x}\n"
        "    C: *a\n    D: |\n      lit\n",
        "{\"resource_changes\": [{\"address\": \"a.b\", \"change\": {\"after\": {\"x\": 1.5e3,"
        " \"y\": \"\\u00e9\\n\"}}}], \"z\": [true, false, null]}",
    };
    static const char alphabet[] = "{}[],:'\"\\-?!&*|>#% \t\n\r0aZ.\xC3\xA9\xFF\x00";
    unsigned seed = 12345;
    for (size_t s = 0; s < 2; s++) {
        size_t len = strlen(seeds[s]);
        for (size_t cut = 0; cut <= len; cut++) {
            tn_doc *doc = NULL;
            int rc = tn_doc_parse(&doc, seeds[s], cut, "cut", NULL, NULL);
            assert_true(rc == TENET_OK || rc == TENET_EPARSE);
            tn_doc_free(doc);
        }
    }
    char buf[256];
    for (int iter = 0; iter < 4000; iter++) {
        size_t len;
        seed = seed * 1103515245u + 12345u;
        if (iter % 2) { /* mutate a seed */
            const char *src = seeds[(seed >> 8) % 2];
            len = strlen(src) < sizeof buf ? strlen(src) : sizeof buf;
            memcpy(buf, src, len);
            for (int m = 0; m < 4; m++) {
                seed = seed * 1103515245u + 12345u;
                buf[(seed >> 8) % len] = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
            }
        } else { /* random symbols */
            len = (seed >> 8) % sizeof buf;
            for (size_t i = 0; i < len; i++) {
                seed = seed * 1103515245u + 12345u;
                buf[i] = (iter % 4 == 0) ? (char)(seed >> 16)
                                         : alphabet[(seed >> 16) % (sizeof alphabet - 1)];
            }
        }
        tenet_error err;
        tn_doc *doc = NULL;
        int rc = tn_doc_parse(&doc, buf, len, "fuzz", NULL, &err);
        assert_true(rc == TENET_OK || rc == TENET_EPARSE || rc == TENET_ELIMIT);
        if (rc == TENET_EPARSE)
            assert_true(err.line >= 1 && err.column >= 1);
        tn_doc_free(doc);
        rc = tn_doc_parse_json(&doc, buf, len, "fuzz", NULL, &err);
        assert_true(rc == TENET_OK || rc == TENET_EPARSE || rc == TENET_ELIMIT);
        tn_doc_free(doc);
    }
}

/* ---- pruning: a dropped value is skipped, not built ---- */

/* Drops the collection values of the keys spelled `ctx` (NULL: every one
 * asked about); keep() wants a mapping holding "keep". */
static bool drop_word(void *ctx, const tn_doc_level *lv, size_t depth) {
    const tn_node *k = tn_doc_level_key(&lv[depth - 1]);
    return k != NULL && (ctx == NULL || tn_node_str_eq(k, ctx));
}

static bool keep_marked(void *ctx, const tn_node *value) {
    (void)ctx;
    return value->type == TN_NODE_MAP && tn_map_get(value, "keep") != NULL;
}

static int load_pruned(tn_doc **doc, const char *text, const char *word, const tn_doc_limits *lim,
                       tenet_error *err) {
    tn_doc_pruner p = {drop_word, keep_marked, (void *)word, 8};
    tn_doc_load how = {false, &p};
    memset(err, 0, sizeof *err);
    return tn_doc_load_yaml(doc, text, strlen(text), "p.yaml", lim, &how, err);
}

/* Loads `text` pruned and in full: the same errors, notes and nodes but
 * for `drops` dropped values. */
static void pruned_like_full(const char *text, const char *word, const tn_doc_limits *lim,
                             size_t drops) {
    tn_doc *got = NULL, *want = NULL;
    tenet_error gerr, werr;
    int grc = load_pruned(&got, text, word, lim, &gerr);
    memset(&werr, 0, sizeof werr);
    int wrc = tn_doc_load_yaml(&want, text, strlen(text), "p.yaml", lim, NULL, &werr);
    assert_int_equal(grc, wrc);
    assert_string_equal(gerr.message, werr.message);
    assert_int_equal(gerr.line, werr.line);
    assert_int_equal(gerr.column, werr.column);
    if (wrc != TENET_OK)
        return;
    assert_int_equal(got->nnotes, want->nnotes);
    for (size_t i = 0; i < want->nnotes; i++) {
        assert_memory_equal(&got->notes[i].span, &want->notes[i].span, sizeof(tn_span));
        assert_string_equal(got->notes[i].message, want->notes[i].message);
    }
    size_t dropped = 0;
    if (want->root)
        same_but_dropped(got->root, want->root, &dropped);
    if (dropped != drops)
        fail_msg("%zu dropped, not %zu, in: %s", dropped, drops, text);
    assert_int_equal(got->pruned, drops > 0);
    tn_doc_free(got);
    tn_doc_free(want);
}

static void test_pruned_like_full(void **state) {
    (void)state;
    /* Block and flow values; the spans of what holds a dropped value end
     * where building it would have said (its last child, block scalars). */
    pruned_like_full("a:\n  d:\n    x: [1, {y: 2}]\n    z: |\n      text\n\n  e: 1\n", "d", NULL, 1);
    pruned_like_full("a:\n  d:\n    - p: q\n      r: !Sub >-\n        folded\n\nb: 2\n", "d", NULL, 1);
    pruned_like_full("a: {d: {x: [1, 2]}, e: [3]}\nb:\n  d: [\"\\u00e9\", 'it''s']\n", "d", NULL, 2);
    pruned_like_full("- {a: {b: 1}}\n- c: [1]\n  d: {e: f}\n", NULL, NULL, 3);
    /* Multi-byte text and CRLF (the cursor counts), before and in values. */
    pruned_like_full("\xC3\xA9: 1\nd:\n  \xE2\x82\xAC: [\xF0\x9F\x98\x80, x]\n  k: v\nz: \xC3\xA9\n",
                     "d", NULL, 1);
    pruned_like_full("a: 1\r\nd:\r\n  k: [1,\r\n    2]\r\n  l: |\r\n    x\r\n\r\nz: 2\r\n", "d",
                     NULL, 1);
    /* Aliases into what came before; anchors inside keep the value. */
    pruned_like_full("base: &b {x: 1}\nd: {u: *b, v: [*b]}\nw: *b\n", "d", NULL, 1);
    pruned_like_full("d: {u: 1, v: &in [2], w: *in}\nafter: *in\n", "d", NULL, 0);
    pruned_like_full("d:\n  - a: 1\n  - b: &s str\n  - c: *s\nn: {d: [*s]}\n", "d", NULL, 1);
    /* Duplicate keys inside keep it (small and hashed maps, alias keys). */
    pruned_like_full("d: {x: {k: 1, k: 2}}\ne: {d: [1]}\n", "d", NULL, 1);
    pruned_like_full("k: &k key\nd: {key: 1, *k : 2}\n", "d", NULL, 0);
    pruned_like_full("d: {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k1: 9}\n"
                     "e: {d: {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8}}\n",
                     "d", NULL, 1);
    /* keep() sees the keys; what it keeps is whole. */
    pruned_like_full("d: {a: [1], keep: {x: [2]}, b: {c: 3}}\ne: {d: {a: 1}}\n", "d", NULL, 1);
    pruned_like_full("d: [keep]\nf: {keep: 1, g: {h: [1]}}\n", NULL, NULL, 1);
    /* Tags first seen inside; empty and complex keys. */
    pruned_like_full("d: !T {a: !U [1]}\nx: !T [!U 2]\n", "d", NULL, 1);
    pruned_like_full("d: {? [1] : a, '': b, : c}\n", "d", NULL, 1);

    /* Out of memory anywhere while skipping, keeping or building after
     * all: a clean failure. */
    static const char oom[] = "a: &a [1]\nd: {x: [*a, 'y'], keep: 1}\ne: {d: {k: 1, k: 2}}\n"
                              "f: {d: [{z: 1}, &b 2]}\ng: {d: {x: [1, 2, 3]}}\n";
    for (long i = 0;; i++) {
        tn_doc *doc = NULL;
        tenet_error err;
        tn_alloc_fail_after(i);
        int rc = load_pruned(&doc, oom, NULL, NULL, &err);
        tn_alloc_fail_after(-1);
        tn_doc_free(doc);
        if (rc == TENET_OK)
            break;
        assert_int_equal(rc, TENET_ENOMEM);
        assert_true(i < 1000);
    }

    /* Errors inside a dropped value are those of building it. */
    tn_doc_limits lim = {0};
    lim.max_depth = 3;
    pruned_like_full("a: 1\nd: {x: [[1]]}\n", "d", &lim, 0);
    lim.max_depth = 0;
    lim.max_scalar_bytes = 4;
    pruned_like_full("d: {x: [12345]}\n", "d", &lim, 0);
    lim.max_scalar_bytes = 0;
    lim.max_alias_nodes = 5;
    pruned_like_full("a: &a [1, 2]\nd: [*a, *a]\n", "d", &lim, 0);
    /* What a dropped value stands for still counts, once, when aliased or
     * built after all. */
    lim.max_alias_nodes = 12;
    pruned_like_full("p: &p {d: [1, 2, 3]}\nq: [*p, *p]\n", "d", &lim, 3);
    lim.max_alias_nodes = 11;
    pruned_like_full("p: &p {d: [1, 2, 3]}\nq: [*p, *p]\n", "d", &lim, 0);
    lim.max_alias_nodes = 3;
    pruned_like_full("a: &a [1, 2]\nd: {x: *a, y: &z 1}\n", "d", &lim, 0);
    lim.max_alias_nodes = 4;
    pruned_like_full("a: &a [1]\nd: {keep: *a, b: [*a]}\n", "d", &lim, 0);
    pruned_like_full("d: {x: *nope}\n", "d", NULL, 0);
    pruned_like_full("d: {x: [1, 2}\n", "d", NULL, 0);
    pruned_like_full("d: {x: 1}\n---\nd: {y: 2}\n", "d", NULL, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_spans),
        cmocka_unit_test(test_json_spans_tabs),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_yaml_typing),
        cmocka_unit_test(test_json_typing),
        cmocka_unit_test(test_anchors_shared),
        cmocka_unit_test(test_alias_bomb),
        cmocka_unit_test(test_depth_limits),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_multiple_documents),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_yaml_errors),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_json_yaml_fallback),
        cmocka_unit_test(test_decode_text),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_hostile_input),
        cmocka_unit_test(test_pruned_like_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
