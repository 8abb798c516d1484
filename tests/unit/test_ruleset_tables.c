/* What the compiler prepares so that a check does less: each kind's rule
 * list, message templates cut into parts, the table of an operation's
 * parameter names, the length of operation names without '-' and '_', and
 * the provenance of derived fields. Each must give exactly what the plain
 * way (scanning every rule, cutting the message when shown, searching the
 * list) gives: the same check runs with the tables and without them. */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "eval/eval.h"
#include "eval/regex.h"
#include "frontend/request.h"
#include "rules/ir.h"
#include "tenet/check.h"
#include "tenet/ruleset.h"
#include "util/arena.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char PACK[] =
    "tenet: 1\n"
    "name: tables-test\n"
    "kinds:\n"
    "  test.group:\n"
    "    fields:\n"
    "      id: {type: string}\n"
    "      engine: {type: string, default: redis}\n"
    "      node: {type: string}\n"
    "      family: {type: string, derive: {from: node, extract: '^n\\.([a-z0-9]+)\\.'}}\n"
    "      secure: {type: bool, default: false}\n"
    "    api:\n"
    "      service: testsvc\n"
    "      operations: {CreateThingGroup: create, ModifyThingGroup: update}\n"
    "      fields: {id: ThingGroupId, engine: Engine, node: NodeType, secure: Secure}\n"
    "      parameters:\n"
    "        CreateThingGroup: [ThingGroupId, Engine, NodeType, Secure, Tags, Description]\n"
    "  test.other:\n"
    "    fields:\n"
    "      name: {type: string}\n"
    "    api:\n"
    "      operations: {CreateOther: create}\n"
    "      fields: {name: Name}\n"
    "rules:\n"
    "  - id: G1\n"
    "    kind: test.group\n"
    "    severity: error\n"
    "    require: {secure: {is: true}}\n"
    "    message: 'group {id} ({engine}, family {family}) is not secure: {secure}'\n"
    "    at: secure\n"
    "  - id: O1\n"
    "    kind: test.other\n"
    "    severity: warning\n"
    "    when: {name: {present: true}}\n"
    "    message: 'other {name} in {@region}'\n"
    "  - id: G2\n"
    "    kind: test.group\n"
    "    on: [update]\n"
    "    severity: info\n"
    "    when: {engine: {in: [redis]}}\n"
    "    message: plain text, no placeholders\n"
    "  - id: G3\n"
    "    kind: test.group\n"
    "    severity: warning\n"
    "    when: {family: {present: true}}\n"
    "    message: 'family {family} of {node} in {@region}'\n";

static tenet_ruleset *rs;

static int group_setup(void **state) {
    (void)state;
    tenet_error err;
    memset(&err, 0, sizeof err);
    tenet_rules_source src = {"pack.yaml", PACK, sizeof PACK - 1};
    if (tenet_ruleset_compile(&rs, &src, 1, &err) != TENET_OK) {
        fprintf(stderr, "pack: %u:%u: %s\n", err.line, err.column, err.message);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    tenet_ruleset_free(rs);
    return 0;
}

static const tn_kind *kind_named(const char *name) {
    const tn_kind *k = tn_ruleset_kind(rs, name);
    assert_non_null(k);
    return k;
}

static void test_rules_by_kind(void **state) {
    (void)state;
    assert_true(rs->by_kind);
    const tn_kind *g = kind_named("test.group"), *o = kind_named("test.other");
    assert_int_equal(g->nrules, 3);
    assert_int_equal(g->rules[0], 0);
    assert_int_equal(g->rules[1], 2);
    assert_int_equal(g->rules[2], 3);
    assert_int_equal(o->nrules, 1);
    assert_int_equal(o->rules[0], 1);
    const size_t *idx;
    size_t n;
    assert_true(tn_eval_kind_rules(rs, g, &idx, &n));
    assert_int_equal(n, 3);
    /* A kind that is not one of the ruleset's: the caller scans. */
    tn_kind stray;
    memset(&stray, 0, sizeof stray);
    stray.name = "test.group";
    assert_false(tn_eval_kind_rules(rs, &stray, &idx, &n));
}

static void test_template_parts(void **state) {
    (void)state;
    tn_arena a;
    tn_arena_init(&a);
    const char *m = "a {x} {{b}} {nope} {unc";
    tn_kind k;
    tn_field f[1];
    memset(&k, 0, sizeof k);
    memset(f, 0, sizeof f);
    f[0].name = "x";
    f[0].derive_from = -1;
    k.name = "t.k";
    k.fields = f;
    k.nfields = 1;
    tn_msg_part *p;
    size_t n;
    assert_int_equal(tn_eval_template(&a, &k, m, &p, &n), TENET_OK);
    static const char *const want[] = {"a ", "{x}", " ", "{", "b", "}", " ", "{nope}", " ", "{unc"};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(p[i].len, strlen(want[i]));
        assert_memory_equal(p[i].text, want[i], p[i].len);
        assert_true((p[i].ref != NULL) == (i == 1)); /* only {x} names a field */
    }
    assert_int_equal(p[1].ref->first, 0);

    const tn_rule *g1 = &rs->rules[0], *g2 = &rs->rules[2];
    assert_non_null(g1->msg_parts);
    assert_null(g2->msg_parts); /* shown as written */
    tn_arena_release(&a);
}

static void test_params_table(void **state) {
    (void)state;
    tn_req_target t;
    assert_true(tn_request_find_op(rs, "CreateThingGroup", 16, NULL, &t));
    assert_non_null(t.op->param_slots);
    for (size_t i = 0; i < t.op->nparams; i++)
        assert_true(tn_request_is_valid(&t, t.op->params[i]));
    assert_false(tn_request_is_valid(&t, "engine")); /* names are exact */
    assert_false(tn_request_is_valid(&t, "Engines"));
    assert_false(tn_request_is_valid(&t, ""));
    /* Other spellings of the operation still find it. */
    assert_int_equal(t.op->norm_len, 16);
    assert_true(tn_request_find_op(rs, "create-thing-group", 18, NULL, &t));
    assert_string_equal(t.op->name, "CreateThingGroup");
    assert_true(tn_request_find_op(rs, "CREATE_THING_GROUP", 18, "testsvc", &t));
    assert_false(tn_request_find_op(rs, "CreateThingGroups", 17, NULL, &t));
    assert_false(tn_request_find_op(rs, "CreateThingGroup", 16, "othersvc", &t));
}

static void test_derive_note(void **state) {
    (void)state;
    const tn_kind *g = kind_named("test.group");
    long fam = tn_kind_field(g, "family");
    assert_true(fam >= 0);
    assert_string_equal(g->fields[fam].derive_note, "derived from node");
}

static void test_regex_limits(void **state) {
    (void)state;
    char err[128];
    size_t off;
    tn_regex *re = tn_regex_compile("^n\\.([a-z]+)", 12, err, sizeof err, &off);
    assert_non_null(re);
    void *dflt = tn_regex_match_data_new_limits(0, 0);
    void *own = tn_regex_match_data_new_limits(50, 20);
    assert_non_null(dflt);
    assert_non_null(own);
    size_t o = 0, l = 0;
    assert_int_equal(tn_regex_match(re, "n.abc.x", 7, dflt, &o, &l), 1);
    assert_int_equal(o, 2);
    assert_int_equal(l, 3);
    assert_int_equal(tn_regex_match(re, "n.abc.x", 7, own, &o, &l), 1);
    assert_int_equal(tn_regex_match(re, "m.abc.x", 7, dflt, NULL, NULL), 0);
    tn_regex_match_data_free(dflt);
    tn_regex_match_data_free(own);
    tn_regex_free(re);
    /* A limit too low to finish reports the limit. */
    re = tn_regex_compile("^(a+)+$", 7, err, sizeof err, &off);
    assert_non_null(re);
    own = tn_regex_match_data_new_limits(10, 0);
    assert_int_equal(tn_regex_match(re, "aaaaaaaaaaaaaaaaaaaaaaab", 24, own, NULL, NULL),
                     TENET_ELIMIT);
    tn_regex_match_data_free(own);
    tn_regex_free(re);
}

static char *render_check(const char *text, const char *region) {
    tenet_report *rep = NULL;
    tenet_check_options o;
    tenet_error err;
    memset(&err, 0, sizeof err);
    assert_int_equal(tenet_report_new(&rep), TENET_OK);
    tenet_check_options_init(&o, TENET_CHECK_OPTIONS_VERSION);
    o.filename = "request.txt";
    o.input_format = "api-query";
    o.regions = &region;
    o.region_count = region ? 1 : 0;
    int rc = tenet_check(rep, rs, text, strlen(text), &o, &err);
    assert_int_equal(rc, TENET_OK);
    tenet_render_options ro;
    tenet_render_options_init(&ro, TENET_RENDER_OPTIONS_VERSION);
    ro.format = TENET_FORMAT_JSON;
    tenet_buf buf = {0};
    assert_int_equal(tenet_report_render(rep, &ro, &buf, &err), TENET_OK);
    tenet_report_free(rep);
    char *out = malloc(buf.size + 1);
    assert_non_null(out);
    memcpy(out, buf.ptr, buf.size);
    out[buf.size] = '\0';
    tenet_buf_dispose(&buf);
    return out;
}

/* Takes every table away, as from a ruleset the compiler did not make. */
typedef struct saved {
    const tn_msg_part *parts[8];
    const tn_name_slot *slots[8][4];
    size_t norm[8][4];
} saved;

static void strip(tenet_ruleset *r, saved *sv, bool restore) {
    assert_true(r->nrules <= 8 && r->nkinds <= 8);
    r->by_kind = restore;
    for (size_t i = 0; i < r->nrules; i++) {
        if (!restore)
            sv->parts[i] = r->rules[i].msg_parts;
        r->rules[i].msg_parts = restore ? sv->parts[i] : NULL;
    }
    for (size_t k = 0; k < r->nkinds; k++) {
        for (size_t m = 0; m < r->kinds[k].nmaps; m++) {
            tn_format_map *map = &r->kinds[k].maps[m];
            for (size_t o = 0; o < map->nops && o < 4; o++) {
                if (!restore) {
                    sv->slots[k][o] = map->ops[o].param_slots;
                    sv->norm[k][o] = map->ops[o].norm_len;
                }
                map->ops[o].param_slots = restore ? sv->slots[k][o] : NULL;
                map->ops[o].norm_len = restore ? sv->norm[k][o] : 0;
            }
        }
    }
}

static void test_same_without_tables(void **state) {
    (void)state;
    static const char *const inputs[] = {
        "Action=CreateThingGroup&ThingGroupId=g1&Engine=valkey&NodeType=n.r6g.large"
        "&Secure=false&Tagz=1&Description=x",
        "Action=create-thing-group&ThingGroupId=g2&NodeType=n.m5.xlarge\n"
        "Action=ModifyThingGroup&ThingGroupId=g2&Engine=redis&Bogus=1\n"
        "Action=CreateOther&Name=o1\n",
        "Action=CreateThingGroup&thinggroupid=g3&ENGINE=redis&Secure=true",
    };
    static const char *const regions[] = {NULL, "us-east-1"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        for (size_t j = 0; j < 2; j++) {
            char *with = render_check(inputs[i], regions[j]);
            saved sv;
            strip(rs, &sv, false);
            char *without = render_check(inputs[i], regions[j]);
            strip(rs, &sv, true);
            assert_string_equal(with, without);
            assert_non_null(strstr(with, "\"diagnostics\""));
            free(with);
            free(without);
        }
    }
    /* The findings themselves: the templates filled. */
    char *out = render_check(inputs[0], "us-east-1");
    assert_non_null(strstr(out, "group g1 (valkey, family r6g) is not secure: false"));
    assert_non_null(strstr(out, "family r6g of n.r6g.large in us-east-1"));
    assert_non_null(strstr(out, "unknown parameter Tagz"));
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_by_kind),    cmocka_unit_test(test_template_parts),
        cmocka_unit_test(test_params_table),     cmocka_unit_test(test_derive_note),
        cmocka_unit_test(test_regex_limits),     cmocka_unit_test(test_same_without_tables),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
