/* Unit tests of the JSON loader skipping what a pruner drops (json_skip.c):
 * a dropped value is not built, yet loading says exactly what loading it
 * in full says (errors and their positions, limits, duplicate-key notes),
 * and what is kept is what a full load builds. Also: repeated keys share
 * one copy of their text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doc/load.h"
#include "doc_assert.h"
#include "util/alloc.h"

#include <stdio.h>
#include <string.h>

/* Drops the collection values of the keys spelled `ctx` (NULL: every one
 * asked about); keep() wants an object holding "keep". */
static bool drop_word(void *ctx, const tn_doc_level *lv, size_t depth) {
    const tn_node *k = tn_doc_level_key(&lv[depth - 1]);
    return k != NULL && (ctx == NULL || tn_node_str_eq(k, ctx));
}

static bool keep_marked(void *ctx, const tn_node *value) {
    (void)ctx;
    /* keep() sees the first level only: nested values are nulls */
    for (size_t i = 0; i < value->n; i++)
        assert_int_equal(value->type == TN_NODE_MAP ? value->ch.pairs[i].value->type
                                                    : value->ch.items[i]->type,
                         TN_NODE_NULL);
    return value->type == TN_NODE_MAP && tn_map_get(value, "keep") != NULL;
}

static int load_pruned(tn_doc **doc, const char *text, const char *word, bool keep,
                       const tn_doc_limits *lim, tenet_error *err) {
    tn_doc_pruner p = {drop_word, keep ? keep_marked : NULL, (void *)word, 8};
    tn_doc_load how = {false, &p};
    memset(err, 0, sizeof *err);
    return tn_doc_load_json(doc, text, strlen(text), "p.json", lim, &how, err);
}

/* Loads `text` pruned (with and without keep()) and in full: the same
 * status, error, notes and nodes but for `drops` dropped values (with
 * keep(); `plain_drops` without it). */
static void check_like_full(const char *text, const char *word, const tn_doc_limits *lim,
                            size_t drops, size_t plain_drops) {
    tn_doc *want = NULL;
    tenet_error werr;
    memset(&werr, 0, sizeof werr);
    int wrc = tn_doc_load_json(&want, text, strlen(text), "p.json", lim, NULL, &werr);
    for (int keep = 1; keep >= 0; keep--) {
        tn_doc *got = NULL;
        tenet_error gerr;
        int grc = load_pruned(&got, text, word, keep, lim, &gerr);
        if (grc != wrc || strcmp(gerr.message, werr.message) != 0)
            fail_msg("%d \"%s\", not %d \"%s\", in: %s", grc, gerr.message, wrc, werr.message,
                     text);
        assert_int_equal(gerr.line, werr.line);
        assert_int_equal(gerr.column, werr.column);
        if (wrc != TENET_OK)
            continue;
        assert_int_equal(got->nnotes, want->nnotes);
        for (size_t i = 0; i < want->nnotes; i++) {
            assert_memory_equal(&got->notes[i].span, &want->notes[i].span, sizeof(tn_span));
            assert_string_equal(got->notes[i].code, want->notes[i].code);
            assert_string_equal(got->notes[i].message, want->notes[i].message);
        }
        size_t dropped = 0, expect = keep ? drops : plain_drops;
        if (want->root)
            same_but_dropped(got->root, want->root, &dropped);
        if (dropped != expect)
            fail_msg("%zu dropped, not %zu, in: %s", dropped, expect, text);
        assert_int_equal(got->pruned, expect > 0);
        tn_doc_free(got);
    }
    tn_doc_free(want);
}

static void like_full(const char *text, const char *word, const tn_doc_limits *lim,
                      size_t drops) {
    check_like_full(text, word, lim, drops, drops);
}

static void test_kept_part_is_full_load(void **state) {
    (void)state;
    like_full("{\"a\": 1, \"d\": {\"x\": [1, {\"y\": 2}], \"z\": \"t\"}, \"e\": [true, null]}", "d",
              NULL, 1);
    like_full("{\"a\": {\"d\": {\"x\": [1, 2]}, \"e\": [3]}, \"b\": {\"d\": [\"\\u00e9\", 1.5e3]}}",
              "d", NULL, 2);
    /* Every collection value asked about; empty ones too. */
    like_full("[{\"a\": {\"b\": 1}}, {\"c\": [1], \"d\": {\"e\": \"f\"}, \"g\": {}, \"h\": []}]",
              NULL, NULL, 5);
    /* Positions after a dropped value: multi-byte text, escapes, tabs, CRLF. */
    like_full("{\"\xC3\xA9\": 1,\n\"d\": {\"\xE2\x82\xAC\": [\"\xF0\x9F\x98\x80\", \"x\\n\\u00e9\"],"
              "\n\t\"k\": \"v\"},\r\n\"z\": \"\xC3\xA9\\ud83d\\ude00\"}",
              "d", NULL, 1);
    /* Scalars are never dropped; collections deeper down are. */
    like_full("{\"d\": 1, \"x\": {\"y\": {\"z\": {\"d\": [1]}}}}", "d", NULL, 1);
    /* keep() sees the keys; what it keeps is whole and nothing in it is dropped. */
    check_like_full("{\"d\": {\"a\": [1], \"keep\": {\"d\": [2]}, \"b\": {\"c\": 3}}, \"e\": {\"d\": {}}}",
                    "d", NULL, 1, 2);
    check_like_full("{\"d\": [\"keep\"], \"f\": {\"keep\": 1, \"g\": {\"h\": [1]}}}", NULL, NULL, 1, 2);
}

static void test_duplicate_keys_keep_the_value(void **state) {
    (void)state;
    /* Duplicates inside a dropped value: it is built after all, with its note. */
    like_full("{\"d\": {\"x\": {\"k\": 1, \"k\": 2}}, \"e\": {\"d\": [1]}}", "d", NULL, 1);
    like_full("{\"d\": {\"k\": 1, \"k\": {\"d\": [2]}}}", "d", NULL, 0);
    /* Keys compare decoded. */
    like_full("{\"d\": {\"a\": 1, \"\\u0061\": 2}}", "d", NULL, 0);
    like_full("{\"d\": {\"a\\/b\": 1, \"a/b\": 2, \"\": 3, \"\\u0000\": 4}}", "d", NULL, 0);
    /* Hashed objects (more than eight keys). */
    like_full("{\"d\": {\"k0\": 0, \"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": 5, \"k6\": 6,"
              " \"k7\": 7, \"k8\": 8, \"k1\": 9},"
              " \"e\": {\"d\": {\"k0\": 0, \"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": 5,"
              " \"k6\": 6, \"k7\": 7, \"k8\": 8}}}",
              "d", NULL, 1);
    /* Equal keys in different objects are no duplicates. */
    like_full("{\"d\": {\"a\": {\"a\": 1}, \"b\": {\"a\": 2}, \"c\": [{\"a\": 3}, {\"a\": 4}]}}",
              "d", NULL, 1);
    /* A duplicate after a deeper object that ended, and in an array of objects. */
    like_full("{\"d\": {\"a\": {\"x\": 1, \"y\": 2}, \"b\": 1, \"a\": 3}}", "d", NULL, 0);
    like_full("{\"d\": [{\"a\": 1}, {\"b\": 1, \"b\": 2}], \"f\": {\"d\": [3]}}", "d", NULL, 1);
    /* Then an error after it: the error of building it. */
    like_full("{\"d\": {\"k\": 1, \"k\": 2}, \"e\": [1,]}", "d", NULL, 0);
    like_full("{\"d\": {\"x\": {\"k\": 1, \"k\": 2}, \"y\": [1 2]}}", "d", NULL, 0);
}

static void test_errors_inside_a_dropped_value(void **state) {
    (void)state;
    static const char *const bad[] = {
        "{\"d\": {\"x\": [1, 2}}",
        "{\"d\": {\"x\": [1, 2],}}",
        "{\"d\": [1, 2,]}",
        "{\"d\": {\"x\" 1}}",
        "{\"d\": {x: 1}}",
        "{\"d\": {\"x\": 1 \"y\": 2}}",
        "{\"d\": {\"x\": \"a\\qb\"}}",
        "{\"d\": {\"x\": \"a\\u12\"}}",
        "{\"d\": {\"x\": \"\\udc00\"}}",
        "{\"d\": {\"x\": \"\\ud800x\"}}",
        "{\"d\": {\"\\ud800\": 1}}",
        "{\"d\": {\"x\": \"tab\there\"}}",
        "{\"d\": {\"x\": \"\xC3\x28\"}}",
        "{\"d\": {\"x\": \xE2\x82\xAC}}",
        "{\"d\": {\"x\": \"unterminated}}",
        "{\"d\": {\"x\": \"ends\\",
        "{\"d\": {\"x\": 01}}",
        "{\"d\": {\"x\": -}}",
        "{\"d\": {\"x\": 1.}}",
        "{\"d\": {\"x\": 1e+}}",
        "{\"d\": {\"x\": tru}}",
        "{\"d\": {\"x\": nul}}",
        "{\"d\": {\"x\": [}}",
        "{\"d\": {\"x\":",
        "{\"d\": [",
        "{\"d\": {",
        "{\"d\": {\"x\": 1}",
        "{\"d\": {\"x\": 1}} extra",
        "{\"d\": {\"x\": \x7F}}",
        "{\"d\": {\n\t\"\xC3\xA9\": [1,\n  2,, 3]}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tn_doc *doc = NULL;
        tenet_error err;
        assert_int_not_equal(load_pruned(&doc, bad[i], "d", true, NULL, &err), TENET_OK);
        assert_null(doc);
        like_full(bad[i], "d", NULL, 0);
    }
}

/* {"d": [[...]], "e": 1} with `depth` arrays. */
static const char *nested(int depth) {
    static char text[1100];
    size_t n = (size_t)snprintf(text, sizeof text, "{\"d\": ");
    for (int i = 0; i < depth; i++)
        text[n++] = '[';
    for (int i = 0; i < depth; i++)
        text[n++] = ']';
    snprintf(text + n, sizeof text - n, ", \"e\": 1}");
    return text;
}

static void test_limits_inside_a_dropped_value(void **state) {
    (void)state;
    tn_doc_limits lim = {0};
    /* Nesting: counted from the document's root. */
    lim.max_depth = 4;
    like_full("{\"a\": 1, \"d\": {\"x\": [[1]]}}", "d", &lim, 1);
    like_full("{\"a\": 1, \"d\": {\"x\": [[[1]]]}}", "d", &lim, 0);
    like_full("{\"a\": {\"d\": {\"x\": [[1]]}}}", "d", &lim, 0);
    like_full("{\"d\": [[[{}]]]}", "d", &lim, 0);
    lim.max_depth = 2;
    like_full("{\"d\": {\"x\": 1}}", "d", &lim, 1);
    like_full("{\"d\": {\"x\": {}}}", "d", &lim, 0);
    /* Deep nesting: up to the default limit (256, the root included), and past it. */
    like_full(nested(255), "d", NULL, 1);
    like_full(nested(256), "d", NULL, 0);
    /* Scalars: strings by their decoded length, numbers by their text. */
    lim.max_depth = 0;
    lim.max_scalar_bytes = 4;
    like_full("{\"d\": {\"x\": [12345]}}", "d", &lim, 0);
    like_full("{\"d\": {\"x\": [1234]}}", "d", &lim, 1);
    like_full("{\"d\": {\"x\": \"abcde\"}}", "d", &lim, 0);
    like_full("{\"d\": {\"abcde\": 1}}", "d", &lim, 0);
    like_full("{\"d\": {\"x\": \"\\u00e9\\u00e9\"}}", "d", &lim, 1);
    like_full("{\"d\": {\"x\": \"\\u00e9\\u00e9\\n\"}}", "d", &lim, 0);
    like_full("{\"d\": {\"x\": \"\xF0\x9F\x98\x80\"}}", "d", &lim, 1);
    like_full("{\"d\": {\"x\": \"a\xF0\x9F\x98\x80\"}}", "d", &lim, 0);
    /* Over the limit, then a syntax error in the same string: what building says. */
    like_full("{\"d\": {\"x\": \"abcde\\q\"}}", "d", &lim, 0);
    like_full("{\"d\": {\"x\": \"abcde\x01\"}}", "d", &lim, 0);
}

static void test_out_of_memory_while_skipping(void **state) {
    (void)state;
    static const char text[] =
        "{\"a\": [1], \"d\": {\"x\": [1, \"y\"], \"keep\": 1}, \"e\": {\"d\": {\"k\": 1, \"k\": 2}},"
        " \"f\": {\"d\": [{\"z\": 1}, 2]}, \"g\": {\"d\": {\"x\": [1, 2, 3]}}}";
    for (long i = 0;; i++) {
        tn_doc *doc = NULL;
        tenet_error err;
        tn_alloc_fail_after(i);
        int rc = load_pruned(&doc, text, NULL, true, NULL, &err);
        tn_alloc_fail_after(-1);
        tn_doc_free(doc);
        if (rc == TENET_OK)
            break;
        assert_int_equal(rc, TENET_ENOMEM);
        assert_true(i < 1000);
    }
}

static void test_repeated_keys_share_text(void **state) {
    (void)state;
    static const char text[] = "[{\"name\": 1, \"n\\u0061me\": 2}, {\"name\": 3}, {\"other\": 4}]";
    tn_doc *doc = NULL;
    tenet_error err;
    assert_int_equal(tn_doc_parse_json(&doc, text, strlen(text), "k.json", NULL, &err), TENET_OK);
    tn_node *const *items = doc->root->ch.items;
    const tn_node *a = items[0]->ch.pairs[0].key, *b = items[1]->ch.pairs[0].key;
    assert_ptr_equal(a->str, b->str);
    assert_string_equal(items[0]->ch.pairs[1].key->str, "name"); /* escaped: a copy of its own */
    assert_ptr_not_equal(items[0]->ch.pairs[1].key->str, a->str);
    assert_int_not_equal(memcmp(&a->span, &b->span, sizeof a->span), 0); /* nodes stay apart */
    assert_string_equal(items[2]->ch.pairs[0].key->str, "other");
    tn_doc_free(doc);
    /* Keys first copied in a value that is dropped, or kept after all, or
     * shown to keep(), then seen again: what was rolled back is not reused
     * (the sanitizer builds check it). */
    like_full("{\"d\": {\"new1\": {\"new2\": 1}}, \"e\": {\"new1\": 1, \"new2\": 2}}", "d", NULL, 1);
    check_like_full("{\"d\": {\"keep\": 1, \"k2\": [1], \"k3\": {}}, \"f\": {\"keep\": 2, \"k2\": 3},"
                    " \"g\": {\"d\": {\"k3\": 1}}, \"k3\": 4}",
                    "d", NULL, 1, 2);
    like_full("{\"d\": {\"k4\": 1, \"k4\": 2}, \"k4\": 3, \"e\": {\"d\": {\"k4\": 4}}}", "d", NULL, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept_part_is_full_load),
        cmocka_unit_test(test_duplicate_keys_keep_the_value),
        cmocka_unit_test(test_errors_inside_a_dropped_value),
        cmocka_unit_test(test_limits_inside_a_dropped_value),
        cmocka_unit_test(test_out_of_memory_while_skipping),
        cmocka_unit_test(test_repeated_keys_share_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
