/* Unit tests of pruning while loading: arena marks and rollback, the
 * loaders' pruner hooks (YAML and JSON), borrowed text, the template and
 * plan pruners, and tenet_check loading again in full when a guess fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "doc/load.h"
#include "frontend/cfn.h"
#include "frontend/frontend.h"
#include "frontend/tfplan.h"
#include "tenet/check.h"
#include "tenet/ruleset.h"
#include "util/arena.h"

#include <stdio.h>
#include <string.h>

/* ---- arena marks ---- */

/* Built with TENET_DEBUG_ARENA every allocation is a malloc of its own:
 * nothing is packed or reused, so only the sizes can be checked. */
static bool arena_packs(void) {
    tn_arena a;
    tn_arena_init(&a);
    char *x = tn_arena_alloc(&a, 1), *y = tn_arena_alloc(&a, 1);
    bool packs = y == x + 16;
    tn_arena_release(&a);
    return packs;
}

static void test_arena_rollback(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    char *first = tn_arena_alloc(&a, 100);
    assert_non_null(first);
    tn_arena_mark m = tn_arena_mark_get(&a);
    size_t total = a.total;
    void *next = tn_arena_alloc(&a, 16);
    for (int i = 0; i < 2000; i++)
        assert_non_null(tn_arena_alloc(&a, 64));
    assert_non_null(tn_arena_alloc(&a, 1u << 20)); /* a chunk of its own */
    assert_non_null(tn_arena_strdup(&a, "dropped"));
    tn_arena_rollback(&a, &m);
    assert_int_equal(a.total, total);
    /* The memory after the mark serves again. */
    void *again = tn_arena_alloc(&a, 16);
    if (arena_packs())
        assert_ptr_equal(again, next);
    assert_string_equal(tn_arena_strdup(&a, "kept"), "kept");
    tn_arena_release(&a);

    /* A mark on an empty arena rolls back to empty. */
    tn_arena_init(&a);
    m = tn_arena_mark_get(&a);
    assert_non_null(tn_arena_alloc(&a, 5000));
    tn_arena_rollback(&a, &m);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
    tn_arena_release(&a);
}

static void test_arena_strings_packed(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    char *s1 = tn_arena_strdup(&a, "ab");
    char *s2 = tn_arena_strdup(&a, "cd");
    if (arena_packs())
        assert_ptr_equal(s2, s1 + 3); /* strings need no alignment */
    char *f = tn_arena_sprintf(&a, "%s-%d", "x", 42);
    assert_string_equal(f, "x-42");
    void *p = tn_arena_alloc(&a, 8); /* other allocations still are aligned */
    assert_int_equal((uintptr_t)p % 16, 0);
    tn_arena_release(&a);
}

/* ---- loaders ---- */

typedef struct test_pruner {
    size_t asked;
    const char *word; /* drop the values of this key */
} test_pruner;

static bool drop_word(void *ctx, const tn_doc_level *lv, size_t depth) {
    test_pruner *t = ctx;
    t->asked++;
    const tn_node *k = tn_doc_level_key(&lv[depth - 1]);
    return k != NULL && tn_node_str_eq(k, t->word);
}

static bool keep_marked(void *ctx, const tn_node *value) {
    (void)ctx;
    return value->type == TN_NODE_MAP && tn_map_get(value, "marked") != NULL;
}

static tn_doc *load(const char *text, test_pruner *t, size_t max_depth, bool borrow) {
    tn_doc_pruner p = {drop_word, keep_marked, t, max_depth};
    tn_doc_load how = {borrow, &p};
    tn_doc *doc = NULL;
    tenet_error err;
    int rc = tn_doc_parse_with(&doc, text, strlen(text), "t", NULL, &how, &err);
    if (rc != TENET_OK)
        fail_msg("parse: %s", err.message);
    return doc;
}

static void test_loaders_drop_values(void **state) {
    (void)state;
    static const char *const texts[] = {
        "keep: {a: 1}\ndrop: {b: [1, 2, {c: 3}]}\nafter: x\nnested: {drop: [1]}\n",
        "{\"keep\": {\"a\": 1}, \"drop\": {\"b\": [1, 2, {\"c\": 3}]}, \"after\": \"x\",\n"
        " \"nested\": {\"drop\": [1]}}\n",
    };
    for (size_t i = 0; i < 2; i++) {
        test_pruner t = {0, "drop"};
        tn_doc *doc = load(texts[i], &t, 1, false);
        assert_true(doc->pruned);
        assert_true(t.asked >= 2);
        const tn_node *drop = tn_map_get(doc->root, "drop");
        assert_non_null(drop);
        assert_int_equal(drop->type, TN_NODE_NULL);
        assert_int_equal(tn_map_get(tn_map_get(doc->root, "keep"), "a")->as.i, 1);
        assert_string_equal(tn_map_get(doc->root, "after")->str, "x");
        /* Deeper than max_depth: not asked, kept. */
        const tn_node *nested = tn_map_get(tn_map_get(doc->root, "nested"), "drop");
        assert_int_equal(nested->type, TN_NODE_SEQ);
        /* Keys keep their place and spans. */
        assert_int_equal(doc->root->ch.pairs[1].key->span.line, i == 0 ? 2 : 1);
        tn_doc_free(doc);
    }
}

static void test_loaders_keep_what_must_stay(void **state) {
    (void)state;
    /* An anchor inside: an alias may point into the value. */
    test_pruner t = {0, "drop"};
    tn_doc *doc = load("drop: &A {b: 1}\nalias: *A\n", &t, 1, false);
    assert_false(doc->pruned);
    assert_ptr_equal(tn_map_get(doc->root, "drop"), tn_map_get(doc->root, "alias"));
    tn_doc_free(doc);
    /* A duplicate key inside: its note must stay. */
    doc = load("drop: {b: 1, b: 2}\n", &t, 1, false);
    assert_false(doc->pruned);
    assert_int_equal(doc->nnotes, 1);
    assert_int_equal(tn_map_get(doc->root, "drop")->type, TN_NODE_MAP);
    tn_doc_free(doc);
    doc = load("{\"drop\": {\"b\": 1, \"b\": 2}}", &t, 1, false);
    assert_false(doc->pruned);
    assert_int_equal(doc->nnotes, 1);
    tn_doc_free(doc);
    /* The pruner's own veto. */
    doc = load("drop: {marked: 1}\nother: {drop: 2}\n", &t, 1, false);
    assert_false(doc->pruned);
    assert_int_equal(tn_map_get(doc->root, "drop")->type, TN_NODE_MAP);
    tn_doc_free(doc);
    /* A tag first seen inside is dropped with it, and still interned for later nodes. */
    doc = load("drop: !Custom {a: 1}\nlater: !Custom x\n", &t, 1, false);
    assert_true(doc->pruned);
    assert_string_equal(tn_map_get(doc->root, "later")->tag, "!Custom");
    tn_doc_free(doc);
}

static void test_borrowed_text(void **state) {
    (void)state;
    static const char text[] = "a: 1\n";
    test_pruner t = {0, "none"};
    tn_doc *doc = load(text, &t, 1, true);
    assert_ptr_equal(doc->text, text);
    tn_doc_free(doc);
    doc = load(text, &t, 1, false);
    assert_ptr_not_equal(doc->text, text);
    assert_string_equal(doc->text, text);
    tn_doc_free(doc);
}

/* ---- the template and plan pruners ---- */

static const char TEMPLATE[] =
    "AWSTemplateFormatVersion: '2010-09-09'\n"
    "Metadata:\n"
    "  AWS::CloudFormation::Interface: {ParameterGroups: [{Label: x}]}\n"
    "Resources:\n"
    "  Bucket:\n"
    "    Type: AWS::S3::Bucket\n"
    "    Metadata: {Owner: {team: a}}\n"
    "    Properties:\n"
    "      Tags: [{Key: a, Value: b}]\n"
    "  Late:\n"
    "    Properties: {Tags: [{Key: a, Value: b}]}\n"
    "    Type: AWS::S3::Bucket\n"
    "  Cache:\n"
    "    Type: AWS::ElastiCache::ReplicationGroup\n"
    "    Metadata:\n"
    "      tenet: {ignore: [EC-AR-003]}\n"
    "    Properties:\n"
    "      EngineVersion: 3.2.10\n"
    "      CacheNodeType: cache.m6g.large\n"
    "      AtRestEncryptionEnabled: true\n"
    "      SecurityGroupIds: [sg-1]\n"
    "      Tags: [{Key: a, Value: b}]\n"
    "Outputs:\n"
    "  Id: {Value: !Ref Cache}\n";

static tn_doc *load_guess(const char *text, const tenet_ruleset *rs, tn_prune_guess *g) {
    tn_doc_pruner p;
    tn_frontend_guess_pruner(g, rs, &p);
    tn_doc_load how = {false, &p};
    tn_doc *doc = NULL;
    tenet_error err;
    if (tn_doc_parse_with(&doc, text, strlen(text), "t", NULL, &how, &err) != TENET_OK)
        fail_msg("parse: %s", err.message);
    return doc;
}

static void test_cfn_pruner(void **state) {
    (void)state;
    tenet_ruleset *rs = NULL;
    tenet_error err;
    assert_int_equal(tenet_ruleset_builtin(&rs, &err), TENET_OK);
    tn_prune_guess g;
    tn_doc *doc = load_guess(TEMPLATE, rs, &g);
    assert_true(doc->pruned);
    assert_true(tn_frontend_guess_holds(&g, &tn_frontend_cloudformation));
    assert_false(tn_frontend_guess_holds(&g, &tn_frontend_terraform_plan));
    const tn_node *root = doc->root, *res = tn_map_get(root, "Resources");
    assert_int_equal(tn_map_get(root, "Outputs")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(root, "Metadata")->type, TN_NODE_NULL);
    const tn_node *bucket = tn_map_get(res, "Bucket");
    assert_string_equal(tn_map_get(bucket, "Type")->str, "AWS::S3::Bucket");
    assert_int_equal(tn_map_get(bucket, "Properties")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(bucket, "Metadata")->type, TN_NODE_NULL);
    /* Type after Properties: not known in time, kept. */
    assert_int_equal(tn_map_get(tn_map_get(res, "Late"), "Properties")->type, TN_NODE_MAP);
    /* A mapped resource keeps what its mapping reads, and Metadata.tenet. */
    const tn_node *cache = tn_map_get(res, "Cache");
    const tn_node *props = tn_map_get(cache, "Properties");
    assert_int_equal(props->type, TN_NODE_MAP);
    assert_int_equal(tn_map_get(props, "Tags")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(props, "SecurityGroupIds")->type, TN_NODE_SEQ);
    assert_string_equal(tn_map_get(props, "EngineVersion")->str, "3.2.10");
    assert_int_equal(tn_map_get(cache, "Metadata")->type, TN_NODE_MAP);
    tn_doc_free(doc);
    tenet_ruleset_free(rs);
}

static const char PLAN[] =
    "{\"format_version\": \"1.2\",\n"
    " \"planned_values\": {\"root_module\": {\"resources\": [{\"address\": \"x\"}]}},\n"
    " \"resource_changes\": [\n"
    "  {\"address\": \"aws_s3_bucket.b\", \"type\": \"aws_s3_bucket\", \"name\": \"b\",\n"
    "   \"change\": {\"actions\": [\"create\"], \"after\": {\"bucket\": \"b\"}}},\n"
    "  {\"address\": \"aws_elasticache_replication_group.g\",\n"
    "   \"type\": \"aws_elasticache_replication_group\", \"name\": \"g\",\n"
    "   \"change\": {\"actions\": [\"create\"], \"after_sensitive\": {\"tags\": {}},\n"
    "    \"after\": {\"engine_version\": \"3.2.10\", \"at_rest_encryption_enabled\": true,\n"
    "     \"security_group_ids\": [\"sg-1\"], \"tags\": {\"a\": \"b\"}}}}]%s}\n";

static void test_tfplan_pruner(void **state) {
    (void)state;
    tenet_ruleset *rs = NULL;
    tenet_error err;
    assert_int_equal(tenet_ruleset_builtin(&rs, &err), TENET_OK);
    char text[2048];
    snprintf(text, sizeof text, PLAN, "");
    tn_prune_guess g;
    tn_doc *doc = load_guess(text, rs, &g);
    assert_true(doc->pruned);
    assert_true(tn_frontend_guess_holds(&g, &tn_frontend_terraform_plan));
    assert_false(tn_frontend_guess_holds(&g, &tn_frontend_cloudformation));
    const tn_node *root = doc->root;
    assert_non_null(tn_map_get(root, "planned_values")); /* still there for detection */
    assert_int_equal(tn_map_get(root, "planned_values")->type, TN_NODE_NULL);
    const tn_node *rcs = tn_map_get(root, "resource_changes");
    assert_int_equal(tn_map_get(rcs->ch.items[0], "change")->type, TN_NODE_NULL);
    const tn_node *change = tn_map_get(rcs->ch.items[1], "change");
    assert_int_equal(tn_map_get(change, "actions")->type, TN_NODE_SEQ);
    assert_int_equal(tn_map_get(change, "after_sensitive")->type, TN_NODE_NULL);
    const tn_node *after = tn_map_get(change, "after");
    assert_int_equal(tn_map_get(after, "tags")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(after, "security_group_ids")->type, TN_NODE_SEQ);
    tn_doc_free(doc);
    tenet_ruleset_free(rs);
}

/* The configuration: of a mapped type's expressions, only which attributes
 * are set and the references a linking field may follow stay. */
static void test_tfplan_pruner_config(void **state) {
    (void)state;
    tenet_ruleset *rs = NULL;
    tenet_error err;
    assert_int_equal(tenet_ruleset_builtin(&rs, &err), TENET_OK);
    static const char plan[] =
        "{\"format_version\": \"1.2\", \"resource_changes\": [],\n"
        " \"configuration\": {\"root_module\": {\"resources\": [\n"
        "  {\"type\": \"aws_elasticache_replication_group\", \"name\": \"g\",\n"
        "   \"expressions\": {\"tags\": {\"constant_value\": {\"a\": \"b\"}},\n"
        "    \"engine_version\": {\"constant_value\": \"3.2.10\"},\n"
        "    \"kms_key_id\": {\"references\": [\"aws_kms_key.k.arn\", \"aws_kms_key.k\"]},\n"
        "    \"cluster_mode\": [{\"num_node_groups\": {\"constant_value\": 2}}]}},\n"
        "  {\"expressions\": {\"tags\": {\"constant_value\": {}}},\n"
        "   \"type\": \"aws_elasticache_replication_group\", \"name\": \"late\"},\n"
        "  {\"type\": \"aws_s3_bucket\", \"name\": \"b\",\n"
        "   \"expressions\": {\"bucket\": {\"constant_value\": \"b\"}}}]}}}\n";
    tn_prune_guess g;
    tn_doc *doc = load_guess(plan, rs, &g);
    assert_true(doc->pruned);
    assert_true(tn_frontend_guess_holds(&g, &tn_frontend_terraform_plan));
    const tn_node *res = tn_map_get(tn_map_get(tn_map_get(doc->root, "configuration"), "root_module"),
                                    "resources");
    const tn_node *ex = tn_map_get(res->ch.items[0], "expressions");
    assert_int_equal(ex->n, 4); /* every attribute is still there */
    assert_int_equal(tn_map_get(ex, "tags")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(ex, "engine_version")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(ex, "cluster_mode")->type, TN_NODE_NULL);
    assert_int_equal(tn_map_get(tn_map_get(ex, "kms_key_id"), "references")->n, 2);
    /* The type after the expressions: not known in time, kept. */
    ex = tn_map_get(res->ch.items[1], "expressions");
    assert_int_equal(tn_map_get(ex, "tags")->type, TN_NODE_MAP);
    /* A type no kind maps: all of its expressions. */
    assert_int_equal(tn_map_get(res->ch.items[2], "expressions")->type, TN_NODE_NULL);
    tn_doc_free(doc);
    tenet_ruleset_free(rs);
}

/* ---- tenet_check: the guess is checked ---- */

static char *check_json(const tenet_ruleset *rs, const char *text, const char *format) {
    tenet_report *r = NULL;
    assert_int_equal(tenet_report_new(&r), TENET_OK);
    tenet_check_options o;
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    static const char *const regions[] = {"us-east-1"};
    o.regions = regions;
    o.region_count = 1;
    o.filename = "input";
    o.input_format = format;
    tenet_error err;
    assert_int_equal(tenet_check(r, rs, text, strlen(text), &o, &err), TENET_OK);
    tenet_render_options ro;
    tenet_render_options_init(&ro, TENET_RENDER_OPTIONS_VERSION);
    ro.format = TENET_FORMAT_JSON;
    tenet_buf out = {0};
    assert_int_equal(tenet_report_render(r, &ro, &out, &err), TENET_OK);
    tenet_report_free(r);
    return out.ptr;
}

static void test_check_validates_guess(void **state) {
    (void)state;
    tenet_ruleset *rs = NULL;
    tenet_error err;
    assert_int_equal(tenet_ruleset_builtin(&rs, &err), TENET_OK);
    /* A plan with a top-level Outputs section the template pruner drops:
     * judged as a plan, it is loaded again in full, and says the same as
     * without it. */
    char plain[2048], odd[2048];
    snprintf(plain, sizeof plain, PLAN, ",\n \"Zzz\": {\"x\": [1]}");
    snprintf(odd, sizeof odd, PLAN, ",\n \"Outputs\": {\"x\": [1]}");
    char *a = check_json(rs, plain, NULL), *b = check_json(rs, odd, NULL);
    assert_non_null(strstr(a, "EC-AR-001"));
    assert_string_equal(a, b);
    tenet_buf_dispose(&(tenet_buf){a, strlen(a)});
    tenet_buf_dispose(&(tenet_buf){b, strlen(b)});

    /* A template: same answers detected or named, pruned either way; the
     * suppression in the kept Metadata.tenet still applies. */
    a = check_json(rs, TEMPLATE, NULL);
    b = check_json(rs, TEMPLATE, "cloudformation");
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "EC-AR-001"));
    assert_non_null(strstr(a, "\"suppressed\": true"));
    tenet_buf_dispose(&(tenet_buf){a, strlen(a)});
    tenet_buf_dispose(&(tenet_buf){b, strlen(b)});

    /* A duplicate key anywhere: loaded again in full, and reported. */
    static const char dup[] = "Resources:\n"
                              "  B:\n"
                              "    Type: AWS::S3::Bucket\n"
                              "    Properties: {Tags: [1]}\n"
                              "    Type: AWS::ElastiCache::ReplicationGroup\n";
    a = check_json(rs, dup, NULL);
    assert_non_null(strstr(a, "duplicate-key"));
    tenet_buf_dispose(&(tenet_buf){a, strlen(a)});
    tenet_ruleset_free(rs);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_rollback),
        cmocka_unit_test(test_arena_strings_packed),
        cmocka_unit_test(test_loaders_drop_values),
        cmocka_unit_test(test_loaders_keep_what_must_stay),
        cmocka_unit_test(test_borrowed_text),
        cmocka_unit_test(test_cfn_pruner),
        cmocka_unit_test(test_tfplan_pruner),
        cmocka_unit_test(test_tfplan_pruner_config),
        cmocka_unit_test(test_check_validates_guess),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
